"""Award programmes, their editions, and each edition's categories, winners, judges and sessions.

Categories, judges, sessions and winners belong to one edition, because a
network renames and regroups its categories from one edition to the next;
each category maps to one catalogue theme. Times are stored as the organiser
gave them (local date and wall-clock time plus the zone's name) and converted
to UTC when shown (:func:`schedule`).
"""

import datetime as dt
import re
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from ..regions import region_of

# "GMT+9", "UTC-03:30", "+09:00": a fixed offset, as organisers often write it.
_OFFSET = re.compile(r"^(?:GMT|UTC)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


def parse_timezone(name):
    """The tzinfo for a fixed offset ("GMT+9", "+09:00") or an IANA name ("Asia/Seoul").

    Raises ValueError for anything else.
    """
    name = (name or "").strip()
    if name.upper() in ("UTC", "GMT"):
        return dt.UTC
    match = _OFFSET.match(name)
    if match:
        sign, hours, minutes = match.groups()
        offset = dt.timedelta(hours=int(hours), minutes=int(minutes or 0))
        if offset > dt.timedelta(hours=14):
            raise ValueError(f"offset out of range: {name}")
        return dt.timezone(-offset if sign == "-" else offset, name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone: {name}") from None


class Schedule(NamedTuple):
    """Start and end (end may be None) as aware datetimes in the given zone and in UTC."""

    zone: str
    start: dt.datetime
    end: dt.datetime | None
    start_utc: dt.datetime
    end_utc: dt.datetime | None


def schedule(day, start, end, zone):
    """A :class:`Schedule` for a local date and wall-clock times, or None without date and start."""
    if day is None or start is None:
        return None
    tz = parse_timezone(zone)
    local_start = dt.datetime.combine(day, start, tz)
    local_end = dt.datetime.combine(day, end, tz) if end else None
    return Schedule(
        zone=zone,
        start=local_start,
        end=local_end,
        start_utc=local_start.astimezone(dt.UTC),
        end_utc=local_end.astimezone(dt.UTC) if local_end else None,
    )


class AwardProgramme(db.Model):
    """A recurring award, e.g. the WeGO Awards, run by one network."""

    __tablename__ = "award_programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True, index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    organiser: Mapped[str] = mapped_column(sa.String(200), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")

    editions = relationship("AwardEdition", back_populates="programme")


class AwardEdition(db.Model):
    """One edition of a programme ("4th WeGO Awards"), with its ceremony."""

    __tablename__ = "award_edition"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True, index=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("award_programme.id"), index=True)
    number: Mapped[int | None] = mapped_column(sa.Integer)
    title: Mapped[str] = mapped_column(sa.String(200))
    year: Mapped[int | None] = mapped_column(sa.Integer)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # How many cities the edition recognised in all, when that is more than the winners listed.
    cities_recognised: Mapped[int | None] = mapped_column(sa.Integer)
    ceremony_description: Mapped[str] = mapped_column(sa.Text, default="")
    ceremony_venue: Mapped[str] = mapped_column(sa.String(200), default="")
    ceremony_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    ceremony_start: Mapped[dt.time | None] = mapped_column(sa.Time)
    ceremony_end: Mapped[dt.time | None] = mapped_column(sa.Time)
    ceremony_timezone: Mapped[str] = mapped_column(sa.String(64), default="")
    # Where the facts come from and what was inferred: shown on the page.
    sources: Mapped[list] = mapped_column(sa.JSON, default=list)
    # Same shape as Project.language / Project.translations.
    language: Mapped[str | None] = mapped_column(sa.String(16))
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # When the edition last changed (the awards feed's per-entry `updated`).
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    programme = relationship("AwardProgramme", back_populates="editions")
    categories = relationship(
        "AwardCategory",
        back_populates="edition",
        order_by="AwardCategory.position",
        cascade="all, delete-orphan",
    )
    winners = relationship(
        "AwardWinner",
        back_populates="edition",
        order_by="AwardWinner.position",
        cascade="all, delete-orphan",
    )
    judges = relationship(
        "AwardJudge",
        back_populates="edition",
        order_by="AwardJudge.position",
        cascade="all, delete-orphan",
    )
    sessions = relationship(
        "AwardSession",
        back_populates="edition",
        order_by="AwardSession.position",
        cascade="all, delete-orphan",
    )

    @property
    def ceremony_schedule(self):
        """The ceremony's times in its zone and in UTC, or None when no date is known."""
        return schedule(
            self.ceremony_date, self.ceremony_start, self.ceremony_end, self.ceremony_timezone
        )

    def __repr__(self):
        return f"<AwardEdition {self.slug}>"


class AwardCategory(db.Model):
    """A category as one edition names it, with its description keywords."""

    __tablename__ = "award_category"
    __table_args__ = (sa.UniqueConstraint("edition_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("award_edition.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(80))
    name: Mapped[str] = mapped_column(sa.String(200))
    keywords: Mapped[list] = mapped_column(sa.JSON, default=list)
    theme: Mapped[str] = mapped_column(sa.String(40))
    # Same shape as Project.language / Project.translations.
    language: Mapped[str | None] = mapped_column(sa.String(16))
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)

    edition = relationship("AwardEdition", back_populates="categories")
    winners = relationship(
        "AwardWinner", back_populates="category", order_by="AwardWinner.position"
    )


class AwardSession(db.Model):
    """A presentation session (e.g. "Part 1", 09:00–09:30) and the winners presented in it."""

    __tablename__ = "award_session"
    __table_args__ = (sa.UniqueConstraint("edition_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("award_edition.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(80))
    part: Mapped[str] = mapped_column(sa.String(80), default="")
    title: Mapped[str] = mapped_column(sa.String(300))
    date: Mapped[dt.date] = mapped_column(sa.Date)
    start_time: Mapped[dt.time] = mapped_column(sa.Time)
    end_time: Mapped[dt.time | None] = mapped_column(sa.Time)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    # True when the source gave no zone and the one stored is inferred (see the edition's sources).
    timezone_assumed: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("award_category.id"))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    recording_url: Mapped[str | None] = mapped_column(sa.String(500))
    slides_url: Mapped[str | None] = mapped_column(sa.String(500))
    position: Mapped[int] = mapped_column(sa.Integer, default=0)

    edition = relationship("AwardEdition", back_populates="sessions")
    category = relationship("AwardCategory")
    winners = relationship("AwardWinner", back_populates="session", order_by="AwardWinner.position")

    @property
    def schedule(self):
        return schedule(self.date, self.start_time, self.end_time, self.timezone)


class AwardWinner(db.Model):
    """A recognised city and project; `project` links it to its catalogue entry when there is one."""

    __tablename__ = "award_winner"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("award_edition.id"), index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("award_category.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("award_session.id"))
    city: Mapped[str] = mapped_column(sa.String(120))
    country: Mapped[str] = mapped_column(sa.String(2))
    region: Mapped[str | None] = mapped_column(sa.String(20))
    project_title: Mapped[str] = mapped_column(sa.String(300))
    distinction: Mapped[str | None] = mapped_column(sa.String(120))
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("project.id"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)

    edition = relationship("AwardEdition", back_populates="winners")
    category = relationship("AwardCategory", back_populates="winners")
    session = relationship("AwardSession", back_populates="winners")
    project = relationship("Project", backref="award_wins")


@event.listens_for(AwardWinner.country, "set")
def _derive_region(winner, value, _old, _initiator):
    winner.region = region_of(value)


class AwardJudge(db.Model):
    """A judge or panelist of an edition; `part` names the session part they judged, if any."""

    __tablename__ = "award_judge"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("award_edition.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    role: Mapped[str] = mapped_column(sa.String(80), default="")
    part: Mapped[str] = mapped_column(sa.String(80), default="")
    position: Mapped[int] = mapped_column(sa.Integer, default=0)

    edition = relationship("AwardEdition", back_populates="judges")
