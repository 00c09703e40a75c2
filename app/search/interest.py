"""The staff-only "interest" index: expressions of interest, searchable from the staff inbox.

It holds personal data (names, email addresses, messages), so it is a
separate index in ``<SEARCH_INDEX_DIR>/interest/`` that only the staff inbox
queries; nothing of it reaches the public "projects" index. It follows the
database through the same outbox and indexer as every index: Interest rows
are tracked, and a new staff note enqueues its submission.
"""

import logging

from sqlalchemy.orm import selectinload
from whoosh import index as whoosh_index
from whoosh import query as q
from whoosh.fields import ID, NUMERIC, TEXT, Schema

from ..models import Interest
from ..regions import english_country_name
from .analysis import ANALYSES, NAME_ANALYZER, MultilingualTokenizer, analyze
from .outbox import track
from .query import Phrase, parse
from .registry import model_index, register_index, searched_generation

log = logging.getLogger(__name__)

INDEX_NAME = "interest"
# Names and email addresses are not words: folded (case, accents, Arabic
# forms), CJK split into bigrams, never stemmed, and matched as prefixes.
NAME_FIELDS = ("reference", "name", "email", "organization", "country")
# Free text in any language: indexed once per analysis ("message_en",
# "message_fr", ... "message_xx"), a query word analysed the same way for each.
PROSE_FIELDS = ("project", "message", "notes")
FIELD_ANALYSES = {
    **{name: "xx" for name in NAME_FIELDS},
    **{f"{name}_{analysis}": analysis for name in PROSE_FIELDS for analysis in ANALYSES},
}
TEXT_FIELDS = tuple(FIELD_ANALYSES)
MAX_RESULTS = 10000


def build_schema():
    return Schema(
        id=ID(stored=True, unique=True),
        entity=NUMERIC(stored=True, bits=64, signed=False),
        **{name: TEXT(analyzer=NAME_ANALYZER, phrase=True) for name in NAME_FIELDS},
        **{
            name: TEXT(analyzer=MultilingualTokenizer(analysis), phrase=True)
            for name, analysis in FIELD_ANALYSES.items()
            if name not in NAME_FIELDS
        },
    )


def interest_document(interest):
    """The search document of one submission (staff notes included)."""
    notes = " ".join(event.text for event in interest.events if event.kind == "note")
    prose = {
        "project": interest.project.title if interest.project else "",
        "message": interest.message,
        "notes": notes,
    }
    document = {
        "id": str(interest.id),
        "entity": interest.id,
        "reference": interest.reference,
        "name": interest.name,
        "email": interest.email,
        "organization": interest.organization,
        "country": f"{interest.country} {english_country_name(interest.country)}",
    }
    for name in FIELD_ANALYSES:
        if name not in NAME_FIELDS:
            document[name] = prose[name.rsplit("_", 1)[0]] or ""
    return document


DEFINITION = model_index(
    INDEX_NAME,
    build_schema(),
    Interest,
    interest_document,
    load_options=lambda: [selectinload(Interest.events), selectinload(Interest.project)],
)


def init_app(app):
    track(Interest, INDEX_NAME)
    register_index(DEFINITION)


def _field_query(name, terms, phrase):
    if phrase and len(terms) > 1:
        return q.Phrase(name, terms)
    make = q.Prefix if name in NAME_FIELDS else q.Term
    return q.And([make(name, t) if len(t) >= 3 else q.Term(name, t) for t in terms])


def _word_query(word, phrase=False):
    """Any field containing the word, analysed as that field is; names also match as a prefix."""
    clauses = []
    for name, analysis in FIELD_ANALYSES.items():
        terms = analyze(word, analysis)
        if terms:
            clauses.append(_field_query(name, terms, phrase))
    return q.Or(clauses) if clauses else None


def _phrase_query(words):
    return _word_query(" ".join(words), phrase=True)


def search_interest_ids(text):
    """Ids of the submissions matching every word of `text`, or None when the index is unusable.

    The text is raw staff input: it is split into words and quoted phrases,
    never handed to a query parser, so it cannot fail on syntax.
    """
    clauses = []
    for part in parse(text).parts:
        clause = _phrase_query(part.words) if isinstance(part, Phrase) else _word_query(part)
        if clause is not None:
            clauses.append(clause)
    if not clauses:
        return []
    generation = searched_generation(DEFINITION)
    if generation is None:
        return None
    try:
        ix = whoosh_index.open_dir(str(generation))
        with ix.searcher() as searcher:
            results = searcher.search(q.And(clauses), limit=MAX_RESULTS)
            return [hit["entity"] for hit in results]
    except Exception:  # a damaged index: the inbox falls back to the database
        log.exception("searching the interest index failed")
        return None
