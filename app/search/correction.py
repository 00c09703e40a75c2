"""Spelling correction that only corrects when it is confident.

A word is never touched when it is *known*: it finds something in the
index in any language, or it is a vocabulary name or a word of one (a
country, region, time-zone city, theme, status, thesaurus entry), a
member's name, or a stop word. Only an unknown word gets candidates: words
of the index's spelling field within two edits (Damerau-Levenshtein, same
first letter), the closest first, then the most frequent; another form of
the word itself is skipped ("drones" for "drone").

The best candidate replaces the word (the search runs with it, and the page
offers "Search instead for" the original) only when it is clearly the
word meant: one edit away from a word of four letters or more, or two
from a word of nine or more, and no other candidate as close is nearly as
frequent. Otherwise it is only offered ("Did you mean …?"), so "Dhaka"
is never silently replaced by "data", nor "Lagos" by "lamps".
"""

from dataclasses import dataclass

from whoosh.support.levenshtein import damerau_levenshtein

from . import vocabulary
from .analysis import ANALYSES, analyze, words
from .query import ParsedText, Phrase

SPELLING_FIELD = "spelling"
# How much more frequent than the runner-up (at the same distance) the best candidate must be.
DOMINANCE = 2


@dataclass
class Correction:
    parsed: ParsedText  # the query with the corrected words
    confident: bool  # every replaced word is a confident correction


def correct(parsed, reader, known):
    """A Correction for the unknown words of `parsed`, or None when none has a candidate."""
    changed = False
    confident = True
    parts = []
    for part in parsed.parts:
        typed = part.words if isinstance(part, Phrase) else [part]
        replaced = []
        for word in typed:
            candidate = _candidate(word, reader, known)
            if candidate is None:
                replaced.append(word)
            else:
                replacement, sure = candidate
                replaced.append(replacement)
                changed = True
                confident &= sure
        parts.append(Phrase(replaced) if isinstance(part, Phrase) else replaced[0])
    return Correction(ParsedText(parts), confident) if changed else None


def is_correctable(word):
    """Latin-script (or other alphabetic) single words of three letters or more, not numbers."""
    folded = words(word)
    if len(folded) != 1:
        return None
    term = folded[0]
    if len(term) < 3 or term.isdigit() or any(ord(c) > 0x2FFF for c in term):
        return None
    return term


def _candidate(word, reader, known):
    term = is_correctable(word)
    if term is None or vocabulary.is_known_word(term) or known(word):
        return None
    if not analyze(word, "en"):
        return None
    forms = {name: analyze(word, name) for name in ANALYSES}
    found = []
    for candidate in reader.terms_within(SPELLING_FIELD, term, 2, prefix=1):
        if candidate == term or any(analyze(candidate, n) == f for n, f in forms.items()):
            continue
        distance = damerau_levenshtein(term, candidate)
        if distance <= 2:
            found.append((distance, -reader.doc_frequency(SPELLING_FIELD, candidate), candidate))
    if not found:
        return None
    found.sort()
    distance, frequency, best = found[0]
    rivals = [f for d, f, c in found[1:] if d == distance]
    sure = (distance == 1 and len(term) >= 4) or (distance == 2 and len(term) >= 9)
    if rivals and -rivals[0] * DOMINANCE > -frequency:
        sure = False
    return best, sure
