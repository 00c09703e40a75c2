"""Catch-up: a web node applies changes made on other nodes by itself, with no extra process.

Each node keeps its own index copy, and a change committed on node A is
applied at once to A's copy only (``SEARCH_SYNC_ON_COMMIT``). Every other
node notices it here, in two ways:

- a small daemon thread per process (started on the first request, or by
  gunicorn's ``post_worker_init`` hook, so always after the fork) wakes every
  ``SEARCH_CATCH_UP_INTERVAL`` seconds, compares the newest outbox id with
  this copy's recorded position (one cheap query) and, when it is behind,
  applies the outbox when the index lock is free (``sync_pending`` skips a
  copy whose lock another worker of the node holds: that one is applying the
  same rows). On PostgreSQL it also LISTENs on the ``search_outbox`` channel,
  which every outbox insert NOTIFYs in its own transaction, so it wakes as
  soon as the change commits;
- requests check the same thing, throttled to once per interval per process,
  and apply a small gap (up to ``INLINE_ROWS`` rows) themselves, so the first
  search after a quiet spell is already up to date; a larger gap is left to
  the thread.

``SEARCH_CATCH_UP = False`` switches both off (run ``flask search sync
--follow`` beside the node instead). A failure (the database restarting, a
damaged index) is logged and retried on the next tick; it never reaches a
request.
"""

import logging
import os
import threading
import time

import sqlalchemy as sa

from ..extensions import db
from ..models.search import SearchOutbox, SearchState
from .indexer import index_key, prune_outbox, sync_pending
from .outbox import CHANNEL
from .registry import get_index, index_names, index_root

log = logging.getLogger(__name__)

# A request applies a gap of at most this many rows itself; more is left to the thread.
INLINE_ROWS = 200
# After an error (the database down), wait this long before the next attempt.
ERROR_BACKOFF_SECONDS = 2.0
# The thread also deletes outbox rows every index copy has applied (as the follower does).
PRUNE_EVERY_SECONDS = 300

_state_lock = threading.Lock()
# Per app (id) in this process: {"pid": ..., "thread": ..., "wake": Event, "checked": monotonic}.
_nodes: dict[int, dict] = {}


def init_app(app):
    if not app.config.get("SEARCH_CATCH_UP", True):
        return

    @app.before_request
    def _catch_up_on_request():
        node = ensure_started(app)
        now = time.monotonic()
        if now - node["checked"] < _interval(app):
            return
        node["checked"] = now
        try:
            behind = rows_behind()
        except Exception:  # a request never fails because of the catch-up
            db.session.rollback()
            return
        if 0 < behind <= INLINE_ROWS:
            try:
                sync_pending()
            except Exception:
                log.exception("catching up the search index on a request failed")
        elif behind:
            node["wake"].set()


def _interval(app):
    return max(float(app.config.get("SEARCH_CATCH_UP_INTERVAL", 0.5)), 0.05)


def ensure_started(app):
    """Start this process's catch-up thread for `app` unless it runs (a fork has none)."""
    pid = os.getpid()
    node = _nodes.get(id(app))
    if node is not None and node["pid"] == pid and node["thread"].is_alive():
        return node
    with _state_lock:
        node = _nodes.get(id(app))
        if node is None or node["pid"] != pid or not node["thread"].is_alive():
            stop = threading.Event()
            wake = threading.Event()
            thread = threading.Thread(
                target=_run, args=(app, wake, stop), name="search-catch-up", daemon=True
            )
            node = {"pid": pid, "thread": thread, "wake": wake, "stop": stop, "checked": 0.0}
            _nodes[id(app)] = node
            thread.start()
    return node


def stop(app, timeout=5.0):
    """Stop `app`'s catch-up thread in this process (tests; a daemon thread needs no stopping)."""
    node = _nodes.pop(id(app), None)
    if node is not None and node["pid"] == os.getpid():
        node["stop"].set()
        node["wake"].set()
        node["thread"].join(timeout)


def rows_behind():
    """Outbox rows newer than the lowest recorded position of this node's index copies.

    One query: the newest outbox id minus the position, so it costs the same
    whatever the backlog. Rows another worker of this node applied but could
    not yet record (see the indexer's settling) still count until they settle.
    """
    keys = [index_key(index_root(get_index(name))) for name in index_names()]
    newest = sa.select(sa.func.coalesce(sa.func.max(SearchOutbox.id), 0)).scalar_subquery()
    positions = db.session.execute(
        sa.select(SearchState.index_name, SearchState.last_outbox_id, newest).where(
            SearchState.index_key.in_(keys), SearchState.index_name.in_(index_names())
        )
    ).all()
    if positions:
        top = positions[0][2]
    else:
        top = db.session.scalar(sa.select(sa.func.max(SearchOutbox.id))) or 0
    db.session.rollback()
    if len(positions) < len(keys):
        # A copy with no position yet: everything is pending (sync rebuilds a missing index).
        return top
    return max(0, top - min(position for _name, position, _top in positions))


def _run(app, wake, stop):
    listener = _Listener(app)
    interval = _interval(app)
    last_prune = time.monotonic()
    while not stop.is_set():
        try:
            with app.app_context():
                if rows_behind():
                    sync_pending()
                if time.monotonic() - last_prune > PRUNE_EVERY_SECONDS:
                    last_prune = time.monotonic()
                    prune_outbox()
        except Exception:
            log.warning("search catch-up failed; retrying", exc_info=True)
            listener.close()
            stop.wait(ERROR_BACKOFF_SECONDS)
        if listener.wait(interval, wake, stop):
            continue
    listener.close()


class _Listener:
    """LISTEN on PostgreSQL (wakes on the outbox's NOTIFY); elsewhere a plain timed wait."""

    def __init__(self, app):
        self.url = None
        self.connection = None
        self.retry_at = 0.0
        with app.app_context():
            engine = db.engine
            if engine.dialect.name == "postgresql" and app.config.get(
                "SEARCH_CATCH_UP_LISTEN", True
            ):
                self.url = engine.url.set(drivername="postgresql").render_as_string(
                    hide_password=False
                )

    def _connect(self):
        if self.connection is not None or self.url is None or time.monotonic() < self.retry_at:
            return self.connection
        import psycopg

        try:
            self.connection = psycopg.connect(self.url, autocommit=True, connect_timeout=3)
            self.connection.execute(f"LISTEN {CHANNEL}")
        except Exception:
            self.close()
            self.retry_at = time.monotonic() + ERROR_BACKOFF_SECONDS
        return self.connection

    def wait(self, interval, wake, stop):
        """Wait up to `interval`; True when woken early (a NOTIFY, a request, stop)."""
        connection = self._connect()
        if connection is None:
            woken = wake.wait(interval)
            wake.clear()
            return woken
        deadline = time.monotonic() + interval
        while not stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if wake.is_set():
                wake.clear()
                return True
            try:
                for _notify in connection.notifies(timeout=min(remaining, 0.25), stop_after=1):
                    return True
            except Exception:  # the server went away: poll until it is back
                self.close()
                self.retry_at = time.monotonic() + ERROR_BACKOFF_SECONDS
                return False
        return True

    def close(self):
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # already broken
                log.debug("closing the LISTEN connection failed", exc_info=True)
            self.connection = None
