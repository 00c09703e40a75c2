"""Rate limits for the public forms, shared by every area.

The limit strings live in the configuration (``FLASK_LOGIN_RATE_LIMIT`` etc.)
and are read per request, so deployments and tests can change them.
Flask-Limiter itself is configured by the ``RATELIMIT_*`` keys: storage
(``RATELIMIT_STORAGE_URI``: memory:// for one process, redis:// for several)
and ``RATELIMIT_ENABLED``. Only POST requests count: reading a form is free.
"""

import hashlib

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
