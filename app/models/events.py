"""Events (webinars, workshops, general assemblies, ceremonies) and the list of people
who asked to hear about future ones.

Times are stored as the organiser gave them: a local date, wall-clock start and
end (either may be unknown) and the IANA zone's name; `timezone_assumed` says
the document gave no zone and the one stored is inferred (the event's sources
say why). An event that presents an award edition links to it, and reads that
edition's sessions and judges of the same `award_part` instead of copying them.
"""

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from .awards import schedule

EVENT_KINDS = {
    "webinar": _l("Webinar"),
    "workshop": _l("Workshop"),
    "general-assembly": _l("General assembly"),
    "ceremony": _l("Ceremony"),
}
EVENT_FORMATS = {
    "online": _l("Online"),
    "in-person": _l("In person"),
    "both": _l("Online and in person"),
}
SUBSCRIPTION_STATUSES = ("pending", "confirmed", "unsubscribed")


class Event(db.Model):
    """One event, with its speakers and sessions in order."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True, index=True)
    kind: Mapped[str] = mapped_column(sa.String(30), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    organiser: Mapped[str] = mapped_column(sa.String(200), default="")
    date: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    start_time: Mapped[dt.time | None] = mapped_column(sa.Time)
    end_time: Mapped[dt.time | None] = mapped_column(sa.Time)
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    timezone_assumed: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # "" when the document does not say.
    format: Mapped[str] = mapped_column(sa.String(20), default="")
    venue: Mapped[str] = mapped_column(sa.String(300), default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    recording_url: Mapped[str | None] = mapped_column(sa.String(500))
    slides_url: Mapped[str | None] = mapped_column(sa.String(500))
    # Where each fact comes from and what was inferred (a time zone, a year): shown under "Sources".
    sources: Mapped[list] = mapped_column(sa.JSON, default=list)
    # Same shape as Project.language / Project.translations.
    language: Mapped[str | None] = mapped_column(sa.String(16))
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    award_edition_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("award_edition.id", ondelete="SET NULL"), index=True
    )
    # The edition's session part this event presents ("Part 1"), "" for none.
    award_part: Mapped[str] = mapped_column(sa.String(80), default="")
    # When `flask events announce` emailed the confirmed subscribers about it.
    announced_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    speakers = relationship(
        "EventSpeaker",
        back_populates="event",
        order_by="EventSpeaker.position",
        cascade="all, delete-orphan",
    )
    sessions = relationship(
        "EventSession",
        back_populates="event",
        order_by="EventSession.position",
        cascade="all, delete-orphan",
    )
    award_edition = relationship("AwardEdition", backref=backref("events", order_by="Event.date"))

    @property
    def schedule(self):
        """Start and end in the event's zone and in UTC, or None when the start time is unknown."""
        return schedule(self.date, self.start_time, self.end_time, self.timezone)

    @property
    def kind_label(self):
        return EVENT_KINDS.get(self.kind, self.kind)

    @property
    def format_label(self):
        return EVENT_FORMATS.get(self.format, "")

    @property
    def award_sessions(self):
        """The award edition's sessions this event presents (linked, not copied)."""
        if self.award_edition is None or not self.award_part:
            return []
        return [s for s in self.award_edition.sessions if s.part == self.award_part]

    @property
    def award_judges(self):
        if self.award_edition is None or not self.award_part:
            return []
        return [j for j in self.award_edition.judges if j.part == self.award_part]

    def __repr__(self):
        return f"<Event {self.slug}>"


class EventSpeaker(db.Model):
    """A speaker or presenter: a person, or an organisation when the source names no one."""

    __tablename__ = "event_speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    # What they presented or offered, in the source's words.
    presented: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(sa.Integer, default=0)

    event = relationship("Event", back_populates="speakers")


class EventSession(db.Model):
    """One item of the programme, in order; times stay empty when the source gives none."""

    __tablename__ = "event_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    speakers: Mapped[str] = mapped_column(sa.String(500), default="")
    start_time: Mapped[dt.time | None] = mapped_column(sa.Time)
    end_time: Mapped[dt.time | None] = mapped_column(sa.Time)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(sa.Integer, default=0)

    event = relationship("Event", back_populates="sessions")


class EventSubscription(db.Model):
    """An address that asked to hear about future events (double opt-in).

    pending until the emailed link is followed and its button pressed; only
    confirmed addresses get announcements. `confirm_nonce` makes the
    confirmation link single-use; `unsubscribe_token` names the one-step
    unsubscribe page in every email and never expires.
    """

    __tablename__ = "event_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="pending", index=True)
    consent: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    confirm_nonce: Mapped[str | None] = mapped_column(sa.String(64))
    unsubscribe_token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    suspected_spam: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    spam_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    confirmation_sent_at: Mapped[dt.datetime | None] = mapped_column()
    confirmed_at: Mapped[dt.datetime | None] = mapped_column()
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column()

    def __repr__(self):
        return f"<EventSubscription {self.id} {self.status}>"
