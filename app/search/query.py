"""From what a user typed to the clauses the engine matches, without ever raising.

No query syntax is exposed: double quotes make a phrase, everything else is
plain words. Operators (AND, OR, NOT, -, *, ~, ^, parentheses), field
prefixes such as ``title:`` and unbalanced quotes are treated as text, and
only the first ``MAX_TERMS`` words of the first ``MAX_CHARS`` characters are
used, so a 5,000-character paste costs no more than a sentence.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from markupsafe import Markup, escape

from . import analysis
from .analysis import ANALYSES

WORD_PATTERN = r"\w+(?:\.?\w+)*"

MAX_CHARS = 500
MAX_TERMS = 32
# Whoosh treats these words as operators only in its own parser; ours drops them.
OPERATOR_WORDS = {"and", "or", "not"}
# A phrase needs both quotes; a lone quote is skipped.
_PART = re.compile(r'"([^"]*)"|([^\s"]+)')
_FIELD_PREFIX = re.compile(r"^\w+:(?=\S)")
_WORD = re.compile(WORD_PATTERN)
_MARK = Markup("<mark>%s</mark>")


@dataclass
class Phrase:
    words: list[str]  # the words as typed


@dataclass
class ParsedText:
    """Words and phrases, in the order typed."""

    parts: list = field(default_factory=list)  # str (a word) or Phrase

    def __bool__(self):
        return bool(self.stems())

    def text(self):
        return " ".join(
            f'"{" ".join(p.words)}"' if isinstance(p, Phrase) else p for p in self.parts
        )

    def stems(self):
        """Analyzed terms of every part (what highlighting marks)."""
        found = []
        for part in self.parts:
            words = part.words if isinstance(part, Phrase) else [part]
            for word in words:
                found.extend(analyze(word))
        return found


def analyze(text):
    """English analysis (the default language's, and the language-neutral fields')."""
    return analysis.analyze(text, "en")


def fold(word):
    """The folded words of `word`, unstemmed (what spelling correction compares)."""
    return analysis.words(word)


def parse(text):
    """Split raw user input into words and phrases; never raises."""
    text = (text or "")[:MAX_CHARS]
    parsed = ParsedText()
    count = 0
    for match in _PART.finditer(text):
        phrase, word = match.groups()
        if phrase is not None:
            words = re.findall(r"\w+", phrase)
            if len(words) > 1:
                parsed.parts.append(Phrase(words))
            elif words:
                parsed.parts.append(words[0])
            count += len(words)
        else:
            word = _FIELD_PREFIX.sub("", word)
            # A hyphenated compound stays one word: "e-government" is one concept.
            for piece in re.findall(r"\w+(?:-\w+)*", word):
                if piece.casefold() not in OPERATOR_WORDS:
                    parsed.parts.append(piece)
                    count += piece.count("-") + 1
        if count >= MAX_TERMS:
            break
    return parsed


def clauses(parsed):
    """Each part as ("term", stem) or ("phrase", stems): what must match, in order typed."""
    found = []
    for part in parsed.parts:
        if isinstance(part, Phrase):
            stems = analyze(" ".join(part.words))
            if len(stems) > 1:
                found.append(("phrase", tuple(stems)))
            elif stems:
                found.append(("term", stems[0]))
        else:
            found.extend(("term", stem) for stem in analyze(part))
    return list(dict.fromkeys(found))


def suggest(parsed, searcher, matches):
    """The text with words that match nothing replaced by the closest indexed word, or None.

    `matches(word)` says whether the word, analyzed as the index is, finds
    any document: such a word is never corrected (so "drone", which finds
    "drones", gets no suggestion), and neither is a word whose only
    correction is another form of itself.
    """
    corrector = searcher.corrector("spelling")
    changed = False
    parts = []
    for part in parsed.parts:
        if isinstance(part, str):
            replacement = _correct(part, corrector, matches)
            changed |= replacement != part
            parts.append(replacement)
        else:
            words = [_correct(word, corrector, matches) for word in part.words]
            changed |= words != part.words
            parts.append(Phrase(words))
    return ParsedText(parts) if changed else None


def _correct(word, corrector, matches):
    folded = fold(word)
    if len(folded) != 1 or len(folded[0]) < 3 or folded[0].isdigit() or matches(word):
        return word
    term = folded[0]
    maxdist = 1 if len(term) < 5 else 2
    for suggestion in corrector.suggest(term, limit=3, maxdist=maxdist, prefix=1):
        if analyze(suggestion) != analyze(word):
            return suggestion
    return word


def highlight(text, stems):
    """`text` HTML-escaped, with <mark> around the words whose analyzed form is in `stems`."""
    text = text or ""
    if not stems:
        return escape(text)
    wanted = stems if isinstance(stems, frozenset) else frozenset(stems)
    pieces = []
    position = 0
    for match in _WORD.finditer(text):
        if not _terms(match.group()).isdisjoint(wanted):
            pieces.append(escape(text[position : match.start()]))
            pieces.append(_MARK % match.group())
            position = match.end()
    if not pieces:
        return escape(text)
    pieces.append(escape(text[position:]))
    return Markup("").join(pieces)


@lru_cache(maxsize=65536)
def _terms(word):
    """The analysed forms of one word as the tokenizer cuts it, under every analysis."""
    return frozenset(t for name in ANALYSES for t in analysis.analyze(word, name))
