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

from .api_support import cacheable
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
    prefixes = [""] + [
        f"/{language.prefix}" for language in configured_languages() if language.prefix
    ]
    lines = ["User-agent: *"]
    lines += [f"Disallow: {prefix}{path}" for prefix in prefixes for path in private]
    lines.append(f"Sitemap: {external_url('main.sitemap')}")
    return _text_response("\n".join(lines) + "\n", "text/plain")


@bp.get("/sitemap.xml")
def sitemap():
    """Every public page, once per language, each listing its versions in the others (hreflang),
    with `lastmod` where the page shows a record that changes."""
    newest = db.session.scalar(db.select(db.func.max(Project.updated_at)).where(published))
    pages = [
        ("main.home", {}, newest),
        ("catalog.index", {}, newest),
        ("awards.index", {}, None),
        ("members.index", {}, None),
    ]
    rows = db.session.execute(
        db.select(Project.slug, Project.updated_at).where(published).order_by(Project.id)
    )
    pages += [("catalog.detail", {"slug": slug}, updated) for slug, updated in rows]
    rows = db.session.execute(
        db.select(AwardEdition.slug, AwardEdition.updated_at).order_by(AwardEdition.id)
    )
    pages += [("awards.edition", {"slug": slug}, updated) for slug, updated in rows]
    approved = Member.status == "approved"
    for slug in db.session.scalars(db.select(Member.slug).where(approved).order_by(Member.id)):
        pages.append(("members.detail", {"slug": slug}, None))
    from .matchmaking.outcomes import sitemap_pages

    pages += sitemap_pages()
    pages.append(("events.index", {}, None))
    rows = db.session.execute(db.select(Event.slug, Event.updated_at).order_by(Event.id))
    pages += [("events.detail", {"slug": slug}, updated) for slug, updated in rows]
    entries = []
    for endpoint, values, lastmod in pages:
        versions = [
            (language, localized_url_for(endpoint, language, external=True, **values))
            for language in configured_languages()
        ]
        entries += [
            {"loc": url, "alternates": versions, "lastmod": lastmod} for _language, url in versions
        ]
    response = _text_response(
        render_template("main/sitemap.xml", entries=entries), "application/xml"
    )
    return cacheable(response, last_modified=newest)


def _feed_lang():
    lang = current_language()
    if request.args.get("lang"):
        lang = normalize_tag(request.args["lang"])
        if lang is None:
            abort(
                400,
                description=_(
                    "“lang” must be one of %(languages)s.",
                    languages=", ".join(language.tag for language in configured_languages()),
                ),
            )
    return lang


@bp.get("/feeds/projects.atom")
def projects_feed():
    """The newest projects matching the search in the query string (all of them without one).

    Takes the query string of /projects (q, facets, sort); `lang=` shows titles
    and summaries in that language where translated.
    """
    from .catalog.exports import matching_projects
    from .catalog.views import SORT_LABELS
    from .search import FACETS

    lang = _feed_lang()
    searching = request.args.get("q", "").strip() or any(request.args.getlist(f) for f in FACETS)
    if searching:
        args = request.args.copy()
        if args.get("sort") not in SORT_LABELS:
            args["sort"] = "newest"
        projects = list(matching_projects(args, limit=FEED_SIZE))
    else:
        projects = db.session.scalars(
            db.select(Project)
            .where(published)
            .order_by(Project.created_at.desc(), Project.id.desc())
            .limit(FEED_SIZE)
        ).all()
    updated = max((p.updated_at for p in projects), default=None)
    feed_args = {key: request.args.getlist(key) for key in request.args}
    body = render_template(
        "main/projects.atom.xml",
        projects=projects,
        updated=updated,
        lang=lang,
        self_url=external_url("main.projects_feed", **feed_args),
        html_url=external_url(
            "catalog.index", **{k: v for k, v in feed_args.items() if k != "lang"}
        ),
    )
    return cacheable(_text_response(body, "application/atom+xml"), last_modified=updated)


@bp.get("/feeds/awards.atom")
def awards_feed():
    """Award editions, newest first, each with the time it last changed."""
    lang = _feed_lang()
    editions = db.session.scalars(
        db.select(AwardEdition).order_by(AwardEdition.year.desc(), AwardEdition.id.desc())
    ).all()
    updated = max((edition.updated_at for edition in editions), default=None)
    body = render_template("main/awards.atom.xml", editions=editions, updated=updated, lang=lang)
    return cacheable(_text_response(body, "application/atom+xml"), last_modified=updated)


@bp.get("/feeds/events.atom")
def events_feed():
    """Events, newest first, filtered like /events (kind, year, q), each with the time it last changed."""
    from .events.records import filtered_events
    from .events.views import requested_filters

    kind, year, text = requested_filters(request.args)
    events = db.session.scalars(filtered_events(kind, year, text).limit(FEED_SIZE)).all()
    updated = max((event.updated_at for event in events), default=None)
    body = render_template(
        "main/events.atom.xml", events=events, updated=updated, lang=current_language()
    )
    return cacheable(_text_response(body, "application/atom+xml"), last_modified=updated)


def _text_response(body, mimetype):
    response = make_response(body)
    response.mimetype = mimetype
    return response
