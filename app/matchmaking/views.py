"""Public pages: /challenges, /solutions (search with facets), their detail pages, and /matchmaking.

As in the catalogue, the query string is the whole state of a search (``q``,
one repeated parameter per facet, ``page``), so every state has a URL; an
htmx request gets the results partial the page itself includes.
"""

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from .. import query_args
from ..extensions import db
from ..htmx import render
from ..models import Challenge, Solution
from ..models.matchmaking import CHALLENGE_STATUSES
from ..search import challenges as challenge_index
from ..search import solutions as solution_index
from ..search.listing import ListingQuery, search_listing
from . import outcomes, suggestions

bp = Blueprint("matchmaking", __name__)

CHALLENGE_STATUS_LABELS = {
    "open": _l("Open"),
    "closed": lazy_pgettext("challenge status", "Closed"),
}
FACET_LABELS = {
    "theme": _l("Theme"),
    "region": _l("Region"),
    "technology": _l("Technology"),
    "status": _l("Status"),
}
UNKNOWN_FACET_VALUE = _l("Nothing has the %(facet)s “%(value)s”.")
PER_PAGE = 20


def facet_label(facet, value):
    if facet == "status":
        return CHALLENGE_STATUS_LABELS.get(value, value)
    return query_args.shared_facet_label(facet, value)


def _facet_value_is_valid(facet, value):
    if facet == "status":
        return value in CHALLENGE_STATUSES
    return query_args.shared_facet_value_is_valid(facet, value)


def listing_from_args(args, facets, per_page=PER_PAGE):
    """Clean the query string into a ListingQuery (never raises); unknown values match nothing, with a notice."""
    found = query_args.search_args(
        args,
        facets,
        FACET_LABELS,
        _facet_value_is_valid,
        UNKNOWN_FACET_VALUE,
        # Cut before it is compared and checked (the catalogue checks the whole value).
        clean=lambda _facet, raw: raw.strip()[: query_args.MAX_VALUE_CHARS],
    )
    page = query_args.page_arg(args, found.notices)
    return query_args.SearchRequest(
        ListingQuery(text=found.text, filters=found.filters, page=page, per_page=per_page),
        found.notices,
    )


def facet_panel(result, facets):
    panel = {}
    for facet in facets:
        selected = result.query.filters.get(facet, [])
        counts = dict(result.facets.get(facet, []))
        values = list(selected) + [
            v for v, _count in result.facets.get(facet, []) if v not in selected
        ]
        options = [
            query_args.FacetOption(v, facet_label(facet, v), counts.get(v, 0), v in selected)
            for v in values
        ]
        if options:
            panel[facet] = options
    return panel


def render_listing(kind, spec, endpoint, heading, search_label):
    search = listing_from_args(request.args, spec.facets)
    result = search_listing(spec, search.query)
    query_args.show_answered_page(search, result)
    query = search.query
    return render(
        "matchmaking/listing.html",
        "matchmaking/_listing_response.html",
        kind=kind,
        endpoint=endpoint,
        heading=heading,
        search_label=search_label,
        result=result,
        query=query,
        notices=search.notices,
        facets=facet_panel(result, spec.facets),
        facet_labels=FACET_LABELS,
        chips=query_args.selected_chips(
            query, endpoint, FACET_LABELS, facet_label, query_args.state_params
        ),
        status_labels=CHALLENGE_STATUS_LABELS,
        page_url=lambda n: url_for(endpoint, **query_args.state_params(query, page=n)),
        clear_filters_url=url_for(endpoint, q=query.text or None),
    )


@bp.get("/challenges")
def challenges():
    return render_listing(
        "challenge",
        challenge_index.SPEC,
        "matchmaking.challenges",
        _("Challenges"),
        _("Search challenges"),
    )


@bp.get("/solutions")
def solutions():
    return render_listing(
        "solution",
        solution_index.SPEC,
        "matchmaking.solutions",
        _("Solutions"),
        _("Search solutions"),
    )


def published_or_404(model, slug, message):
    row = db.session.scalar(
        db.select(model).where(model.slug == slug, model.publication == "published")
    )
    if row is None:
        abort(404, description=message)
    return row


def published_challenge_or_404(slug):
    return published_or_404(Challenge, slug, _("There is no published challenge at this address."))


def published_solution_or_404(slug):
    return published_or_404(Solution, slug, _("There is no published solution at this address."))


@bp.get("/challenges/<slug>")
def challenge(slug):
    found = published_challenge_or_404(slug)
    fitting_solutions, fitting_projects = suggestions.for_challenge(found)
    return render_template(
        "matchmaking/challenge.html",
        challenge=found,
        fitting_solutions=fitting_solutions,
        fitting_projects=fitting_projects,
        status_labels=CHALLENGE_STATUS_LABELS,
    )


@bp.get("/solutions/<slug>")
def solution(slug):
    found = published_solution_or_404(slug)
    return render_template(
        "matchmaking/solution.html",
        solution=found,
        regions_served=solution_index.regions_of(found),
        fitting_challenges=suggestions.for_solution(found),
    )


@bp.get("/matchmaking")
def overview():
    return render_template(
        "matchmaking/overview.html",
        figures=outcomes.figures(),
        matches=outcomes.public_matches(),
        stage_labels=outcomes.STAGE_LABELS,
    )
