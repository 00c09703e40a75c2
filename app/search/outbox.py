"""The search outbox: every change to an indexed row adds an outbox row in the same transaction.

Models are registered with :func:`track`. After each flush, one outbox row
per inserted, changed or deleted tracked object is written through the same
connection, so it commits or rolls back with the change itself. This sees
autoflushed changes too; bulk ``update()``/``delete()`` statements bypass the
ORM and must call :func:`enqueue` themselves.

On PostgreSQL the same transaction also NOTIFYs the ``search_outbox``
channel, so the catch-up threads of other nodes (catchup.py) wake when it
commits (a rolled-back transaction notifies nobody).
"""

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..models.search import SearchOutbox

CHANNEL = "search_outbox"

_tracked: dict[type, str] = {}


def track(model, index_name):
    """Keep `index_name` in step with rows of `model`."""
    _tracked[model] = index_name


def enqueue(session, index_name, entity_ids):
    """Add outbox rows for `entity_ids` through the session's current connection."""
    rows = [
        {"index_name": index_name, "entity_id": entity_id, "created_at": utcnow()}
        for entity_id in entity_ids
    ]
    if rows:
        connection = session.connection()
        connection.execute(sa.insert(SearchOutbox), rows)
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
        session.info["search_changed"] = True


@event.listens_for(Session, "after_flush")
def _write_outbox_rows(session, _flush_context):
    changed: dict[str, set[int]] = {}
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        index_name = _tracked.get(type(obj))
        if index_name is None or obj.id is None:
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        changed.setdefault(index_name, set()).add(obj.id)
    for index_name, ids in changed.items():
        enqueue(session, index_name, sorted(ids))
