"""Public pages: /challenges, /solutions (search with facets), their detail pages, and /matchmaking.

As in the catalogue, the query string is the whole state of a search (``q``,
one repeated parameter per facet, ``page``), so every state has a URL; an
htmx request gets the results partial the page itself includes.
"""

from dataclasses import dataclass, field

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from ..extensions import db
from ..htmx import render
from ..labels import REGIONS, THEME_LABELS, THEMES
from ..models import Challenge, Solution
from ..models.matchmaking import CHALLENGE_STATUSES
from ..regions import country_name
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
MAX_QUERY_CHARS = 200
MAX_VALUES_PER_FACET = 20
MAX_PAGE = 10000
PER_PAGE = 20


def facet_label(facet, value):
    if facet == "theme":
        return THEME_LABELS.get(value, value)
    if facet == "region":
        return REGIONS.get(value, value)
    if facet == "status":
        return CHALLENGE_STATUS_LABELS.get(value, value)
    return value


def _facet_value_is_valid(facet, value):
    if facet == "theme":
        return value in THEMES
    if facet == "region":
        return value in REGIONS
    if facet == "status":
        return value in CHALLENGE_STATUSES
    return 0 < len(value) <= 60


@dataclass
class ListingRequest:
    query: ListingQuery
    notices: list = field(default_factory=list)


def listing_from_args(args, facets, per_page=PER_PAGE):
    """Clean the query string into a ListingQuery (never raises); unknown values match nothing, with a notice."""
    notices = []
    text = " ".join(args.get("q", "").split())
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(_("Your search was shortened to %(n)s characters.", n=MAX_QUERY_CHARS))
    filters = {}
    for facet in facets:
        values = []
        for raw in args.getlist(facet):
            value = raw.strip()[:60]
            if not value or value in values or len(values) >= MAX_VALUES_PER_FACET:
                continue
            values.append(value)
            if not _facet_value_is_valid(facet, value):
                notices.append(
                    _(
                        "Nothing has the %(facet)s “%(value)s”.",
                        facet=str(FACET_LABELS[facet]).lower(),
                        value=value[:40],
                    )
                )
        if values:
            filters[facet] = values
    page_arg = args.get("page", "1").strip()
    page = int(page_arg) if page_arg.isdigit() and len(page_arg) <= 6 else 0
    if not 1 <= page <= MAX_PAGE:
        notices.append(_("There is no page “%(page)s”: showing page 1.", page=page_arg[:12]))
        page = 1
    return ListingRequest(
        ListingQuery(text=text, filters=filters, page=page, per_page=per_page), notices
    )


def listing_params(query, **changes):
    params = {"q": query.text or None, **{f: list(v) for f, v in query.filters.items()}}
    params.update(changes)
    return {key: value for key, value in params.items() if value not in (None, "", [])}


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


def facet_panel(result, facets):
    panel = {}
    for facet in facets:
        selected = result.query.filters.get(facet, [])
        counts = dict(result.facets.get(facet, []))
        values = list(selected) + [
            v for v, _count in result.facets.get(facet, []) if v not in selected
        ]
        options = [
            FacetOption(v, facet_label(facet, v), counts.get(v, 0), v in selected) for v in values
        ]
        if options:
            panel[facet] = options
    return panel


def render_listing(kind, spec, endpoint, heading, search_label):
    search = listing_from_args(request.args, spec.facets)
    result = search_listing(spec, search.query)
    query = search.query
    if query.page > result.total_pages and result.total:
        search.notices.append(
            _("There are only %(n)s pages: showing the last one.", n=result.total_pages)
        )
    query.page = result.page
    chips = []
    for facet, values in query.filters.items():
        for value in values:
            remaining = [v for v in values if v != value]
            url = url_for(endpoint, **listing_params(query, **{facet: remaining}))
            chips.append((FACET_LABELS[facet], facet_label(facet, value), url))
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
        chips=chips,
        theme_labels=THEME_LABELS,
        status_labels=CHALLENGE_STATUS_LABELS,
        regions=REGIONS,
        country_name=country_name,
        page_url=lambda n: url_for(endpoint, **listing_params(query, page=n)),
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
        theme_labels=THEME_LABELS,
        status_labels=CHALLENGE_STATUS_LABELS,
        regions=REGIONS,
        country_name=country_name,
    )


@bp.get("/solutions/<slug>")
def solution(slug):
    found = published_solution_or_404(slug)
    return render_template(
        "matchmaking/solution.html",
        solution=found,
        regions_served=solution_index.regions_of(found),
        fitting_challenges=suggestions.for_solution(found),
        theme_labels=THEME_LABELS,
        regions=REGIONS,
        country_name=country_name,
    )


@bp.get("/matchmaking")
def overview():
    return render_template(
        "matchmaking/overview.html",
        figures=outcomes.figures(),
        matches=outcomes.public_matches(),
        stage_labels=outcomes.STAGE_LABELS,
        country_name=country_name,
    )
