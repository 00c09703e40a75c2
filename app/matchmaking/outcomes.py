"""Outcomes in public: the matches the networks made, and figures computed from them and from the introductions.

Nothing personal is here: a match names organisations, a city, a year, what
it was about and how far it went.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Challenge, Match, Solution
from ..models.matchmaking import MATCH_STAGES

STAGE_LABELS = {
    "introduced": _l("Introduced"),
    "pilot": _l("Pilot"),
    "agreement": _l("Agreement"),
    "contract": _l("Contract"),
}


@dataclass(frozen=True)
class Figures:
    introductions: int  # every match recorded, and every introduction made from the inbox
    accepted: int  # both sides went ahead: a match past "introduced", an introduction both accepted
    pilots: int  # reached a pilot or further
    agreements: int  # reached an agreement or a contract
    projects: int  # matches that became a case study in the catalogue


def _at_least(stage):
    return MATCH_STAGES[MATCH_STAGES.index(stage) :]


def figures():
    """The outcome figures, counted in the database: the recorded matches plus the inbox's introductions."""
    from ..interest.introductions import introduction_figures

    def count(*conditions):
        return db.session.scalar(sa.select(sa.func.count(Match.id)).where(*conditions)) or 0

    made = introduction_figures()
    return Figures(
        introductions=count() + made["introductions"],
        accepted=count(Match.stage != "introduced") + made["accepted"],
        pilots=count(Match.stage.in_(_at_least("pilot"))) + made["pilots"],
        agreements=count(Match.stage.in_(_at_least("agreement"))) + made["agreements"],
        projects=count(Match.project_id.is_not(None)),
    )


def public_matches():
    """Every match, furthest stage first, then newest; with its case study when it is published."""
    order = sa.case({stage: n for n, stage in enumerate(reversed(MATCH_STAGES))}, value=Match.stage)
    return db.session.scalars(
        sa.select(Match)
        .options(selectinload(Match.project))
        .order_by(order, Match.year.desc().nulls_last(), Match.slug)
    ).all()


def sitemap_pages():
    """(endpoint, values, lastmod) of the matchmaking pages for /sitemap.xml: the lists, the
    outcomes page, every published challenge and solution."""
    pages = [
        (endpoint, {}, None)
        for endpoint in ("matchmaking.overview", "matchmaking.challenges", "matchmaking.solutions")
    ]
    for model, endpoint in (
        (Challenge, "matchmaking.challenge"),
        (Solution, "matchmaking.solution"),
    ):
        rows = db.session.execute(
            sa.select(model.slug, model.updated_at)
            .where(model.publication == "published")
            .order_by(model.id)
        )
        pages.extend((endpoint, {"slug": slug}, updated) for slug, updated in rows)
    return pages


def member_listings(member):
    """{"challenges": ..., "solutions": ...}: a member's published ones, for its page in the directory."""

    def published(model):
        return db.session.scalars(
            sa.select(model)
            .where(model.member_id == member.id, model.publication == "published")
            .order_by(model.title)
        ).all()

    return {"challenges": published(Challenge), "solutions": published(Solution)}
