"""/api/v1/events and /api/v1/events/<slug>: read-only JSON, paged like /api/v1/projects."""

from flask import Blueprint, abort, jsonify, request
from flask_babel import gettext as _

from ..api import DEFAULT_PER_PAGE, MAX_PER_PAGE, _int_arg, allow_cross_origin_reads
from ..extensions import db
from .records import event_by_slug, event_record, event_summary, filtered_events
from .views import requested_filters

bp = Blueprint("events_api", __name__, url_prefix="/api/v1/events")
bp.after_request(allow_cross_origin_reads)

MAX_PAGE = 10000


@bp.get("")
def events():
    """Every event, newest first; `kind`, `year`, `q`, `page` and `per_page` as on /events."""
    page = _int_arg("page", 1, 1, MAX_PAGE)
    per_page = _int_arg("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    kind, year, text = requested_filters(request.args)
    result = db.paginate(filtered_events(kind, year, text), page=page, per_page=per_page, error_out=False)
    return jsonify(
        total=result.total,
        page=page,
        per_page=per_page,
        total_pages=result.pages,
        results=[event_summary(event) for event in result.items],
    )


@bp.get("/<slug>")
def event(slug):
    found = event_by_slug(slug)
    if found is None:
        abort(404, description=_("There is no event at this address."))
    return jsonify(event_record(found))
