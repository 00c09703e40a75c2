"""The "solutions" index: published solutions, their document and their facets.

Same outbox and indexer as every index (Solution rows are tracked; a change
of the deployments alone enqueues the solution explicitly, see
``app.matchmaking.records``); searches go through ``listing.py``.
"""

from ..labels import REGIONS
from ..models import Solution
from .listing import listing_index, register_listing, translated_text

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
        "title": solution.title,
        "provider": solution.provider_name or "",
        "technologies": " ".join(str(t) for t in solution.technologies or []),
        "deployed": deployed,
        "regions": " ".join(str(REGIONS.get(r, r)) for r in regions_of(solution)),
        "description": solution.description or "",
        "translated": translated_text(solution.translations),
    }


SPEC = listing_index(
    INDEX_NAME,
    Solution,
    TEXT_FIELDS,
    FACETS,
    facet_values,
    solution_document,
    fallback_columns=lambda: (Solution.title, Solution.provider, Solution.description),
)


def init_app(app):
    register_listing(SPEC)
