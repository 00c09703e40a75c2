"""Matchmaking: what cities seek (challenges), what members offer (solutions), and the matches made.

Challenges and solutions follow the case studies' moderation: a confirmed
member proposes one ("pending"), staff publish, unpublish or reject it
(``PUBLICATION_STATES`` of the catalogue). A Match records an introduction the
networks made and how far it went, for the public outcomes page.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from ..regions import region_of

CHALLENGE_STATUSES = ("open", "closed")
# How far a match went, in order.
MATCH_STAGES = ("introduced", "pilot", "agreement", "contract")

solution_deployment = sa.Table(
    "solution_deployment",
    db.metadata,
    sa.Column("solution_id", sa.ForeignKey("solution.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("project_id", sa.ForeignKey("project.id", ondelete="CASCADE"), primary_key=True),
)


class Challenge(db.Model):
    """What a city seeks: the problem, the kinds of partner or help, until when."""

    __tablename__ = "challenge"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True, index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    city: Mapped[str] = mapped_column(sa.String(120))
    country: Mapped[str] = mapped_column(sa.String(2))
    region: Mapped[str | None] = mapped_column(sa.String(20))
    member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("member.id", ondelete="SET NULL"), index=True
    )
    # Who presented the challenge when it is not (or not only) the member, as the source names it.
    presented_by: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    problem: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    help_sought: Mapped[list] = mapped_column(sa.JSON, default=list)
    theme: Mapped[str | None] = mapped_column(sa.String(40))
    technologies: Mapped[list] = mapped_column(sa.JSON, default=list)
    deadline: Mapped[date | None] = mapped_column(sa.Date)  # None: open-ended
    status: Mapped[str] = mapped_column(sa.String(20), default="open", server_default="open")
    publication: Mapped[str] = mapped_column(
        sa.String(20), default="published", server_default="published", index=True
    )
    sources: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{title, url?, note?}]
    language: Mapped[str | None] = mapped_column(sa.String(16))
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    proposed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    # Staff's reason for the last rejection, shown to the member who proposed it.
    review_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    member = relationship("Member")

    @property
    def is_published(self):
        return self.publication == "published"

    @property
    def current_status(self):
        """ "closed" once the deadline has passed, whatever the stored status says."""
        if self.status == "open" and self.deadline is not None and self.deadline < date.today():
            return "closed"
        return self.status

    def __repr__(self):
        return f"<Challenge {self.slug}>"


@event.listens_for(Challenge.country, "set")
def _derive_challenge_region(challenge, value, _old, _initiator):
    challenge.region = region_of(value)


class Solution(db.Model):
    """What a member company or institution offers, and where it has been deployed."""

    __tablename__ = "solution"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True, index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("member.id", ondelete="SET NULL"), index=True
    )
    # The offering organisation's name as the source gives it (shown when there is no member row).
    provider: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    themes: Mapped[list] = mapped_column(sa.JSON, default=list)
    technologies: Mapped[list] = mapped_column(sa.JSON, default=list)
    regions: Mapped[list] = mapped_column(sa.JSON, default=list)  # region keys served
    publication: Mapped[str] = mapped_column(
        sa.String(20), default="published", server_default="published", index=True
    )
    sources: Mapped[list] = mapped_column(sa.JSON, default=list)
    language: Mapped[str | None] = mapped_column(sa.String(16))
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    proposed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    # Staff's reason for the last rejection, shown to the member who proposed it.
    review_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    member = relationship("Member")
    deployed_in = relationship(
        "Project", secondary=solution_deployment, order_by="Project.title", lazy="selectin"
    )

    @property
    def is_published(self):
        return self.publication == "published"

    @property
    def provider_name(self):
        return self.member.name if self.member is not None else self.provider

    def __repr__(self):
        return f"<Solution {self.slug}>"


class Match(db.Model):
    """An introduction the networks made between parties, and the furthest stage it reached."""

    __tablename__ = "match"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True, index=True)
    network: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    parties: Mapped[list] = mapped_column(sa.JSON, default=list)  # organisation names
    city: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    country: Mapped[str | None] = mapped_column(sa.String(2))
    year: Mapped[int | None] = mapped_column(sa.Integer)
    what: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    project_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("project.id", ondelete="SET NULL"), index=True
    )
    stage: Mapped[str] = mapped_column(
        sa.String(20), default="introduced", server_default="introduced"
    )
    sources: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project = relationship("Project")

    def reached(self, stage):
        """Whether this match got at least as far as `stage`."""
        return MATCH_STAGES.index(self.stage) >= MATCH_STAGES.index(stage)

    def __repr__(self):
        return f"<Match {self.slug}>"
