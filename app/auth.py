"""Authorisation decorators, checked on the server for every protected route."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def role_required(*roles):
    """Allow only logged-in users with one of `roles`; others get 403 (anonymous: login)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required("staff", "admin")
admin_required = role_required("admin")
