"""Searching the projects index: facets, sorting, paging and highlights.

Whoosh is pure Python, and its cost grows with the number of matching
documents, so each process keeps, per index generation:

- one searcher, used under a lock (one request at a time per process);
- per facet value, the set of matching documents as a Python int used as a
  bitset, so a facet count is ``(matched & value_bits).bit_count()``;
- the document order for "newest" and "title", so sorted pages need no scoring;
- per clause (a stem, a phrase, an exact title or city), its bitset and its
  documents' scores as numpy arrays, built from the per-segment postings
  cache of postings.py (which survives commits), so ranking a page is a
  few array operations whatever the number of matches;
- related projects per project, and a small LRU of answers keyed by the
  query, filters, sort and page.

A generation is identified by the CURRENT directory and its table of
contents file (name and mtime), checked before every search; a swapped,
updated or damaged index is noticed on the next request.

Hits are always re-read from the database (published only). When the index
cannot be opened or read, the answer comes from the database instead
(fallback.py) and is marked ``degraded``. The query and result types are in
results.py.
"""

import gc
import logging
import threading
import warnings
from collections import OrderedDict

import numpy as np
import sqlalchemy as sa
from whoosh import index as whoosh_index

from ..extensions import db
from ..models import Project
from ..pagination import page_count
from . import matching, notices, postings
from . import query as parsing
from .analysis import ANALYSIS_OF, analyze, field_language, fields_for
from .correction import correct as correct_spelling
from .fallback import search_database
from .projects import (
    DEFINITION,
    FACET_FIELDS,
    LANGUAGE_FIELDS,
    TEXT_FIELDS,
    facet_values,
    normalize,
)
from .registry import current_generation, generation_token, index_root
from .results import Answer, Hit, ProjectQuery, SearchPage

log = logging.getLogger(__name__)

FACETS = tuple(FACET_FIELDS)
SORTS = ("relevance", "newest", "title")
MAX_PER_PAGE = 100
CACHE_SIZE = 256
TERM_CACHE_SIZE = 512
RELATED_CACHE_SIZE = 1024
FREQUENCY_CACHE_SIZE = 200_000
# Per generation, the postings of (field, stem) kept ready to score (16 bytes each): ~32 MB.
FIELD_TERM_POSTINGS = 2_000_000
_NO_DOCS = np.zeros(0, dtype=np.int64)
_NO_WEIGHTS = np.zeros(0, dtype=np.float32)
# Bonuses that lift an exact title or city match, then a title phrase, to the top.
EXACT_TITLE_BONUS = 1000.0
EXACT_CITY_BONUS = 300.0
TITLE_PHRASE_BONUS = 50.0
# Related projects: the best title/summary match counts 10, each shared technology 4.
RELATED_FIELDS = {"title": LANGUAGE_FIELDS["title"], "summary": LANGUAGE_FIELDS["summary"]}
RELATED_TEXT_WEIGHT = 10.0
RELATED_TECHNOLOGY_WEIGHT = 4.0
RELATED_REGION_WEIGHT = 2.0
RELATED_THEME_WEIGHT = 0.5


class IndexUnavailable(Exception):
    pass


def _clean_filters(filters):
    cleaned = {}
    for facet in FACETS:
        values = [str(v) for v in (filters or {}).get(facet) or [] if str(v).strip()]
        if values:
            cleaned[facet] = sorted(set(values))
    return cleaned


def _bounds(query):
    sort = query.sort if query.sort in SORTS else "relevance"
    try:
        per_page = min(max(int(query.per_page), 1), MAX_PER_PAGE)
    except (TypeError, ValueError):
        per_page = 20
    try:
        page = max(int(query.page), 1)
    except (TypeError, ValueError):
        page = 1
    return sort, page, per_page


def _mask(docnums):
    """A bitset (Python int) with the given document numbers set."""
    docnums = list(docnums)
    if not docnums:
        return 0
    bits = bytearray((max(docnums) >> 3) + 1)
    for docnum in docnums:
        bits[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(bits, "little")


class _SegmentData:
    """Facet bitsets and sort keys of one Whoosh segment (segment-local document numbers).

    Segments never change once written (deletions are applied through the
    generation's live bitset), so a small commit only costs reading its own
    new segment.
    """

    def __init__(self, reader):
        self.values = {
            facet: {
                value: _mask(reader.postings(fieldname, value).all_ids())
                for value in reader.field_terms(fieldname)
            }
            for facet, fieldname in FACET_FIELDS.items()
        }
        self.entity = list(reader.column_reader("entity"))
        self.years = list(reader.column_reader("year"))
        self.created = list(reader.column_reader("created"))
        self.titles = list(reader.column_reader("title_sort"))


_segments: OrderedDict = OrderedDict()
SEGMENT_CACHE_SIZE = 512
_postings = postings.SegmentPostings()


def _segment_data(key, segment_reader):
    data = _segments.get(key)
    if data is None:
        data = _segments[key] = _SegmentData(segment_reader)
        if len(_segments) > SEGMENT_CACHE_SIZE:
            forgotten, _data = _segments.popitem(last=False)
            _postings.forget(forgotten)
    return data


class _Generation:
    """One open generation of the index and the structures derived from it."""

    def __init__(self, token, path):
        self.token = token
        self.lock = threading.Lock()
        self.ix = whoosh_index.open_dir(str(path))
        self.searcher = self.ix.searcher()
        self.cache: OrderedDict = OrderedDict()
        self.terms: OrderedDict = OrderedDict()
        self.related: OrderedDict = OrderedDict()
        self.lengths: dict[str, np.ndarray] = {}
        self.frequencies: dict[tuple, int] = {}
        self.field_terms: OrderedDict = OrderedDict()
        self.field_terms_size = 0
        self.reader = reader = self.searcher.reader()
        self.size = reader.doc_count_all()
        self.values: dict[str, dict[str, int]] = {facet: {} for facet in FACET_FIELDS}
        self.entity, years, created, titles = [], [], [], []
        self.leaves = []
        live = np.ones(self.size, dtype=bool)
        for segment_reader, offset in reader.leaf_readers():
            key = (str(path), segment_reader.segment().segment_id())
            self.leaves.append((segment_reader, offset, key))
            segment = _segment_data(key, segment_reader)
            if segment_reader.has_deletions():
                live[[offset + d for d in segment_reader.deleted_docs_set]] = False
            for facet, masks in segment.values.items():
                merged = self.values[facet]
                for value, mask in masks.items():
                    merged[value] = merged.get(value, 0) | mask << offset
            self.entity += segment.entity
            years += segment.years
            created += segment.created
            titles += segment.titles
        self.live = postings.to_mask(live)
        # Sort keys as arrays (titles by rank), so the orders cost milliseconds at 50,000.
        years = -np.array(years, dtype=np.int64)
        created = -np.array(created, dtype=np.int64)
        _unique, titles = np.unique(np.array(titles, dtype=str), return_inverse=True)
        newest = np.lexsort((titles, created, years))
        by_title = np.lexsort((years, titles))
        self.newest = newest[live[newest]]
        self.by_title = by_title[live[by_title]]

    def remember(self, key, answer):
        self.cache[key] = answer
        if len(self.cache) > CACHE_SIZE:
            self.cache.popitem(last=False)

    def clause(self, clause):
        """(bitset, docnums, scores) of one clause, cached: BM25F summed over the text fields."""
        found = self.terms.get(clause)
        if found is not None:
            self.terms.move_to_end(clause)
            return found
        kind, value = clause[0], clause[1]
        if kind == "concept":
            docnums, scores = matching.concept_scores(self, clause)
        elif kind == "terms":  # ("terms", analysis, stem, visitor's language[, neutral])
            docnums, scores = self.term_scores(clause[2], matching.term_fields(clause))
        elif kind == "term":
            docnums, scores = self.term_scores(value, TEXT_FIELDS)
        elif kind == "phrase":
            docnums = self.phrase_docs(value, TEXT_FIELDS)
            total = np.zeros(self.size, dtype=np.float32)
            for stem in dict.fromkeys(value):
                _mask, term_docnums, term_scores = self.clause(("term", stem))
                total[term_docnums] += term_scores
            scores = total[docnums]
        elif kind == "title-phrase":
            docnums = self.phrase_docs(value, ("title_en",))
            scores = np.full(len(docnums), TITLE_PHRASE_BONUS, dtype=np.float32)
        else:  # an exact key: ("title_key" | "city_key", normalized text)
            bonus = EXACT_TITLE_BONUS if kind == "title_key" else EXACT_CITY_BONUS
            docnums = np.zeros(0, dtype=np.int64)
            if value and self.frequency(kind, value):
                docnums = np.array(
                    sorted(self.reader.postings(kind, value).all_ids()), dtype=np.int64
                )
            scores = np.full(len(docnums), bonus, dtype=np.float32)
        present = np.zeros(self.size, dtype=bool)
        present[docnums] = True
        found = (postings.to_mask(present), docnums, scores)
        self.terms[clause] = found
        if len(self.terms) > TERM_CACHE_SIZE:
            self.terms.popitem(last=False)
        return found

    def keyword_docs(self, fieldname, value):
        """Document numbers holding one keyword (a member id, say), sorted."""
        if not self.frequency(fieldname, value):
            return np.zeros(0, dtype=np.int64)
        return np.array(sorted(self.reader.postings(fieldname, value).all_ids()), dtype=np.int64)

    def pair_docs(self, stems):
        """Documents holding every adjacent pair of `stems` in some text field."""
        result = None
        for first, second in zip(stems, stems[1:], strict=False):
            present = np.zeros(self.size, dtype=bool)
            for reader, offset, key in self.leaves:
                docnums, _weights, _positions = _postings.terms(
                    key, reader, "pairs", f"{first}|{second}"
                )
                present[docnums + offset] = True
            result = present if result is None else result & present
        return np.flatnonzero(result)

    def field_lengths(self, fieldname):
        lengths = self.lengths.get(fieldname)
        if lengths is None:
            parts = [
                _postings.lengths(key, reader, fieldname) for reader, _offset, key in self.leaves
            ]
            lengths = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
            self.lengths[fieldname] = lengths
        return lengths

    def frequency(self, fieldname, text):
        """The document frequency of a term in this generation, remembered.

        Whoosh answers it by a hash-table lookup in every segment; a query
        word asks it for every field of every analysis, most of them absent.
        """
        key = (fieldname, text)
        found = self.frequencies.get(key)
        if found is None:
            if len(self.frequencies) >= FREQUENCY_CACHE_SIZE:
                self.frequencies.clear()
            found = self.frequencies[key] = self.reader.doc_frequency(fieldname, text)
        return found

    def field_term(self, fieldname, stem):
        """(docnums, weights * (K1 + 1), weights + length norm) of a stem in one field, cached.

        The parts of BM25F that do not depend on the field's boost, so one
        entry serves every visitor language and every analysis reading the
        field; the scores are ``(boost * idf) * first / second`` as in
        ``postings.bm25f``.
        """
        key = (fieldname, stem)
        found = self.field_terms.get(key)
        if found is not None:
            self.field_terms.move_to_end(key)
            return found
        average = self.reader.field_length(fieldname) / self.size or 1.0
        lengths = self.field_lengths(fieldname)
        parts = []
        for reader, offset, segment in self.leaves:
            docnums, weights, _positions = _postings.terms(segment, reader, fieldname, stem)
            if len(docnums):
                parts.append((docnums + offset, weights))
        if len(parts) == 1:
            docnums, weights = parts[0]
        elif parts:
            docnums = np.concatenate([d for d, _w in parts])
            weights = np.concatenate([w for _d, w in parts])
        else:
            docnums, weights = _NO_DOCS, _NO_WEIGHTS
        first, second = postings.bm25f_parts(weights, lengths[docnums], average)
        found = self.field_terms[key] = (docnums, first, second)
        self.field_terms_size += len(docnums)
        while self.field_terms_size > FIELD_TERM_POSTINGS and len(self.field_terms) > 1:
            _key, evicted = self.field_terms.popitem(last=False)
            self.field_terms_size -= len(evicted[0])
        return found

    def term_scores(self, stem, fields):
        """(docnums, BM25F scores) of a stem over `fields` (name -> boost), from cached postings."""
        found = []
        for fieldname, boost in fields.items():
            frequency = self.frequency(fieldname, stem)
            if frequency:
                found.append((fieldname, boost, frequency))
        if not found:
            return _NO_DOCS, _NO_WEIGHTS
        total = np.zeros(self.size, dtype=np.float32)
        present = np.zeros(self.size, dtype=bool)
        for fieldname, boost, frequency in found:
            weight = postings.idf(frequency, self.size)
            docnums, first, second = self.field_term(fieldname, stem)
            total[docnums] += (boost * weight) * first / second
            present[docnums] = True
        docnums = np.flatnonzero(present)
        return docnums, total[docnums]

    def phrase_docs(self, stems, fieldnames):
        """Documents where the stems follow each other in one of `fieldnames`.

        The candidates are the documents holding every adjacent pair of the
        phrase (the "pairs" field), which for two words anywhere is the
        answer; otherwise positions are decoded for those candidates only.
        """
        candidates = self.pair_docs(stems)
        if len(stems) == 2 and tuple(fieldnames) == tuple(TEXT_FIELDS) or not len(candidates):
            return candidates
        found = []
        for fieldname in fieldnames:
            if not all(self.frequency(fieldname, stem) for stem in stems):
                continue
            decode = self.reader.schema[fieldname].format.decode_positions
            for reader, offset, key in self.leaves:
                common = candidates[
                    (candidates >= offset) & (candidates < offset + reader.doc_count_all())
                ]
                common = common - offset
                lists = []
                for stem in stems:
                    if not len(common):
                        break  # no candidate in this segment: its positions are not read
                    lists.append(_postings.terms(key, reader, fieldname, stem, True))
                    common = np.intersect1d(common, lists[-1][0], assume_unique=True)
                if not len(common):
                    continue
                rows = [np.searchsorted(docnums, common).tolist() for docnums, _w, _p in lists]
                for index, docnum in enumerate(common.tolist()):
                    starts = set(decode(lists[0][2][rows[0][index]]))
                    for distance in range(1, len(stems)):
                        following = set(decode(lists[distance][2][rows[distance][index]]))
                        starts = {p for p in starts if p + distance in following}
                        if not starts:
                            break
                    if starts:
                        found.append(docnum + offset)
        return np.unique(np.array(found, dtype=np.int64))


_generations: dict[str, _Generation] = {}
_generations_lock = threading.Lock()
# Per index directory, the token of a generation that failed to open.
_unreadable: dict[str, tuple] = {}


def _current(root):
    """The open generation for an index directory, reopened when it changed on disk."""
    path = current_generation(root)
    if path is None:
        raise IndexUnavailable("index missing")
    token = generation_token(path)
    if token is None:
        raise IndexUnavailable("index has no table of contents")
    key = str(root)
    with _generations_lock:
        if _unreadable.get(key) == token:
            # Tried and failed: not reopened (and its files not leaked again) until it changes.
            raise IndexUnavailable("index unreadable")
        generation = _generations.get(key)
        if generation is None or generation.token != token:
            if generation is not None:
                generation.searcher.close()
            _generations.pop(key, None)
            try:
                generation = _Generation(token, path)
            except Exception:
                _unreadable[key] = token
                raise
            _unreadable.pop(key, None)
            _generations[key] = generation
        return generation


def search_projects(query: ProjectQuery) -> SearchPage:
    """Search published projects; answers from the database when the index is unavailable."""
    filters = _clean_filters(query.filters)
    sort, page, per_page = _bounds(query)
    lang = query.lang or None
    try:
        answer = _cached_answer(query.text, filters, sort, page, per_page, lang, query.correct)
        degraded = False
    except Exception as error:
        log.warning("search index unavailable, answering from the database: %s", repr(error))
        degraded = True
    if degraded:
        answer = search_database(query.text, filters, sort, page, per_page)
    projects = _published(answer.ids)
    stems = frozenset(answer.stems)
    hits = [
        Hit(
            project=projects[project_id],
            score=score,
            highlights={
                "title": parsing.highlight(projects[project_id].title, stems),
                "summary": parsing.highlight(projects[project_id].summary, stems),
            },
        )
        for project_id, score in zip(answer.ids, answer.scores, strict=True)
        if project_id in projects
    ]
    return SearchPage(
        query=query,
        total=answer.total,
        hits=hits,
        facets=answer.facets,
        suggestion=answer.suggestion,
        corrected=answer.corrected,
        degraded=degraded,
        page=answer.page,
        per_page=per_page,
        total_pages=answer.total_pages,
        notices=notices.render(answer.notices, lang),
        terms=answer.stems,
    )


def _cached_answer(text, filters, sort, page, per_page, lang=None, correct=True):
    with warnings.catch_warnings():
        # Whoosh leaves files open when it fails to read a damaged index.
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            generation = _current(index_root(DEFINITION))
            reason = None
        except IndexUnavailable:
            raise  # missing, or known unreadable: no file was opened
        except Exception as error:
            reason = repr(error)
        # Outside the except block, so the traceback holding those files is gone.
        # Once per unreadable generation (see _current), not on every degraded search.
        if reason is not None:
            release_leaked_files()
            raise IndexUnavailable(reason)
    key = (
        (text or "")[: parsing.MAX_CHARS],
        tuple((f, tuple(v)) for f, v in filters.items()),
        sort,
        page,
        per_page,
        lang,
        correct,
    )
    with generation.lock:
        answer = generation.cache.get(key)
        if answer is None:
            answer = _search_index(generation, text, filters, sort, page, per_page, lang, correct)
            generation.remember(key, answer)
        else:
            generation.cache.move_to_end(key)
    return answer


def release_leaked_files():
    """Close the files Whoosh leaves open when it fails to read a damaged index.

    Called once the exception (whose traceback keeps them alive) is gone, so
    they are closed now rather than at some later garbage collection.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def _published(ids):
    if not ids:
        return {}
    rows = db.session.scalars(
        sa.select(Project).where(Project.id.in_(ids), Project.publication == "published")
    )
    return {project.id: project for project in rows}


def _filter_masks(generation, filters):
    return {
        facet: _or(generation.values[facet].get(value, 0) for value in values)
        for facet, values in filters.items()
    }


def _or(masks):
    result = 0
    for mask in masks:
        result |= mask
    return result


def _and_all(base, masks):
    for mask in masks:
        base &= mask
    return base


def _search_index(generation, text, filters, sort, page, per_page, lang=None, correct=True):
    filter_masks = _filter_masks(generation, filters)
    parsed = parsing.parse(text)
    suggestion = None
    corrected = False
    matched = generation.live
    scored = None
    found = []
    if parsed:
        found = matching.concepts(parsed, lang, db.session)
        # A word that matches something is never corrected: when every
        # concept matches together, there is nothing to correct.
        correction = None
        masks = [generation.clause(c[0])[0] for c in found]
        if not masks or not _and_all(masks[0], masks[1:]) & generation.live:
            correction = correct_spelling(
                parsed, generation.reader, lambda word: _matches(generation, word, lang)
            )
        suggestion = correction.parsed.text() if correction else None
        attempts = [(parsed, found, True, False)]
        if correction and correction.confident and correct:
            fixed = matching.concepts(correction.parsed, lang, db.session)
            attempts += [(correction.parsed, fixed, True, True)]
            attempts += [(parsed, found, False, False), (correction.parsed, fixed, False, True)]
        else:
            attempts += [(parsed, found, False, False)]
        matched = 0
        for candidate, candidate_concepts, require_all, is_correction in attempts:
            clauses = [generation.clause(c[0]) for c in candidate_concepts]
            if not clauses:
                continue
            masks = [mask for mask, _docnums, _scores in clauses]
            hits = _and_all(masks[0], masks[1:]) if require_all else _or(masks)
            hits &= generation.live
            if scored is None or _and_all(hits, filter_masks.values()):
                parsed, corrected, matched = candidate, is_correction, hits
                scored = [(docnums, scores) for _mask, docnums, scores in clauses]
                highlighted = candidate_concepts
            if _and_all(hits, filter_masks.values()):
                break
        found = highlighted if scored is not None else found
    selected = _and_all(matched, filter_masks.values())
    total = selected.bit_count()
    total_pages = page_count(total, per_page)
    page = min(page, total_pages)
    start, end = (page - 1) * per_page, page * per_page
    facets = _facet_counts(generation, matched, filters, filter_masks)
    if scored is not None and sort == "relevance":
        docnums = _top(generation, parsed, scored, selected, end)[start:end]
    else:
        order = generation.by_title if sort == "title" else generation.newest
        docnums = _ordered_page(order, postings.from_mask(selected, generation.size), start, end)
    return Answer(
        ids=[generation.entity[docnum] for docnum, _score in docnums],
        scores=[score for _docnum, score in docnums],
        total=total,
        facets=facets,
        suggestion=suggestion,
        corrected=corrected,
        stems=matching.highlight_terms(found),
        page=page,
        total_pages=total_pages,
        notices=notices.find(generation, found, db.session),
    )


def _matches(generation, word, lang=None):
    """Whether the word, analysed in every language (and as vocabulary), is in some live document."""
    if not parsing.analyze(word):
        return True  # a stop word
    found = matching.concepts(parsing.ParsedText([word]), lang, db.session)
    return any(generation.clause(c[0])[0] & generation.live for c in found)


def _top(generation, parsed, scored, selected, count):
    """The `count` best (docnum, score) among `selected`: BM25F plus exact-match bonuses.

    Ties go to the lower document number, so pages never overlap.
    """
    if not selected or not count:
        return []
    key = normalize(parsed.text())
    parts = list(scored)
    parts += [generation.clause(("title_key", key))[1:], generation.clause(("city_key", key))[1:]]
    stems = parsed.stems()
    if len(stems) > 1:
        parts.append(generation.clause(("title-phrase", tuple(stems)))[1:])
    total = np.zeros(generation.size, dtype=np.float64)
    for docnums, scores in parts:
        total[docnums] += scores
    candidates = np.flatnonzero(postings.from_mask(selected, generation.size))
    values = total[candidates]
    if len(candidates) > count:
        threshold = np.partition(values, len(values) - count)[len(values) - count]
        keep = values >= threshold
        candidates, values = candidates[keep], values[keep]
    order = np.lexsort((candidates, -values))[:count]
    return [(int(candidates[i]), float(values[i])) for i in order]


def _ordered_page(order, members, start, end):
    """Page `start:end` of the documents of `order` (docnums) that are set in `members` (bools)."""
    return [(int(docnum), None) for docnum in order[members[order]][start:end]]


def _facet_counts(generation, matched, filters, filter_masks):
    """Counts per facet value under the query and the *other* facets' filters."""
    facets = {}
    for facet in FACETS:
        others = [mask for name, mask in filter_masks.items() if name != facet]
        scope = _and_all(matched, others)
        counts = []
        selected = set(filters.get(facet, []))
        for value, mask in generation.values[facet].items():
            count = (scope & mask).bit_count() if scope else 0
            if count or value in selected:
                counts.append((value, count))
        counts += [(value, 0) for value in selected - set(generation.values[facet])]
        facets[facet] = sorted(counts, key=lambda item: (-item[1], item[0]))
    return facets


def related_projects(project, limit=4):
    """Published projects like this one; cached per index generation and project.

    A related project shares technologies or words of the title and summary
    (BM25F over those two fields); the same region adds a little, the same
    theme only breaks ties, and sharing nothing but those does not qualify.
    """
    try:
        generation = _current(index_root(DEFINITION))
        key = (project.id, limit)
        with generation.lock:
            ids = generation.related.get(key)
            if ids is None:
                ids = generation.related[key] = _related_ids(generation, project, limit)
                if len(generation.related) > RELATED_CACHE_SIZE:
                    generation.related.popitem(last=False)
            else:
                generation.related.move_to_end(key)
    except Exception as error:
        log.warning("related projects unavailable: %s", repr(error))
        return []
    projects = _published(ids)
    return [projects[i] for i in ids if i in projects][:limit]


def _related_ids(generation, project, limit):
    size = generation.size
    text = np.zeros(size, dtype=np.float64)
    shared = np.zeros(size, dtype=bool)
    analysis = ANALYSIS_OF[field_language(project.language)]
    fields = fields_for(RELATED_FIELDS, analysis)
    text_stems = analyze(f"{project.title} {project.summary}", analysis)
    for stem in list(dict.fromkeys(text_stems))[:24]:
        docnums, scores = generation.term_scores(stem, fields)
        text[docnums] += scores
        shared[docnums] = True
    own = str(project.id)
    own_docnums = []
    if generation.reader.doc_frequency("id", own):
        own_docnums = list(generation.reader.postings("id", own).all_ids())
    text[own_docnums] = 0.0
    total = np.zeros(size, dtype=np.float64)
    if text.any():
        total += RELATED_TEXT_WEIGHT * text / text.max()
    values = facet_values(project)
    for technology in values["technology"]:
        members = postings.from_mask(generation.values["technology"].get(technology, 0), size)
        total += RELATED_TECHNOLOGY_WEIGHT * members
        shared |= members
    for facet, weight in (("region", RELATED_REGION_WEIGHT), ("theme", RELATED_THEME_WEIGHT)):
        for value in values[facet]:
            total += weight * postings.from_mask(generation.values[facet].get(value, 0), size)
    shared[own_docnums] = False
    candidates = np.flatnonzero(shared & postings.from_mask(generation.live, size))
    scores = total[candidates]
    order = np.lexsort((candidates, -scores))
    return [generation.entity[docnum] for docnum in candidates[order[: limit * 2]].tolist()]
