"""Member organisations and the people who log in for them."""

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from ..regions import region_of

NETWORKS = ("WeGO", "GO SMART")


class Member(db.Model):
    """A member organisation: a local government, a corporation or an institution."""

    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True, index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    type: Mapped[str] = mapped_column(sa.String(30))
    city: Mapped[str] = mapped_column(sa.String(120), default="")
    country: Mapped[str | None] = mapped_column(sa.String(2))
    region: Mapped[str | None] = mapped_column(sa.String(20))
    network: Mapped[str] = mapped_column(sa.String(40), default="")
    network_role: Mapped[str] = mapped_column(sa.String(120), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    website: Mapped[str] = mapped_column(sa.String(500), default="")
    # Same shape as Project.language / Project.translations.
    language: Mapped[str | None] = mapped_column(sa.String(16))
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # pending until staff approve a registration; unpublished hides it.
    status: Mapped[str] = mapped_column(sa.String(20), default="approved", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    projects = relationship("Project", back_populates="member")
    users = relationship("User", back_populates="member")

    def __repr__(self):
        return f"<Member {self.slug}>"


@sa.event.listens_for(Member.country, "set")
def _derive_region(member, value, _old, _initiator):
    member.region = region_of(value)


class User(UserMixin, db.Model):
    """A person who logs in; belongs to a member organisation (staff may not)."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20), default="member")
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"), index=True)
    # Whether the person may act for `member` (propose under its name): "pending"
    # until staff approve the claim (or the email domain is the member's website's),
    # "approved", or "rejected". See app/memberships.py.
    membership_status: Mapped[str] = mapped_column(
        sa.String(20), default="approved", server_default="approved"
    )
    active: Mapped[bool] = mapped_column(default=True)
    # Changing it ends every session of the user (logout, password change).
    session_token: Mapped[str] = mapped_column(sa.String(64))
    # Set when the person proves they read mail at `email` (confirmation or reset
    # link, or an operator creating the account). An unconfirmed account can log
    # in, but proposes no case study before that.
    email_verified_at: Mapped[datetime | None] = mapped_column()
    # When the last confirmation link was sent: login re-sends at most every few minutes.
    verification_sent_at: Mapped[datetime | None] = mapped_column()
    # The consent wording shown at registration (see Interest.consent_text).
    consent_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    consent_language: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")
    consent_version: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    consent_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member = relationship("Member", back_populates="users")

    def get_id(self):
        # Flask-Login stores this in the session; a rotated token invalidates old cookies.
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self):
        return self.active

    @property
    def acts_for_member(self):
        """True when the person's claim to belong to their member organisation is approved."""
        return self.member_id is not None and self.membership_status == "approved"

    @property
    def is_staff(self):
        return self.role in ("staff", "admin")

    @property
    def is_admin(self):
        return self.role == "admin"

    def __repr__(self):
        return f"<User {self.id}>"  # no address: reprs end up in logs and tracebacks


REVIEW_DECISIONS = ("approved", "rejected", "unpublished", "republished")
