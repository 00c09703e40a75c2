"""/api/v1/events and /api/v1/events/<slug>: read-only JSON, paged like /api/v1/projects."""

from flask import Blueprint, abort, jsonify, request
from flask_babel import gettext as _

from ..api import (
    _COMMON_ERRORS,
    _ERROR,
    _SCHEDULE,
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    OPENAPI,
    _error,
    _int_arg,
)
from ..api_support import add_page_links, cacheable, check_page
from ..extensions import db
from ..pagination import MAX_PAGE
from .records import event_by_slug, event_record, event_summary, filtered_events
from .views import requested_filters

bp = Blueprint("events_api", __name__, url_prefix="/api/v1/events")


@bp.get("")
def events():
    """Every event, newest first; `kind`, `year`, `q`, `page` and `per_page` as on /events."""
    page = _int_arg("page", 1, 1, MAX_PAGE)
    per_page = _int_arg("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    kind, year, text = requested_filters(request.args)
    result = db.paginate(
        filtered_events(kind, year, text), page=page, per_page=per_page, error_out=False
    )
    check_page(page, result.total, result.pages)
    response = jsonify(
        total=result.total,
        page=page,
        per_page=per_page,
        total_pages=result.pages,
        results=[event_summary(event) for event in result.items],
    )
    add_page_links(response, "events_api.events", page, result.pages)
    return cacheable(
        response, last_modified=max((e.updated_at for e in result.items), default=None)
    )


@bp.get("/<slug>")
def event(slug):
    found = event_by_slug(slug)
    if found is None:
        abort(404, description=_("There is no event at this address."))
    return cacheable(jsonify(event_record(found)), last_modified=found.updated_at)


_EVENT_SUMMARY = {
    "type": "object",
    "required": ["slug", "title", "kind", "date", "timezone", "timezone_assumed", "url", "ics_url"],
    "properties": {
        "slug": {"type": "string"},
        "title": {"type": "string"},
        "kind": {"enum": ["webinar", "workshop", "general-assembly", "ceremony"]},
        "organiser": {"type": "string"},
        "date": {"type": "string", "format": "date"},
        **_SCHEDULE,
        "timezone": {"type": "string", "description": "IANA name, e.g. Asia/Taipei"},
        "timezone_assumed": {"type": "boolean", "description": "The source gave no zone"},
        "format": {"type": ["string", "null"], "enum": ["online", "in-person", "both", None]},
        "venue": {"type": "string"},
        "summary": {"type": "string"},
        "award_edition": {"type": ["string", "null"], "description": "An award edition slug"},
        "url": {"type": "string", "format": "uri"},
        "ics_url": {"type": "string", "format": "uri", "description": "RFC 5545 calendar file"},
    },
}
_PAGING = [
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
    },
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    },
]
# This area's part of the one OpenAPI document (app/api.py serves it).
OPENAPI["paths"]["/events"] = {
    "get": {
        "summary": "Events, newest first",
        "operationId": "listEvents",
        "parameters": [
            {"name": "kind", "in": "query", "schema": {"type": "string"}},
            {"name": "year", "in": "query", "schema": {"type": "integer"}},
            {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}},
            *_PAGING,
        ],
        "responses": {
            "200": {
                "description": "One page of events.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["total", "page", "per_page", "results"],
                            "properties": {
                                "total": {"type": "integer"},
                                "page": {"type": "integer"},
                                "per_page": {"type": "integer"},
                                "total_pages": {"type": "integer"},
                                "results": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/EventSummary"},
                                },
                            },
                        }
                    }
                },
            },
            "400": _ERROR,
            "404": _error("A page past the last page."),
            **_COMMON_ERRORS,
        },
    }
}
OPENAPI["paths"]["/events/{slug}"] = {
    "get": {
        "summary": "One event with its speakers, programme, materials and sources",
        "operationId": "getEvent",
        "parameters": [
            {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
        "responses": {
            "200": {
                "description": "The event.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Event"}}},
            },
            "404": _ERROR,
            **_COMMON_ERRORS,
        },
    }
}
OPENAPI["components"]["schemas"]["EventSummary"] = _EVENT_SUMMARY
OPENAPI["components"]["schemas"]["Event"] = {
    "type": "object",
    "properties": _EVENT_SUMMARY["properties"]
    | {
        "description": {"type": "string"},
        "speakers": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "title": {"type": "string"},
                    "organisation": {"type": "string"},
                    "presented": {"type": "string"},
                },
            },
        },
        "sessions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "title": {"type": "string"},
                    "speakers": {"type": "string"},
                    "start": {"type": ["string", "null"]},
                    "end": {"type": ["string", "null"]},
                    "description": {"type": "string"},
                },
            },
        },
        "recording_url": {"type": ["string", "null"]},
        "slides_url": {"type": ["string", "null"]},
        "sources": {"type": "array", "items": {"type": "string"}},
        "language": {"type": ["string", "null"]},
        "translations": {"type": "object"},
    },
}
