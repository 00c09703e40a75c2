"""The "challenges" index: published challenges, their document and their facets.

It follows the database through the same outbox and indexer as the projects
index (Challenge rows are tracked); searches go through ``listing.py``.
"""

import sqlalchemy as sa

from ..extensions import db
from ..models import Challenge
from ..regions import country_name
from .listing import ListingSpec, listing_schema
from .outbox import track
from .registry import IndexDefinition, register_index

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


def build_schema():
    return listing_schema(TEXT_FIELDS)


def translated_text(translations):
    """Every translated text of a record, so that a query matches it in any language."""
    texts = []
    for fields in (translations or {}).values():
        if isinstance(fields, dict):
            texts.extend(
                str(value)
                for key, value in fields.items()
                if key not in ("source", "reviewed") and isinstance(value, str)
            )
    return " ".join(texts)


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
        "id": str(challenge.id),
        "entity": challenge.id,
        "title": challenge.title,
        "city": challenge.city,
        "country": f"{challenge.country} {country_name(challenge.country)}",
        "help": " ".join(str(h) for h in challenge.help_sought or []),
        "technologies": " ".join(str(t) for t in challenge.technologies or []),
        "organisation": organisation,
        "problem": challenge.problem or "",
        "translated": translated_text(challenge.translations),
    }


def load_documents(ids):
    documents = dict.fromkeys(ids)
    for start in range(0, len(ids), 500):
        rows = db.session.scalars(
            sa.select(Challenge).where(
                Challenge.id.in_(ids[start : start + 500]), Challenge.publication == "published"
            )
        )
        for challenge in rows:
            documents[challenge.id] = challenge_document(challenge)
    return documents


def all_ids():
    return db.session.scalars(
        sa.select(Challenge.id).where(Challenge.publication == "published").order_by(Challenge.id)
    )


DEFINITION = IndexDefinition(
    name=INDEX_NAME,
    schema=build_schema(),
    dirname="challenges",
    load_documents=load_documents,
    all_ids=all_ids,
)

SPEC = ListingSpec(
    definition=DEFINITION,
    model=Challenge,
    text_fields=tuple(TEXT_FIELDS),
    facets=FACETS,
    facet_values=facet_values,
    fallback_columns=lambda: (
        Challenge.title,
        Challenge.city,
        Challenge.problem,
        Challenge.presented_by,
    ),
)


def init_app(app):
    track(Challenge, INDEX_NAME)
    register_index(DEFINITION)
