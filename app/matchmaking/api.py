"""/api/v1/challenges and /api/v1/solutions: read-only JSON, the same conventions as /api/v1/projects.

The list takes the page's query string (``q``, the facets, ``page``) plus
``per_page``; a malformed ``page`` or ``per_page`` is a 400 with a message,
and a page past the end is an empty page.
"""

from flask import Blueprint, jsonify, request, url_for

from ..api import DEFAULT_PER_PAGE, MAX_PER_PAGE, _int_arg, allow_cross_origin_reads
from ..search import challenges as challenge_index
from ..search import solutions as solution_index
from ..search.listing import search_listing
from .views import (
    MAX_PAGE,
    listing_from_args,
    published_challenge_or_404,
    published_solution_or_404,
)

bp = Blueprint("matchmaking_api", __name__, url_prefix="/api/v1")
bp.after_request(allow_cross_origin_reads)


def _listing(spec, summary):
    page = _int_arg("page", 1, 1, MAX_PAGE)
    per_page = _int_arg("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    search = listing_from_args(request.args, spec.facets, per_page)
    result = search_listing(spec, search.query)
    hits = result.hits if page <= result.total_pages else []
    return jsonify(
        total=result.total,
        page=page,
        per_page=result.per_page,
        total_pages=result.total_pages,
        results=[summary(hit.item) for hit in hits],
        facets={facet: dict(result.facets.get(facet, [])) for facet in spec.facets},
        suggestion=None,
        degraded=result.degraded,
        notices=search.notices,
    )


def challenge_summary(challenge):
    return {
        "slug": challenge.slug,
        "title": challenge.title,
        "city": challenge.city,
        "country": challenge.country,
        "region": challenge.region,
        "theme": challenge.theme,
        "help_sought": list(challenge.help_sought or []),
        "technologies": list(challenge.technologies or []),
        "deadline": challenge.deadline.isoformat() if challenge.deadline else None,
        "status": challenge.status,
        "url": url_for("matchmaking.challenge", slug=challenge.slug, _external=True),
    }


def solution_summary(solution):
    return {
        "slug": solution.slug,
        "title": solution.title,
        "provider": solution.provider_name or None,
        "themes": list(solution.themes or []),
        "technologies": list(solution.technologies or []),
        "regions": solution_index.regions_of(solution),
        "url": url_for("matchmaking.solution", slug=solution.slug, _external=True),
    }


@bp.get("/challenges")
def challenges():
    return _listing(challenge_index.SPEC, challenge_summary)


@bp.get("/challenges/<slug>")
def challenge(slug):
    found = published_challenge_or_404(slug)
    member = found.member
    return jsonify(
        challenge_summary(found)
        | {
            "member": {"slug": member.slug, "name": member.name} if member else None,
            "presented_by": found.presented_by or None,
            "problem": found.problem,
            "sources": found.sources or [],
            "language": found.language,
            "translations": found.translations or {},
            "interest_url": url_for("interest.form", challenge=found.slug, _external=True),
        }
    )


@bp.get("/solutions")
def solutions():
    return _listing(solution_index.SPEC, solution_summary)


@bp.get("/solutions/<slug>")
def solution(slug):
    found = published_solution_or_404(slug)
    member = found.member
    return jsonify(
        solution_summary(found)
        | {
            "member": {"slug": member.slug, "name": member.name} if member else None,
            "description": found.description,
            "regions_served": list(found.regions or []),
            "deployed_in": [
                {
                    "slug": project.slug,
                    "title": project.title,
                    "city": project.city,
                    "country": project.country,
                    "url": url_for("catalog.detail", slug=project.slug, _external=True),
                }
                for project in found.deployed_in
                if project.is_published
            ],
            "sources": found.sources or [],
            "language": found.language,
            "translations": found.translations or {},
            "interest_url": url_for("interest.form", solution=found.slug, _external=True),
        }
    )
