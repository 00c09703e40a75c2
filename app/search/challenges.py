"""The "challenges" index: published challenges, their document and their facets.

It follows the database through the same outbox and indexer as the projects
index (Challenge rows are tracked); searches go through ``listing.py``.
"""

from ..models import Challenge
from ..regions import country_name
from .listing import listing_index, register_listing, translated_text

INDEX_NAME = "challenges"
FACETS = ("theme", "region", "technology", "status")
# Field -> BM25F weight: the title first, then the place and what is sought.
TEXT_FIELDS = {
    "title": 6.0,
    "city": 4.0,
    "country": 2.0,
    "help": 2.0,
    "technologies": 1.5,
    "organisation": 1.5,
    "problem": 1.0,
    "translated": 1.0,
}


def facet_values(challenge):
    values = {
        "theme": [challenge.theme],
        "region": [challenge.region],
        "technology": list(challenge.technologies or []),
        "status": [challenge.current_status],
    }
    return {facet: sorted({str(v) for v in items if v}) for facet, items in values.items()}


def challenge_document(challenge):
    organisation = " ".join(
        name
        for name in (challenge.member.name if challenge.member else "", challenge.presented_by)
        if name
    )
    return {
        "title": challenge.title,
        "city": challenge.city,
        "country": f"{challenge.country} {country_name(challenge.country)}",
        "help": " ".join(str(h) for h in challenge.help_sought or []),
        "technologies": " ".join(str(t) for t in challenge.technologies or []),
        "organisation": organisation,
        "problem": challenge.problem or "",
        "translated": translated_text(challenge.translations),
    }


SPEC = listing_index(
    INDEX_NAME,
    Challenge,
    TEXT_FIELDS,
    FACETS,
    facet_values,
    challenge_document,
    fallback_columns=lambda: (
        Challenge.title,
        Challenge.city,
        Challenge.problem,
        Challenge.presented_by,
    ),
)


def init_app(app):
    register_listing(SPEC)
