"""/api/v1/challenges and /api/v1/solutions: read-only JSON, the same conventions as /api/v1/projects.

The list takes the page's query string (``q``, the facets, ``page``) plus
``per_page`` and ``lang``; a malformed ``page``, ``per_page`` or ``lang`` is a
400 with a message, and a page past the last one is a 404. Text is in
``lang`` where a translation exists, else the original; ``language`` says which.
"""

from flask import Blueprint, jsonify, request

from ..api import (
    _COMMON_ERRORS,
    _ERROR,
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    OPENAPI,
    _error,
    _int_arg,
    _lang_arg,
    _text,
)
from ..api_support import add_page_links, cacheable, check_page
from ..search import challenges as challenge_index
from ..search import solutions as solution_index
from ..search.listing import search_listing
from ..urls import external_url
from .views import (
    MAX_PAGE,
    listing_from_args,
    published_challenge_or_404,
    published_solution_or_404,
)

bp = Blueprint("matchmaking_api", __name__, url_prefix="/api/v1")


def _listing(spec, summary, endpoint):
    lang = _lang_arg()
    page = _int_arg("page", 1, 1, MAX_PAGE)
    per_page = _int_arg("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    search = listing_from_args(request.args, spec.facets, per_page)
    result = search_listing(spec, search.query)
    check_page(page, result.total, result.total_pages)
    hits = result.hits if page <= result.total_pages else []
    response = jsonify(
        total=result.total,
        page=page,
        per_page=result.per_page,
        total_pages=result.total_pages,
        results=[summary(hit.item, lang) for hit in hits],
        facets={facet: dict(result.facets.get(facet, [])) for facet in spec.facets},
        suggestion=None,
        degraded=result.degraded,
        notices=search.notices,
    )
    add_page_links(response, endpoint, page, result.total_pages)
    return cacheable(
        response, last_modified=max((hit.item.updated_at for hit in hits), default=None)
    )


def challenge_summary(challenge, lang=None):
    title = _text(challenge, "title", lang)
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
    title = _text(solution, "title", lang)
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


@bp.get("/challenges/<slug>")
def challenge(slug):
    lang = _lang_arg()
    found = published_challenge_or_404(slug)
    member = found.member
    return jsonify(
        challenge_summary(found, lang)
        | {
            "member": {"slug": member.slug, "name": member.name} if member else None,
            "presented_by": found.presented_by or None,
            "problem": _text(found, "problem", lang).text,
            "sources": found.sources or [],
            "translations": found.translations or {},
            "interest_url": external_url("interest.form", challenge=found.slug),
        }
    )


@bp.get("/solutions")
def solutions():
    return _listing(solution_index.SPEC, solution_summary, "matchmaking_api.solutions")


@bp.get("/solutions/<slug>")
def solution(slug):
    lang = _lang_arg()
    found = published_solution_or_404(slug)
    member = found.member
    return jsonify(
        solution_summary(found, lang)
        | {
            "member": {"slug": member.slug, "name": member.name} if member else None,
            "description": _text(found, "description", lang).text,
            "regions_served": list(found.regions or []),
            "deployed_in": [
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
            "sources": found.sources or [],
            "translations": found.translations or {},
            "interest_url": external_url("interest.form", solution=found.slug),
        }
    )


# ---------------------------------------------------------------- the OpenAPI description


def _list_path(summary, operation_id, facets, schema):
    facet_parameters = [
        {
            "name": facet,
            "in": "query",
            "required": False,
            "description": f"Filter by {facet}; repeat the parameter to combine values with OR.",
            "schema": {"type": "array", "items": {"type": "string"}},
            "style": "form",
            "explode": True,
        }
        for facet in facets
    ]
    return {
        "get": {
            "summary": summary,
            "operationId": operation_id,
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}},
                *facet_parameters,
                {
                    "name": "page",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                },
                {
                    "name": "per_page",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                },
            ],
            "responses": {
                "200": {
                    "description": "One page of results with facet counts.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["total", "page", "per_page", "results", "facets"],
                                "properties": {
                                    "total": {"type": "integer"},
                                    "page": {"type": "integer"},
                                    "per_page": {"type": "integer"},
                                    "total_pages": {"type": "integer"},
                                    "results": {
                                        "type": "array",
                                        "items": {"$ref": f"#/components/schemas/{schema}"},
                                    },
                                    "facets": {
                                        "type": "object",
                                        "additionalProperties": {
                                            "type": "object",
                                            "additionalProperties": {"type": "integer"},
                                        },
                                    },
                                    "suggestion": {"type": ["string", "null"]},
                                    "degraded": {"type": "boolean"},
                                    "notices": {"type": "array", "items": {"type": "string"}},
                                },
                            }
                        }
                    },
                },
                "400": _ERROR,
                "404": _error("A page past the last page."),
                **_COMMON_ERRORS,
            },
        }
    }


def _detail_path(summary, operation_id, schema):
    return {
        "get": {
            "summary": summary,
            "operationId": operation_id,
            "parameters": [
                {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": {
                    "description": summary,
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}
                    },
                },
                "404": _ERROR,
                **_COMMON_ERRORS,
            },
        }
    }


_STRINGS = {"type": "array", "items": {"type": "string"}}
OPENAPI["paths"].update(
    {
        "/challenges": _list_path(
            "Search published challenges",
            "searchChallenges",
            challenge_index.FACETS,
            "ChallengeSummary",
        ),
        "/challenges/{slug}": _detail_path(
            "One published challenge", "getChallenge", "ChallengeSummary"
        ),
        "/solutions": _list_path(
            "Search published solutions",
            "searchSolutions",
            solution_index.FACETS,
            "SolutionSummary",
        ),
        "/solutions/{slug}": _detail_path(
            "One published solution", "getSolution", "SolutionSummary"
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
