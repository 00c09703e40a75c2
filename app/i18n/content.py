"""Content in several languages: which text a page shows, and the one check of translations.

Projects, members, award editions and categories, challenges and solutions keep their own text in
their ``language`` (None: the portal's default language) and per-field
translations in ``translations``::

    {"fr": {"title": "...", "summary": "...", "source": "machine", "reviewed": false}}

:func:`localized` picks the text to show for one field in one language: the
translation in that language if there is one, else the original. The result
says which language the text is really in, so a page can mark it with its
own ``lang`` attribute (WCAG 3.1.2) and label machine translations.
:func:`clean_translations` is the single validation of a ``translations``
map, used by the catalogue import, the awards import and the staff forms.

Language tags are BCP 47 as configured (``zh-Hant``); Babel writes locales
with an underscore (``zh_Hant``). :func:`normalize_tag` is the one place that
maps any spelling of a tag to the configured one.
"""

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from babel import Locale, UnknownLocaleError
from flask import current_app, has_app_context, has_request_context, request
from flask_babel import get_locale
from flask_babel import gettext as _

DEFAULT_LANGUAGES = ["en", "fr", "es", "pt", "ar", "ko", "zh-Hant"]
SOURCES = ("human", "machine")
# The fields of each model that carry translations, with the longest text each may hold
# (the same limits as the original fields).
TRANSLATABLE_FIELDS = {
    "Project": {
        "title": 300,
        "summary": 1000,
        "description": 20000,
        "outcomes": 20000,
        "lessons": 20000,
    },
    "Member": {"description": 5000},
    "AwardEdition": {"title": 200, "description": 10000},
    "AwardCategory": {"name": 200},
    "Challenge": {"title": 300, "problem": 10000},
    "Solution": {"title": 300, "description": 10000},
}


def configured_languages():
    """The configured language tags, the default first (the shipped ones outside an app)."""
    configured = current_app.config.get("LANGUAGES") if has_app_context() else None
    return list(configured or DEFAULT_LANGUAGES)


def default_language():
    return configured_languages()[0]


def normalize_tag(tag):
    """The configured spelling of a language tag (``zh_hant`` -> ``zh-Hant``), or None if not configured."""
    if not isinstance(tag, str):
        return None
    wanted = tag.strip().replace("_", "-").lower()
    for language in configured_languages():
        if language.lower() == wanted:
            return language
    return None


def babel_locale(tag):
    """The Babel locale identifier of a BCP 47 tag: ``zh-Hant`` -> ``zh_Hant``."""
    return tag.replace("-", "_")


def current_language():
    """The page's language as a configured tag (the default outside a request or if unknown)."""
    locale = get_locale() if has_request_context() else None
    if locale is None:
        return default_language()
    # The most specific configured tag: zh_Hant_TW -> zh-Hant, fr_CA -> fr.
    parts = str(locale).split("_")
    for end in range(len(parts), 0, -1):
        tag = normalize_tag("-".join(parts[:end]))
        if tag:
            return tag
    return default_language()


def language_name(tag, in_language=None):
    """The name of language `tag`, written in `in_language` (default: the page's language)."""
    try:
        locale = Locale.parse(babel_locale(tag))
        name = locale.get_display_name(babel_locale(in_language or current_language()))
    except (UnknownLocaleError, ValueError, TypeError):
        return tag
    return name or tag


def original_language(obj):
    """The language of an object's own text."""
    return normalize_tag(obj.language) or obj.language or default_language()


@dataclass(frozen=True)
class Localized:
    """The text shown for one field, and what a reader needs to know about it."""

    text: str
    lang: str  # BCP 47 tag of `text`
    is_original: bool
    source: str  # "human" or "machine"
    reviewed: bool
    original_lang: str
    # Set by page_localized when the original was asked for (?original=1) and the page's
    # language has a translation the reader can go back to.
    translation_available: bool = False

    @property
    def is_machine(self):
        return self.source == "machine"

    def __str__(self):
        return self.text

    def __bool__(self):
        return bool(self.text)


def translation_entry(obj, lang):
    """The stored translation of `obj` into configured language `lang` (a dict), or None."""
    translations = obj.translations or {}
    entry = translations.get(lang)
    if entry is None:
        entry = next(
            (value for key, value in translations.items() if normalize_tag(key) == lang), None
        )
    return entry if isinstance(entry, dict) else None


def localized(obj, field, lang=None, original=False):
    """The text of `obj.field` to show in `lang` (default: the page's): its translation, else the original.

    `original=True` always gives the original (the "show the original" link).
    """
    requested = normalize_tag(lang) or current_language()
    own = original_language(obj)
    if not original and requested != own:
        entry = translation_entry(obj, requested)
        text = entry.get(field) if entry else None
        if isinstance(text, str) and text.strip():
            source = entry.get("source") if entry.get("source") in SOURCES else "human"
            return Localized(text, requested, False, source, entry.get("reviewed") is True, own)
    return Localized(getattr(obj, field) or "", own, True, "human", True, own)


def page_localized(obj, field):
    """:func:`localized` in the page's language, honouring ``?original=1`` (the Jinja global)."""
    original = has_request_context() and request.args.get("original") == "1"
    value = localized(obj, field, original=original)
    if original and not localized(obj, field).is_original:
        value = replace(value, translation_available=True)
    return value


def original_url(original=True):
    """The current page's URL asking for the original text (``?original=1``), or, with
    `original=False`, for the translation again."""
    args = {k: v for k, v in request.args.to_dict(flat=False).items() if k != "original"}
    if original:
        args["original"] = ["1"]
    return request.path + ("?" + urlencode(args, doseq=True) if args else "")


def text_direction(tag):
    """ "rtl" or "ltr" for a language tag (Babel's CLDR data)."""
    try:
        return Locale.parse(babel_locale(tag)).text_direction
    except (UnknownLocaleError, ValueError, TypeError):
        return "ltr"


def init_app(app):
    """Expose the helpers to templates."""
    app.add_template_global(page_localized, "localized")
    app.add_template_global(localized, "localized_in")
    app.add_template_global(current_language, "page_language")
    app.add_template_global(language_name, "language_name")
    app.add_template_global(original_url, "original_url")
    app.add_template_global(text_direction, "text_direction")


# Validation ------------------------------------------------------------------


def clean_language(value):
    """(configured tag, None) or (None, message) for a record's ``language``; None/"" is the default."""
    if value in (None, ""):
        return None, None
    tag = normalize_tag(value)
    if tag is None:
        return None, _(
            "must be one of the configured languages: %(languages)s",
            languages=", ".join(configured_languages()),
        )
    return tag, None


def clean_translations(value, own_language, fields):
    """Validate a ``translations`` map: return (cleaned map, problems).

    `fields` maps each translatable field to its longest length. Problems are
    (path, message) with the path below ``translations`` (``fr.foo``). Keys
    are normalised to the configured tags; text is stripped and empty text
    dropped; ``source`` defaults to "human" and ``reviewed`` to false.
    """
    if value in (None, ""):
        return {}, []
    if not isinstance(value, dict):
        return {}, [("", _("must be an object mapping a language to its translated fields"))]
    own = normalize_tag(own_language) or default_language()
    cleaned, problems = {}, []
    for key, entry in value.items():
        path = str(key)[:20]
        tag = normalize_tag(key)
        if tag is None:
            problems.append(
                (
                    path,
                    _(
                        "is not a configured language (%(languages)s)",
                        languages=", ".join(configured_languages()),
                    ),
                )
            )
            continue
        if tag == own:
            problems.append(
                (path, _("is the record's own language: give its text in the fields themselves"))
            )
            continue
        if tag in cleaned:
            problems.append((path, _("is given twice")))
            continue
        entry_value, entry_problems = _clean_entry(entry, fields)
        problems += [
            (f"{path}.{name}" if name else path, message) for name, message in entry_problems
        ]
        if not entry_problems:
            cleaned[tag] = entry_value
    return cleaned, problems


def _clean_entry(entry, fields):
    if not isinstance(entry, dict):
        return None, [("", _("must be an object of translated fields"))]
    cleaned, problems = {}, []
    for name, text in entry.items():
        if name in ("source", "reviewed"):
            continue
        if name not in fields:
            problems.append((str(name)[:60], _("unknown field")))
        elif text is None or (isinstance(text, str) and not text.strip()):
            continue
        elif not isinstance(text, str):
            problems.append((name, _("must be text")))
        elif "\x00" in text:
            problems.append((name, _("must not contain NUL characters")))
        elif len(text) > fields[name]:
            problems.append(
                (
                    name,
                    _(
                        "must be at most %(n)s characters (it has %(length)s)",
                        n=fields[name],
                        length=len(text),
                    ),
                )
            )
        else:
            cleaned[name] = text.strip()
    source = entry.get("source", "human")
    if source not in SOURCES:
        problems.append(("source", _("must be one of %(values)s", values=", ".join(SOURCES))))
    reviewed = entry.get("reviewed", False)
    if not isinstance(reviewed, bool):
        problems.append(("reviewed", _("must be true or false")))
    if not problems and not cleaned:
        problems.append(("", _("must give at least one of %(fields)s", fields=", ".join(fields))))
    return cleaned | {"source": source, "reviewed": reviewed}, problems
