"""Blueprint for /account: registration, login, logout, password reset."""

import hmac

from flask import Blueprint

from .extensions import db, login_manager
from .models import User

bp = Blueprint("accounts", __name__, url_prefix="/account")


@login_manager.user_loader
def load_user(session_id):
    """Session ids are "<user id>:<session token>"; a rotated token ends old sessions."""
    user_id, _, token = (session_id or "").partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not hmac.compare_digest(user.session_token, token):
        return None
    return user
