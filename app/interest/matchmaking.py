"""Matchmaking for the staff inbox: the member organisations to introduce.

What fits an interest (solutions, case studies, challenges, with the reasons)
comes from app.matchmaking.suggestions.for_interest.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from ..extensions import db
from ..models import Member

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
    item: object  # a Member
    reason: str


def suggested_members(interest, projects, limit=6):
    """Member organisations behind the fitting case studies (or challenges, solutions), then members of a fitting type nearby."""
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
