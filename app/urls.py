"""Absolute URLs and the hosts the site answers for.

Every absolute URL the site hands out (links in emails, the Atom feed, the
sitemap, robots.txt, the API's ``url`` fields and the OpenAPI ``servers``) is
built by :func:`external_url` from ``PUBLIC_URL``, the canonical address
configured for the deployment, never from the request's ``Host`` or
``X-Forwarded-Host``: an attacker who chooses the Host header must not choose
where a password-reset token is sent.

Requests for a host outside ``TRUSTED_HOSTS`` answer 400 (Flask checks it
while routing). Without configuration (development and tests only; production
refuses to start without ``PUBLIC_URL``), the trusted hosts are the loopback
names, and absolute URLs use the request's own, already trusted, loopback
address so that ``flask run --port N`` keeps working.
"""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for
from werkzeug.routing import IntegerConverter

#: Absolute URLs outside a request in development (a CLI command), when PUBLIC_URL is not set.
DEVELOPMENT_URL = "http://127.0.0.1:5000"
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def public_url_problem(value):
    """Why `value` cannot be PUBLIC_URL (in English, for the operator), or None."""
    parts = urlsplit(value or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "PUBLIC_URL must be an absolute http:// or https:// address such as https://exchange.example.org"
    if parts.query or parts.fragment:
        return "PUBLIC_URL must not have a query or a fragment"
    return None


def trusted_hosts(config):
    """TRUSTED_HOSTS as configured (a list, or a comma-separated string), else derived.

    Derived: the PUBLIC_URL host, plus the loopback names outside production.
    """
    configured = config.get("TRUSTED_HOSTS")
    if isinstance(configured, str):
        configured = [host.strip() for host in configured.split(",") if host.strip()]
    if configured:
        return list(configured)
    hosts = []
    if config.get("PUBLIC_URL"):
        hosts.append(urlsplit(config["PUBLIC_URL"]).hostname)
    if config.get("ENV_NAME") != "production":
        hosts.extend(host for host in LOOPBACK_HOSTS if host not in hosts)
    return hosts


def configure(app):
    """Check PUBLIC_URL (required in production) and set TRUSTED_HOSTS; called by load_config."""
    config = app.config
    public_url = (config.get("PUBLIC_URL") or "").strip().rstrip("/")
    if not public_url and config["ENV_NAME"] == "production":
        raise RuntimeError(
            "PUBLIC_URL is not set: configure FLASK_PUBLIC_URL (the site's canonical address, "
            "e.g. https://exchange.example.org) before running in production."
        )
    if public_url and (problem := public_url_problem(public_url)):
        raise RuntimeError(problem)
    config["PUBLIC_URL"] = public_url or None
    config["TRUSTED_HOSTS"] = trusted_hosts(config)


def public_base_url():
    """PUBLIC_URL, or in development the request's (trusted, loopback) root; no trailing slash."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured
    if has_request_context():
        return request.url_root.rstrip("/")
    return DEVELOPMENT_URL


def external_url(endpoint, **values):
    """The absolute URL of `endpoint` on PUBLIC_URL: the one way to build one."""
    values.pop("_external", None)
    if has_request_context():
        path = url_for(endpoint, **values)
        # The mount point (SCRIPT_NAME) is part of PUBLIC_URL, as it is of url_root.
        if request.script_root and path.startswith(request.script_root):
            path = path[len(request.script_root) :]
    else:
        base = urlsplit(public_base_url())
        adapter = current_app.url_map.bind(base.netloc, url_scheme=base.scheme)
        path = adapter.build(endpoint, values)
    return public_base_url() + path


#: The largest id a database column holds (PostgreSQL's integer; SQLite's is larger).
MAX_DATABASE_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` that only matches ids a database integer can hold.

    A larger number (30 nines) is no row of ours: 404 from routing, instead
    of an overflow error from the database driver.
    """

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_DATABASE_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app):
    """Before the blueprints: every ``<int:...>`` route then uses the bounded converter."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.jinja_env.globals["external_url"] = external_url
