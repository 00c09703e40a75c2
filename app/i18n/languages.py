"""The languages the portal speaks (config ``LANGUAGES``) and the one a request is in.

``LANGUAGES`` lists BCP 47 tags, the first being the default language:
``["en", "fr", "es", "pt", "ar", "ko", "zh-Hant"]``. Each tag gives:

- its URL prefix, the tag in lower case (``/zh-hant/...``; none for the default language);
- its Babel locale id, which names its catalogue directory (``translations/zh_Hant/``);
- its name in itself (for the language switcher) and its writing direction.

The language of a request comes from the URL prefix alone; the API and the feeds,
which have no prefix, take a ``lang=`` query parameter. Nothing else (no cookie,
no Accept-Language) changes the language of a page: a shared link always shows
the page its sender saw. Accept-Language only *offers* a language (see offer.py).
"""

import re
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from flask import current_app, has_request_context, request

# Paths served once, whatever the language: they have no language prefix.
UNPREFIXED_PATHS = ("/static/", "/api/", "/feeds/")
UNPREFIXED_EXACT = ("/healthz", "/sitemap.xml", "/robots.txt", "/sw.js", "/favicon.ico")
ENVIRON_KEY = "sce.language"
# Paths whose language comes from ?lang= rather than a prefix.
LANG_PARAMETER_PATHS = ("/api/", "/feeds/")

# What a URL segment looks like when it is meant as a language tag: a language, then maybe
# a script and a region ("de", "pt-br", "zh-hans", "es-419"); not "no-such-page".
LANGUAGE_TAG_SHAPE = re.compile(
    r"[A-Za-z]{2,3}(?:[-_][A-Za-z]{4})?(?:[-_](?:[A-Za-z]{2}|[0-9]{3}))?"
)


@dataclass(frozen=True)
class Language:
    """One configured language."""

    tag: str  # BCP 47, as configured and as in <html lang>: "zh-Hant"
    locale: str  # Babel locale id, the catalogue's directory: "zh_Hant"
    name: str  # its own name, for the switcher: "中文 (繁體)"
    direction: str  # "ltr" or "rtl"
    default: bool

    @property
    def prefix(self):
        """The URL segment of this language ("" for the default language)."""
        return "" if self.default else self.tag.lower()

    @property
    def babel_locale(self):
        return Locale.parse(self.locale)


def parse_language_tag(tag):
    """A Babel Locale for a BCP 47 tag ("zh-Hant", "pt_BR"), or None when Babel knows none."""
    if not isinstance(tag, str) or not LANGUAGE_TAG_SHAPE.fullmatch(tag.strip()):
        return None
    try:
        return Locale.parse(tag.strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


def build_languages(configured):
    """The Language list for a LANGUAGES setting; raises ValueError on a bad setting."""
    if isinstance(configured, str):  # FLASK_LANGUAGES=en,fr (not JSON) is accepted too
        configured = [part.strip() for part in configured.split(",") if part.strip()]
    if not configured or not isinstance(configured, list | tuple):
        raise ValueError('LANGUAGES must be a non-empty list of language tags, e.g. ["en", "fr"]')
    languages = []
    for position, tag in enumerate(configured):
        locale = parse_language_tag(tag)
        if locale is None:
            raise ValueError(f"LANGUAGES: {tag!r} is not a language tag Babel knows")
        if any(language.tag.lower() == tag.strip().lower() for language in languages):
            raise ValueError(f"LANGUAGES: {tag!r} is listed twice")
        name = locale.display_name or tag
        languages.append(
            Language(
                tag=tag.strip(),
                locale=str(locale),
                name=name[:1].upper() + name[1:],
                direction=locale.text_direction,
                default=position == 0,
            )
        )
    return tuple(languages)


def configured_languages():
    """Every configured language, the default first."""
    return current_app.extensions["i18n"].languages


def default_language():
    return configured_languages()[0]


def language_for_tag(tag):
    """The configured language with this tag, whatever its case or separator (or None)."""
    wanted = (tag or "").strip().lower().replace("_", "-")
    for language in configured_languages():
        if language.tag.lower() == wanted:
            return language
    return None


def language_for_prefix(segment):
    """The non-default language whose URL prefix is exactly `segment` (or None)."""
    for language in configured_languages():
        if not language.default and language.prefix == segment:
            return language
    return None


def is_unprefixed_path(path):
    """True for paths that exist once for every language (static files, API, feeds...)."""
    return path.startswith(UNPREFIXED_PATHS) or path in UNPREFIXED_EXACT


def split_language_prefix(path):
    """(language, path without the prefix) for a request path; language None when unprefixed."""
    segment, _, rest = path.lstrip("/").partition("/")
    language = language_for_prefix(segment)
    if language is None:
        return None, path
    return language, "/" + rest


def current_language():
    """The language of the current request (the default one outside a request)."""
    if not has_request_context():
        return default_language()
    # Kept with the request, not on g: an app context (and its g) may outlive one request.
    language = request.environ.get(ENVIRON_KEY)
    if language is None:
        if request.path.startswith(LANG_PARAMETER_PATHS):
            language = language_for_tag(request.args.get("lang")) or default_language()
        else:
            language = split_language_prefix(request.path)[0] or default_language()
        request.environ[ENVIRON_KEY] = language
    return language


def select_locale():
    """Flask-Babel's locale selector: the Babel locale id of the request's language."""
    return current_language().locale
