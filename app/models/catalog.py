"""The catalogue of case studies, and the staff reviews of them."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from ..labels import ORGANIZATION_ROLES, PUBLICATION_STATE_LABELS, STATUSES, THEMES  # noqa: F401
from ..regions import region_of

# Publication workflow: members' proposals wait as "pending" for staff.
PUBLICATION_STATES = tuple(PUBLICATION_STATE_LABELS)


class Project(db.Model):
    """One case study. List-valued fields are JSON (see docs/record-schema.md)."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True, index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    city: Mapped[str] = mapped_column(sa.String(120))
    country: Mapped[str] = mapped_column(sa.String(2))
    region: Mapped[str | None] = mapped_column(sa.String(20))
    theme: Mapped[str] = mapped_column(sa.String(40))
    summary: Mapped[str] = mapped_column(sa.Text)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    technologies: Mapped[list] = mapped_column(sa.JSON, default=list)
    status: Mapped[str | None] = mapped_column(sa.String(20))
    year: Mapped[int | None] = mapped_column(sa.Integer)
    organizations: Mapped[list] = mapped_column(sa.JSON, default=list)
    programme: Mapped[str] = mapped_column(sa.String(200), default="")
    sdgs: Mapped[list] = mapped_column(sa.JSON, default=list)
    outcomes: Mapped[str] = mapped_column(sa.Text, default="")
    lessons: Mapped[str] = mapped_column(sa.Text, default="")
    links: Mapped[list] = mapped_column(sa.JSON, default=list)
    # The language of the record's own text (None: the portal's default language), and
    # per-field translations: {lang: {field: text, ..., "source": "human"|"machine",
    # "reviewed": bool}} (docs/record-schema.md).
    language: Mapped[str | None] = mapped_column(sa.String(16))
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # The case-study extension (docs/record-schema.md "Optional fields"): results as data,
    # city size, budget, what did not work, where else it is deployed, a contact (never an
    # email), the licence (None: DEFAULT_LICENCE), when it was last checked, and images.
    metrics: Mapped[list] = mapped_column(sa.JSON, default=list)
    population: Mapped[int | None] = mapped_column(sa.BigInteger)
    budget: Mapped[dict | None] = mapped_column(sa.JSON)
    what_did_not_work: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    replicated_in: Mapped[list] = mapped_column(sa.JSON, default=list)
    contact: Mapped[dict | None] = mapped_column(sa.JSON)
    licence: Mapped[str | None] = mapped_column(sa.String(64))
    verified_at: Mapped[date | None] = mapped_column(sa.Date)
    images: Mapped[list] = mapped_column(sa.JSON, default=list)

    publication: Mapped[str] = mapped_column(sa.String(20), default="published", index=True)
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"), index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    member = relationship("Member", back_populates="projects")

    @property
    def is_published(self):
        return self.publication == "published"

    def __repr__(self):
        return f"<Project {self.slug}>"


@event.listens_for(Project.country, "set")
def _derive_region(project, value, _old, _initiator):
    project.region = region_of(value)


class ProjectReview(db.Model):
    """A staff decision on a case study (approve, reject with a reason, unpublish, republish).

    The project's `publication` holds the current state; these rows keep who
    decided what and why, so a member can read the reason for a rejection.
    """

    __tablename__ = "project_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decision: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project = relationship("Project")
    reviewer = relationship("User")
