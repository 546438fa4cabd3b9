"""Database session helpers: SQLite tuning, write transactions, row locks."""

import contextvars
from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import event
from sqlalchemy.engine import Engine

from ..extensions import db

_write_intent = contextvars.ContextVar("write_intent", default=False)


def utcnow():
    """Return the current time as an aware UTC datetime."""
    return datetime.now(timezone.utc)


def is_sqlite(engine=None):
    """Return True when the bound database is SQLite."""
    engine = engine or db.engine
    return engine.dialect.name == "sqlite"


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.split(".")[0] not in ("sqlite3", "pysqlite2"):
        return

    # Let SQLAlchemy's begin event issue BEGIN itself (see _begin_sqlite), so
    # write transactions can take the write lock up front.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection):
    if connection.dialect.name != "sqlite":
        return

    # A deferred transaction that reads and then writes can fail with
    # "database is locked" without waiting; IMMEDIATE waits for the lock instead.
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


@contextmanager
def write_transaction():
    """Run the block in one transaction that commits at the end or rolls back on error."""
    session = db.session()
    if session.in_transaction():
        # A read earlier in the request opened a transaction without the write lock.
        session.rollback()

    token = _write_intent.set(True)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        _write_intent.reset(token)
