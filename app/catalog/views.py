"""The catalogue: /projects (search with facets) and /projects/<slug>.

The query string is the whole state of a search, so every state has a URL:
``q``, one repeated parameter per facet (``theme=mobility&theme=safe-city``:
values of one facet combine with OR, facets with AND), ``sort`` and ``page``.
:func:`search_from_args` turns it into a ProjectQuery for the pages and the
JSON API alike; bad values are clamped, or match nothing, with a notice; never an error.
"""

import re

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..delivery import lite_mode, saves_data
from ..extensions import db
from ..htmx import render
from ..i18n.countries import collation_key
from ..labels import (
    STATUS_LABELS,
    STATUSES,
)
from ..markdown import render_markdown
from ..models import AwardEdition, AwardWinner, Project
from ..population import POPULATION_BAND_LABELS
from ..query_args import (
    FacetOption,
    SearchRequest,
    page_arg,
    search_args,
    selected_chips,
    shared_facet_label,
    shared_facet_value_is_valid,
    show_answered_page,
    state_params,
)
from ..regions import COUNTRY_REGION, country_name
from ..search import FACETS, ProjectQuery, related_projects, search_projects
from .case_study import BAR_WIDTH, also_deployed_in, licence_of, metric_bars

bp = Blueprint("catalog", __name__, url_prefix="/projects")
bp.add_app_template_filter(render_markdown, "markdown")

FACET_LABELS = {
    "theme": _l("Theme"),
    "region": _l("Region"),
    "country": _l("Country"),
    "technology": _l("Technology"),
    "status": _l("Status"),
    "year": _l("Year"),
    "award": _l("Award"),
    "city_size": _l("City size"),
}
SORT_LABELS = {"relevance": _l("Relevance"), "newest": _l("Newest"), "title": _l("Title (A–Z)")}
UNKNOWN_FACET_VALUE = _l("No project has the %(facet)s “%(value)s”.")

FACET_TOP = 10  # values shown before "show all"
FACET_MAX = 60  # values listed at most
SLUG_VALUE = re.compile(r"[a-z0-9-]{1,120}")
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,2}")


def _facet_value_is_valid(facet, value):
    if facet == "status":
        return value in STATUSES
    if facet == "country":
        return value in COUNTRY_REGION
    if facet == "year":
        return value.isdigit() and len(value) == 4
    if facet == "award":
        return bool(SLUG_VALUE.fullmatch(value))
    if facet == "city_size":
        return value in POPULATION_BAND_LABELS
    return shared_facet_value_is_valid(facet, value)


def _clean_facet_value(facet, raw):
    return raw.strip().upper() if facet == "country" else raw.strip()


def search_from_args(args, per_page):
    """Clean the query-string arguments into a ProjectQuery (never raises)."""
    found = search_args(
        args, FACETS, FACET_LABELS, _facet_value_is_valid, UNKNOWN_FACET_VALUE, _clean_facet_value
    )
    notices = found.notices
    sort = args.get("sort", "relevance")
    if sort not in SORT_LABELS:
        notices.append(_("Unknown sort order: showing the most relevant first."))
        sort = "relevance"
    page = page_arg(args, notices)
    query = ProjectQuery(
        text=found.text, filters=found.filters, sort=sort, page=page, per_page=per_page
    )
    query.lang = _search_language(args.get("lang", "").strip(), notices)
    # "Search instead for" the typed words: never replace a misspelt word.
    query.correct = args.get("nocorrect", "") not in ("1", "true", "on")
    return SearchRequest(query, notices)


def _search_language(tag, notices):
    """The language whose text ranks first: `lang=` when it is a language, else the page's."""
    if tag:
        if LANGUAGE_TAG.fullmatch(tag):
            return tag
        notices.append(
            _("Unknown language “%(lang)s”: ranking for the page language.", lang=tag[:20])
        )
    locale = get_locale()
    return str(locale) if locale else None


def search_params(query, **changes):
    """The query-string parameters of a search state, e.g. for url_for."""
    params = {}
    if query.sort != "relevance":
        params["sort"] = query.sort
    if not query.correct:
        params["nocorrect"] = 1
    return state_params(query, **(params | changes))


def facet_label(facet, value, award_titles=None):
    """The human label of a facet value."""
    if facet == "country":
        return country_name(value) or value
    if facet == "status":
        return STATUS_LABELS.get(value, value)
    if facet == "award":
        return (award_titles or {}).get(value, value)
    if facet == "city_size":
        return POPULATION_BAND_LABELS.get(value, value)
    return shared_facet_label(facet, value)


def _award_titles(values):
    """Award edition titles by slug."""
    if not values:
        return {}
    rows = db.session.execute(
        db.select(AwardEdition.slug, AwardEdition.title).where(AwardEdition.slug.in_(values))
    )
    return dict(rows.all())


def facet_panel(result):
    """Facet -> (shown options, more options), selected values first and always listed."""
    query = result.query
    award_values = [value for value, _count in result.facets.get("award", [])]
    award_titles = _award_titles(award_values + query.filters.get("award", []))
    panel = {}
    for facet in FACETS:
        selected = query.filters.get(facet, [])
        counts = dict(result.facets.get(facet, []))
        others = [value for value, _count in result.facets.get(facet, []) if value not in selected]
        if facet == "year":
            others.sort(reverse=True)
        values = list(selected) + others
        options = [
            FacetOption(v, facet_label(facet, v, award_titles), counts.get(v, 0), v in selected)
            for v in values[: max(FACET_MAX, len(selected))]
        ]
        if options:
            cut = max(FACET_TOP, len(selected))
            more = options[cut:]
            if facet == "country":  # the long list is read by name, in the page's collation
                more.sort(key=lambda option: collation_key(option.label))
            panel[facet] = (options[:cut], more)
    return panel


def search_chips(query):
    """The removable chips of the selected facet values (see query_args.selected_chips)."""
    award_titles = _award_titles(query.filters.get("award", []))
    return selected_chips(
        query,
        "catalog.index",
        FACET_LABELS,
        lambda facet, value: facet_label(facet, value, award_titles),
        search_params,
    )


def load_award_wins(projects):
    """Load the award badges of a page of projects in one query, not one per project."""
    ids = [project.id for project in projects]
    if ids:
        wins = selectinload(Project.award_wins)
        db.session.scalars(
            db.select(Project)
            .where(Project.id.in_(ids))
            .options(wins.joinedload(AwardWinner.edition), wins.joinedload(AwardWinner.category))
        ).all()


@bp.get("")
def index():
    search = search_from_args(request.args, current_app.config["PROJECTS_PER_PAGE"])
    result = search_projects(search.query)
    show_answered_page(search, result)
    query = search.query
    load_award_wins([hit.project for hit in result.hits])
    return render(
        "catalog/index.html",
        "catalog/_search_response.html",
        result=result,
        query=query,
        notices=search.notices,
        facets=facet_panel(result),
        chips=search_chips(query),
        facet_labels=FACET_LABELS,
        sort_labels=SORT_LABELS,
        search_params=search_params,
        page_url=lambda n: url_for("catalog.index", **search_params(query, page=n)),
        clear_filters_url=url_for(
            "catalog.index", q=query.text or None, sort=search_params(query).get("sort")
        ),
    )


def published_project_or_404(slug):
    project = db.session.scalar(
        db.select(Project).where(Project.slug == slug, Project.publication == "published")
    )
    if project is None:
        abort(404, description=_("There is no published project at this address."))
    return project


@bp.get("/<slug>")
def detail(slug):
    project = published_project_or_404(slug)
    return render_template(
        "catalog/detail.html",
        project=project,
        related=related_projects(project),
        also_deployed=also_deployed_in(project),
        licence=licence_of(project),
        show_images=not (lite_mode() or saves_data()),
        metric_bars=metric_bars,
        bar_width=BAR_WIDTH,
    )
