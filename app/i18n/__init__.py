"""Languages: the configured ones, the URL per language, Accept-Language offers, country names,
and the translations of content.

- ``languages.py``: ``LANGUAGES`` as Language objects; the language of a request
  (its URL prefix; ``?lang=`` for the API and the feeds).
- ``urls.py``: ``/<lang>/...`` twins of every page rule, ``url_for`` staying in the
  page's language, this page's URL in another language (switcher, hreflang).
- ``offer.py``: the Accept-Language offer and its "No, thanks" cookie.
- ``countries.py``: country names in the page's language, collation-ordered lists.
- ``formats.py``: the ``clock`` filter (Flask-Babel gives ``dateformat``, ``numberformat``...).
- ``catalogues.py``: compiling the .po catalogues (the tests' fresh-clone path).
- ``content.py``, ``content_staff.py``: which text of a record a page shows (its
  translation or its original), and staff editing of translations.

``init_app`` runs before the blueprints are registered (it configures Flask-Babel);
``register_language_routes`` after them (it copies their rules).
"""

from dataclasses import dataclass, field
from pathlib import Path

import flask_babel
from werkzeug.exceptions import NotFound

from .formats import clock
from .languages import (
    Language,
    build_languages,
    configured_languages,
    current_language,
    default_language,
    language_for_tag,
    select_locale,
)
from .urls import (
    add_language_routes,
    language_links,
    localized_url_for,
    page_url,
    unknown_language_not_found,
    unprefixed_path,
)

__all__ = [
    "Language",
    "add_language_routes",
    "configured_languages",
    "current_language",
    "default_language",
    "init_app",
    "language_for_tag",
    "language_links",
    "localized_url_for",
    "page_url",
    "unprefixed_path",
]

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "translations"


@dataclass
class I18nState:
    languages: tuple
    prefixed_endpoints: set = field(default_factory=set)
    # First path segments of the site's own routes ("projects", "api"): never a language.
    route_segments: frozenset = frozenset()


def init_app(app):
    """Read LANGUAGES, configure Flask-Babel, register the URL processors and templates' helpers."""
    from ..extensions import babel
    from . import offer, urls

    try:
        languages = build_languages(app.config["LANGUAGES"])
    except ValueError as error:
        raise RuntimeError(str(error)) from None
    app.extensions["i18n"] = I18nState(languages=languages)
    app.config["BABEL_DEFAULT_LOCALE"] = languages[0].locale
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel keeps the locale on g, which an app context shared by several requests
    # (tests, a CLI command calling the app) would carry from one request to the next.
    app.before_request(flask_babel.refresh)

    app.url_value_preprocessor(urls.drop_language_argument)
    app.url_defaults(urls.add_language_to_url)
    app.after_request(offer.vary_on_accept_language)
    app.register_blueprint(offer.bp)
    app.register_error_handler(NotFound, unknown_language_not_found)
    app.jinja_env.filters["clock"] = clock
    app.jinja_env.globals.update(
        current_language=current_language,
        configured_languages=configured_languages,
        language_links=language_links,
        language_offer=offer.language_offer,
        unprefixed_path=unprefixed_path,
    )


def register_language_routes(app):
    """After every blueprint: the /<lang>/ twins of their page rules."""
    from .urls import refresh_switcher_out_of_band

    add_language_routes(app)
    app.after_request(refresh_switcher_out_of_band)
    segments = {rule.rule.lstrip("/").split("/")[0] for rule in app.url_map.iter_rules()}
    app.extensions["i18n"].route_segments = frozenset(s for s in segments if "<" not in s)
