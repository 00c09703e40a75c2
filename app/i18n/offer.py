"""Accept-Language offers a language; it never chooses one.

On a page in the default language (an unprefixed URL), a visitor whose browser
prefers another configured language sees a one-line offer, written in that
language, linking to the same page in it. Nothing is redirected: a shared link
shows what its sender saw. The offer is never made on a prefixed URL (the URL
chose the language), and "No thanks" (a plain POST form, no JavaScript) sets a
cookie that stops it. Unprefixed HTML pages send ``Vary: Accept-Language``, as
their body depends on the header.
"""

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from flask import Blueprint, current_app, redirect, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..extensions import csrf
from ..redirects import safe_next
from .languages import (
    configured_languages,
    current_language,
    is_unprefixed_path,
    parse_language_tag,
)
from .urls import page_url

bp = Blueprint("languages", __name__)

DISMISS_COOKIE = "language_offer"
DISMISS_COOKIE_MAX_AGE = 365 * 24 * 3600


def _with_likely_script(locale):
    """Fill in the script a bare tag implies ("zh-TW" is Traditional, "zh" Simplified)."""
    if locale.script:
        return locale
    likely = get_global("likely_subtags").get(
        f"{locale.language}_{locale.territory}" if locale.territory else locale.language
    ) or get_global("likely_subtags").get(locale.language)
    if not likely:
        return locale
    try:
        script = Locale.parse(likely).script
    except (UnknownLocaleError, ValueError):
        return locale
    return Locale(locale.language, territory=locale.territory, script=script)


def _matches(language, wanted):
    configured = _with_likely_script(language.babel_locale)
    if configured.language != wanted.language:
        return False
    # "pt" takes pt-BR and pt-PT; "zh-Hant" takes zh-TW and zh-HK but not zh-CN.
    return configured.script == wanted.script or not (configured.script and wanted.script)


def preferred_language(header_value):
    """The configured language the Accept-Language header prefers most (None when none fits)."""
    from werkzeug.datastructures import LanguageAccept
    from werkzeug.http import parse_accept_header

    accepted = parse_accept_header(header_value or "", LanguageAccept)
    for value, quality in accepted:  # highest quality first
        if quality <= 0 or value == "*":
            continue
        wanted = parse_language_tag(value)
        if wanted is None:
            continue
        wanted = _with_likely_script(wanted)
        for language in configured_languages():
            if _matches(language, wanted):
                return language
    return None


def offer_applies():
    """True when this response's body may depend on Accept-Language (an unprefixed page)."""
    return current_language().default and not is_unprefixed_path(request.path)


def language_offer():
    """The offer to show on this page: {language, url, text, link, dismiss}, or None."""
    if not offer_applies() or request.cookies.get(DISMISS_COOKIE):
        return None
    language = preferred_language(request.headers.get("Accept-Language"))
    if language is None or language.default:
        return None
    with force_locale(language.locale):
        return {
            "language": language,
            "url": page_url(language),
            "text": _("This page is also available in %(language)s.", language=language.name),
            "link": _("Read it in %(language)s", language=language.name),
            "dismiss": _("No, thanks"),
        }


@bp.post("/language-offer")
@csrf.exempt
def dismiss_offer():
    """Stop offering another language, then go back to the page.

    Exempt from CSRF like the lite switch: it only sets a display preference, and a
    token in a form shown to every visitor would make every page unique to its session.
    """
    response = redirect(safe_next(request.form.get("next")) or url_for("main.home"), code=303)
    response.set_cookie(
        DISMISS_COOKIE,
        "dismissed",
        max_age=DISMISS_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def vary_on_accept_language(response):
    if response.mimetype == "text/html" and offer_applies():
        response.vary.add("Accept-Language")
    return response
