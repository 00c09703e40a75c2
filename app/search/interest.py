"""The staff-only "interest" index: expressions of interest, searchable from the staff inbox.

It holds personal data (names, email addresses, messages), so it is a
separate index in ``<SEARCH_INDEX_DIR>/interest/`` that only the staff inbox
queries; nothing of it reaches the public "projects" index. It follows the
database through the same outbox and indexer as every index: Interest rows
are tracked, and a new staff note enqueues its submission.
"""

import logging

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from whoosh import index as whoosh_index
from whoosh import query as q
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.support.charset import accent_map

from ..extensions import db
from ..models import Interest
from ..regions import english_country_name
from .outbox import track
from .query import Phrase, parse
from .registry import IndexDefinition, current_generation, index_root, register_index

log = logging.getLogger(__name__)

INDEX_NAME = "interest"
# Names and email addresses are not words: fold case and accents, no stemming.
ANALYZER = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
TEXT_FIELDS = (
    "reference",
    "name",
    "email",
    "organization",
    "country",
    "project",
    "message",
    "notes",
)
MAX_RESULTS = 10000


def build_schema():
    return Schema(
        id=ID(stored=True, unique=True),
        entity=NUMERIC(stored=True, bits=64, signed=False),
        **{name: TEXT(analyzer=ANALYZER, phrase=True) for name in TEXT_FIELDS},
    )


def interest_document(interest):
    """The search document of one submission (staff notes included)."""
    notes = " ".join(event.text for event in interest.events if event.kind == "note")
    return {
        "id": str(interest.id),
        "entity": interest.id,
        "reference": interest.reference,
        "name": interest.name,
        "email": interest.email,
        "organization": interest.organization,
        "country": f"{interest.country} {english_country_name(interest.country)}",
        "project": interest.project.title if interest.project else "",
        "message": interest.message,
        "notes": notes,
    }


def load_documents(ids):
    documents = dict.fromkeys(ids)
    for start in range(0, len(ids), 500):
        rows = db.session.scalars(
            sa.select(Interest)
            .where(Interest.id.in_(ids[start : start + 500]))
            .options(selectinload(Interest.events), selectinload(Interest.project))
        )
        for interest in rows:
            documents[interest.id] = interest_document(interest)
    return documents


def all_ids():
    return db.session.scalars(sa.select(Interest.id).order_by(Interest.id))


DEFINITION = IndexDefinition(
    name=INDEX_NAME,
    schema=build_schema(),
    dirname="interest",
    load_documents=load_documents,
    all_ids=all_ids,
)


def init_app(app):
    track(Interest, INDEX_NAME)
    register_index(DEFINITION)


def _word_query(word):
    """Any field containing the word; words of three letters or more also match as a prefix."""
    terms = [token.text for token in ANALYZER(word)]
    clauses = []
    for term in terms:
        make = q.Prefix if len(term) >= 3 else q.Term
        clauses.append(q.Or([make(name, term) for name in TEXT_FIELDS]))
    return q.And(clauses) if clauses else None


def _phrase_query(words):
    terms = [token.text for token in ANALYZER(" ".join(words))]
    if len(terms) < 2:
        return _word_query(" ".join(words))
    return q.Or([q.Phrase(name, terms) for name in TEXT_FIELDS])


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
    generation = current_generation(index_root(DEFINITION))
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
