"""From parsed query text to the clauses the projects engine matches, in every language.

Each word (or run of words that names a vocabulary item, such as "Middle
East" or "car park") becomes one *concept*: a document matches it when it
matches any of its alternatives, and a query needs every concept before
it settles for any. The alternatives of a concept:

- its text under each analysis (en, fr, es, pt, xx), matched against the
  fields of the languages that analysis reads, weighted up in the
  visitor's language;
- the other members of its thesaurus group, each in its own language only,
  weighted a little lower;
- the facet values and members it names (a region, a country, a theme, a
  status, a member's case studies), with a fixed score.

A concept's score in a document is its best alternative's. A quoted phrase
is matched as a phrase under each analysis and is never expanded.
"""

import numpy as np

from . import vocabulary
from .analysis import ANALYSES, ANALYSIS_OF, analyze, field_language, fields_for, words
from .projects import LANGUAGE_FIELDS, NEUTRAL_FIELDS
from .query import Phrase

# The visitor's language counts this much more.
LANGUAGE_BOOST = 1.5
SYNONYM_WEIGHT = 0.8
FACET_SCORES = {"country": 4.0, "region": 3.0, "theme": 2.0, "status": 1.0}
MEMBER_SCORE = 4.0


def searched_fields(analysis, lang, neutral=True):
    """Field -> weight for the terms of one analysis; the neutral fields go with English."""
    fields = fields_for(LANGUAGE_FIELDS, analysis, lang, LANGUAGE_BOOST)
    if analysis == "en":
        # A synonym is looked for in the texts and technologies, not in place or organisation names.
        fields.update(
            NEUTRAL_FIELDS if neutral else {"technologies": NEUTRAL_FIELDS["technologies"]}
        )
    return fields


def term_fields(clause):
    """The fields of a ("terms", analysis, stem, lang[, neutral]) clause."""
    return searched_fields(clause[1], clause[3], clause[4] if len(clause) > 4 else True)


def concepts(parsed, lang, session):
    """[(clause, entries, typed text)] for a ParsedText: the clause is hashable (a cache key)."""
    lang = field_language(lang) if lang else None
    found = []
    pending: list[str] = []

    def flush():
        found.extend(_word_concepts(pending, lang, session))
        pending.clear()

    for part in parsed.parts:
        if isinstance(part, Phrase):
            flush()
            alternatives = []
            for analysis in ANALYSES:
                stems = tuple(analyze(" ".join(part.words), analysis))
                if len(stems) > 1:
                    alternatives.append(("phrase", analysis, stems, 1.0))
                elif stems:
                    alternatives.append(("text", analysis, stems, 1.0))
            if alternatives:
                found.append((("concept", tuple(alternatives), lang), set(), " ".join(part.words)))
        else:
            pending.append(part)
    flush()
    unique = {}
    for concept in found:
        unique.setdefault(concept[0], concept)
    return list(unique.values())


def _word_concepts(typed, lang, session):
    """Concepts of a run of plain words: longest vocabulary names first, then single words."""
    folded = [words(word) for word in typed]
    longest = vocabulary.longest(session)
    result = []
    start = 0
    while start < len(typed):
        for size in range(min(longest, len(typed) - start), 0, -1):
            run = [w for piece in folded[start : start + size] for w in piece]
            entries = vocabulary.lookup(run, session) if run else set()
            if entries or size == 1:
                text = " ".join(typed[start : start + size])
                entries |= _cjk_entries(run, session) if size == 1 else set()
                clause = _concept(text, entries, lang)
                if clause is not None:
                    result.append((clause, entries, text))
                start += size
                break
    return result


def _cjk_entries(run, session):
    """Vocabulary names inside a CJK compound ("한국스마트시티" names Korea)."""
    if not run or not any(ord(c) > 0x2FFF for c in run[0]):
        return set()
    found = set()
    text = "".join(run)
    for key in _cjk_keys():
        if len(key) >= 2 and key in text:
            found |= vocabulary.lookup([key], session)
    # Names inside a compound stand for places and facets; a thesaurus word
    # inside one ("垃圾" in "垃圾車", a garbage truck) would widen it too much.
    return {entry for entry in found if entry[0] != "synonyms"}


_cjk_cache: list = []


def _cjk_keys():
    if not _cjk_cache:
        _cjk_cache.append(
            [
                key
                for key in vocabulary.static_table().entries
                if ":" not in key and " " not in key and any(ord(c) > 0x3000 for c in key)
            ]
        )
    return _cjk_cache[0]


def _concept(text, entries, lang):
    alternatives = []
    # "car-sharing" also as the solid compound "carsharing" (documents index both).
    joined = "".join(words(text)) if "-" in text else None
    for analysis in ANALYSES:
        stems = tuple(dict.fromkeys(analyze(text, analysis)))
        if stems:
            alternatives.append(("text", analysis, stems, 1.0))
        solid = tuple(analyze(joined, analysis)) if joined else ()
        if solid and solid != stems:
            alternatives.append(("text", analysis, solid, 1.0))
    for kind, value in sorted(entries, key=str):
        if kind in FACET_SCORES:
            alternatives.append(("facet", kind, value, FACET_SCORES[kind]))
        elif kind == "member":
            alternatives.append(("member", value, MEMBER_SCORE))
        elif kind == "synonyms":
            for synonym_lang, synonym in vocabulary.synonyms(value):
                analysis = ANALYSIS_OF[field_language(synonym_lang)]
                stems = tuple(dict.fromkeys(analyze(synonym, analysis)))
                if stems:  # in the texts of its language (not city, technology...)
                    alternatives.append(("synonym", analysis, stems, SYNONYM_WEIGHT))
    if not alternatives:
        return None
    return ("concept", tuple(dict.fromkeys(alternatives)), lang)


def highlight_terms(found):
    """Every term a concept's text alternatives match (what highlighting marks)."""
    terms = set()
    for (_kind, alternatives, _lang), _entries, _text in found:
        for alternative in alternatives:
            if alternative[0] in ("text", "synonym", "phrase"):
                terms.update(alternative[2])
    return sorted(terms)


def concept_scores(generation, clause):
    """(docnums, scores) of a concept: per document, its best alternative's score."""
    _kind, alternatives, lang = clause
    total = np.zeros(generation.size, dtype=np.float32)
    present = np.zeros(generation.size, dtype=bool)
    for alternative in alternatives:
        docnums, scores = _alternative(generation, alternative, lang)
        if len(docnums):  # an alternative's docnums are unique
            total[docnums] = np.maximum(total[docnums], scores)
            present[docnums] = True
    docnums = np.flatnonzero(present)
    return docnums, total[docnums]


def _alternative(generation, alternative, lang):
    kind = alternative[0]
    if kind in ("text", "synonym"):
        _kind, analysis, stems, weight = alternative
        neutral = kind == "text"
        result = None
        for stem in stems:
            terms = (
                ("terms", analysis, stem, lang)
                if neutral
                else ("terms", analysis, stem, lang, False)
            )
            _mask, docnums, scores = generation.clause(terms)
            if result is None:
                result = (docnums, scores)
            else:
                common, left, right = np.intersect1d(
                    result[0], docnums, assume_unique=True, return_indices=True
                )
                result = (common, result[1][left] + scores[right])
            if not len(result[0]):
                break
        return result[0], result[1] * weight
    if kind == "phrase":
        _kind, analysis, stems, weight = alternative
        fields = searched_fields(analysis, lang)
        docnums = generation.phrase_docs(stems, tuple(fields))
        total = np.zeros(generation.size, dtype=np.float32)
        for stem in dict.fromkeys(stems):
            _mask, term_docnums, term_scores = generation.clause(("terms", analysis, stem, lang))
            total[term_docnums] += term_scores
        return docnums, total[docnums] * weight
    if kind == "facet":
        _kind, facet, value, score = alternative
        mask = generation.values.get(facet, {}).get(value, 0)
        docnums = np.flatnonzero(_bits(mask, generation.size))
        return docnums, np.full(len(docnums), score, dtype=np.float32)
    if kind == "member":
        _kind, member_id, score = alternative
        docnums = generation.keyword_docs("f_member", str(member_id))
        return docnums, np.full(len(docnums), score, dtype=np.float32)
    return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)


def _bits(mask, size):
    from .postings import from_mask

    return from_mask(mask, size)
