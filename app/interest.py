"""Blueprint for /interest."""

from flask import Blueprint

bp = Blueprint("interest", __name__, url_prefix="/interest")
