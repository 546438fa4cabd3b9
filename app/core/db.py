"""Database session helpers: SQLite tuning, write transactions, row locks."""

import contextvars
from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import bindparam, event, inspect, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db

_write_intent = contextvars.ContextVar("write_intent", default=False)


# The clock every service reads; tests replace it to place events at chosen instants.
clock = datetime.now


def utcnow():
    """Return the current time as an aware UTC datetime."""
    return clock(timezone.utc)


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
        connection.info["can_write"] = True
        return

    # A deferred transaction that reads and then writes can fail with
    # "database is locked" without waiting; IMMEDIATE waits for the lock instead.
    immediate = _write_intent.get()
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
    connection.info["can_write"] = immediate


def mark_write_request():
    """Declare that the current request will write, so its first transaction takes the write lock.

    Returns a token for ``clear_write_request`` at the end of the request.
    """
    return _write_intent.set(True)


def clear_write_request(token):
    """Undo ``mark_write_request``, so a reused thread starts its next request read-only."""
    _write_intent.reset(token)


@contextmanager
def write_transaction():
    """Run the block in one transaction that commits at the end or rolls back on error."""
    session = db.session()
    if session.in_transaction() and not session.connection().info.get("can_write"):
        # A read earlier in the request opened an SQLite transaction without the
        # write lock. Ending it with a commit (not a rollback) keeps loaded
        # objects such as the current user from being expired and loaded again.
        session.commit()

    token = _write_intent.set(True)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        _write_intent.reset(token)


_UPDATE_STATEMENTS = {}


def _update_statement(mapper, names):
    key = (mapper.class_, names)
    statement = _UPDATE_STATEMENTS.get(key)
    if statement is None:
        table = mapper.local_table
        (primary_key,) = mapper.primary_key
        statement = (
            update(table)
            .where(primary_key == bindparam("row_id", type_=primary_key.type))
            .values({name: bindparam(f"new_{name}", type_=table.c[name].type) for name in names})
        )
        _UPDATE_STATEMENTS[key] = statement
    return statement


def apply_update(obj, **values):
    """Write column values of a persistent ORM object with one UPDATE, bypassing the unit of work.

    The object's attributes are set as already committed, so the session does
    not flush them again. The statement is built once per table and column set
    and then reused: on the task completion path, building statements and ORM
    flush bookkeeping cost more than the SQL itself.
    """
    mapper = inspect(obj).mapper
    names = tuple(sorted(values))
    params = {f"new_{name}": values[name] for name in names}
    params["row_id"] = mapper.primary_key_from_instance(obj)[0]
    db.session.execute(_update_statement(mapper, names), params)
    for name, value in values.items():
        set_committed_value(obj, name, value)
