"""Database engine tuning, the one way to start a write transaction, and substring matching.

SQLite runs in WAL mode with a busy timeout. Reads use ordinary deferred
transactions; a write path calls :func:`begin_write` first so that, on
SQLite, it takes the write lock up front (``BEGIN IMMEDIATE``) and waits its
turn instead of failing with "database is locked" when a read lock cannot be
upgraded. On PostgreSQL it simply starts a fresh transaction.

Where the database matches words typed by someone (the search fallbacks, the
staff inbox, the events list), :func:`contains` and :func:`any_contains`
take the words literally: LIKE's wildcards in them are escaped.
"""

from contextvars import ContextVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

_immediate = ContextVar("sqlite_begin_immediate", default=False)

SQLITE_BUSY_TIMEOUT_MS = 30000


def init_app(app):
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine)


def _configure_sqlite(engine: Engine):
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Deleted or overwritten content is zeroed, not left in free pages (erasure: app/privacy).
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")


def begin_write():
    """Start the transaction a write path commits; call it before the first query.

    Any read transaction already open on the session is ended first.
    """
    session = db.session()  # the scoped_session proxy has no in_transaction()
    if session.in_transaction():
        session.commit()
    token = _immediate.set(True)
    try:
        session.connection()
    finally:
        _immediate.reset(token)


def like_pattern(text):
    """A LIKE pattern matching `text` anywhere, its wildcards escaped (with backslash)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def contains(column, text):
    """`column` contains `text`, case-insensitively."""
    return column.ilike(like_pattern(text), escape="\\")


def any_contains(columns, text):
    """One of `columns` contains `text`, case-insensitively."""
    return sa.or_(*(contains(column, text) for column in columns))
