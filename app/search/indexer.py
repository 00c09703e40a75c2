"""The indexer: applies the outbox to each index, rebuilds and checks indexes.

How far an index has applied the outbox is kept in SearchState, keyed by the
index name and by ``<host>:<index directory>``, so every copy of an index (a
second machine has its own) catches up on its own.

Outbox ids are not always committed in id order: on PostgreSQL a transaction
that took a lower id can commit after one with a higher id. The indexer
therefore applies every row it sees, but only advances its recorded position
over rows that are contiguous with it or older than ``SETTLE_SECONDS``
(on SQLite, where writers take the lock up front and commit one at a time,
ids always commit in order and every row is settled at once);
rows beyond that are applied again on later runs (re-reading an entity and
upserting it is idempotent), unless this process already applied them.

All work runs in an app context of its own, so the caller's session (and
its transaction) is never touched.
"""

import contextlib
import logging
import socket
import threading
import time
import warnings
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.util.filelock import FileLock

from ..clock import utcnow
from ..database import begin_write
from ..extensions import db
from ..models.search import SearchOutbox, SearchState
from .bulkwrite import add_document, fast_flush
from .engine import release_leaked_files
from .registry import (
    LOCK_FILE,
    current_generation,
    generation_token,
    get_index,
    index_names,
    index_root,
    new_generation,
    publish_generation,
)

log = logging.getLogger(__name__)

SETTLE_SECONDS = 5
# Rounds of sync_pending after the lock is released and new rows are found.
SYNC_ROUNDS = 5
BATCH_ROWS = 10000
LOAD_CHUNK = 1000
# limitmb is Whoosh's estimate of the postings kept in memory before it sorts them to a
# temporary file: 10,000 projects make about 2.6 million postings (~450 MB by its count).
WRITER_OPTIONS = {"limitmb": 1024, "procs": 1}
# Outbox rows applied by every known index copy are deleted once this old.
PRUNE_AFTER = timedelta(hours=1)

# Outbox ids beyond the recorded position that this process already applied, per index copy.
_applied_unsettled: dict[str, set[int]] = {}
_process_lock = threading.Lock()


def index_key(root):
    return f"{socket.gethostname()}:{root}"


@contextlib.contextmanager
def index_lock(root, blocking=False, timeout=120.0):
    """Hold the lock that serialises indexers of one index copy; yields whether it was acquired.

    A process-wide lock comes first because flock() locks belong to the
    open file, so two threads of one process would not exclude each other.
    """
    root.mkdir(parents=True, exist_ok=True)
    if not _process_lock.acquire(blocking=blocking, timeout=timeout if blocking else -1):
        yield False
        return
    try:
        lock = FileLock(str(root / LOCK_FILE))
        acquired = _acquire(lock, blocking, timeout)
        try:
            yield acquired
        finally:
            if acquired:
                lock.release()
    finally:
        _process_lock.release()


def _acquire(lock, blocking, timeout):
    if not blocking:
        return lock.acquire(blocking=False)
    from whoosh.util.filelock import try_for

    return try_for(lambda: lock.acquire(blocking=False), timeout, 0.05)


def _position(session, name, key):
    state = session.scalar(
        sa.select(SearchState).where(SearchState.index_name == name, SearchState.index_key == key)
    )
    return state.last_outbox_id if state else 0


def _set_position(name, key, position):
    begin_write()
    session = db.session
    state = session.scalar(
        sa.select(SearchState).where(SearchState.index_name == name, SearchState.index_key == key)
    )
    if state is None:
        session.add(SearchState(index_name=name, index_key=key, last_outbox_id=position))
    else:
        state.last_outbox_id = position
    session.commit()


def _settled_before():
    """Outbox rows created before this moment can have no uncommitted lower id."""
    if db.engine.dialect.name == "sqlite":
        return utcnow()
    return utcnow() - timedelta(seconds=SETTLE_SECONDS)


def _advance(position, rows, settled_before):
    """The new position: past rows contiguous with it, or old enough that no earlier id can still commit."""
    for row in rows:
        if row.id != position + 1 and row.created_at > settled_before:
            break
        position = row.id
    return position


def sync_pending(index_name=None):
    """Apply pending outbox rows to the named index (or all); returns how many rows were applied.

    Skips an index whose lock another process or thread holds: that one is
    applying the same rows. A missing index is rebuilt from the database.
    """
    applied = 0
    with current_app.app_context():
        for name in [index_name] if index_name else index_names():
            try:
                applied += _sync_one(get_index(name))
            finally:
                db.session.rollback()
    return applied


def _sync_one(definition):
    """Apply pending rows; after releasing the lock, look again for rows written meanwhile.

    A writer whose own attempt found the lock held relies on the holder to
    apply its rows. Its row was committed before that attempt, so a last
    look after the release (and another round if it finds one) never leaves
    it waiting for the next commit.
    """
    applied = 0
    for _round in range(SYNC_ROUNDS):
        acquired, count, last_seen = _sync_one_locked(definition)
        applied += count
        if not acquired or not _has_rows_after(definition.name, last_seen):
            break
    return applied


def _has_rows_after(index_name, outbox_id):
    found = db.session.scalar(
        sa.select(SearchOutbox.id)
        .where(SearchOutbox.id > outbox_id, SearchOutbox.index_name == index_name)
        .limit(1)
    )
    db.session.rollback()
    return found is not None


def _sync_one_locked(definition):
    """One pass under the lock: (acquired, rows applied, highest outbox id seen)."""
    root = index_root(definition)
    with index_lock(root) as acquired:
        if not acquired:
            return False, 0, 0
        generation = current_generation(root)
        if generation is None:
            # The rebuild read every row up to now; later ones get the next round.
            started = db.session.scalar(sa.select(sa.func.max(SearchOutbox.id))) or 0
            db.session.rollback()
            _rebuild_locked(definition, root)
            return True, 0, started
        ix = whoosh_index.open_dir(str(generation))
        key = index_key(root)
        seen = _applied_unsettled.setdefault(key, set())
        applied = 0
        last_seen = 0
        while True:
            session = db.session
            position = _position(session, definition.name, key)
            rows = session.execute(
                sa.select(
                    SearchOutbox.id,
                    SearchOutbox.index_name,
                    SearchOutbox.entity_id,
                    SearchOutbox.created_at,
                )
                .where(SearchOutbox.id > position)
                .order_by(SearchOutbox.id)
                .limit(BATCH_ROWS)
            ).all()
            session.rollback()
            last_seen = max([last_seen, position] + [r.id for r in rows])
            todo = [r for r in rows if r.index_name == definition.name and r.id not in seen]
            if todo:
                try:
                    _apply(ix, definition, sorted({r.entity_id for r in todo}))
                except LockError:
                    return True, applied, last_seen
                applied += len(todo)
                seen.update(r.id for r in todo)
            new_position = _advance(position, rows, _settled_before())
            if new_position != position:
                _set_position(definition.name, key, new_position)
                seen.difference_update({i for i in seen if i <= new_position})
            if len(rows) < BATCH_ROWS or new_position == position:
                return True, applied, last_seen


def _apply(ix, definition, entity_ids):
    """Re-read the entities and upsert or delete their documents, in one commit.

    Existing documents are found with one reader and deleted by number:
    Whoosh's update_document() opens a searcher per call, which makes a
    10,000-row batch take minutes instead of seconds.
    """
    writer = fast_flush(ix.writer(timeout=0, **WRITER_OPTIONS))
    try:
        with writer.reader() as reader:
            for start in range(0, len(entity_ids), LOAD_CHUNK):
                chunk = entity_ids[start : start + LOAD_CHUNK]
                documents = definition.load_documents(chunk)
                db.session.rollback()
                for entity_id in chunk:
                    key = str(entity_id)
                    if reader.doc_frequency("id", key):
                        for docnum in reader.postings("id", key).all_ids():
                            writer.delete_document(docnum)
                    document = documents.get(entity_id)
                    if document is not None:
                        add_document(writer, document)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def rebuild_index(index_name=None):
    """Build each named index (or all) from the database into a new directory and swap it in.

    Returns the number of documents indexed. Waits for a running indexer to
    finish first, and holds the lock so none applies rows to the old copy
    while the new one is built.
    """
    total = 0
    with current_app.app_context():
        for name in [index_name] if index_name else index_names():
            definition = get_index(name)
            root = index_root(definition)
            with index_lock(root, blocking=True) as acquired:
                if not acquired:
                    raise RuntimeError(f"could not lock the {name} index for a rebuild")
                total += _rebuild_locked(definition, root)
    return total


def _rebuild_locked(definition, root):
    session = db.session
    # Captured before the rows are read: later changes are applied on top by sync.
    settled_before = _settled_before()
    position = (
        session.scalar(
            sa.select(sa.func.max(SearchOutbox.id)).where(SearchOutbox.created_at <= settled_before)
        )
        or 0
    )
    # Rows already visible now are reflected in what is read next: this
    # process need not apply them again (later rows are applied by sync).
    visible = set(session.scalars(sa.select(SearchOutbox.id).where(SearchOutbox.id > position)))
    ids = list(definition.all_ids())
    generation = new_generation(root)
    ix = whoosh_index.create_in(str(generation), definition.schema)
    writer = fast_flush(ix.writer(**WRITER_OPTIONS))
    count = 0
    try:
        for start in range(0, len(ids), LOAD_CHUNK):
            documents = definition.load_documents(ids[start : start + LOAD_CHUNK])
            for document in documents.values():
                if document is not None:
                    add_document(writer, document)
                    count += 1
            session.expunge_all()
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    session.rollback()
    publish_generation(root, generation)
    position = _covered(session, position, visible)
    key = index_key(root)
    _applied_unsettled[key] = {outbox_id for outbox_id in visible if outbox_id > position}
    _set_position(definition.name, key, position)
    return count


def _covered(session, position, visible):
    """How far a rebuild covers the outbox: past every row it saw before reading the database.

    Those rows are reflected in what it read, so the recorded position
    passes them, and every process (the web server's /healthz too) sees
    nothing pending. A missing lower id (a transaction that may still
    commit, on PostgreSQL) is waited for until it is settled; a row that
    appears meanwhile was not seen, so it stays pending for sync.
    """
    if not visible:
        return position
    last = max(visible)
    deadline = time.monotonic() + SETTLE_SECONDS + 1
    while True:
        rows = session.execute(
            sa.select(SearchOutbox.id, SearchOutbox.created_at)
            .where(SearchOutbox.id > position, SearchOutbox.id <= last)
            .order_by(SearchOutbox.id)
        ).all()
        session.rollback()
        settled_before = _settled_before()
        for row in rows:
            if row.id not in visible:
                return position
            if row.id != position + 1 and row.created_at > settled_before:
                break
            position = row.id
        if position >= last or time.monotonic() > deadline:
            return position
        time.sleep(0.1)


def prune_outbox():
    """Delete outbox rows that every known index copy has applied (and that are old enough)."""
    with current_app.app_context():
        begin_write()
        session = db.session
        cutoff = utcnow() - PRUNE_AFTER
        deleted = 0
        for name in index_names():
            lowest = session.scalar(
                sa.select(sa.func.min(SearchState.last_outbox_id)).where(
                    SearchState.index_name == name
                )
            )
            if lowest:
                result = session.execute(
                    sa.delete(SearchOutbox).where(
                        SearchOutbox.index_name == name,
                        SearchOutbox.id <= lowest,
                        SearchOutbox.created_at < cutoff,
                    )
                )
                deleted += result.rowcount or 0
        session.commit()
        return deleted


def pending_count(session, name, key):
    """Outbox rows of the index beyond its position that this process has not applied yet."""
    position = _position(session, name, key)
    pending = session.scalars(
        sa.select(SearchOutbox.id).where(
            SearchOutbox.index_name == name, SearchOutbox.id > position
        )
    )
    applied = _applied_unsettled.get(key, set())
    return sum(1 for outbox_id in pending if outbox_id not in applied)


def check_index(index_name="projects"):
    """Compare the index with the database: {"missing": [ids], "orphaned": [ids], "stale": pending}."""
    definition = get_index(index_name)
    root = index_root(definition)
    with current_app.app_context():
        session = db.session
        expected = set(definition.all_ids())
        stale = pending_count(session, index_name, index_key(root))
        session.rollback()
    indexed = set()
    generation = current_generation(root)
    if generation is not None:
        ix = whoosh_index.open_dir(str(generation))
        with ix.reader() as reader:
            indexed = {int(fields["id"]) for _docnum, fields in reader.iter_docs()}
    return {
        "missing": sorted(expected - indexed),
        "orphaned": sorted(indexed - expected),
        "stale": stale,
    }


_document_counts: dict = {}


def _document_count(generation):
    """The number of documents, read again only when the generation changed on disk."""
    token = generation_token(generation)
    key = str(generation)
    cached = _document_counts.get(key)
    if cached is None or cached[0] != token:
        cached = (token, whoosh_index.open_dir(str(generation)).doc_count())
        _document_counts[key] = cached
    return cached[1]


def index_status():
    """For /healthz: per index, whether it opens, its document count and pending changes."""
    status = {}
    with current_app.app_context():
        for name in index_names():
            definition = get_index(name)
            root = index_root(definition)
            entry = {"ok": False, "documents": 0, "pending": 0, "error": None}
            with warnings.catch_warnings():
                # Whoosh leaves files open when it fails to read a damaged index.
                warnings.simplefilter("ignore", ResourceWarning)
                try:
                    entry["pending"] = pending_count(db.session, name, index_key(root))
                    db.session.rollback()
                    generation = current_generation(root)
                    if generation is None:
                        entry["error"] = "index missing"
                    else:
                        entry["documents"] = _document_count(generation)
                        entry["ok"] = True
                except Exception as error:  # a broken index is reported, not raised
                    # /healthz is public: the kind of failure, never its text (paths, SQL).
                    entry["error"] = (
                        "index unreadable" if isinstance(error, OSError) else "index damaged"
                    )
                    # str(): a log record must not keep the traceback (and its open files) alive.
                    current_app.logger.warning("search index %s: %s", name, str(error))
                if entry["error"]:
                    release_leaked_files()
            status[name] = entry
    return status


@event.listens_for(Session, "after_commit")
def _sync_after_commit(session):
    """Apply the outbox right after a commit that wrote to it, when the index lock is free."""
    if not session.info.pop("search_changed", False) or not has_app_context():
        return
    if not current_app.config.get("SEARCH_SYNC_ON_COMMIT", True):
        return
    try:
        sync_pending()
    except Exception:  # the commit has happened; `flask search sync` catches up
        log.exception("applying the search outbox after a commit failed")


@event.listens_for(Session, "after_rollback")
def _forget_changes(session):
    session.info.pop("search_changed", None)
