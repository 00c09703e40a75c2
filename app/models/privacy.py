"""The privacy log: that an erasure or a retention purge happened, never what it erased."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from ..labels import PRIVACY_ACTION_LABELS, PRIVACY_SOURCE_LABELS

# What an entry records; `source` says who started it.
PRIVACY_ACTIONS = tuple(PRIVACY_ACTION_LABELS)
PRIVACY_SOURCES = tuple(PRIVACY_SOURCE_LABELS)


class PrivacyLogEntry(db.Model):
    """One erasure or purge, with counts of what it touched and who started it.

    It deliberately holds no email address, name or reference of the person:
    a log of erasures must not become a list of the people who asked for one.
    """

    __tablename__ = "privacy_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(sa.String(20))
    source: Mapped[str] = mapped_column(sa.String(20))
    # The staff member who started it (empty: the command line or the person themself).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # {"interests": 2, "emails": 3, ...}: how many rows of each kind were removed or anonymised.
    counts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor = relationship("User")

    def __repr__(self):
        return f"<PrivacyLogEntry {self.id} {self.action}>"
