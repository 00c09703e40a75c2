"""The shared vocabulary, by its names in every language: what a query word can stand for.

A name is looked up whole, folded as search folds text (case, accents,
Arabic letter forms), with hyphens and spaces normalised ("e-government",
"e government" and "egovernment" are one key) and, for the languages with a
stemmer, stemmed ("wastes" finds the entry of "waste"). An entry says what
the name stands for:

- ``("theme" | "status" | "region" | "country", value)``: a facet value;
- ``("member", id)``: a member organisation (its case studies);
- ``("synonyms", n)``: a thesaurus group (data/thesaurus.json);
- ``("city", country code or "")``: a known place with no facet of its own.

Sources: data/vocabulary.json (theme, status and region names),
data/thesaurus.json, data/countries.json (usual and official names), and
CLDR through Babel (country and region names and the time-zone cities in
every shipped language). Members are read from the database and kept
until a member changes (and at most ``MEMBER_TTL`` seconds, for changes
made by another process).
"""

import json
import threading
import time
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from babel import Locale
from babel.core import get_global
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..regions import COUNTRY_REGION
from .analysis import ANALYSIS_OF, field_language, term, words

DATA = Path(__file__).parent / "data"
CLDR_LOCALES = ("en", "fr", "es", "pt", "ar", "ko", "zh_Hant", "zh_Hans")
STEMMED = ("en", "fr", "es", "pt")
MAX_WORDS = 6
MEMBER_TTL = 60.0


def keys(text, lang=None, found=None):
    """The lookup keys of a name: spaced and joined folded words, and its stemmed form."""
    found = words(text) if found is None else found
    if not found:
        return []
    result = [" ".join(found), "".join(found)]
    analysis = ANALYSIS_OF[field_language(lang)] if lang else None
    if analysis in STEMMED:
        result.append(stem_key(found, analysis))
    return list(dict.fromkeys(result))


def stem_key(found, analysis):
    return analysis + ":" + " ".join(term(word, analysis) or word for word in found)


class Table:
    """Key -> set of entries, plus the thesaurus groups' members as (lang, text)."""

    def __init__(self):
        self.entries: dict[str, set] = {}
        self.groups: list[list[tuple[str, str]]] = []
        self.names: dict[tuple, str] = {}
        self.longest = 1

    def add(self, name, entry, lang=None):
        found = words(name)
        for key in keys(name, lang, found):
            self.entries.setdefault(key, set()).add(entry)
        self.names.setdefault(entry, name)
        self.longest = min(MAX_WORDS, max(self.longest, len(found)))

    def lookup(self, typed_words):
        """The entries a run of folded words names (empty when none)."""
        found = set()
        for key in (" ".join(typed_words), "".join(typed_words)):
            found |= self.entries.get(key, set())
        if not found:
            for analysis in STEMMED:
                found |= self.entries.get(stem_key(typed_words, analysis), set())
        return found


def _json(name):
    with open(DATA / name, encoding="utf-8") as handle:
        return json.load(handle)


_table_lock = threading.Lock()


def static_table():
    """Everything but the members (the same in every process, built once)."""
    with _table_lock:
        return _static_table()


@lru_cache(maxsize=1)
def _static_table():
    table = Table()
    locales = {name: Locale.parse(name) for name in CLDR_LOCALES}
    vocabulary = _json("vocabulary.json")
    for facet in ("theme", "status", "region"):
        for value, names in vocabulary[facet].items():
            for lang, texts in names.items():
                for text in texts:
                    table.add(text, (facet, value), lang)
    for region, codes in vocabulary["cldr_regions"].items():
        for locale in CLDR_LOCALES:
            territories = locales[locale].territories
            for code in codes:
                if territories.get(code):
                    table.add(territories[code], ("region", region), locale)
    for locale in CLDR_LOCALES:
        territories = locales[locale].territories
        for code in COUNTRY_REGION:
            if territories.get(code):
                table.add(territories[code], ("country", code), locale)
        for code in COUNTRY_REGION:
            table.add(code, ("country", code))
    for code, names in _json("countries.json").items():
        if code in COUNTRY_REGION:
            for name in names:
                table.add(name, ("country", code), "en")
    for zone, code in get_global("zone_territories").items():
        parts = zone.split("/")
        if len(parts) != 2 or parts[0] in ("Etc", "Antarctica") or code not in COUNTRY_REGION:
            continue
        entry = ("city", code)
        table.add(parts[1].replace("_", " "), entry, "en")
        for locale in CLDR_LOCALES:
            city = (locales[locale].time_zones.get(zone) or {}).get("city")
            if city:
                table.add(city, entry, locale)
    for group in _json("thesaurus.json")["groups"]:
        members = [(lang, text) for lang, texts in group.items() for text in texts]
        entry = ("synonyms", len(table.groups))
        table.groups.append(members)
        for lang, text in members:
            table.add(text, entry, lang)
    return table


class Members:
    """Approved members by name key: {key: {(member id, slug, name, country)}}."""

    def __init__(self):
        self.lock = threading.Lock()
        self.version = 0
        self.loaded: tuple | None = None  # (version, time, table)

    def table(self, session):
        with self.lock:
            loaded = self.loaded
            if loaded and loaded[0] == self.version and time.monotonic() - loaded[1] < MEMBER_TTL:
                return loaded[2]
            version = self.version
        from ..models import Member

        table = Table()
        rows = session.execute(
            sa.select(
                Member.id, Member.slug, Member.name, Member.country, Member.translations
            ).where(Member.status == "approved")
        ).all()
        for row in rows:
            entry = ("member", row.id)
            table.add(row.name, entry)
            for values in (row.translations or {}).values():
                if isinstance(values, dict) and isinstance(values.get("name"), str):
                    table.add(values["name"], entry)
            table.names[entry] = (row.slug, row.name, row.country)
        with self.lock:
            self.loaded = (version, time.monotonic(), table)
        return table

    def changed(self):
        with self.lock:
            self.version += 1


members = Members()


def lookup(typed_words, session):
    """Entries for a run of folded words, the members' included."""
    found = static_table().lookup(typed_words)
    return found | members.table(session).lookup(typed_words)


def member_info(member_id, session):
    """(slug, name, country) of an approved member, or None."""
    return members.table(session).names.get(("member", member_id))


def longest(session):
    return max(static_table().longest, members.table(session).longest)


def synonyms(group):
    return static_table().groups[group]


def place_name(entry):
    """The name a place entry was first given (English for CLDR data)."""
    return static_table().names.get(entry)


def is_known_word(word):
    """Whether a folded word is a vocabulary key or a word of a vocabulary name."""
    table = static_table()
    return word in table.entries or word in _name_words()


@lru_cache(maxsize=1)
def _name_words():
    found = set()
    for key in static_table().entries:
        if ":" not in key:
            found.update(key.split())
    return found


@event.listens_for(Session, "after_flush")
def _members_changed(session, _flush_context):
    from ..models import Member

    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Member):
            session.info["members_changed"] = True
            return


@event.listens_for(Session, "after_commit")
def _forget_members(session):
    if session.info.pop("members_changed", False):
        members.changed()
