"""Connections to the question store's database: an SQLite file or PostgreSQL.

SQLite connections take the write lock when a transaction begins (`BEGIN
IMMEDIATE`), so two processes sharing a file queue for it instead of failing
half-way; they enforce foreign keys (feedback goes with its question) and zero
deleted rows on disk (`secure_delete`). The file is in WAL mode with
`synchronous=NORMAL`: a commit is a write to the log, not an fsync, so a burst of
questions is not paced by the disk; a killed process loses nothing it committed
(only a power cut can take the last commits). PostgreSQL is reached through psycopg 3.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from smcbot.errors import SettingsError, StoreError
from smcbot.settings import STORE_URL_SCHEMES

BUSY_TIMEOUT_S = 30.0  # how long a write waits for another process's transaction
WRITE_LOCK_PAUSE_S = 0.0005  # between tries for the write lock another process holds
SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file
NOT_SQLITE_FIX = "set SMCBOT_STORE__PATH to the question store's file or to a new path"


def not_sqlite(path: Path) -> str | None:
    """Why an existing file cannot be the question store, or None when it may be.

    A non-empty file without the SQLite header is someone else's file (a typo in
    SMCBOT_STORE__PATH): it must be refused, never set aside or overwritten. An empty
    file is a new database to SQLite; a damaged database keeps its header.
    """
    try:
        with path.open("rb") as handle:
            start = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        return f"{path} cannot be read ({error.strerror or error})"
    if start and start != SQLITE_HEADER:
        return f"{path} is not an SQLite database (left untouched)"
    return None


def refuse_foreign_file(path: Path) -> None:
    """Refuse, in one line, an existing file that is not an SQLite database.

    Raises:
        StoreError: the file exists and is not an SQLite database (or cannot be read).
    """
    if path.is_file() and (reason := not_sqlite(path)):
        raise StoreError(f"question store {reason}; {NOT_SQLITE_FIX}")


def postgres_url(url: str) -> str:
    """A `postgresql://` address as SQLAlchemy names the psycopg 3 driver.

    Raises:
        SettingsError: the address is not a PostgreSQL (or SQLite) URL.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise SettingsError("SMCBOT_STORE__URL must look like postgresql://user:password@host:5432/database")
    if scheme == "sqlite":
        return url
    if scheme in STORE_URL_SCHEMES:
        return f"postgresql+psycopg://{rest}"
    raise SettingsError(f"SMCBOT_STORE__URL: unsupported database {scheme!r}; use postgresql://…")


def sqlite_engine(path: Path) -> Engine:
    """An engine on an SQLite file (not opened until first used)."""
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_S})
    _configure_sqlite(engine)
    return engine


def url_engine(url: str) -> Engine:
    """An engine on the database a URL names (PostgreSQL, or SQLite for tests)."""
    address = postgres_url(url)
    if address.startswith("sqlite"):
        engine = create_engine(address, connect_args={"timeout": BUSY_TIMEOUT_S})
        _configure_sqlite(engine)
        return engine
    # pre_ping: a connection the server closed (restart, idle timeout) is replaced, not failed on
    return create_engine(address, pool_pre_ping=True, pool_size=5, max_overflow=10)


def describe(engine: Engine) -> str:
    """Where the store lives, for messages: the file, or the URL without its password."""
    if engine.dialect.name == "sqlite":
        return str(engine.url.database)
    return make_url(engine.url).render_as_string(hide_password=True).replace("+psycopg", "")


def _configure_sqlite(engine: Engine) -> None:
    """Per-connection pragmas, and transactions that take the write lock at BEGIN."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # the driver's own BEGIN is replaced by ours below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")  # deleted rows are zeroed on disk, not just unlinked
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        begin_immediate(connection.connection.dbapi_connection)


def begin_immediate(dbapi_connection: sqlite3.Connection, *, timeout: float = BUSY_TIMEOUT_S) -> None:
    """Begin a transaction holding the write lock, trying again every half millisecond while
    another process holds it (for up to `timeout` seconds).

    SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25 ms… between tries: with two bots
    writing to one file under a burst, a question's record waited tens of milliseconds for a
    lock that each write holds for a fraction of one.

    Raises:
        sqlite3.OperationalError: the lock was not free in time, or another failure.
    """
    give_up = time.monotonic() + timeout
    dbapi_connection.execute("PRAGMA busy_timeout = 0")  # fail at once while locked: we wait here
    try:
        while True:
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > give_up:
                    raise
            time.sleep(WRITE_LOCK_PAUSE_S)
    finally:  # reads and commits keep SQLite's patient handler (they rarely meet a lock in WAL mode)
        dbapi_connection.execute(f"PRAGMA busy_timeout = {round(BUSY_TIMEOUT_S * 1000)}")
