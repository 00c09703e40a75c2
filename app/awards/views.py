"""Award showcases: /awards (every edition) and /awards/<edition> (winners, judges, sessions)."""

from itertools import groupby
from operator import attrgetter

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..htmx import render
from ..i18n.content import localized
from ..labels import REGIONS
from ..models import AwardEdition, AwardWinner
from ..regions import country_name
from ..urls import external_url

bp = Blueprint("awards", __name__, url_prefix="/awards")

EDITION_ORDER = (
    AwardEdition.year.desc().nulls_last(),
    AwardEdition.number.desc().nulls_last(),
    AwardEdition.id.desc(),
)


@bp.get("")
def index():
    return render_template("awards/index.html", editions=editions_newest_first())


@bp.get("/<slug>")
def edition(slug):
    edition = db.session.scalar(
        db.select(AwardEdition)
        .where(AwardEdition.slug == slug)
        .options(
            selectinload(AwardEdition.categories),
            selectinload(AwardEdition.judges),
            selectinload(AwardEdition.sessions),
            selectinload(AwardEdition.winners).selectinload(AwardWinner.project),
        )
    )
    if edition is None:
        abort(404, description=_("There is no award edition at this address."))
    category = request.args.get("category", "").strip()
    region = request.args.get("region", "").strip()
    return render(
        "awards/edition.html",
        "awards/_winners.html",
        edition=edition,
        sections=winner_sections(edition, category, region),
        filters={"category": category, "region": region},
        regions=regions_of(edition),
        session_parts=session_parts(edition),
    )


def editions_newest_first():
    """Every edition with its programme, categories, winners and judges, newest first."""
    return db.session.scalars(
        db.select(AwardEdition)
        .options(
            selectinload(AwardEdition.programme),
            selectinload(AwardEdition.categories),
            selectinload(AwardEdition.winners),
            selectinload(AwardEdition.judges),
        )
        .order_by(*EDITION_ORDER)
    ).all()


def winner_sections(edition, category="", region=""):
    """[(category, winners)] for the filters: empty values mean "any".

    Unfiltered, every category is a section, even one without winners; with a
    filter only categories with a matching winner remain, so an unknown
    filter value gives an empty list (the page says so).
    """
    sections = []
    for award_category in edition.categories:
        if category and award_category.slug != category:
            continue
        winners = [
            winner
            for winner in edition.winners
            if winner.category_id == award_category.id and (not region or winner.region == region)
        ]
        if winners or not (category or region):
            sections.append((award_category, winners))
    return sections


def regions_of(edition):
    """(key, name) of the regions the edition's winners come from, in REGIONS order."""
    present = {winner.region for winner in edition.winners}
    return [(key, name) for key, name in REGIONS.items() if key in present]


def session_parts(edition):
    """[(part, sessions)]: consecutive sessions of the same part, in session order."""
    return [
        (part, list(group)) for part, group in groupby(edition.sessions, key=attrgetter("part"))
    ]


def recent_winners(limit=6):
    """The winners of the newest editions, for the home page."""
    return db.session.scalars(
        db.select(AwardWinner)
        .join(AwardWinner.edition)
        .options(selectinload(AwardWinner.edition), selectinload(AwardWinner.project))
        .order_by(*EDITION_ORDER, AwardWinner.position)
        .limit(limit)
    ).all()


def awards_payload(lang=None):
    """The /api/v1/awards document: editions with their categories and winners.

    Titles, descriptions and category names are in `lang` where translated
    (each with the `language` of its text); without `lang`, the originals.
    """

    def text(obj, field):
        return localized(obj, field, lang, original=lang is None)

    return {
        "editions": [
            {
                "slug": edition.slug,
                "title": text(edition, "title").text,
                "description": text(edition, "description").text,
                "language": text(edition, "title").lang,
                "translations": edition.translations or {},
                "programme": {
                    "slug": edition.programme.slug,
                    "name": edition.programme.name,
                    "organiser": edition.programme.organiser,
                },
                "number": edition.number,
                "year": edition.year,
                "url": external_url("awards.edition", slug=edition.slug),
                "categories": [
                    {
                        "slug": category.slug,
                        "name": text(category, "name").text,
                        "language": text(category, "name").lang,
                        "translations": category.translations or {},
                        "theme": category.theme,
                        "keywords": category.keywords,
                    }
                    for category in edition.categories
                ],
                "winners": [
                    {
                        "city": winner.city,
                        "country": winner.country,
                        "region": winner.region,
                        "project_title": winner.project_title,
                        "category": winner.category.slug,
                        "distinction": winner.distinction,
                        "project": _api_project(winner.project),
                    }
                    for winner in edition.winners
                ],
                "judges": [
                    {
                        "name": judge.name,
                        "title": judge.title,
                        "organisation": judge.organisation,
                        "role": judge.role,
                    }
                    for judge in edition.judges
                ],
                "sessions": [
                    {
                        "part": session.part,
                        "title": session.title,
                        **_api_schedule(session.schedule),
                        "timezone_assumed": session.timezone_assumed,
                        "category": session.category.slug if session.category else None,
                        "winners": [winner.project_title for winner in session.winners],
                        "recording_url": session.recording_url,
                        "slides_url": session.slides_url,
                    }
                    for session in edition.sessions
                ],
                "ceremony": {
                    "description": edition.ceremony_description,
                    "venue": edition.ceremony_venue,
                    **_api_schedule(edition.ceremony_schedule),
                },
            }
            for edition in editions_newest_first()
        ]
    }


def _api_schedule(times):
    """ISO 8601 start/end in the given zone and in UTC (None when not known)."""

    def iso(moment):
        return moment.isoformat() if moment else None

    return {
        "timezone": times.zone if times else None,
        "start": iso(times and times.start),
        "end": iso(times and times.end),
        "start_utc": iso(times and times.start_utc),
        "end_utc": iso(times and times.end_utc),
    }


def _api_project(project):
    if project is None or not project.is_published:
        return None
    return {"slug": project.slug, "url": external_url("api.project", slug=project.slug)}


bp.add_app_template_global(country_name)


@bp.app_template_global()
def featured_award_winners(limit=6):
    """For templates/awards/_featured.html, which any page may include."""
    return recent_winners(limit)
