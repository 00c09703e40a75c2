"""The home page and site-wide endpoints: /healthz, /robots.txt, /sitemap.xml, the Atom feed."""

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
)
from flask_babel import gettext as _

from .extensions import db
from .i18n import configured_languages, localized_url_for
from .i18n.content import current_language, normalize_tag
from .models import AwardEdition, Event, Member, Project
from .search.health import search_health
from .urls import external_url

bp = Blueprint("main", __name__)

FEED_SIZE = 50

published = Project.publication == "published"


def catalogue_figures():
    """Counts of published projects, and of the cities and countries they come from."""
    row = db.session.execute(
        db.select(
            db.func.count(Project.id),
            db.func.count(db.distinct(Project.city + "|" + Project.country)),
            db.func.count(db.distinct(Project.country)),
        ).where(published)
    ).one()
    return {"projects": row[0], "cities": row[1], "countries": row[2]}


def theme_counts():
    rows = db.session.execute(
        db.select(Project.theme, db.func.count()).where(published).group_by(Project.theme)
    )
    return dict(rows.all())


@bp.get("/")
def home():
    return render_template(
        "main/home.html",
        figures=catalogue_figures(),
        theme_counts=theme_counts(),
    )


@bp.get("/healthz")
def healthz():
    """Database and search index status: 200 while the database answers, 503 when it does not.

    The JSON shape is documented in docs/deployment.md ("Health check").
    """
    try:
        db.session.execute(db.select(1))
        database = {"ok": True, "error": None}
    except Exception as error:  # the point is to report it, whatever it is
        db.session.rollback()
        current_app.logger.warning("health check: database unavailable: %s", error)
        database = {"ok": False, "error": "database unavailable"}
    search, follower, warnings = search_health() if database["ok"] else ({}, None, [])
    if not database["ok"]:
        status = "error"
    elif all(entry["ok"] and not entry["lagging"] for entry in search.values()):
        status = "ok"
    else:
        status = "degraded"
    response = jsonify(
        status=status, database=database, search=search, follower=follower, warnings=warnings
    )
    response.status_code = 200 if database["ok"] else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/robots.txt")
def robots():
    private = ["/account/", "/staff/", "/interest"]
    prefixes = [""] + [f"/{language.prefix}" for language in configured_languages() if language.prefix]
    lines = ["User-agent: *"]
    lines += [f"Disallow: {prefix}{path}" for prefix in prefixes for path in private]
    lines.append(f"Sitemap: {external_url('main.sitemap')}")
    return _text_response("\n".join(lines) + "\n", "text/plain")


@bp.get("/sitemap.xml")
def sitemap():
    """Every public page, once per language, each listing its versions in the others (hreflang)."""
    pages = [("main.home", {}), ("catalog.index", {}), ("awards.index", {}), ("members.index", {})]
    for slug in db.session.scalars(db.select(Project.slug).where(published).order_by(Project.id)):
        pages.append(("catalog.detail", {"slug": slug}))
    for slug in db.session.scalars(db.select(AwardEdition.slug).order_by(AwardEdition.id)):
        pages.append(("awards.edition", {"slug": slug}))
    approved = Member.status == "approved"
    for slug in db.session.scalars(db.select(Member.slug).where(approved).order_by(Member.id)):
        pages.append(("members.detail", {"slug": slug}))
    from .matchmaking.outcomes import sitemap_pages

    pages.extend(sitemap_pages())
    pages.append(("events.index", {}))
    for slug in db.session.scalars(db.select(Event.slug).order_by(Event.id)):
        pages.append(("events.detail", {"slug": slug}))
    entries = []
    for endpoint, values in pages:
        versions = [
            (language, localized_url_for(endpoint, language, external=True, **values))
            for language in configured_languages()
        ]
        entries += [{"loc": url, "alternates": versions} for _language, url in versions]
    return _text_response(render_template("main/sitemap.xml", entries=entries), "application/xml")


@bp.get("/feeds/projects.atom")
def projects_feed():
    """The newest projects; `lang=` shows their titles and summaries in that language where translated."""
    lang = current_language()
    if request.args.get("lang"):
        lang = normalize_tag(request.args["lang"])
        if lang is None:
            abort(400, description=_("“lang” must be one of %(languages)s.",
                                     languages=", ".join(language.tag for language in configured_languages())))
    projects = db.session.scalars(
        db.select(Project).where(published).order_by(Project.created_at.desc(), Project.id.desc()).limit(FEED_SIZE)
    ).all()
    updated = max((p.updated_at for p in projects), default=None)
    body = render_template(
        "main/projects.atom.xml", projects=projects, updated=updated, lang=lang
    )
    return _text_response(body, "application/atom+xml")


def _text_response(body, mimetype):
    response = make_response(body)
    response.mimetype = mimetype
    return response
