"""The "projects" index: its analyzers, its schema, and the one place that builds its documents."""

import re
import unicodedata

from sqlalchemy.orm import selectinload
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema

from ..models import AwardWinner, Project
from ..population import population_band
from ..regions import english_country_name
from .analysis import (
    FIELD_LANGUAGES,
    PREANALYZED,
    analyze,
    field_name,
    multilingual_fields,
    schema_fields,
    stem_word,
)
from .registry import model_index

INDEX_NAME = "projects"

# Words (with inner dots, as in "e.g." or "5.2").
WORD_PATTERN = r"\w+(?:\.?\w+)*"

__all__ = ["stem_word"]

# BM25F weights of the translatable fields and of the language-neutral ones.
LANGUAGE_FIELDS = {"title": 6.0, "summary": 2.0, "body": 1.0}
NEUTRAL_FIELDS = {"city": 4.0, "country": 2.0, "technologies": 1.5, "organizations": 1.5}

# Field -> BM25F weight: the translatable fields once per field language
# ("title_en", "title_fr", ... "title_xx"; "body" is the description, outcomes
# and lessons), then the language-neutral ones (analysed as English). The
# title matters most; a place name in the city field beats the same word in a
# description.
TEXT_FIELDS = {
    **{
        field_name(name, lang): boost
        for name, boost in LANGUAGE_FIELDS.items()
        for lang in FIELD_LANGUAGES
    },
    **NEUTRAL_FIELDS,
}
TITLE_FIELDS = tuple(field_name("title", lang) for lang in FIELD_LANGUAGES)
# The original-language body: the texts a translation may carry.
BODY_PARTS = ("description", "outcomes", "lessons")

FACET_FIELDS = {
    "theme": "f_theme",
    "region": "f_region",
    "country": "f_country",
    "technology": "f_technology",
    "status": "f_status",
    "year": "f_year",
    "award": "f_award",
    "city_size": "f_city_size",
}


def _facet_field():
    return KEYWORD(commas=True, lowercase=False, scorable=False)


def build_schema():
    fields = schema_fields(LANGUAGE_FIELDS)
    fields.update(
        {
            name: TEXT(analyzer=PREANALYZED, field_boost=boost, phrase=True)
            for name, boost in NEUTRAL_FIELDS.items()
        }
    )
    fields.update({field: _facet_field() for field in FACET_FIELDS.values()})
    return Schema(
        id=ID(stored=True, unique=True),
        entity=NUMERIC(sortable=True, bits=64, signed=False),
        title_key=KEYWORD(commas=True, lowercase=False, scorable=False),
        city_key=ID,
        spelling=TEXT(analyzer=PREANALYZED, phrase=False),
        pairs=KEYWORD(lowercase=False, scorable=False),
        f_member=KEYWORD(lowercase=False, scorable=False),
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
        "city_size": [population_band(project.population)],
    }
    return {
        facet: sorted({_facet_value(v) for v in items if v and _facet_value(v)})
        for facet, items in values.items()
    }


def word_pairs(text, analysis="en"):
    """Each pair of adjacent stems of `text` as one token ("smart|park"): a phrase lookup is then one term."""
    stems = analyze(text, analysis)
    return [f"{first}|{second}" for first, second in zip(stems, stems[1:], strict=False)]


def _body(values):
    return "\n\n".join(str(values.get(part) or "") for part in BODY_PARTS if values.get(part))


def project_document(project):
    """The search document of one published project: every text analysed once, in its language."""
    organizations = " ".join(
        str(org.get("name", "")) for org in (project.organizations or []) if isinstance(org, dict)
    )
    technologies = " ".join(str(t) for t in (project.technologies or []))
    country = f"{project.country} {english_country_name(project.country)}"
    own = {
        "description": project.description,
        "outcomes": project.outcomes,
        "lessons": project.lessons,
    }
    translations = {
        lang: {
            "title": values.get("title"),
            "summary": values.get("summary"),
            "body": _body(values),
        }
        for lang, values in (project.translations or {}).items()
        if isinstance(values, dict)
    }
    analysed = multilingual_fields(
        {"title": project.title, "summary": project.summary, "body": _body(own)},
        project.language,
        translations,
    )
    for name, text in (
        ("city", project.city),
        ("country", country),
        ("technologies", technologies),
        ("organizations", organizations),
    ):
        analysed.add(name, text, "en")
    document = analysed.document()
    document.update(
        {
            "id": str(project.id),
            "entity": project.id,
            "title_key": ",".join(
                dict.fromkeys(
                    normalize(title)
                    for title in [project.title]
                    + [values.get("title") for values in translations.values()]
                    if isinstance(title, str) and normalize(title)
                )
            ),
            "city_key": normalize(project.city),
            "year": project.year or 0,
            "created": int(project.created_at.timestamp()) if project.created_at else 0,
            "title_sort": normalize(project.title),
        }
    )
    if project.member_id:
        document["f_member"] = str(project.member_id)
    for facet, values in facet_values(project).items():
        document[FACET_FIELDS[facet]] = ",".join(values)
    return document


# Only published projects are in the index; a row that is not is deleted from it.
DEFINITION = model_index(
    INDEX_NAME,
    build_schema(),
    Project,
    project_document,
    where=[Project.publication == "published"],
    load_options=lambda: [selectinload(Project.award_wins).joinedload(AwardWinner.edition)],
)
