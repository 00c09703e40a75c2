"""/api/v1/events and /api/v1/events/<slug>: read-only JSON, paged like /api/v1/projects."""

from flask import Blueprint, jsonify, request

from ..api import OPENAPI, SCHEDULE_PROPERTIES
from ..api_support import (
    PAGE_PARAMETERS,
    QUERY_PARAMETER,
    cacheable,
    detail_path,
    list_path,
    page_args,
    paged_json,
)
from ..extensions import db
from .records import event_record, event_summary, filtered_events
from .views import event_or_404, requested_filters

bp = Blueprint("events_api", __name__, url_prefix="/api/v1/events")


@bp.get("")
def events():
    """Every event, newest first; `kind`, `year`, `q`, `page` and `per_page` as on /events."""
    page, per_page = page_args()
    kind, year, text = requested_filters(request.args)
    result = db.paginate(
        filtered_events(kind, year, text), page=page, per_page=per_page, error_out=False
    )
    return paged_json(
        "events_api.events", page, per_page, result.total, result.pages, result.items, event_summary
    )


@bp.get("/<slug>")
def event(slug):
    found = event_or_404(slug)
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
        **SCHEDULE_PROPERTIES,
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
# This area's part of the one OpenAPI document (app/api.py serves it).
OPENAPI["paths"]["/events"] = list_path(
    "Events, newest first",
    "listEvents",
    [
        {
            "name": "kind",
            "in": "query",
            "description": "An event kind; any other value is ignored (every kind).",
            "schema": {"type": "string"},
        },
        {
            "name": "year",
            "in": "query",
            "description": "A year from 1900 to 2999; any other value is ignored (every year).",
            "schema": {"type": "string"},
        },
        QUERY_PARAMETER,
        *PAGE_PARAMETERS,
    ],
    "One page of events.",
    "EventSummary",
)
OPENAPI["paths"]["/events/{slug}"] = detail_path(
    "One event with its speakers, programme, materials and sources",
    "getEvent",
    "The event.",
    "Event",
)
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
