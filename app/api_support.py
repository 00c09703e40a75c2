"""The API's HTTP conventions, in one place for every area's endpoints.

- Errors under /api/ are RFC 9457 ``application/problem+json``
  (``type``, ``title``, ``status``, ``detail``), written by app.errors for
  every HTTPException (404, 405, 413, 414, 429, 500…).
- CORS: every /api/ answer (errors too) has ``Access-Control-Allow-Origin: *``
  and exposes ETag, Last-Modified, Link and the rate-limit headers; an
  ``OPTIONS`` preflight is answered 204 with Allow-Methods/Allow-Headers/Max-Age
  (:func:`init_app`).
- Caching: :func:`cacheable` gives a JSON/feed/sitemap response a strong ETag
  (a hash of the uncompressed body) and ``Last-Modified``, and answers a
  matching ``If-None-Match`` / ``If-Modified-Since`` with 304. It is evaluated
  before compression (see app.http_standards), so identity, gzip and br clients
  all get their 304.
- Paging: :func:`page_args` reads ``page`` and ``per_page`` (a 400 when
  malformed), :func:`link_header` writes ``Link: <…>; rel="first|prev|next|last"``,
  :func:`check_page` is the 404 past the last page, and :func:`paged_json`
  does all of it for one page of a list.
- Text: :func:`lang_arg` reads ``lang`` and :func:`localized_text` shows a
  field in it.
- OpenAPI: the fragments every area's part of the description is built from
  (:func:`list_path`, :func:`detail_path`, :data:`COMMON_RESPONSES`…).

Another area's list endpoint uses them like this::

    page, per_page = page_args()
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return paged_json("events_api.events", page, per_page, result.total, result.pages,
                      result.items, event_summary)
"""

import copy
import hashlib
from datetime import UTC

from flask import Response, abort, current_app, jsonify, request
from flask_babel import gettext as _

from .i18n.content import configured_languages, localized, normalize_tag
from .pagination import MAX_PAGE
from .urls import external_url

EXPOSED_HEADERS = (
    "ETag",
    "Last-Modified",
    "Link",
    "Retry-After",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
)
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
ALLOWED_HEADERS = "Accept, Accept-Language, If-None-Match, If-Modified-Since, Content-Type"
PREFLIGHT_MAX_AGE = 86400
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


def is_api_request():
    return request.path.startswith("/api/")


# ---------------------------------------------------------------------------
# Conditional GET


def strong_etag(data):
    return hashlib.sha256(data).hexdigest()[:32]


def cacheable(response, last_modified=None, max_age=60):
    """Strong ETag (over the uncompressed body), Last-Modified, and a 304 when the client has it.

    `last_modified` is a naive UTC datetime (the models' convention) or None.
    """
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.is_streamed:
        return response
    response.set_etag(strong_etag(response.get_data()))
    if last_modified is not None:
        response.last_modified = last_modified.replace(tzinfo=UTC, microsecond=0)
    response.headers.setdefault("Cache-Control", f"public, max-age={max_age}")
    return response.make_conditional(request)


# ---------------------------------------------------------------------------
# Query-string arguments


def int_arg(name, default, low, high):
    """A whole-number argument from `low` to `high`; `default` when absent; 400 otherwise."""
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return default
    raw = raw.strip()
    if not raw.isdigit() or len(raw) > 6 or not low <= int(raw) <= high:
        abort(
            400,
            description=_(
                "“%(name)s” must be a whole number from %(low)s to %(high)s.",
                name=name,
                low=low,
                high=high,
            ),
        )
    return int(raw)


def page_args():
    """(page, per_page) from the query string, each a 400 when malformed or out of range."""
    return (
        int_arg("page", 1, 1, MAX_PAGE),
        int_arg("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
    )


def lang_arg():
    """The `lang` parameter as a configured tag, None when absent; 400 when not configured."""
    raw = request.args.get("lang")
    if raw is None or raw == "":  # as documented: empty is absent, blank is not a language
        return None
    tag = normalize_tag(raw)
    if tag is None:
        abort(
            400,
            description=_(
                "“lang” must be one of %(languages)s.", languages=", ".join(configured_languages())
            ),
        )
    return tag


def localized_text(obj, field, lang):
    """The Localized text of a field: in `lang`, or the original when no `lang` was asked for."""
    return localized(obj, field, lang, original=lang is None)


# ---------------------------------------------------------------------------
# Paging


def check_page(page, total, total_pages):
    """404 for a page past the last one (when there is anything to page through)."""
    if total > 0 and page > total_pages:
        abort(
            404,
            description=_(
                "There is no page %(page)s: the last page is %(last)s.", page=page, last=total_pages
            ),
        )


def link_header(endpoint, page, total_pages, **values):
    """The RFC 8288 Link header value for one page of a list (the same query string kept)."""
    args = {key: request.args.getlist(key) for key in request.args if key != "page"}
    args.update(values)

    def url(number):
        return external_url(endpoint, **args, page=number)

    links = [(url(1), "first")]
    if page > 1:
        links.append((url(min(page - 1, total_pages)), "prev"))
    if page < total_pages:
        links.append((url(page + 1), "next"))
    links.append((url(total_pages), "last"))
    return ", ".join(f'<{target}>; rel="{rel}"' for target, rel in links)


def add_page_links(response, endpoint, page, total_pages, **values):
    response.headers["Link"] = link_header(endpoint, page, max(1, total_pages), **values)
    return response


def paged_json(endpoint, page, per_page, total, total_pages, items, summary, **fields):
    """One page of a list: 404 past the last page, else the counts, ``summary(item)`` of each
    item and `fields` as JSON, with the Link header and the newest item's Last-Modified."""
    check_page(page, total, total_pages)
    items = items if page <= total_pages else []
    response = jsonify(
        total=total,
        page=page,
        per_page=per_page,
        total_pages=total_pages,
        results=[summary(item) for item in items],
        **fields,
    )
    add_page_links(response, endpoint, page, total_pages)
    return cacheable(response, last_modified=max((item.updated_at for item in items), default=None))


# ---------------------------------------------------------------------------
# CORS


def _cors(response):
    if is_api_request():
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSED_HEADERS)
        response.vary.discard("Cookie")
    return response


def _preflight():
    """204 for an OPTIONS request under /api/ (preflight or not), before routing decides 405."""
    if request.method == "OPTIONS" and is_api_request():
        response = Response(status=204)
        del response.headers["Content-Type"]
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
        response.headers["Allow"] = ALLOWED_METHODS
        return response
    return None


def _request_line_limit():
    """414 as problem+json for an over-long URL (gunicorn's own limit is set higher, see README)."""
    limit = current_app.config["MAX_REQUEST_LINE"]
    uri = request.environ.get("RAW_URI") or request.full_path
    if len(uri) > limit:
        abort(414)
    header_limit = current_app.config["MAX_REQUEST_HEADER_FIELD"]
    if any(len(value) > header_limit for _key, value in request.headers.items()):
        abort(431)
    return None


def init_app(app):
    app.before_request(_request_line_limit)
    app.before_request(_preflight)
    app.after_request(_cors)


# ---------------------------------------------------------------------------
# OpenAPI fragments


def openapi_error(description):
    """An error answer in the OpenAPI description: a problem document."""
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


ERROR_RESPONSE = openapi_error("An error (RFC 9457 problem details), saying what to change.")
PAST_LAST_PAGE = openapi_error("A page past the last page.")
NOT_MODIFIED = {
    "description": "Not modified: the client's copy (If-None-Match / If-Modified-Since) is current."
}
CACHE_HEADERS = {
    "ETag": {"schema": {"type": "string"}, "description": "Strong validator of the body"},
    "Last-Modified": {"schema": {"type": "string"}},
}
# Answers any endpoint may give: the request line or a header too long, too many requests, a server error.
COMMON_RESPONSES = {
    "304": NOT_MODIFIED,
    "405": openapi_error("Only GET, HEAD and OPTIONS are accepted."),
    "414": openapi_error("The request URL is longer than MAX_REQUEST_LINE."),
    "429": openapi_error("Too many requests; see Retry-After."),
    "500": openapi_error("Server error."),
}
SLUG_PARAMETER = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
QUERY_PARAMETER = {
    "name": "q",
    "in": "query",
    "description": "Search text. Only its first 200 characters are used: a longer text is "
    "shortened (with a notice in `notices` where the answer has them).",
    "schema": {"type": "string"},
}
LANG_PARAMETER = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "Show translatable text in this configured language (BCP 47, e.g. fr, zh-Hant) "
    "where a translation exists, else the original; an unknown language is a 400. "
    "Without it, text is the original. In a search, text in this language ranks higher "
    "(a query matches text in every language). Empty: as if absent.",
    "allowEmptyValue": True,
    # The enum is the app's LANGUAGES setting, filled in when the document is served.
    "schema": {"type": "string"},
}


def with_configured_languages(document):
    """A copy of the OpenAPI document whose `lang` parameters list the configured languages."""
    tags = list(configured_languages())
    served = copy.deepcopy(document)
    for operations in served["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", ()):
                if parameter["name"] == "lang":
                    parameter["schema"] = {"type": "string", "enum": tags}
    return served


PAGE_PARAMETERS = [
    {
        "name": "page",
        "in": "query",
        "description": "Empty: as if absent (the first page).",
        "allowEmptyValue": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
    },
    {
        "name": "per_page",
        "in": "query",
        "description": "Empty: as if absent (the default page size).",
        "allowEmptyValue": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    },
]
FACET_COUNTS = {
    "type": "object",
    "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer"}},
}


def facet_parameters(facets):
    """One repeatable query parameter per facet."""
    return [
        {
            "name": facet,
            "in": "query",
            "required": False,
            "description": f"Filter by {facet}; repeat the parameter to combine values with OR.",
            "schema": {"type": "array", "items": {"type": "string"}},
            "style": "form",
            "explode": True,
        }
        for facet in facets
    ]


def json_content(schema):
    return {"application/json": {"schema": schema}}


def list_path(
    summary,
    operation_id,
    parameters,
    page_description,
    item_schema,
    required=(),
    properties=None,
    **operation,
):
    """The GET of a paged list (what :func:`paged_json` answers): `item_schema` names the
    component of its results; `required` and `properties` add to the page's own fields."""
    page_schema = {
        "type": "object",
        "required": ["total", "page", "per_page", "results", *required],
        "properties": {
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total_pages": {"type": "integer"},
            "results": {
                "type": "array",
                "items": {"$ref": f"#/components/schemas/{item_schema}"},
            },
            **(properties or {}),
        },
    }
    return {
        "get": {
            "summary": summary,
            "operationId": operation_id,
            **operation,
            "parameters": parameters,
            "responses": {
                "200": {"description": page_description, "content": json_content(page_schema)},
                "400": ERROR_RESPONSE,
                "404": PAST_LAST_PAGE,
                **COMMON_RESPONSES,
            },
        }
    }


def detail_path(summary, operation_id, found_description, schema, parameters=(), responses=None):
    """The GET of one record by slug; `parameters` and `responses` add to the slug and the 404."""
    return {
        "get": {
            "summary": summary,
            "operationId": operation_id,
            "parameters": [SLUG_PARAMETER, *parameters],
            "responses": {
                "200": {
                    "description": found_description,
                    "content": json_content({"$ref": f"#/components/schemas/{schema}"}),
                },
                **(responses or {}),
                "404": ERROR_RESPONSE,
                **COMMON_RESPONSES,
            },
        }
    }
