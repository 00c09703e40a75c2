"""Search for the small published listings (challenges, solutions): relevance from Whoosh, rows from the database.

These listings hold hundreds of rows, not tens of thousands, so they do not
need the projects engine's bitsets and caches. A search asks the index which
documents match the words (BM25F over the listing's text fields, every word
required, then any word when that finds nothing) and with what score; the rows
are then re-read from the database (published only, so a stale index never
shows a withdrawn row), and the facet counts and filters are applied to those
rows. When the index is missing or broken the words are matched in SQL
instead and the page says the search is degraded.
"""

import logging
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from markupsafe import Markup
from whoosh import index as whoosh_index
from whoosh import query as wq

from ..database import any_contains
from ..extensions import db
from . import query as parsing
from .analysis import MultilingualTokenizer
from .engine import release_leaked_files
from .outbox import track
from .registry import IndexDefinition, model_index, register_index, searched_generation

log = logging.getLogger(__name__)

MAX_PER_PAGE = 100
TEXT_ANALYZER = MultilingualTokenizer("en")


def listing_schema(text_fields):
    """The schema of a listing index: its id, its entity number, and its text fields (name -> boost).

    Text is analysed with the catalogue's English analysis (what
    ``query.analyze`` gives a query), so a word meets the same forms here as in
    /projects; translations share the "translated" field.
    """
    from whoosh.fields import ID, NUMERIC, TEXT, Schema

    return Schema(
        id=ID(stored=True, unique=True),
        entity=NUMERIC(stored=True, bits=64, signed=False),
        **{
            name: TEXT(analyzer=TEXT_ANALYZER, field_boost=boost, phrase=True)
            for name, boost in text_fields.items()
        },
    )


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


@dataclass(frozen=True)
class ListingSpec:
    """What a listing searches: its index, model, text fields, facets and fallback columns."""

    definition: IndexDefinition
    model: type
    text_fields: tuple[str, ...]
    facets: tuple[str, ...]
    facet_values: Callable[[object], dict[str, list[str]]]
    fallback_columns: Callable[[], tuple]
    highlight_fields: tuple[str, ...] = ("title",)


def listing_index(name, model, text_fields, facets, facet_values, document, fallback_columns):
    """The spec of a listing index holding the published rows of `model`.

    ``document(row)`` gives a row's text fields (the id fields are added here);
    `text_fields` maps each to its BM25F weight.
    """

    def identified_document(row):
        return {"id": str(row.id), "entity": row.id, **document(row)}

    definition = model_index(
        name,
        listing_schema(text_fields),
        model,
        identified_document,
        where=[model.publication == "published"],
    )
    return ListingSpec(
        definition=definition,
        model=model,
        text_fields=tuple(text_fields),
        facets=facets,
        facet_values=facet_values,
        fallback_columns=fallback_columns,
    )


def register_listing(spec):
    """Follow the listing's rows through the outbox, and make its index known to the indexer."""
    track(spec.model, spec.definition.name)
    register_index(spec.definition)


@dataclass
class ListingQuery:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    page: int = 1
    per_page: int = 20


@dataclass
class ListingHit:
    item: object
    score: float | None
    highlights: dict[str, Markup]


@dataclass
class ListingPage:
    query: ListingQuery
    total: int
    hits: list[ListingHit]
    facets: dict[str, list[tuple[str, int]]]
    degraded: bool
    page: int
    per_page: int
    total_pages: int
    suggestion: str | None = None
    terms: list = field(default_factory=list)  # what to highlight in any text shown


def search_listing(spec: ListingSpec, query: ListingQuery) -> ListingPage:
    """One page of published rows matching the query, with facet counts; never fails on the index."""
    parsed = parsing.parse(query.text)
    per_page = min(max(int(query.per_page or 20), 1), MAX_PER_PAGE)
    degraded = False
    scores: dict[int, float] | None = None
    if parsed:
        try:
            scores = _index_scores(spec, parsed)
        except Exception as error:
            log.warning(
                "%s index unavailable, answering from the database: %r", spec.definition.name, error
            )
            release_leaked_files()
            degraded = True
            scores = None
    rows = _published_rows(spec, parsed if degraded else None, scores)
    values = {row.id: spec.facet_values(row) for row in rows}
    filters = {f: list(v) for f, v in (query.filters or {}).items() if f in spec.facets and v}

    def passes(row, skip=None):
        return all(
            set(values[row.id].get(facet, [])) & set(wanted)
            for facet, wanted in filters.items()
            if facet != skip
        )

    facets = {}
    for facet in spec.facets:
        counts: dict[str, int] = {}
        for row in rows:
            if passes(row, skip=facet):
                for value in values[row.id].get(facet, []):
                    counts[value] = counts.get(value, 0) + 1
        for value in filters.get(facet, []):
            counts.setdefault(value, 0)
        facets[facet] = sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    selected = [row for row in rows if passes(row)]
    if scores is not None:
        selected.sort(key=lambda row: (-scores.get(row.id, 0.0), row.title.casefold(), row.id))
    else:
        selected.sort(key=lambda row: (row.title.casefold(), row.id))
    total = len(selected)
    total_pages = max(1, math.ceil(total / per_page))
    page = min(max(int(query.page or 1), 1), total_pages)
    chosen = selected[(page - 1) * per_page : page * per_page]
    stems = parsed.stems() if parsed else []
    hits = [
        ListingHit(
            item=row,
            score=scores.get(row.id) if scores is not None else None,
            highlights={
                name: parsing.highlight(getattr(row, name), stems) for name in spec.highlight_fields
            },
        )
        for row in chosen
    ]
    return ListingPage(
        query=query,
        total=total,
        hits=hits,
        facets=facets,
        degraded=degraded,
        page=page,
        per_page=per_page,
        total_pages=total_pages,
        terms=sorted(stems),
    )


def _text_query(spec, clauses, require_all):
    parts = []
    for kind, value in clauses:
        if kind == "phrase":
            parts.append(wq.Or([wq.Phrase(name, list(value)) for name in spec.text_fields]))
        else:
            parts.append(wq.Or([wq.Term(name, value) for name in spec.text_fields]))
    return wq.And(parts) if require_all else wq.Or(parts)


def _index_scores(spec, parsed):
    """{entity id: BM25F score} of the documents matching every word (else any word)."""
    clauses = parsing.clauses(parsed)
    if not clauses:
        return {}
    generation = searched_generation(spec.definition)
    if generation is None:
        raise LookupError("index missing")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        ix = whoosh_index.open_dir(str(generation))
        with ix.searcher() as searcher:
            for require_all in (True, False):
                results = searcher.search(_text_query(spec, clauses, require_all), limit=None)
                found = {hit["entity"]: float(hit.score) for hit in results}
                if found or len(clauses) == 1:
                    return found
    return {}


def _published_rows(spec, fallback_parsed, scores):
    model = spec.model
    statement = sa.select(model).where(model.publication == "published")
    if scores is not None:
        if not scores:
            return []
        statement = statement.where(model.id.in_(list(scores)))
    elif fallback_parsed:
        words = [
            " ".join(p.words) if isinstance(p, parsing.Phrase) else p for p in fallback_parsed.parts
        ]
        columns = spec.fallback_columns()
        conditions = [any_contains(columns, word) for word in words]
        rows = list(db.session.scalars(statement.where(sa.and_(*conditions))))
        if rows or len(words) < 2:
            return rows
        statement = statement.where(sa.or_(*conditions))
    return list(db.session.scalars(statement))
