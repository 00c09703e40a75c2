"""Every marked string is translated in every shipped language, with the same placeholders.

The strings are extracted from the code as it is now (babel.cfg, the keywords of
`make messages`), not read from the committed template, so a string marked since
the last `make messages` fails here until it is merged and translated.
"""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from app import config
from app.i18n import TRANSLATIONS_DIR
from app.i18n.catalogues import catalogue_paths, read_catalogue
from app.i18n.languages import build_languages

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]")
SHIPPED = [language for language in build_languages(config.LANGUAGES) if not language.default]


def babel_method_map():
    """babel.cfg's [method: pattern] sections."""
    sections = re.findall(r"^\[(\w+):\s*(.+?)\]\s*$", (ROOT / "babel.cfg").read_text(), re.M)
    return [(pattern, method) for method, pattern in sections]


@pytest.fixture(scope="module")
def marked_strings():
    """{msgid or (singular, plural): first location} of every string marked in app/ and templates/."""
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), babel_method_map(), keywords=KEYWORDS
    ):
        if not filename.startswith(("app/", "templates/")):
            continue
        key = message if isinstance(message, str) else tuple(message[:2])
        found.setdefault(key, f"{filename}:{lineno}")
    assert len(found) > 300, "extraction found too few strings: is babel.cfg right?"
    return found


def placeholders(text):
    return sorted(set(PLACEHOLDER.findall(text or "")))


def catalogue_problems(catalogue, marked):
    """One line per marked string that is missing, untranslated, fuzzy or has other placeholders."""
    problems = []
    for key, where in marked.items():
        msgid = key if isinstance(key, str) else key[0]
        message = catalogue.get(msgid)
        if message is None:
            problems.append(f"{where}: not in the catalogue: {msgid!r}")
            continue
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        if message.fuzzy:
            problems.append(f"{where}: fuzzy: {msgid!r}")
        elif not all(strings):
            problems.append(f"{where}: untranslated: {msgid!r}")
            continue
        expected = placeholders(msgid) if isinstance(key, str) else placeholders(" ".join(key))
        for string in strings:
            if placeholders(string) != expected:
                problems.append(
                    f"{where}: placeholders {placeholders(string)} instead of {expected}: {string!r}"
                )
    return problems


def test_every_shipped_language_has_a_catalogue():
    catalogues = catalogue_paths(TRANSLATIONS_DIR)
    for language in SHIPPED:
        assert language.locale in catalogues, (
            f"no translations/{language.locale}/LC_MESSAGES/messages.po"
        )


@pytest.mark.parametrize("language", SHIPPED, ids=lambda language: language.tag)
def test_every_marked_string_is_translated(language, marked_strings):
    path = catalogue_paths(TRANSLATIONS_DIR)[language.locale]
    problems = catalogue_problems(read_catalogue(path, language.locale), marked_strings)
    assert not problems, f"{path}: {len(problems)} problem(s):\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("language", SHIPPED, ids=lambda language: language.tag)
def test_catalogue_compiles_without_errors(language):
    path = catalogue_paths(TRANSLATIONS_DIR)[language.locale]
    catalogue = read_catalogue(path, language.locale)
    errors = [(message.id, [str(error) for error in found]) for message, found in catalogue.check()]
    assert not errors


def test_the_check_catches_missing_fuzzy_and_mismatched_translations():
    from babel.messages.catalog import Catalog

    catalogue = Catalog(locale="fr")
    catalogue.add("Hello %(name)s", "Bonjour %(nom)s")
    catalogue.add("Projects", "Projets", flags=["fuzzy"])
    catalogue.add("Members", "")
    catalogue.add(("%(num)s city", "%(num)s cities"), ("%(num)s ville", "%(num)s villes"))
    marked = {
        "Hello %(name)s": "a:1",
        "Projects": "a:2",
        "Members": "a:3",
        "Awards": "a:4",
        ("%(num)s city", "%(num)s cities"): "a:5",
    }
    problems = catalogue_problems(catalogue, marked)
    assert [line.split(":")[2].strip() for line in problems] == [
        "placeholders ['nom'] instead of ['name']",
        "fuzzy",
        "untranslated",
        "not in the catalogue",
    ]
