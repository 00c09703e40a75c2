"""The "projects" index: its analyzers, its schema, and the one place that builds its documents."""

import re
import unicodedata

import sqlalchemy as sa
from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

from ..extensions import db
from ..models import Project
from ..regions import english_country_name
from .registry import IndexDefinition

INDEX_NAME = "projects"

# Words (with inner dots, as in "e.g." or "5.2"). Whoosh-reloaded's default
# pattern also keeps "*" inside tokens, which would glue Markdown emphasis to words.
WORD_PATTERN = r"\w+(?:\.?\w+)*"
# Plurals of the few "-u" nouns that end in "us" (not singulars like "bus").
U_PLURALS = {"emus": "emu", "gurus": "guru", "haikus": "haiku", "menus": "menu", "tofus": "tofu"}
AS_WORDS = {"gas", "gases", "bias", "biases", "atlas", "atlases", "canvas", "canvases"}


def stem_word(word):
    """The Porter stem, except that singulars in "-us" keep their "s" and meet their "-uses" plural.

    Porter cuts the final "s" of any word, so "bus" became "bu" while
    "buses" became "buse", and neither found the other (the same for
    status/statuses, campus/campuses, bonus/bonuses, gas/gases). Words in
    "-us" (not the "-ous" adjectives, which Porter handles) are kept whole
    and "-uses" loses its "es"; "causes", "houses" and "uses" still meet
    "cause", "house" and "use" because Porter drops their final "e". A few
    nouns in "-use" with a short stem ("fuse") no longer meet their plural.
    """
    if word in U_PLURALS:
        return porter_stem(U_PLURALS[word])
    if word in AS_WORDS:
        return word[:-2] if word.endswith("ses") else word
    if len(word) >= 3 and not word.endswith("ous"):
        if word.endswith("us"):
            return word
        if word.endswith("uses") and not word.endswith("ouses"):
            return word[:-2]
    return porter_stem(word)


# Accents are folded before stemming, so "Medellín" and "Medellin" share one stem.
TEXT_ANALYZER = (
    RegexTokenizer(WORD_PATTERN)
    | LowercaseFilter()
    | CharsetFilter(accent_map)
    | StopFilter()
    | StemFilter(stemfn=stem_word)
)
# Whole words, folded but not stemmed: what "did you mean" suggests from.
SPELLING_ANALYZER = RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)

# Field -> BM25F weight. The title matters most; a place name in the city
# field beats the same word in a description.
TEXT_FIELDS = {
    "title": 6.0,
    "city": 4.0,
    "country": 2.0,
    "summary": 2.0,
    "technologies": 1.5,
    "organizations": 1.5,
    "description": 1.0,
}

FACET_FIELDS = {
    "theme": "f_theme",
    "region": "f_region",
    "country": "f_country",
    "technology": "f_technology",
    "status": "f_status",
    "year": "f_year",
    "award": "f_award",
}


def _facet_field():
    return KEYWORD(commas=True, lowercase=False, scorable=False)


def build_schema():
    fields = {
        name: TEXT(analyzer=TEXT_ANALYZER, field_boost=boost, phrase=True)
        for name, boost in TEXT_FIELDS.items()
    }
    fields.update({field: _facet_field() for field in FACET_FIELDS.values()})
    return Schema(
        id=ID(stored=True, unique=True),
        entity=NUMERIC(sortable=True, bits=64, signed=False),
        title_key=ID,
        city_key=ID,
        spelling=TEXT(analyzer=SPELLING_ANALYZER, phrase=False),
        pairs=KEYWORD(lowercase=False, scorable=False),
        year=NUMERIC(sortable=True),
        created=NUMERIC(sortable=True, bits=64),
        title_sort=ID(sortable=True),
        **fields,
    )


def normalize(text):
    """Lowercase, accents folded, punctuation collapsed: for exact-match keys and sorting."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"\w+", folded))


def _facet_value(value):
    # Commas separate the values of a facet field.
    return str(value).replace(",", " ").strip()


def facet_values(project):
    """Facet -> list of values, for the index and for the database fallback."""
    awards = project.award_wins
    values = {
        "theme": [project.theme],
        "region": [project.region],
        "country": [project.country],
        "technology": list(project.technologies or []),
        "status": [project.status],
        "year": [str(project.year) if project.year else None],
        "award": [winner.edition.slug for winner in awards if winner.edition is not None],
    }
    return {
        facet: sorted({_facet_value(v) for v in items if v and _facet_value(v)})
        for facet, items in values.items()
    }


def word_pairs(text):
    """Each pair of adjacent stems of `text` as one token ("smart|park"): a phrase lookup is then one term."""
    stems = [token.text for token in TEXT_ANALYZER(text)]
    return [f"{first}|{second}" for first, second in zip(stems, stems[1:], strict=False)]


def project_document(project):
    """The search document of one published project."""
    organizations = " ".join(
        str(org.get("name", "")) for org in (project.organizations or []) if isinstance(org, dict)
    )
    technologies = " ".join(str(t) for t in (project.technologies or []))
    country = f"{project.country} {english_country_name(project.country)}"
    document = {
        "id": str(project.id),
        "entity": project.id,
        "title": project.title,
        "city": project.city,
        "country": country,
        "summary": project.summary,
        "technologies": technologies,
        "organizations": organizations,
        "description": project.description or "",
        "title_key": normalize(project.title),
        "city_key": normalize(project.city),
        "spelling": " ".join(
            [project.title, project.city, country, project.summary, technologies, organizations]
        ),
        "year": project.year or 0,
        "created": int(project.created_at.timestamp()) if project.created_at else 0,
        "title_sort": normalize(project.title),
    }
    document["pairs"] = " ".join(
        pair for fieldname in TEXT_FIELDS for pair in word_pairs(document[fieldname])
    )
    for facet, values in facet_values(project).items():
        document[FACET_FIELDS[facet]] = ",".join(values)
    return document


def load_documents(ids):
    """Documents for the ids that are published; None for the others (deleted from the index)."""
    documents = dict.fromkeys(ids)
    if not ids:
        return documents
    session = db.session
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = session.scalars(
            sa.select(Project).where(Project.id.in_(chunk), Project.publication == "published")
        )
        for project in rows:
            documents[project.id] = project_document(project)
    return documents


def all_ids():
    return db.session.scalars(
        sa.select(Project.id).where(Project.publication == "published").order_by(Project.id)
    )


DEFINITION = IndexDefinition(
    name=INDEX_NAME,
    schema=build_schema(),
    dirname="projects",
    load_documents=load_documents,
    all_ids=all_ids,
)
