"""Introductions with consent on both sides, their follow-ups and outcomes.

Staff introduce the sender of an expression of interest to another party.
Each party answers through a signed, single-use link (`nonce` is the part
that makes it single-use: it is cleared once the party has answered). Only
when both accept does each receive the other's contact details. 30 and 90
days later each party is asked how it went (`IntroductionFollowUp`), and
staff may record an outcome. Nothing here is ever public: the only public
figures are counts (see app/interest/introductions.py, `introduction_figures`).
"""

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db

RESPONSES = {
    "pending": _l("Waiting for an answer"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
}
# The answers to a follow-up and the outcomes staff record, from least to most advanced.
OUTCOMES = {
    "talking": _l("Talking"),
    "pilot": _l("Pilot"),
    "agreement": _l("Agreement or contract"),
    "no-fit": _l("No fit"),
}
PARTY_ROLES = ("sender", "other")
FOLLOW_UP_DAYS = (30, 90)


class Introduction(db.Model):
    """Staff's proposal to put two parties in touch, about one expression of interest."""

    __tablename__ = "introduction"

    id: Mapped[int] = mapped_column(primary_key=True)
    interest_id: Mapped[int] = mapped_column(
        sa.ForeignKey("interest.id", ondelete="CASCADE"), index=True
    )
    # Staff's words to both parties, sent in the consent emails.
    message: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    # Set when the second party accepts; the follow-ups count from here.
    accepted_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    declined_at: Mapped[dt.datetime | None] = mapped_column()
    # Recorded by staff; a key of OUTCOMES or "".
    outcome: Mapped[str] = mapped_column(sa.String(20), default="", index=True)
    outcome_note: Mapped[str] = mapped_column(sa.Text, default="")
    outcome_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    outcome_at: Mapped[dt.datetime | None] = mapped_column()

    interest = relationship(
        "Interest",
        backref=backref("introductions", order_by="Introduction.id", cascade="all, delete-orphan"),
    )
    created_by = relationship("User", foreign_keys=[created_by_id])
    outcome_by = relationship("User", foreign_keys=[outcome_by_id])
    parties = relationship(
        "IntroductionParty",
        back_populates="introduction",
        order_by="IntroductionParty.id",
        cascade="all, delete-orphan",
    )

    @property
    def state(self):
        """ "accepted" (both), "declined" (either) or "pending"."""
        if self.declined_at is not None:
            return "declined"
        if self.accepted_at is not None:
            return "accepted"
        return "pending"

    @property
    def outcome_label(self):
        return OUTCOMES.get(self.outcome, "")

    def other_party(self, party):
        return next(p for p in self.parties if p.id != party.id)

    def __repr__(self):
        return f"<Introduction {self.id} {self.state}>"


class IntroductionParty(db.Model):
    """One side of an introduction: the interest's sender, or the party staff chose."""

    __tablename__ = "introduction_party"

    id: Mapped[int] = mapped_column(primary_key=True)
    introduction_id: Mapped[int] = mapped_column(
        sa.ForeignKey("introduction.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(sa.String(10))  # "sender" or "other"
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id", ondelete="SET NULL"))
    response: Mapped[str] = mapped_column(sa.String(20), default="pending")
    responded_at: Mapped[dt.datetime | None] = mapped_column()
    # In the consent link; cleared once answered, so a second use changes nothing.
    nonce: Mapped[str | None] = mapped_column(sa.String(64))

    introduction = relationship("Introduction", back_populates="parties")
    member = relationship("Member")
    follow_ups = relationship(
        "IntroductionFollowUp",
        back_populates="party",
        order_by="IntroductionFollowUp.days",
        cascade="all, delete-orphan",
    )

    @property
    def response_label(self):
        return RESPONSES.get(self.response, self.response)


class IntroductionFollowUp(db.Model):
    """ "How did it go?", asked of one party a number of days after both accepted.

    One row per party and stage (the unique constraint makes the command
    idempotent). `skipped` marks a 30-day stage that came due together with
    the 90-day one (the command was not run for two months): only the later
    question is sent.
    """

    __tablename__ = "introduction_follow_up"
    __table_args__ = (sa.UniqueConstraint("party_id", "days"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(
        sa.ForeignKey("introduction_party.id", ondelete="CASCADE"), index=True
    )
    days: Mapped[int] = mapped_column(sa.Integer)
    skipped: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    nonce: Mapped[str | None] = mapped_column(sa.String(64))
    answer: Mapped[str] = mapped_column(sa.String(20), default="")
    answered_at: Mapped[dt.datetime | None] = mapped_column()

    party = relationship("IntroductionParty", back_populates="follow_ups")

    @property
    def answer_label(self):
        return OUTCOMES.get(self.answer, "")
