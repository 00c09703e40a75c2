"""Postings read from Whoosh segments in bulk, cached per segment, and scored with numpy.

Walking a Whoosh matcher costs a few Python calls per posting, which made
the first query with a common word slow (tens of milliseconds at 10,000
projects). Here a term's postings are read block by block (a block is one
unpickled tuple of ids and weights) into numpy arrays, and BM25F is
computed for all of them at once, with the same formula and statistics as
Whoosh's ``BM25F`` (B 0.75, K1 1.2).

Segments never change once written, so a segment's postings and field
lengths are cached by ``(segment, field, term)`` across index generations:
after a commit, only the new small segment is read, and a term's scores are
recomputed from the cached arrays with the new collection statistics.

This reads Whoosh 3 codec internals (block ids/weights/values, the field
length column); the versions are pinned in pyproject.toml.
"""

import threading
from collections import OrderedDict
from math import log

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

B = 0.75
K1 = 1.2
# Cached postings across all segments, counted in postings (12 bytes each;
# with positions, read for longer phrases, about 4 times that): ~25 MB.
CACHE_POSTINGS = 2_000_000

_LENGTHS = np.array([byte_to_length(code) for code in range(256)], dtype=np.float32)
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)


class SegmentPostings:
    """Per-segment cache of field lengths and term postings (segment-local document numbers)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries: OrderedDict = OrderedDict()
        self.size = 0

    def terms(self, key, reader, fieldname, text, positions=False):
        """(ids, weights, encoded positions or None) of one term in one segment."""
        cache_key = (key, fieldname, text)
        with self.lock:
            found = self.entries.get(cache_key)
            if found is not None and (found[2] is not None or not positions):
                self.entries.move_to_end(cache_key)
                return found
        found = _read_postings(reader, fieldname, text, positions)
        self._store(cache_key, found)
        return found

    def lengths(self, key, reader, fieldname):
        """Field lengths of every document of the segment, as Whoosh stores them (one byte, decoded)."""
        cache_key = (key, fieldname, None)
        with self.lock:
            found = self.entries.get(cache_key)
            if found is not None:
                self.entries.move_to_end(cache_key)
                return found
        found = _read_lengths(reader, fieldname)
        self._store(cache_key, found)
        return found

    def _store(self, cache_key, value):
        with self.lock:
            previous = self.entries.pop(cache_key, None)
            if previous is not None:
                self.size -= _weight(previous)
            self.entries[cache_key] = value
            self.size += _weight(value)
            while self.size > CACHE_POSTINGS and len(self.entries) > 1:
                _key, evicted = self.entries.popitem(last=False)
                self.size -= _weight(evicted)

    def forget(self, key):
        """Drop what is cached for a segment that no longer exists (merged away)."""
        with self.lock:
            for cache_key in [k for k in self.entries if k[0] == key]:
                self.size -= _weight(self.entries.pop(cache_key))


def _weight(value):
    """What an entry counts against CACHE_POSTINGS: postings (positions count 4), or lengths / 2."""
    if isinstance(value, tuple):
        return len(value[0]) * (4 if value[2] is not None else 1)
    return len(value) // 2


def _leaf(matcher):
    """The codec's own matcher under Whoosh's deletion filter (deleted documents are masked later)."""
    while not isinstance(matcher, W3LeafMatcher) and hasattr(matcher, "child"):
        matcher = matcher.child
    return matcher


def _read_postings(reader, fieldname, text, positions):
    try:  # one term-table lookup (asking doc_frequency first made it two)
        matcher = reader.postings(fieldname, text)
    except TermNotFound:
        return _EMPTY_IDS, _EMPTY_WEIGHTS, [] if positions else None
    matcher = _leaf(matcher)
    ids, weights, values = [], [], []
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            # The block's ids as stored (deltas unless byte-sized), decoded below with numpy.
            if matcher._data is None:
                matcher._read_data()
            ids.append((matcher._data[0], matcher._byteids))
            matcher._read_weights()
            weights.extend(matcher._weights)
            if positions:
                matcher._read_values()
                values.extend(matcher._values)
            matcher._next_block()
    else:  # postings inlined in the term info (rare terms)
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            if positions:
                values.append(matcher.value())
            matcher.next()
        ids = [(ids, True)]
    # Whoosh's delta_decode is a running sum: one numpy cumsum per block.
    ids = [
        np.array(raw, dtype=np.int64) if plain else np.cumsum(raw, dtype=np.int64)
        for raw, plain in ids
    ] or [_EMPTY_IDS]
    return (
        np.concatenate(ids) if len(ids) > 1 else ids[0],
        np.array(weights, dtype=np.float32),
        values if positions else None,
    )


def _read_lengths(reader, fieldname):
    count = reader.doc_count_all()
    codes = np.zeros(count, dtype=np.uint8)
    column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is not None:
        stored = min(column._count, count)
        raw = column._dbfile.get(column._basepos, stored * column._fixedlen)
        codes[:stored] = np.frombuffer(raw, dtype=np.uint8)[:stored]
    return _LENGTHS[codes]


def bm25f(weights, lengths, idf, average_length, boost):
    """Whoosh's BM25F for arrays of term weights and field lengths, times the field's boost."""
    first, second = bm25f_parts(weights, lengths, average_length)
    return (boost * idf) * first / second


def bm25f_parts(weights, lengths, average_length):
    """The two arrays of BM25F that do not depend on idf or boost: score = (boost * idf) * first / second."""
    norm = K1 * ((1 - B) + B * lengths / average_length)
    return weights * (K1 + 1), weights + norm


def idf(document_frequency, document_count):
    return log(document_count / (document_frequency + 1)) + 1


def to_mask(present):
    """A bool array as a bitset (Python int, bit n = document n)."""
    return int.from_bytes(np.packbits(present, bitorder="little").tobytes(), "little")


def from_mask(mask, size):
    """A bitset as a bool array of `size` documents."""
    raw = np.frombuffer(mask.to_bytes((size >> 3) + 1, "little"), dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little", count=size).view(bool)


def _remember_missing_columns():
    """Whoosh 3's per-document reader remembers which fields have no length column.

    Whoosh looks for the length column of a field at every posting it
    writes; for fields without one (unscored keyword fields such as the
    phrase pairs) it asked the file system each time, which was most of
    the time spent flushing a segment. Segments are immutable, so the
    answer is kept per reader.
    """
    from whoosh.codec.whoosh3 import W3PerDocReader

    original = W3PerDocReader._cached_reader
    if getattr(original, "remembers_missing", False):
        return

    def _cached_reader(self, fieldname, column):
        missing = self.__dict__.setdefault("_missing_columns", set())
        if fieldname in missing:
            return None
        reader = original(self, fieldname, column)
        if reader is None:
            missing.add(fieldname)
        return reader

    _cached_reader.remembers_missing = True
    W3PerDocReader._cached_reader = _cached_reader


_remember_missing_columns()
