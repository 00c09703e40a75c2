"""Rate limits for the public forms, shared by every area.

The limit strings live in the configuration (``FLASK_LOGIN_RATE_LIMIT`` etc.)
and are read per request, so deployments and tests can change them.
Flask-Limiter itself is configured by the ``RATELIMIT_*`` keys: storage
(``RATELIMIT_STORAGE_URI``: memory:// for one process, redis:// for several)
and ``RATELIMIT_ENABLED``. Only POST requests count: reading a form is free.
"""

from flask import current_app, request

from .extensions import limiter


def _configured(key):
    return lambda: current_app.config[key]


def _submitted_email():
    """Key for per-account limits: the email typed into the form (any case)."""
    return "email:" + request.form.get("email", "").strip().lower()


def _post_only():
    return request.method != "POST"


#: Per client IP, for any public form that stores or sends something (interest, registration).
form_limit = limiter.limit(_configured("FORM_RATE_LIMIT"), exempt_when=_post_only)

#: Login: per client IP, and per email address whatever the IP (slows distributed guessing).
login_limit_per_ip = limiter.limit(_configured("LOGIN_RATE_LIMIT"), exempt_when=_post_only)
login_limit_per_email = limiter.limit(
    _configured("LOGIN_EMAIL_RATE_LIMIT"), key_func=_submitted_email, exempt_when=_post_only
)

#: Password reset requests: per IP and per email (each one sends an email).
reset_limit_per_ip = limiter.limit(_configured("RESET_RATE_LIMIT"), exempt_when=_post_only)
reset_limit_per_email = limiter.limit(
    _configured("RESET_RATE_LIMIT"), key_func=_submitted_email, exempt_when=_post_only
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
        where = f"{parts.scheme}://{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
        raise StorageUnreachable(
            f"Rate-limit storage {where} (RATELIMIT_STORAGE_URI) is unreachable: "
            "start it or fix the setting."
        )
