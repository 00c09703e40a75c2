"""Outgoing email, queued in the database and sent by `flask mail send`."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


class OutboundEmail(db.Model):
    """One email waiting to be sent (or sent).

    Rows are added in the caller's transaction, so an email about a change is
    queued if and only if the change commits; sending happens outside any
    request, and a failure is recorded and retried instead of raised.
    """

    __tablename__ = "outbound_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    # Extra headers, e.g. List-Unsubscribe on the event announcements.
    headers: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")

    def __repr__(self):
        return f"<OutboundEmail {self.id}>"  # no address: reprs end up in logs
