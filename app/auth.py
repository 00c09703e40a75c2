"""Authorisation decorators, checked on the server for every protected route.

Privileged actions (role changes, deactivation, exports) also need a fresh
login: a session restored from a remember-me cookie must type the password
again first (`fresh_login_required`, answered by `ask_for_fresh_login`).
"""

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, fresh_login_required, login_required

from .extensions import login_manager
from .redirects import safe_next

__all__ = ["admin_required", "fresh_login_required", "role_required", "staff_required"]

FRESH_LOGIN_NOTICE = _l("For your safety, enter your password again before this action.")


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


@login_manager.needs_refresh_handler
def ask_for_fresh_login():
    """To the login form, then back to the page (for a POST, the page its form was on)."""
    if request.method == "GET":
        back = request.full_path.rstrip("?")
    else:
        referrer = urlsplit(request.referrer or "")
        same_site = referrer.netloc == request.host
        back = (
            referrer.path + (f"?{referrer.query}" if referrer.query else "") if same_site else None
        )
    flash(FRESH_LOGIN_NOTICE, "info")
    return redirect(url_for("accounts.login", next=safe_next(back, url_for("staff.dashboard"))))
