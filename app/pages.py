"""The site's own pages: about the portal, the accessibility statement and how to get in touch."""

from flask import Blueprint, render_template, request

from .urls import public_base_url

bp = Blueprint("pages", __name__)


@bp.get("/about")
def about():
    return render_template("pages/about.html")


@bp.get("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/contact")
def contact():
    return render_template("pages/contact.html")


@bp.app_template_global()
def canonical_url():
    """This page's absolute URL (without the query string) on PUBLIC_URL, for link previews."""
    return public_base_url() + request.path  # PUBLIC_URL includes the mount point
