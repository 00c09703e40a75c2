"""Blueprint for /awards."""

from flask import Blueprint

bp = Blueprint("awards", __name__, url_prefix="/awards")
