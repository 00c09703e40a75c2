"""The site's own pages: about the portal, the accessibility statement and how to get in touch."""

from flask import Blueprint, current_app, render_template, request, url_for

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


@bp.app_template_global()
def site_url(endpoint, fallback):
    """url_for(endpoint) when the endpoint exists (an area another branch adds), else the path
    `fallback` under the page's language prefix (the home page's URL: "/" or "/fr/")."""
    if endpoint in current_app.view_functions:
        return url_for(endpoint)
    return url_for("main.home").rstrip("/") + fallback
