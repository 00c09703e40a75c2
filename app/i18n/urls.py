"""A URL per language: ``/<lang>/<page>`` is the page in that language.

Every page rule gets a twin under a ``<language:lang_code>`` prefix, with the same
endpoint, added once all blueprints are registered (``add_language_routes``), so a
blueprint added later needs nothing to be translated. Static files, the API, the
feeds and the site-wide files (``languages.UNPREFIXED_PATHS``) get none.

``url_for`` then stays in the page's language by itself: a URL default adds the
current language's prefix to every page endpoint (werkzeug builds with the rule
that takes the most arguments first, so the prefixed twin wins when ``lang_code``
is given). ``url_for(..., lang_code=None)`` is the default language's URL.
htmx requests go to URLs built the same way, so their partials are in the page's language.
"""

import re
from urllib.parse import urlencode, urlsplit

from flask import (
    current_app,
    has_request_context,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.routing import BaseConverter, BuildError, Rule

from ..errors import render_error
from ..htmx import is_htmx
from ..urls import external_url, public_base_url
from .languages import (
    LANGUAGE_TAG_SHAPE,
    configured_languages,
    current_language,
    is_unprefixed_path,
    language_for_tag,
    split_language_prefix,
)

URL_ARGUMENT = "lang_code"


class LanguagePrefixConverter(BaseConverter):
    """Matches the URL prefix of a configured non-default language, and nothing else."""

    part_isolating = True

    def __init__(self, url_map, *prefixes):
        super().__init__(url_map)
        # Longest first, so that "zh-hant" is not read as "zh" followed by junk.
        self.regex = "|".join(
            re.escape(prefix) for prefix in sorted(prefixes, key=len, reverse=True)
        )


def add_language_routes(app):
    """Give every page rule a twin under each language's prefix; remember their endpoints."""
    prefixes = [language.prefix for language in app.extensions["i18n"].languages[1:]]
    state = app.extensions["i18n"]
    if not prefixes:
        return
    app.url_map.converters["language"] = _converter_for(prefixes)
    for rule in list(app.url_map.iter_rules()):
        if (
            rule.endpoint == "static"
            or is_unprefixed_path(rule.rule)
            or URL_ARGUMENT in rule.arguments
        ):
            continue
        app.url_map.add(Rule(f"/<language:{URL_ARGUMENT}>{rule.rule}", **rule.get_empty_kwargs()))
        state.prefixed_endpoints.add(rule.endpoint)


def _converter_for(prefixes):
    class Converter(LanguagePrefixConverter):
        def __init__(self, url_map):
            super().__init__(url_map, *prefixes)

    return Converter


def drop_language_argument(endpoint, values):
    """The views never see lang_code: the language is read from the request (current_language)."""
    if values:
        values.pop(URL_ARGUMENT, None)


def add_language_to_url(endpoint, values):
    """URL default: links to pages stay in the current page's language."""
    if URL_ARGUMENT in values or endpoint not in current_app.extensions["i18n"].prefixed_endpoints:
        return
    if not has_request_context():
        return
    language = current_language()
    if not language.default:
        values[URL_ARGUMENT] = language.prefix


def unprefixed_path(path=None):
    """The request path (or `path`) without its language prefix: "/fr/projects" -> "/projects"."""
    return split_language_prefix(request.path if path is None else path)[1]


def query_string():
    """The request's query string, re-encoded (same keys, values and order)."""
    return urlencode(list(request.args.items(multi=True)))


def page_url(language, external=False):
    """The current page in `language`, with the same query string.

    Built from the page's endpoint when the request matched a page rule, from the path
    otherwise (error pages); absolute ones on PUBLIC_URL (app/urls.py), like every
    external link. A POST is answered with its page's GET URL.
    """
    url = None
    state = current_app.extensions["i18n"]
    if request.url_rule is not None and request.endpoint in state.prefixed_endpoints:
        values = {**(request.view_args or {}), URL_ARGUMENT: language.prefix or None}
        try:
            url = (
                external_url(request.endpoint, **values)
                if external
                else url_for(request.endpoint, **values)
            )
        except BuildError:
            url = None
    if url is None:
        path = unprefixed_path()
        if not is_unprefixed_path(path) and language.prefix:
            path = f"/{language.prefix}{path}"
        url = public_base_url() + path if external else request.script_root + path
    query = query_string()
    return f"{url}?{query}" if query else url


def language_links(external=False):
    """[(language, URL of this page in it)] for every configured language, the default first."""
    return [(language, page_url(language, external)) for language in configured_languages()]


def localized_url_for(endpoint, language, external=False, **values):
    """url_for in a given language (absolute on PUBLIC_URL with `external`), e.g. for the sitemap."""
    values[URL_ARGUMENT] = language.prefix or None
    return external_url(endpoint, **values) if external else url_for(endpoint, **values)


def refresh_switcher_out_of_band(response):
    """An htmx answer that changes the shown page's state (a search, a filter, a page of results:
    the same path as the page the browser shows) also carries the language switcher, swapped out
    of band, so that its links keep the new query string.

    Registered after every other after-request function, so it runs before them: the ETag and the
    compression then cover the whole body.
    """
    if (
        request.method != "GET"
        or response.status_code != 200
        or response.mimetype != "text/html"
        or response.is_streamed
        or not is_htmx()
    ):
        return response
    shown = urlsplit(request.headers.get("HX-Current-URL", ""))
    if shown.path != request.script_root + request.path:
        return response
    switcher = render_template("_languages.html", oob=True)
    response.set_data(response.get_data() + switcher.encode())
    return response


def unknown_language_not_found(error):
    """A 404 whose first segment reads as a language tag we do not serve lists the ones we do.

    "/FR/projects" goes to "/fr/projects" and "/en/projects" (the default language's
    tag) to "/projects": the same page, under its one address.
    """
    segment, _, rest = request.path.lstrip("/").partition("/")
    if not segment or not LANGUAGE_TAG_SHAPE.fullmatch(segment) or _is_route_segment(segment):
        return render_error(error)
    language = language_for_tag(segment)
    if language is not None and segment == language.prefix:
        return render_error(error)  # a served language; this page does not exist
    if language is not None and request.method in ("GET", "HEAD"):
        target = f"/{language.prefix}/{rest}" if language.prefix else f"/{rest}"
        query = query_string()
        return redirect(request.script_root + target + (f"?{query}" if query else ""), code=301)
    links = [
        (
            language,
            request.script_root + (f"/{language.prefix}/{rest}" if language.prefix else f"/{rest}"),
        )
        for language in configured_languages()
    ]
    template = "errors/_unknown_language.html" if is_htmx() else "errors/unknown_language.html"
    response = make_response(render_template(template, tag=segment, links=links), 404)
    response.vary.add("HX-Request")
    return response


def _is_route_segment(segment):
    return segment in current_app.extensions["i18n"].route_segments
