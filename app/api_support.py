"""The API's HTTP conventions, in one place for every area's endpoints.

- Errors under /api/ are RFC 9457 ``application/problem+json``
  (``type``, ``title``, ``status``, ``detail``): :func:`problem_response`,
  used by app.errors for every HTTPException (404, 405, 413, 414, 429, 500…).
- CORS: every /api/ answer (errors too) has ``Access-Control-Allow-Origin: *``
  and exposes ETag, Last-Modified, Link and the rate-limit headers; an
  ``OPTIONS`` preflight is answered 204 with Allow-Methods/Allow-Headers/Max-Age
  (:func:`init_app`).
- Caching: :func:`cacheable` gives a JSON/feed/sitemap response a strong ETag
  (a hash of the uncompressed body) and ``Last-Modified``, and answers a
  matching ``If-None-Match`` / ``If-Modified-Since`` with 304. It is evaluated
  before compression (see app.http_standards), so identity, gzip and br clients
  all get their 304.
- Paging: :func:`link_header` writes ``Link: <…>; rel="first|prev|next|last"``
  and :func:`check_page` is the 404 past the last page.

Another area's endpoint uses them like this::

    response = jsonify(payload)
    add_page_links(response, "events.api_list", page, total_pages)
    return cacheable(response, last_modified=newest_updated_at)
"""

import hashlib
from datetime import UTC

from flask import Response, abort, current_app, jsonify, request
from flask_babel import gettext as _

from .urls import external_url

PROBLEM_MIMETYPE = "application/problem+json"
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


def is_api_request():
    return request.path.startswith("/api/")


# ---------------------------------------------------------------------------
# Errors


def problem_response(status, title, detail, headers=()):
    """An RFC 9457 problem document. `type` is about:blank: the status says what happened."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_MIMETYPE
    for key, value in headers:
        if key.lower() not in ("content-type", "content-length"):
            response.headers[key] = value
    return response


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
