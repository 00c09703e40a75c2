"""The catalogue: /projects and /projects/<slug>."""

from flask import Blueprint, render_template

from .extensions import db
from .models import Project

bp = Blueprint("catalog", __name__, url_prefix="/projects")


@bp.get("")
def index():
    projects = db.session.scalars(
        db.select(Project).where(Project.publication == "published").order_by(Project.title)
    ).all()
    return render_template("catalog/index.html", projects=projects)
