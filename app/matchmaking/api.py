"""/api/v1/challenges and /api/v1/solutions: read-only JSON, the same conventions as /api/v1/projects.

The list takes the page's query string (``q``, the facets, ``page``) plus
``per_page`` and ``lang``; a malformed ``page``, ``per_page`` or ``lang`` is a
400 with a message, and a page past the last one is a 404. Text is in
``lang`` where a translation exists, else the original; ``language`` says which.
"""

from flask import Blueprint, jsonify, request

from ..api import OPENAPI
from ..api_support import (
    ERROR_RESPONSE,
    FACET_COUNTS,
    LANG_PARAMETER,
    PAGE_PARAMETERS,
    QUERY_PARAMETER,
    detail_path,
    facet_parameters,
    lang_arg,
    list_path,
    localized_text,
    page_args,
    paged_json,
)
from ..search import challenges as challenge_index
from ..search import solutions as solution_index
from ..search.listing import search_listing
from ..urls import external_url
from .views import listing_from_args, published_challenge_or_404, published_solution_or_404

bp = Blueprint("matchmaking_api", __name__, url_prefix="/api/v1")


def _listing(spec, summary, endpoint):
    lang = lang_arg()
    page, per_page = page_args()
    search = listing_from_args(request.args, spec.facets, per_page)
    result = search_listing(spec, search.query)
    return paged_json(
        endpoint,
        page,
        result.per_page,
        result.total,
        result.total_pages,
        [hit.item for hit in result.hits],
        lambda item: summary(item, lang),
        facets={facet: dict(result.facets.get(facet, [])) for facet in spec.facets},
        suggestion=None,
        degraded=result.degraded,
        notices=search.notices,
    )


def challenge_summary(challenge, lang=None):
    title = localized_text(challenge, "title", lang)
    return {
        "slug": challenge.slug,
        "title": title.text,
        "language": title.lang,
        "city": challenge.city,
        "country": challenge.country,
        "region": challenge.region,
        "theme": challenge.theme,
        "help_sought": list(challenge.help_sought or []),
        "technologies": list(challenge.technologies or []),
        "deadline": challenge.deadline.isoformat() if challenge.deadline else None,
        "status": challenge.current_status,
        "url": external_url("matchmaking.challenge", slug=challenge.slug),
    }


def solution_summary(solution, lang=None):
    title = localized_text(solution, "title", lang)
    return {
        "slug": solution.slug,
        "title": title.text,
        "language": title.lang,
        "provider": solution.provider_name or None,
        "themes": list(solution.themes or []),
        "technologies": list(solution.technologies or []),
        "regions": solution_index.regions_of(solution),
        "url": external_url("matchmaking.solution", slug=solution.slug),
    }


@bp.get("/challenges")
def challenges():
    return _listing(challenge_index.SPEC, challenge_summary, "matchmaking_api.challenges")


def _record(summary, found, lang, kind, **fields):
    """A published challenge or solution: its summary, `fields`, and what both kinds add.

    `kind` ("challenge" or "solution") is the interest form's parameter naming it.
    """
    member = found.member
    return jsonify(
        summary(found, lang)
        | {
            "member": {"slug": member.slug, "name": member.name} if member else None,
            **fields,
            "sources": found.sources or [],
            "translations": found.translations or {},
            "interest_url": external_url("interest.form", **{kind: found.slug}),
        }
    )


@bp.get("/challenges/<slug>")
def challenge(slug):
    lang = lang_arg()
    found = published_challenge_or_404(slug)
    return _record(
        challenge_summary,
        found,
        lang,
        "challenge",
        presented_by=found.presented_by or None,
        problem=localized_text(found, "problem", lang).text,
    )


@bp.get("/solutions")
def solutions():
    return _listing(solution_index.SPEC, solution_summary, "matchmaking_api.solutions")


@bp.get("/solutions/<slug>")
def solution(slug):
    lang = lang_arg()
    found = published_solution_or_404(slug)
    return _record(
        solution_summary,
        found,
        lang,
        "solution",
        description=localized_text(found, "description", lang).text,
        regions_served=list(found.regions or []),
        deployed_in=[
            {
                "slug": project.slug,
                "title": project.title,
                "city": project.city,
                "country": project.country,
                "url": external_url("catalog.detail", slug=project.slug),
            }
            for project in found.deployed_in
            if project.is_published
        ],
    )


# ---------------------------------------------------------------- the OpenAPI description


def _list_path(summary, operation_id, facets, schema):
    return list_path(
        summary,
        operation_id,
        [QUERY_PARAMETER, *facet_parameters(facets), *PAGE_PARAMETERS, LANG_PARAMETER],
        "One page of results with facet counts.",
        schema,
        required=("facets",),
        properties={
            "facets": FACET_COUNTS,
            "suggestion": {"type": ["string", "null"]},
            "degraded": {"type": "boolean"},
            "notices": {"type": "array", "items": {"type": "string"}},
        },
    )


_STRINGS = {"type": "array", "items": {"type": "string"}}
OPENAPI["paths"].update(
    {
        "/challenges": _list_path(
            "Search published challenges",
            "searchChallenges",
            challenge_index.FACETS,
            "ChallengeSummary",
        ),
        "/challenges/{slug}": detail_path(
            "One published challenge",
            "getChallenge",
            "One published challenge",
            "ChallengeSummary",
            parameters=[LANG_PARAMETER],
            responses={"400": ERROR_RESPONSE},
        ),
        "/solutions": _list_path(
            "Search published solutions",
            "searchSolutions",
            solution_index.FACETS,
            "SolutionSummary",
        ),
        "/solutions/{slug}": detail_path(
            "One published solution",
            "getSolution",
            "One published solution",
            "SolutionSummary",
            parameters=[LANG_PARAMETER],
            responses={"400": ERROR_RESPONSE},
        ),
    }
)
OPENAPI["components"]["schemas"].update(
    {
        "ChallengeSummary": {
            "type": "object",
            "properties": {
                "slug": {"type": "string"},
                "title": {"type": "string"},
                "city": {"type": "string"},
                "country": {"type": "string", "description": "ISO 3166-1 alpha-2"},
                "region": {"type": ["string", "null"]},
                "theme": {"type": ["string", "null"]},
                "help_sought": _STRINGS,
                "technologies": _STRINGS,
                "deadline": {
                    "type": ["string", "null"],
                    "format": "date",
                    "description": "null: open",
                },
                "status": {"type": "string", "enum": ["open", "closed"]},
                "url": {"type": "string", "format": "uri"},
            },
        },
        "SolutionSummary": {
            "type": "object",
            "properties": {
                "slug": {"type": "string"},
                "title": {"type": "string"},
                "provider": {"type": ["string", "null"]},
                "themes": _STRINGS,
                "technologies": _STRINGS,
                "regions": _STRINGS,
                "url": {"type": "string", "format": "uri"},
            },
        },
    }
)
