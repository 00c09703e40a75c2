"""The home page and site-wide endpoints."""

from flask import Blueprint, render_template

from .extensions import db
from .models import Project

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    published = db.select(db.func.count()).select_from(Project).where(Project.publication == "published")
    return render_template("main/home.html", project_count=db.session.scalar(published))
