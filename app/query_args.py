"""The query string of a search page with facets (/projects, /challenges, /solutions), cleaned.

``q``, one repeated parameter per facet and ``page`` mean the same on every
such page and in its JSON API (:func:`search_args`, :func:`page_arg`): a long
query is shortened, an unknown facet value stays in the filter and matches
nothing (dropping it would silently widen the results), a bad page is page 1;
each change gets a notice, never an error. Each page adds its own parameters
(``sort``, ``lang``…) to the result.
"""

from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _

from .labels import REGIONS, THEME_LABELS, THEMES
from .pagination import MAX_PAGE

MAX_QUERY_CHARS = 200
MAX_VALUES_PER_FACET = 20
MAX_VALUE_CHARS = 60


@dataclass
class SearchRequest:
    """A search as asked in the query string, cleaned, with notices about what was changed."""

    query: object
    notices: list = field(default_factory=list)


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchArgs:
    text: str
    filters: dict[str, list[str]]
    notices: list = field(default_factory=list)


def shared_facet_value_is_valid(facet, value):
    """Whether a value of a facet every search page has can match: theme, region, technology."""
    if facet == "theme":
        return value in THEMES
    if facet == "region":
        return value in REGIONS
    return 0 < len(value) <= MAX_VALUE_CHARS  # technology: free text


def shared_facet_label(facet, value):
    """The label of a value of a facet every search page has (a technology is its own label)."""
    if facet == "theme":
        return THEME_LABELS.get(value, value)
    if facet == "region":
        return REGIONS.get(value, value)
    return value


def stripped(_facet, raw):
    return raw.strip()


def search_args(args, facets, facet_labels, is_valid, unknown_value, clean=stripped):
    """Read ``q`` and the `facets` from `args` (never raises).

    ``clean(facet, raw)`` gives the value that is compared, checked with
    ``is_valid(facet, value)`` and kept (at most MAX_VALUE_CHARS of it);
    `unknown_value` is the notice for an invalid one, a lazy string with
    ``%(facet)s`` (its label in `facet_labels`) and ``%(value)s``.
    """
    notices = []
    text = " ".join(args.get("q", "").split())
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(_("Your search was shortened to %(n)s characters.", n=MAX_QUERY_CHARS))
    filters = {}
    for facet in facets:
        values = []
        for raw in args.getlist(facet):
            value = clean(facet, raw)
            if not value or value in values or len(values) >= MAX_VALUES_PER_FACET:
                continue
            values.append(value[:MAX_VALUE_CHARS])
            if not is_valid(facet, value):
                label = str(facet_labels[facet]).lower()
                notices.append(str(unknown_value) % {"facet": label, "value": value[:40]})
        if values:
            filters[facet] = values
    return SearchArgs(text, filters, notices)


def page_arg(args, notices):
    """The ``page`` asked for; page 1, with a notice, when it is not a number from 1 to MAX_PAGE."""
    raw = args.get("page", "1").strip()
    page = int(raw) if raw.isdigit() and len(raw) <= 6 else 0
    if not 1 <= page <= MAX_PAGE:
        notices.append(_("There is no page “%(page)s”: showing page 1.", page=raw[:12]))
        page = 1
    return page


def state_params(query, **params):
    """The query-string parameters of a search state (``q``, the filters, then `params`), without
    the empty ones; e.g. for url_for."""
    params = {"q": query.text or None, **{f: list(v) for f, v in query.filters.items()}, **params}
    return {key: value for key, value in params.items() if value not in (None, "", [])}


def show_answered_page(search, result):
    """Past the last page a search answers with the last one: say so, and make it the state's page."""
    if search.query.page > result.total_pages and result.total:
        search.notices.append(
            _("There are only %(n)s pages: showing the last one.", n=result.total_pages)
        )
    search.query.page = result.page


def selected_chips(query, endpoint, facet_labels, value_label, params):
    """One removable chip per selected facet value: (facet label, value label, URL without it).

    ``value_label(facet, value)`` names a value; ``params(query, **changes)``
    gives a state's query string.
    """
    chips = []
    for facet, values in query.filters.items():
        for value in values:
            remaining = [v for v in values if v != value]
            url = url_for(endpoint, **params(query, **{facet: remaining}))
            chips.append((facet_labels[facet], value_label(facet, value), url))
    return chips
