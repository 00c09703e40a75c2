"""Expressions of interest, and the log of everything staff do with them."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from ..labels import INTEREST_STATUSES as STATUSES
from ..labels import INTEREST_TYPES, ORGANIZATION_TYPES


class Interest(db.Model):
    """One expression of interest, as submitted through /interest."""

    __tablename__ = "interest"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unguessable; names the confirmation page so that no personal data goes in a URL.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    organization: Mapped[str] = mapped_column(sa.String(200))
    organization_type: Mapped[str] = mapped_column(sa.String(30), index=True)
    country: Mapped[str] = mapped_column(sa.String(2), index=True)
    interest_type: Mapped[str] = mapped_column(sa.String(20), index=True)
    project_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("project.id", ondelete="SET NULL"), index=True
    )
    # What the interest is aimed at besides a case study (at most one of these is set).
    challenge_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("challenge.id", ondelete="SET NULL"), index=True
    )
    solution_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("solution.id", ondelete="SET NULL"), index=True
    )
    # The event the interest is about (/interest?event=<slug>), if any.
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event.id", ondelete="SET NULL"), index=True
    )
    message: Mapped[str] = mapped_column(sa.Text)
    consent: Mapped[bool] = mapped_column(default=False)
    # The consent wording exactly as shown, in the language shown, with its hash and time.
    consent_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    consent_language: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")
    consent_version: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    consent_at: Mapped[datetime | None] = mapped_column()
    # Set when the person was removed (retention or erasure); the statistics stay.
    anonymised_at: Mapped[datetime | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="received", index=True)
    # Sent faster than a person fills the form (or without a valid start time):
    # kept, but out of the default inbox and with no email to the address typed.
    suspected_spam: Mapped[bool] = mapped_column(default=False, index=True)
    spam_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    project = relationship("Project")
    challenge = relationship("Challenge")
    solution = relationship("Solution")
    event = relationship("Event")
    user = relationship("User")
    events = relationship(
        "InterestEvent",
        back_populates="interest",
        order_by="InterestEvent.id",
        cascade="all, delete-orphan",
    )

    @property
    def reference(self):
        """EOI-<year>-<id>: unique because the id is, with no extra write or sequence."""
        return reference_for(self.created_at.year, self.id)

    @property
    def status_label(self):
        return STATUSES.get(self.status, self.status)

    @property
    def interest_type_label(self):
        return INTEREST_TYPES.get(self.interest_type, self.interest_type)

    @property
    def organization_type_label(self):
        return ORGANIZATION_TYPES.get(self.organization_type, self.organization_type)

    def __repr__(self):
        return f"<Interest {self.id}>"


def reference_for(year, interest_id):
    return f"EOI-{year}-{interest_id:06d}"


class InterestEvent(db.Model):
    """One entry of a submission's timeline: a status change or a staff note, by whom and when.

    `actor_id` is empty for the submission itself (made by the public).
    """

    __tablename__ = "interest_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    interest_id: Mapped[int] = mapped_column(
        sa.ForeignKey("interest.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20))  # "status", "note" or "not-spam"
    from_status: Mapped[str | None] = mapped_column(sa.String(20))
    to_status: Mapped[str | None] = mapped_column(sa.String(20))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    interest = relationship("Interest", back_populates="events")
    actor = relationship("User")

    def __repr__(self):
        return f"<InterestEvent {self.kind} {self.interest_id}>"
