"""Blueprint for /events: upcoming and past events, one page per event, its calendar file."""

import datetime as dt

from flask import Blueprint, Response, abort, current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.validators import Length

from ..extensions import db
from ..forms import select_choices
from ..htmx import render
from ..models.events import EVENT_KINDS
from ..urls import external_url
from . import ics
from .records import (
    event_by_slug,
    event_years,
    filtered_events,
    today_utc,
    zone_label,
)

bp = Blueprint("events", __name__, url_prefix="/events")


@bp.app_template_filter("zone_label")
def zone_label_filter(name):
    return zone_label(name)


class EventFilterForm(FlaskForm):
    """The lists' GET form: every state has a URL."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search events"), validators=[Length(max=200)])
    kind = SelectField(_l("Kind"))
    year = SelectField(_l("Year"))

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = select_choices([("", _("Any kind"))] + list(EVENT_KINDS.items()))
        self.year.choices = select_choices(
            [("", _("Any year"))] + [(str(y), str(y)) for y in years]
        )


def requested_filters(args):
    """(kind, year, text) from the query string; values not offered are ignored, never an error."""
    kind = args.get("kind", "").strip()
    if kind not in EVENT_KINDS:
        kind = ""
    year_text = args.get("year", "").strip()
    year = int(year_text) if year_text.isdigit() and 1900 <= int(year_text) <= 2999 else None
    return kind, year, args.get("q", "").strip()[:200]


@bp.get("")
def index():
    kind, year, text = requested_filters(request.args)
    years = event_years()
    form = EventFilterForm(request.args, years=years)
    events = db.session.scalars(filtered_events(kind, year, text)).all()
    today = today_utc()
    upcoming = sorted(
        (e for e in events if e.date >= today), key=lambda e: (e.date, e.start_time or dt.time())
    )
    past = [e for e in events if e.date < today]
    return render(
        "events/index.html",
        "events/_results.html",
        form=form,
        upcoming=upcoming,
        past=past,
        filtered=bool(kind or year or text),
    )


def event_or_404(slug):
    event = event_by_slug(slug)
    if event is None:
        abort(404, description=_("There is no event at this address."))
    return event


@bp.get("/<slug>")
def detail(slug):
    event = event_or_404(slug)
    return render("events/detail.html", "events/detail.html", event=event, today=today_utc())


@bp.get("/<slug>.ics")
def calendar_file(slug):
    event = event_or_404(slug)
    url = external_url("events.detail", slug=event.slug)
    host = url.split("/")[2].split(":")[0]
    description = "\n\n".join(part for part in (event.summary, url) if part)
    body = ics.calendar(
        event,
        url=url,
        uid_host=host,
        description=description,
        location=event.venue,
        product=current_app.config["SITE_NAME"],
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response
