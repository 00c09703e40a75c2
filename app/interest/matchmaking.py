"""Matchmaking for the staff inbox: case studies and member organisations that might fit."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from ..extensions import db
from ..models import Member
from ..search import ProjectQuery, related_projects, search_projects

# Who usually answers each kind of interest: a city wanting to replicate
# needs providers and institutions; a supplier needs cities.
COMPLEMENTARY_MEMBER_TYPES = {
    "replicate": ("corporation", "institution"),
    "learn": ("corporation", "institution", "local-government"),
    "supply": ("local-government",),
    "partner": ("local-government", "corporation", "institution"),
    "fund": ("local-government", "corporation", "institution"),
}


@dataclass
class Suggestion:
    item: object  # a Project or a Member
    reason: str


def suggested_projects(interest, limit=5):
    """Case studies that fit the message, the chosen case study's theme and the country."""
    chosen = interest.project
    searches = []
    if chosen is not None:
        searches.append((_("Similar to the chosen case study"), related_projects(chosen, limit)))
        theme_query = ProjectQuery(
            text=interest.message, filters={"theme": [chosen.theme]}, per_page=limit
        )
        searches.append((_("Same theme, fits the message"), _hit_projects(theme_query)))
    searches.append(
        (_("Fits the message"), _hit_projects(ProjectQuery(text=interest.message, per_page=limit)))
    )
    country_query = ProjectQuery(
        filters={"country": [interest.country]}, sort="newest", per_page=limit
    )
    searches.append((_("In the same country"), _hit_projects(country_query)))

    seen = {chosen.id} if chosen is not None else set()
    suggestions = []
    for reason, projects in searches:
        for project in projects:
            if project.id not in seen:
                seen.add(project.id)
                suggestions.append(Suggestion(project, reason))
    return suggestions[:limit]


def _hit_projects(query):
    return [hit.project for hit in search_projects(query).hits]


def suggested_members(interest, projects, limit=6):
    """Member organisations behind the fitting case studies, then members of a fitting type nearby."""
    own_member_id = interest.user.member_id if interest.user else None
    seen = {own_member_id}
    suggestions = []
    for project in ([interest.project] if interest.project else []) + projects:
        member = project.member
        if member is not None and member.status == "approved" and member.id not in seen:
            seen.add(member.id)
            suggestions.append(Suggestion(member, _("Behind “%(title)s”", title=project.title)))
    types = COMPLEMENTARY_MEMBER_TYPES.get(interest.interest_type, ())
    nearby = db.session.scalars(
        sa.select(Member)
        .where(
            Member.status == "approved",
            Member.country == interest.country,
            Member.type.in_(types),
        )
        .order_by(Member.name)
        .limit(limit + len(seen))
    )
    for member in nearby:
        if member.id not in seen:
            seen.add(member.id)
            suggestions.append(Suggestion(member, _("Same country, a fitting type")))
    return suggestions[:limit]
