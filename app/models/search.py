"""The search outbox and how far each index has applied it (see app/search/indexer.py)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


class SearchOutbox(db.Model):
    """One pending change for a search index, written in the same transaction as the change.

    The indexer applies rows in id order and records how far it got in
    SearchState; the row only names the entity, whose current state is
    re-read from the database when the row is applied.
    """

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    index_name: Mapped[str] = mapped_column(sa.String(40), index=True)
    entity_id: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SearchState(db.Model):
    """How far an index (by name and directory) has applied the outbox."""

    __tablename__ = "search_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    index_name: Mapped[str] = mapped_column(sa.String(40))
    index_key: Mapped[str] = mapped_column(sa.String(500))
    last_outbox_id: Mapped[int] = mapped_column(sa.Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (sa.UniqueConstraint("index_name", "index_key"),)
