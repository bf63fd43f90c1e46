"""Schema migrations of the question store (Alembic), applied in place.

Every opening of the store runs `upgrade`: a store at an older revision (or made
before migrations existed) is brought to the newest one with its rows kept; a
store at a revision this version does not know (written by a newer smcbot) is
refused. Processes starting together take turns: PostgreSQL through an advisory
lock held by the migrating transaction, SQLite through its write lock
(`BEGIN IMMEDIATE`, see `engine`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from smcbot.errors import StoreVersionError

SCRIPTS = Path(__file__).parent / "schema_versions"
LOCK_ID = 0x5343_4254  # any fixed number: the advisory lock that serialises migrations


@dataclass(frozen=True)
class Upgrade:
    """What an upgrade did: the revision found (None: a new or pre-migration store) and the one left."""

    before: str | None
    after: str

    @property
    def changed(self) -> bool:
        """Whether any migration ran."""
        return self.before != self.after


def scripts() -> ScriptDirectory:
    """The migrations that ship with this version."""
    return ScriptDirectory.from_config(_config())


def head() -> str:
    """The newest revision this version knows."""
    return str(scripts().get_current_head())


def upgrade(engine: Engine) -> Upgrade:
    """Bring the store to the newest revision, in one transaction.

    Raises:
        StoreVersionError: the store is at a revision this version does not know.
    """
    directory = scripts()
    newest = str(directory.get_current_head())
    with engine.begin() as connection:
        _lock(connection)
        before = current_revision(connection)
        if before is not None and before not in {script.revision for script in directory.walk_revisions()}:
            raise StoreVersionError(
                f"the question store is at schema revision {before}, newer than this smcbot knows ({newest}); "
                "upgrade smcbot"
            )
        if before != newest:
            command.upgrade(_config(connection), "head")
    return Upgrade(before=before, after=newest)


def current_revision(connection: Connection) -> str | None:
    """The revision recorded in the store, or None (a new store, or one from before migrations)."""
    return MigrationContext.configure(connection).get_current_revision()


def _lock(connection: Connection) -> None:
    """On PostgreSQL, wait for any other process's migration (released at commit)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": LOCK_ID})


def _config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, in code: the bundled scripts, and our connection for env.py."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    return config
