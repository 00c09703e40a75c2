"""Writing pre-analysed documents into a Whoosh segment without Whoosh's per-token overhead.

Whoosh's writer is pure Python and spends several calls per posting: the
analyzer makes a Token per word, the format builds its value, the pool
checks and sizes every tuple, and the segment flush asks the per-document
reader for a field length and hands each posting to the postings writer
one at a time. The projects index holds about 250 postings per document
(phrase pairs, per-language fields), so that overhead was most of the
import time.

Here, with byte-for-byte the same segment as a result:

- :func:`add_document` replaces ``writer.add_document(**document)``. Text
  fields whose analyzer is :data:`~.analysis.PREANALYZED` and keyword
  fields split on spaces get their (term, frequency, weight, value)
  postings straight from ``str.split`` and a dict (positions encoded once
  per distinct position list); every other field goes through the field's
  own ``index()``, as in Whoosh. Postings go into the pool in one
  ``extend`` per field, sized with the pool's own formula.
- :func:`fast_flush` makes the writer's segment flush read each field's
  length column once and fill the postings writer's blocks a block at a
  time (same block boundaries, statistics and inlining as
  ``FieldWriter.add_postings``).

This reads internals of whoosh-reloaded 2.7.5 (pinned in pyproject.toml),
as app/search/postings.py does on the read side.
"""

import heapq
import re
from itertools import groupby
from operator import itemgetter

from whoosh import formats
from whoosh.analysis import RegexTokenizer
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.system import emptybytes
from whoosh.util.numeric import byte_to_length

from .analysis import PREANALYZED

# Whoosh's SpaceSeparatedTokenizer.
_SPACE_WORDS = re.compile(r"[^ \t\r\n]+")
_LENGTHS = [0] + [byte_to_length(code) for code in range(1, 256)]
_POSITIONS_CACHE_SIZE = 200_000
_field_term = itemgetter(0, 1)
_first_two = itemgetter(0, 1)


def _fast_kind(field):
    """How a field's postings can be made without its analyzer: "split", "keyword", or None."""
    if field.vector or field.separate_spelling() or field.column_type or field.stored:
        return None
    if type(field.format) not in (formats.Positions, formats.Frequency):
        return None
    if field.analyzer is PREANALYZED:
        return "split"
    analyzer = field.analyzer
    if (
        type(analyzer) is RegexTokenizer
        and analyzer.expression.pattern == _SPACE_WORDS.pattern
        and not analyzer.gaps
    ):
        return "keyword"
    return None


class _SchemaPlan:
    """Per schema: the fields with a fast path and their formats."""

    def __init__(self, schema):
        self.kinds = {}
        for name in schema.names():
            field = schema[name]
            kind = _fast_kind(field) if field.indexed else None
            if kind:
                self.kinds[name] = (kind, field)
        self.positions_cache: dict = {}

    def encode_positions(self, fmt, positions):
        key = tuple(positions)
        found = self.positions_cache.get(key)
        if found is None:
            found = fmt.encode(positions)
            if len(self.positions_cache) >= _POSITIONS_CACHE_SIZE:
                self.positions_cache.clear()
            self.positions_cache[key] = found
        return found


_plans: dict = {}


def _plan(schema):
    plan = _plans.get(id(schema))
    if plan is None or plan[0] is not schema:
        plan = (schema, _SchemaPlan(schema))
        _plans[id(schema)] = plan
    return plan[1]


def _fast_postings(plan, kind, field, value):
    """(tbytes, freq, weight, vbytes) of a pre-analysed or space-separated value."""
    words = value.split() if kind == "split" else _SPACE_WORDS.findall(value)
    fmt = field.format
    boost = fmt.field_boost
    if type(fmt) is formats.Positions:
        positions: dict = {}
        for position, word in enumerate(words):
            found = positions.get(word)
            if found is None:
                positions[word] = [position]
            else:
                found.append(position)
        encode = plan.encode_positions
        return [
            (word.encode("utf-8"), len(poslist), len(poslist) * 1.0 * boost, encode(fmt, poslist))
            for word, poslist in positions.items()
        ]
    counts: dict = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    return [
        (word.encode("utf-8"), freq, freq * 1.0 * boost, _pack_frequency(freq))
        for word, freq in counts.items()
    ]


_frequency_bytes: dict = {}


def _pack_frequency(freq):
    found = _frequency_bytes.get(freq)
    if found is None:
        from whoosh.system import pack_uint

        found = _frequency_bytes[freq] = pack_uint(freq)
    return found


def add_document(writer, document):
    """``writer.add_document(**document)`` for a SegmentWriter, with the fast paths above."""
    writer._check_state()
    schema = writer.schema
    plan = _plan(schema)
    perdocwriter = writer.perdocwriter
    bulk = writer._bulk_postings
    docnum = writer.docnum
    docboost = writer._doc_boost(document)
    fieldnames = sorted(name for name in document if not name.startswith("_"))
    writer._check_fields(schema, fieldnames)

    perdocwriter.start_doc(docnum)
    try:
        for fieldname in fieldnames:
            value = document.get(fieldname)
            if value is None:
                continue
            fast = plan.kinds.get(fieldname)
            if fast is not None and isinstance(value, str):
                kind, field = fast
                fieldboost = writer._field_boost(document, fieldname, docboost)
                items = _fast_postings(plan, kind, field, value)
                length = sum(item[1] for item in items) if field.scorable else 0
                if items:
                    terms = bulk.get(fieldname)
                    if terms is None:
                        terms = bulk[fieldname] = {}
                    for tbytes, _freq, weight, vbytes in items:
                        posting = (docnum, weight * fieldboost, vbytes)
                        found = terms.get(tbytes)
                        if found is None:
                            terms[tbytes] = [posting]
                        else:
                            found.append(posting)
                perdocwriter.add_field(fieldname, field, None, length)
                continue
            _add_field(writer, document, fieldname, value, docnum, docboost)
    except Exception:
        perdocwriter.cancel_doc()
        raise
    perdocwriter.finish_doc()
    writer._added = True
    writer.docnum += 1


def _add_field(writer, fields, fieldname, value, docnum, docboost):
    """One field exactly as SegmentWriter.add_document indexes it."""
    field = writer.schema[fieldname]
    add_post = writer.pool.add
    perdocwriter = writer.perdocwriter
    length = 0
    if field.indexed:
        fieldboost = writer._field_boost(fields, fieldname, docboost)
        scorable = field.scorable
        for tbytes, freq, weight, vbytes in field.index(value):
            weight *= fieldboost
            if scorable:
                length += freq
            add_post((fieldname, tbytes, docnum, weight, vbytes))
    if field.separate_spelling():
        spellfield = field.spelling_fieldname(fieldname)
        for word in field.spellable_words(value):
            add_post((spellfield, word.encode("utf-8"), 0, 1, None))
    vformat = field.vector
    if vformat:
        vitems = vformat.word_values(value, field.analyzer, mode="index")
        vitems = sorted((text, weight, vbytes) for text, _, weight, vbytes in vitems)
        perdocwriter.add_vector_items(fieldname, field, vitems)
    customval = fields.get(f"_stored_{fieldname}", value)
    perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
    column = field.column_type
    if column and customval is not None:
        perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))


def _field_lengths(lengths, fieldname, doccount):
    """Every document's length of a field in the new segment (0 where it has none)."""
    if lengths is None:
        return None
    column = lengths._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return None
    stored = min(column._count, doccount)
    if getattr(column, "_fixedlen", None) == 1:
        raw = column._dbfile.get(column._basepos, stored)
        return [_LENGTHS[code] for code in raw]
    return [_LENGTHS[column[docnum]] for docnum in range(stored)]


def _pool_terms(items):
    """(fieldname, btext, [(docnum, weight, vbytes)]) from the pool's sorted postings."""
    for (fieldname, btext), group in groupby(items, key=_field_term):
        postings = [(p[2], p[3], p[4]) for p in group if p[2] != -1]
        if postings:
            yield fieldname, btext, postings


def _bulk_terms(bulk):
    """The same from the fast path's field -> term -> postings (each list already in docnum order)."""
    for fieldname in sorted(bulk):
        terms = bulk[fieldname]
        for btext in sorted(terms):
            yield fieldname, btext, terms[btext]


def _merged_terms(pool_items, bulk):
    """Both streams in (field, term) order; a term found in both gets its postings merged."""
    previous = None
    for fieldname, btext, postings in heapq.merge(
        _pool_terms(pool_items), _bulk_terms(bulk), key=_first_two
    ):
        if previous is not None and previous[:2] == (fieldname, btext):
            previous = (fieldname, btext, sorted(previous[2] + postings))
            continue
        if previous is not None:
            yield previous
        previous = (fieldname, btext, postings)
    if previous is not None:
        yield previous


def add_postings(fieldwriter, schema, lengths, terms, doccount):
    """``FieldWriter.add_postings`` for (field, term, postings) in order, a block at a time."""
    lastfn = None
    field_lengths = None
    known = 0
    for fieldname, btext, group in terms:
        if fieldname != lastfn:
            if lastfn is not None:
                fieldwriter.finish_field()
            lastfn = fieldname
            fieldwriter.start_field(fieldname, schema[fieldname])
            field_lengths = _field_lengths(lengths, fieldname, doccount)
            known = len(field_lengths) if field_lengths is not None else 0
        fieldwriter.start_term(btext)
        writer = fieldwriter._postwriter
        limit = writer._blocklimit
        for start in range(0, len(group), limit):
            if start:
                writer._write_block()
            block = group[start : start + limit] if len(group) > limit else group
            ids = [posting[0] for posting in block]
            weights = [posting[1] for posting in block]
            writer._ids.extend(ids)
            writer._weights.extend(weights)
            writer._values.extend(posting[2] for posting in block if posting[2])
            top = max(weights)
            if top > writer._maxweight:
                writer._maxweight = top
            if field_lengths is not None:
                found = [field_lengths[d] for d in ids if d < known and field_lengths[d]]
                if found:
                    low, high = min(found), max(found)
                    if writer._minlength is None or low < writer._minlength:
                        writer._minlength = low
                    if high > writer._maxlength:
                        writer._maxlength = high
        fieldwriter.finish_term()
    if lastfn is not None:
        fieldwriter.finish_field()


def fast_flush(writer):
    """Make this SegmentWriter flush its segment with :func:`add_postings`."""

    def _flush_segment():
        writer.perdocwriter.close()
        pdr = writer.per_document_reader() if writer.codec.length_stats else None
        terms = _merged_terms(writer.pool.iter_postings(), writer._bulk_postings)
        add_postings(writer.fieldwriter, writer.schema, pdr, terms, writer.docnum)
        writer.fieldwriter.close()
        if pdr:
            pdr.close()

    writer._bulk_postings = {}
    writer._flush_segment = _flush_segment
    return writer


__all__ = ["add_document", "add_postings", "emptybytes", "fast_flush"]
