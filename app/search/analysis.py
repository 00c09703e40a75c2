"""Text analysis for every search index, in every language.

One pipeline, in plain Python so each field is analysed once (the projects
index stores the result pre-analysed, and its phrase pairs and spelling
words come from the same pass):

1. Unicode NFKC, case folding, accents folded ("Medellín" = "medellin"), and
   Arabic normalised: tashkeel and tatweel removed, alef forms to bare alef,
   alef maqsura to yeh, teh marbuta to heh.
2. Words are ``\\w+`` runs (with inner dots, as in "e.g." or "5.2");
   hyphenated compounds are split into their parts, and at index time the
   parts joined are added too, so "e-government" meets "egovernment".
3. Runs of Hangul, Han or kana become overlapping character bigrams (a
   lone character stays a unigram), so "주차" matches inside "스마트주차시스템".
4. Per analysis: stop words dropped and words stemmed. "en" keeps the
   Porter-based stemmer the catalogue always used; "fr", "es" and "pt" use
   Whoosh's Snowball stemmers; every other language ("xx": Arabic, Korean,
   Chinese and unknown ones) is folded only. Arabic words lose the article
   and a few light affixes in every analysis ("النفايات" = "نفايات").

A field language is the language a text is indexed under: "en", "fr",
"es", "pt", and "xx" for every other (Arabic, Korean, Chinese...: they
share one analysis, and one set of fields keeps a query word's lookups few).
:func:`field_language` maps any tag to one.
"""

import re
import unicodedata
from functools import lru_cache

from whoosh.analysis import STOP_WORDS, Token, Tokenizer
from whoosh.fields import TEXT
from whoosh.lang import stemmer_for_language, stopwords_for_language
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

DEFAULT_LANGUAGE = "en"
FIELD_LANGUAGES = ("en", "fr", "es", "pt", "xx")
# Analysis -> the field languages whose text it reads.
ANALYSES = {lang: (lang,) for lang in FIELD_LANGUAGES}
ANALYSIS_OF = {lang: name for name, langs in ANALYSES.items() for lang in langs}

_TOKEN = re.compile(r"\w+(?:[.\-‐‑]\w+)*")
_HYPHEN = re.compile(r"[\-‐‑]")
_CJK = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+"
)
_ARABIC = re.compile("[\u0600-\u06ff]")

_ARABIC_MAP = {code: None for code in range(0x064B, 0x0653)}  # tashkeel
_ARABIC_MAP.update({0x0670: None, 0x0640: None})  # dagger alef, tatweel
_ARABIC_MAP.update({ord(c): "ا" for c in "أإآٱ"})
_ARABIC_MAP.update({ord("ى"): "ي", ord("ة"): "ه", ord("ؤ"): "و", ord("ئ"): "ي"})
FOLD_TABLE = {**accent_map, **_ARABIC_MAP}
ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
ARABIC_SUFFIXES = ("ات", "ون", "ين", "ان", "ها", "يه", "ه", "ي")
# French, Spanish and Portuguese elisions and contractions that survive tokenising.
EXTRA_STOPS = {"fr": {"l", "d", "j", "qu", "n", "s", "c", "m", "t"}, "es": set(), "pt": set()}

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


def fold(text):
    """NFKC, case folded, accents and Arabic letter forms normalised."""
    return unicodedata.normalize("NFKC", text or "").casefold().translate(FOLD_TABLE)


def _identity(word):
    return word


def _stopwords(name):
    if name == "en":
        return frozenset(STOP_WORDS)
    if name == "xx":
        return frozenset()
    return frozenset(fold(w) for w in stopwords_for_language(name)) | EXTRA_STOPS[name]


_STEMMERS = {
    "en": stem_word,
    "fr": stemmer_for_language("fr"),
    "es": stemmer_for_language("es"),
    "pt": stemmer_for_language("pt"),
    "xx": _identity,
}
_STOPS = {name: _stopwords(name) for name in ANALYSES}


def arabic_stem(word):
    """Light stemming: the article (with a leading conjunction or preposition), then one suffix."""
    for prefix in ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix) :]
            break
    for suffix in ARABIC_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=262144)
def term(word, analysis):
    """The indexed form of one folded word under an analysis, or None for a stop word."""
    if len(word) < 2 or word in _STOPS[analysis]:
        return None
    if _ARABIC.search(word):
        return arabic_stem(word)
    return _STEMMERS[analysis](word)


def cjk_grams(run):
    """Character bigrams of a CJK run; a single character is its own unigram."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _pieces(part):
    """(is_cjk, text) pieces of one word, splitting CJK runs from the rest."""
    if not _CJK.search(part):
        return [(False, part)]
    pieces, position = [], 0
    for match in _CJK.finditer(part):
        if match.start() > position:
            pieces.append((False, part[position : match.start()]))
        pieces.append((True, match.group()))
        position = match.end()
    if position < len(part):
        pieces.append((False, part[position:]))
    return pieces


def words(text):
    """The folded words of `text` (hyphenated compounds split), before stop words and stemming."""
    found = []
    for match in _TOKEN.finditer(fold(text)):
        found.extend(p for p in _HYPHEN.split(match.group()) if p)
    return found


def analyze_folded(folded, analysis, compounds=False):
    """(terms, joined compounds) of already folded text."""
    terms, joined = [], []
    for match in _TOKEN.finditer(folded):
        parts = [p for p in _HYPHEN.split(match.group()) if p]
        has_cjk = False
        for part in parts:
            for is_cjk, piece in _pieces(part):
                if is_cjk:
                    has_cjk = True
                    terms.extend(cjk_grams(piece))
                else:
                    found = term(piece, analysis)
                    if found:
                        terms.append(found)
        if compounds and len(parts) > 1 and not has_cjk:
            found = term("".join(parts), analysis)
            if found:
                joined.append(found)
    return terms, joined


def analyze(text, analysis="en"):
    """The terms of `text` under one analysis, in order (what a query is matched with)."""
    return analyze_folded(fold(text), analysis)[0]


def field_language(tag, default=DEFAULT_LANGUAGE):
    """The field language of a language tag: "pt-BR" -> "pt", "zh-Hant", "ko" or "de" -> "xx"."""
    base = re.split(r"[-_]", (tag or default or DEFAULT_LANGUAGE).strip().lower())[0]
    return base if base in FIELD_LANGUAGES else "xx"


# Building documents ---------------------------------------------------------------------------


def field_name(name, lang):
    return f"{name}_{lang}"


def schema_fields(boosts):
    """Whoosh fields for multilingual text: one pre-analysed field per (name, field language)."""
    return {
        field_name(name, lang): TEXT(analyzer=PREANALYZED, field_boost=boost, phrase=True)
        for name, boost in boosts.items()
        for lang in FIELD_LANGUAGES
    }


def fields_for(boosts, analysis, boosted_lang=None, boost=1.0):
    """Field name -> weight for the fields an analysis reads (the visitor's language weighted up)."""
    return {
        field_name(name, lang): weight * (boost if lang == boosted_lang else 1.0)
        for name, weight in boosts.items()
        for lang in ANALYSES[analysis]
    }


class AnalysedText:
    """What one pass over a document's texts gives: field values, adjacent pairs, spelling words."""

    def __init__(self):
        self.fields: dict[str, str] = {}
        self.pairs: list[str] = []
        self.spelling: list[str] = []

    def add(self, fieldname, text, analysis, spelling=True):
        """Analyse `text` into `fieldname` (appending to what it holds)."""
        folded = fold(text)
        terms, joined = analyze_folded(folded, analysis, compounds=True)
        if not terms and not joined:
            return
        self.pairs.extend(f"{a}|{b}" for a, b in zip(terms, terms[1:], strict=False))
        value = " ".join(terms + joined)
        previous = self.fields.get(fieldname)
        self.fields[fieldname] = f"{previous} {value}" if previous else value
        if spelling:
            for match in _TOKEN.finditer(folded):
                self.spelling.extend(
                    p for p in _HYPHEN.split(match.group()) if p and not _CJK.search(p)
                )

    def document(self):
        document = dict(self.fields)
        document["pairs"] = " ".join(dict.fromkeys(self.pairs))
        document["spelling"] = " ".join(self.spelling)
        return document


def multilingual_fields(texts, language, translations, spelling=("title", "summary")):
    """The multilingual part of a search document, for any indexed entity.

    `texts` maps a translatable field (title, summary, ...) to its text in
    the entity's own `language`, or to several texts joined; `translations`
    is the entity's ``{lang: {field: text, "source": ..., "reviewed": ...}}``.
    Each text is indexed once, under its own language's fields
    (``<field>_<lang>``); a translation of a field the caller did not name
    is ignored. Returns an :class:`AnalysedText` to which the caller may
    add language-neutral fields, then takes ``.document()``.
    """
    analysed = AnalysedText()
    own = field_language(language)
    for name, text in texts.items():
        if text:
            analysed.add(field_name(name, own), text, ANALYSIS_OF[own], name in spelling)
    for tag, values in (translations or {}).items():
        if not isinstance(values, dict):
            continue
        lang = field_language(tag)
        for name in texts:
            text = values.get(name)
            if isinstance(text, str) and text.strip():
                analysed.add(field_name(name, lang), text, ANALYSIS_OF[lang], name in spelling)
    return analysed


# Whoosh analyzers (for indexes searched with Whoosh's own queries) ---------------------------


class _TextsTokenizer(Tokenizer):
    """A Whoosh tokenizer yielding one token per text of :meth:`texts`, positions counting texts.

    Character offsets are not kept: every token starts at `start_char`.
    """

    def texts(self, value, tokenize):
        raise NotImplementedError

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for position, text in enumerate(self.texts(value, tokenize)):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar = token.endchar = start_char
            yield token


class MultilingualTokenizer(_TextsTokenizer):
    """A Whoosh tokenizer running :func:`analyze` (no stemming when ``analysis="xx"``)."""

    def __init__(self, analysis="xx"):
        self.analysis = analysis

    def __eq__(self, other):
        return type(other) is type(self) and other.analysis == self.analysis

    def texts(self, value, tokenize):
        return analyze(value, self.analysis) if tokenize else [fold(value)]


class PreAnalyzedTokenizer(_TextsTokenizer):
    """Splits on spaces only: for fields whose text :class:`AnalysedText` already analysed."""

    def texts(self, value, tokenize):
        return value.split() if tokenize else [value]


PREANALYZED = PreAnalyzedTokenizer()
# Names, e-mail addresses and references: folded, CJK split, never stemmed.
NAME_ANALYZER = MultilingualTokenizer("xx")
