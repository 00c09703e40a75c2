"""Events as data: the lists' queries, the JSON records, the demo data loader."""

import datetime as dt
import json
import re
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..database import any_contains
from ..extensions import db
from ..models import AwardEdition, Event, EventSession, EventSpeaker
from ..models.awards import parse_timezone
from ..models.events import EVENT_FORMATS, EVENT_KINDS
from ..urls import external_url

EVENTS_DATA = Path(__file__).resolve().parent.parent / "demo_data" / "events.json"
_ETC_ZONE = re.compile(r"^Etc/GMT([+-])(\d{1,2})$")


def zone_label(name):
    """How a zone reads on the page: IANA "Etc/GMT-9" means GMT+9 (POSIX inverts the sign)."""
    match = _ETC_ZONE.match(name or "")
    if match:
        sign, hours = match.groups()
        return f"GMT{'-' if sign == '+' else '+'}{hours}"
    return name


def today_utc():
    return dt.datetime.now(dt.UTC).date()


def event_query():
    return sa.select(Event).options(
        selectinload(Event.speakers),
        selectinload(Event.sessions),
        selectinload(Event.award_edition).selectinload(AwardEdition.sessions),
    )


def filtered_events(kind="", year=None, text=""):
    """Events matching the filters, newest first (the lists split them into upcoming and past)."""
    stmt = event_query()
    if kind:
        stmt = stmt.where(Event.kind == kind)
    if year:
        stmt = stmt.where(Event.date >= dt.date(year, 1, 1), Event.date <= dt.date(year, 12, 31))
    for word in re.findall(r"\w+", text or "")[:16]:
        stmt = stmt.where(
            sa.or_(
                any_contains(
                    (Event.title, Event.organiser, Event.summary, Event.description, Event.venue),
                    word,
                ),
                Event.speakers.any(
                    any_contains((EventSpeaker.name, EventSpeaker.organisation), word)
                ),
            )
        )
    return stmt.order_by(Event.date.desc(), Event.start_time.desc().nulls_last(), Event.id.desc())


def event_years():
    years = db.session.scalars(sa.select(Event.date).order_by(Event.date.desc()))
    return sorted({day.year for day in years}, reverse=True)


def event_by_slug(slug):
    return db.session.scalar(event_query().where(Event.slug == slug))


def _iso(moment):
    """RFC 3339 (OpenAPI's date-time): seconds included, with the event zone's offset."""
    return moment.isoformat(timespec="seconds") if moment else None


def _utc(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def event_summary(event):
    """The API's list entry for an event."""
    schedule = event.schedule
    return {
        "slug": event.slug,
        "title": event.title,
        "kind": event.kind,
        "organiser": event.organiser,
        "date": event.date.isoformat(),
        "start": _iso(schedule.start) if schedule else None,
        "end": _iso(schedule.end) if schedule else None,
        "start_utc": _utc(schedule.start_utc) if schedule else None,
        "end_utc": _utc(schedule.end_utc) if schedule else None,
        "timezone": event.timezone,
        "timezone_assumed": event.timezone_assumed,
        "format": event.format or None,
        "venue": event.venue,
        "summary": event.summary,
        "award_edition": event.award_edition.slug if event.award_edition else None,
        "url": external_url("events.detail", slug=event.slug),
        "ics_url": external_url("events.calendar_file", slug=event.slug),
    }


def event_record(event):
    """The API's full record for one event."""
    sessions = [
        {
            "title": session.title,
            "speakers": session.speakers,
            "start": session.start_time.strftime("%H:%M") if session.start_time else None,
            "end": session.end_time.strftime("%H:%M") if session.end_time else None,
            "description": session.description,
        }
        for session in event.sessions
    ] + [
        {
            "title": session.title,
            "speakers": ", ".join(f"{w.city}: {w.project_title}" for w in session.winners),
            "start": session.start_time.strftime("%H:%M"),
            "end": session.end_time.strftime("%H:%M") if session.end_time else None,
            "description": session.notes,
        }
        for session in event.award_sessions
    ]
    speakers = [
        {"name": s.name, "title": s.title, "organisation": s.organisation, "presented": s.presented}
        for s in event.speakers
    ] + [
        {"name": j.name, "title": j.title, "organisation": j.organisation, "presented": j.role}
        for j in event.award_judges
    ]
    return event_summary(event) | {
        "description": event.description,
        "speakers": speakers,
        "sessions": sessions,
        "recording_url": event.recording_url,
        "slides_url": event.slides_url,
        "sources": event.sources,
        "language": event.language,
        "translations": event.translations,
    }


# ---------------------------------------------------------------- demo data


class EventDataError(ValueError):
    """The demo events file is wrong: a bug in the bundled data."""


def _time(value, where):
    if value in (None, ""):
        return None
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise EventDataError(f"{where}: not a time: {value!r}") from None


def upsert_event(record):
    """Create or update one event (by slug) from a demo record; the caller commits."""
    slug = record["slug"]
    if record["kind"] not in EVENT_KINDS:
        raise EventDataError(f"{slug}: unknown kind {record['kind']!r}")
    if record.get("format", "") not in ("", *EVENT_FORMATS):
        raise EventDataError(f"{slug}: unknown format {record['format']!r}")
    try:
        parse_timezone(record["timezone"])
    except ValueError as error:
        raise EventDataError(f"{slug}: {error}") from None
    edition = None
    if record.get("award_edition"):
        edition = db.session.scalar(
            sa.select(AwardEdition).where(AwardEdition.slug == record["award_edition"])
        )
        if edition is None:
            raise EventDataError(f"{slug}: no award edition {record['award_edition']!r}")

    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None:
        event = Event(slug=slug)
        db.session.add(event)
    event.kind = record["kind"]
    event.title = record["title"]
    event.organiser = record.get("organiser", "")
    event.date = dt.date.fromisoformat(record["date"])
    event.start_time = _time(record.get("start"), slug)
    event.end_time = _time(record.get("end"), slug)
    event.timezone = record["timezone"]
    event.timezone_assumed = bool(record.get("timezone_assumed", False))
    event.format = record.get("format", "")
    event.venue = record.get("venue", "")
    event.summary = record.get("summary", "")
    event.description = record.get("description", "")
    event.recording_url = record.get("recording_url") or None
    event.slides_url = record.get("slides_url") or None
    event.sources = list(record.get("sources", []))
    event.language = record.get("language")
    event.translations = dict(record.get("translations", {}))
    event.award_edition = edition
    event.award_part = record.get("award_part", "")
    event.speakers = [
        EventSpeaker(
            name=s.get("name", ""),
            title=s.get("title", ""),
            organisation=s.get("organisation", ""),
            presented=s.get("presented", ""),
            position=n,
        )
        for n, s in enumerate(record.get("speakers", []))
    ]
    event.sessions = [
        EventSession(
            title=s["title"],
            speakers=s.get("speakers", ""),
            start_time=_time(s.get("start"), slug),
            end_time=_time(s.get("end"), slug),
            description=s.get("description", ""),
            position=n,
        )
        for n, s in enumerate(record.get("sessions", []))
    ]
    return event


def seed_events(path=EVENTS_DATA):
    """Upsert the bundled demo events (after the award editions they link to)."""
    records = json.loads(Path(path).read_text(encoding="utf-8"))
    for record in records:
        upsert_event(record)
    db.session.flush()
    return f"{len(records)} event(s)"
