"""How far this node's index copies are behind the outbox, and whether the follower runs (/healthz).

``flask search sync --follow`` writes a heartbeat (a SearchState row named
``FOLLOWER`` keyed by this node's ``<host>:<SEARCH_INDEX_DIR>``) every few
seconds. When ``SEARCH_FOLLOWER_EXPECTED`` is set, /healthz warns when that
heartbeat is missing or older than ``SEARCH_FOLLOWER_STALE_SECONDS``.

Only counts and ages are reported: never a path, a host name or an error text.
"""

from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from ..clock import utcnow
from ..database import begin_write
from ..extensions import db
from ..models.search import SearchOutbox, SearchState
from .indexer import _applied_unsettled, _position, index_key, index_status
from .registry import get_index, index_root

# The SearchState row name of the follower's heartbeat (no index is named so).
FOLLOWER = "~follower"
HEARTBEAT_SECONDS = 5


def _node_key():
    return index_key(Path(current_app.config["SEARCH_INDEX_DIR"]).resolve())


def record_heartbeat():
    """The follower is alive: stamp its row (committed on its own)."""
    begin_write()
    session = db.session
    key = _node_key()
    state = session.scalar(
        sa.select(SearchState).where(
            SearchState.index_name == FOLLOWER, SearchState.index_key == key
        )
    )
    if state is None:
        session.add(SearchState(index_name=FOLLOWER, index_key=key, last_outbox_id=0))
    else:
        state.updated_at = utcnow()
    session.commit()


def follower_status():
    """{"expected", "ok", "seen_seconds_ago"}: the follower of this node's index directory."""
    expected = bool(current_app.config.get("SEARCH_FOLLOWER_EXPECTED"))
    seen = db.session.scalar(
        sa.select(SearchState.updated_at).where(
            SearchState.index_name == FOLLOWER, SearchState.index_key == _node_key()
        )
    )
    db.session.rollback()
    age = None if seen is None else max(0, round((utcnow() - seen).total_seconds()))
    stale_after = current_app.config.get("SEARCH_FOLLOWER_STALE_SECONDS", 30)
    alive = age is not None and age <= stale_after
    return {"expected": expected, "ok": alive or not expected, "seen_seconds_ago": age}


def lag(name):
    """(rows, seconds): outbox rows this copy has not applied, and the age of the oldest one."""
    key = index_key(index_root(get_index(name)))
    session = db.session
    position = _position(session, name, key)
    rows = session.execute(
        sa.select(SearchOutbox.id, SearchOutbox.created_at)
        .where(SearchOutbox.index_name == name, SearchOutbox.id > position)
        .order_by(SearchOutbox.id)
    ).all()
    session.rollback()
    applied = _applied_unsettled.get(key, set())
    pending = [row for row in rows if row.id not in applied]
    if not pending:
        return 0, 0
    oldest = min(row.created_at for row in pending)
    return len(pending), max(0, round((utcnow() - oldest).total_seconds(), 1))


def search_health():
    """index_status() plus, per index, how far behind it is; and the follower; and warnings.

    An index more than ``SEARCH_LAG_DEGRADED_SECONDS`` behind is ``lagging``
    (the node serves, with stale results: /healthz says degraded).
    """
    threshold = current_app.config.get("SEARCH_LAG_DEGRADED_SECONDS", 10)
    indexes = index_status()
    for name, entry in indexes.items():
        rows, seconds = lag(name)
        entry["behind_rows"] = rows
        entry["behind_seconds"] = seconds
        entry["lagging"] = rows > 0 and seconds > threshold
    follower = follower_status()
    warnings = []
    if not follower["ok"]:
        warnings.append("search follower not running")
    return indexes, follower, warnings
