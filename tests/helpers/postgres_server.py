"""A throwaway PostgreSQL server for the tests: `initdb` in a temporary folder, then
`pg_ctl start` on 127.0.0.1 and a free port, stopped and deleted at the end.

Debian's `postgresql` package provides the programs (`scripts/test.sh` installs it
when it runs as root). PostgreSQL refuses to run as root, so under root the
server runs as the `postgres` user (or `nobody`) through `runuser`.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's programs are not installed here (or cannot be run)."""


def _bin_dir() -> Path:
    """The folder of initdb/pg_ctl: Debian's versioned folder, else the PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise PostgresUnavailable("PostgreSQL is not installed (no initdb); scripts/test.sh installs it as root")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """One PostgreSQL cluster for a test run; `database()` gives each test a fresh database."""

    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="smcbot-pg-"))
        self.data = self.folder / "data"
        self._user = None
        if os.geteuid() == 0:  # initdb and postgres refuse root
            self._user = "postgres" if _user_exists("postgres") else "nobody"
            entry = pwd.getpwnam(self._user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)

    def start(self) -> PostgresServer:
        """Create the cluster and start the server; returns self.

        Raises:
            PostgresUnavailable: a program failed (its output is in the message).
        """
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options, "-w", "start")
        atexit.register(self.stop)  # pg_ctl leaves the server running on its own: never leave it behind
        return self

    def stop(self) -> None:
        """Stop the server at once and delete its files (again: nothing happens)."""
        if not self.folder.exists():
            return
        with contextlib.suppress(PostgresUnavailable):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def admin_url(self) -> str:
        """The server's maintenance database."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def database(self) -> str:
        """Create an empty database; returns its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url, autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self._user:
            command = ["runuser", "-u", self._user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder, check=False)
        if done.returncode != 0:
            raise PostgresUnavailable(f"{program} failed: {(done.stderr or done.stdout).strip()[-500:]}")


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
