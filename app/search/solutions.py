"""The "solutions" index: published solutions, their document and their facets.

Same outbox and indexer as every index (Solution rows are tracked; a change
of the deployments alone enqueues the solution explicitly, see
``app.matchmaking.records``); searches go through ``listing.py``.
"""

import sqlalchemy as sa

from ..extensions import db
from ..labels import REGIONS
from ..models import Solution
from .challenges import translated_text
from .listing import ListingSpec, listing_schema
from .outbox import track
from .registry import IndexDefinition, register_index

INDEX_NAME = "solutions"
FACETS = ("theme", "region", "technology")
TEXT_FIELDS = {
    "title": 6.0,
    "provider": 4.0,
    "technologies": 2.0,
    "deployed": 2.0,
    "regions": 1.0,
    "description": 1.0,
    "translated": 1.0,
}


def build_schema():
    return listing_schema(TEXT_FIELDS)


def regions_of(solution):
    """The regions a solution serves: those it names, and those of the case studies it is deployed in."""
    found = set(solution.regions or [])
    found.update(project.region for project in solution.deployed_in if project.region)
    return sorted(found)


def facet_values(solution):
    values = {
        "theme": list(solution.themes or []),
        "region": regions_of(solution),
        "technology": list(solution.technologies or []),
    }
    return {facet: sorted({str(v) for v in items if v}) for facet, items in values.items()}


def solution_document(solution):
    deployed = " ".join(
        f"{project.title} {project.city}"
        for project in solution.deployed_in
        if project.is_published
    )
    return {
        "id": str(solution.id),
        "entity": solution.id,
        "title": solution.title,
        "provider": solution.provider_name or "",
        "technologies": " ".join(str(t) for t in solution.technologies or []),
        "deployed": deployed,
        "regions": " ".join(str(REGIONS.get(r, r)) for r in regions_of(solution)),
        "description": solution.description or "",
        "translated": translated_text(solution.translations),
    }


def load_documents(ids):
    documents = dict.fromkeys(ids)
    for start in range(0, len(ids), 500):
        rows = db.session.scalars(
            sa.select(Solution).where(
                Solution.id.in_(ids[start : start + 500]), Solution.publication == "published"
            )
        )
        for solution in rows:
            documents[solution.id] = solution_document(solution)
    return documents


def all_ids():
    return db.session.scalars(
        sa.select(Solution.id).where(Solution.publication == "published").order_by(Solution.id)
    )


DEFINITION = IndexDefinition(
    name=INDEX_NAME,
    schema=build_schema(),
    dirname="solutions",
    load_documents=load_documents,
    all_ids=all_ids,
)

SPEC = ListingSpec(
    definition=DEFINITION,
    model=Solution,
    text_fields=tuple(TEXT_FIELDS),
    facets=FACETS,
    facet_values=facet_values,
    fallback_columns=lambda: (Solution.title, Solution.provider, Solution.description),
)


def init_app(app):
    track(Solution, INDEX_NAME)
    register_index(DEFINITION)
