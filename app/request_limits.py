"""Per-view request body caps, tighter than the site-wide MAX_CONTENT_LENGTH.

For CSRF-exempt views only: CSRFProtect reads the form of every other POST
before any view decorator runs, under the site-wide limit.
"""

from functools import wraps

from flask import abort, current_app, request


def max_body(config_key):
    """Cap the body of requests to the decorated view at `config_key` bytes (413 above it)."""

    def decorator(view):
        @wraps(view)
        def capped(*args, **kwargs):
            request.max_content_length = current_app.config[config_key]
            return view(*args, **kwargs)

        return capped

    return decorator


def refuse_oversized_body():
    """413 for a declared body over the limit, even where the view would never read it."""
    length = request.content_length
    limit = request.max_content_length
    if length is not None and limit is not None and length > limit:
        abort(413)


def init_app(app):
    app.before_request(refuse_oversized_body)
