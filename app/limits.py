"""Rate limits for the public forms, shared by every area.

The limit strings live in the configuration (``FLASK_LOGIN_RATE_LIMIT`` etc.)
and are read per request, so deployments and tests can change them.
Flask-Limiter itself is configured by the ``RATELIMIT_*`` keys: storage
(``RATELIMIT_STORAGE_URI``: memory:// for one process, redis:// for several)
and ``RATELIMIT_ENABLED``. Only POST requests count: reading a form is free.
"""

import hashlib
import os
import shlex
import sys

from flask import current_app, request

from .extensions import limiter


def _configured(key):
    return lambda: current_app.config[key]


def _submitted_email():
    """Key for per-account limits: a hash of the email typed into the form (any case).

    Hashed so that the limiter's storage (Redis in production) holds no addresses.
    """
    address = request.form.get("email", "").strip().lower()
    return "email:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def _post_only():
    return request.method != "POST"


#: Per client IP, for any public form that stores or sends something (interest, registration).
form_limit = limiter.limit(_configured("FORM_RATE_LIMIT"), exempt_when=_post_only)

#: Login: per client IP. Per account there is no hard limit (anyone could lock the
#: owner out) but a progressive delay: see app/login_throttle.py.
login_limit_per_ip = limiter.limit(_configured("LOGIN_RATE_LIMIT"), exempt_when=_post_only)


def _signed_in_user():
    from flask_login import current_user

    return f"user:{current_user.get_id() or 'anonymous'}"


#: The current-password check on /account/password: per signed-in user and per IP.
password_check_limit_per_user = limiter.limit(
    _configured("PASSWORD_CHECK_RATE_LIMIT"), key_func=_signed_in_user, exempt_when=_post_only
)
password_check_limit_per_ip = limiter.limit(
    _configured("PASSWORD_CHECK_RATE_LIMIT"), exempt_when=_post_only
)

#: Password reset requests: per IP and per email (each one sends an email).
reset_limit_per_ip = limiter.limit(_configured("RESET_RATE_LIMIT"), exempt_when=_post_only)
reset_limit_per_email = limiter.limit(
    _configured("RESET_RATE_LIMIT"), key_func=_submitted_email, exempt_when=_post_only
)


def server_worker_count(config, argv=None, environ=None):
    """How many worker processes serve the app: SERVER_WORKERS, else what gunicorn was told.

    gunicorn takes ``-w N`` / ``--workers N`` on its command line or in
    GUNICORN_CMD_ARGS, and WEB_CONCURRENCY as its default; anything else
    (``flask run``, tests) is one process.
    """
    if config.get("SERVER_WORKERS"):
        return int(config["SERVER_WORKERS"])
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    if not argv or "gunicorn" not in os.path.basename(argv[0]):
        return 1
    args = shlex.split(environ.get("GUNICORN_CMD_ARGS", "")) + list(argv[1:])
    workers = environ.get("WEB_CONCURRENCY", "1")
    for index, arg in enumerate(args):
        if arg in ("-w", "--workers") and index + 1 < len(args):
            workers = args[index + 1]
        elif arg.startswith("--workers="):
            workers = arg.partition("=")[2]
        elif arg.startswith("-w") and arg[2:].isdigit():
            workers = arg[2:]
    return int(workers) if str(workers).isdigit() else 1


def warn_if_limits_are_per_worker(app):
    """Log a warning when several workers would each keep their own memory:// counts."""
    storage = app.config.get("RATELIMIT_STORAGE_URI", "memory://")
    if not app.config.get("RATELIMIT_ENABLED") or not storage.startswith("memory://"):
        return
    workers = server_worker_count(app.config)
    if workers > 1:
        app.logger.warning(
            "Rate limits use memory:// storage but %d workers serve the app: each worker counts "
            "on its own, so every limit is %d times weaker. Set RATELIMIT_STORAGE_URI=redis://...",
            workers,
            workers,
        )


class StorageUnreachable(SystemExit):
    """Raised at start-up: the configured rate-limit storage does not answer (a one-line exit)."""


def require_reachable_storage(app):
    """Fail fast when a networked rate-limit store (redis://...) is configured but does not answer.

    Without this the first limited request would fail with a traceback; a
    worker that cannot share its counts must not start. The message names
    the host and port only, never a password in the URI.
    """
    from urllib.parse import urlsplit

    from .extensions import limiter

    uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if not app.config.get("RATELIMIT_ENABLED") or uri.startswith("memory://"):
        return
    try:
        reachable = limiter.storage.check()
    except Exception:  # any failure to answer counts as unreachable
        reachable = False
    if not reachable:
        parts = urlsplit(uri)
        where = f"{parts.scheme}://{parts.hostname or ''}" + (
            f":{parts.port}" if parts.port else ""
        )
        raise StorageUnreachable(
            f"Rate-limit storage {where} (RATELIMIT_STORAGE_URI) is unreachable: "
            "start it or fix the setting."
        )
