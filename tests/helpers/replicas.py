"""Several real bot processes on one question store: `smcbot telegram` in webhook mode
and `smcbot slack` in HTTP mode, pointed at the stand-in APIs, for the replica tests
and `benchmarks/load.py`.

`running_cluster(...)` starts the stand-ins, the processes and (for PostgreSQL) a
throwaway server, and stops them all on the way out. Updates and events are
delivered the way Telegram and Slack deliver them (a webhook POST with its secret
header, a signed event), to whichever replica the caller picks, as a load
balancer would.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from smcbot.settings import load_settings
from smcbot.store import QuestionStore
from tests.helpers.postgres_server import PostgresServer
from tests.helpers.slack import SECRET as SLACK_SECRET
from tests.helpers.slack import TOKEN as SLACK_TOKEN
from tests.helpers.slack import SlackSide
from tests.helpers.slack_api import SlackApiStandIn
from tests.helpers.telegram import TOKEN as TELEGRAM_TOKEN
from tests.helpers.telegram_api import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent.parent
HASH_KEY = "replica-hash-key"
WEBHOOK_SECRET = "replica-webhook-secret"
START_TIMEOUT = 180.0  # seconds for a replica to load the index and listen, on a busy machine


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Replica:
    """One bot process: its command, port and log."""

    command: str
    port: int
    process: subprocess.Popen
    log: Path

    def kill(self) -> None:
        """Kill the process at once (SIGKILL: nothing gets to finish)."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def log_text(self) -> str:
        """What the process wrote so far."""
        return self.log.read_text(errors="replace")


@dataclass
class Cluster:
    """The stand-in APIs, the shared store and the replicas."""

    telegram: FakeBotApi
    slack: SlackApiStandIn
    store: dict[str, str]  # the replicas' store settings, as environment variables
    index_dir: Path
    replicas: list[Replica] = field(default_factory=list)
    # one client for every delivery: a burst measures the bots, not TLS contexts made per request
    client: httpx.Client = field(
        default_factory=lambda: httpx.Client(timeout=30, limits=httpx.Limits(max_connections=200))
    )

    def of(self, command: str) -> list[Replica]:
        """The replicas running `smcbot <command>`."""
        return [r for r in self.replicas if r.command == command]

    def post_update(self, replica: int, update: dict) -> int:
        """Deliver a Telegram update to a webhook replica; returns the HTTP status (0: no answer)."""
        port = self.of("telegram")[replica].port
        try:
            response = self.client.post(
                f"http://127.0.0.1:{port}/telegram",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET},
            )
        except httpx.TransportError:
            return 0
        return response.status_code

    def slack_side(self, replica: int) -> SlackSide:
        """Plays Slack towards one Slack replica."""
        url = f"http://127.0.0.1:{self.of('slack')[replica].port}/slack/events"
        return SlackSide(url, self.slack, None, client=self.client)

    def open_store(self) -> QuestionStore:
        """The replicas' store, opened here to read what they recorded."""
        location = {"url": self.store["SMCBOT_STORE__URL"]} if "SMCBOT_STORE__URL" in self.store else {}
        location |= {"path": Path(self.store["SMCBOT_STORE__PATH"])} if "SMCBOT_STORE__PATH" in self.store else {}
        return QuestionStore.from_settings(load_settings(store={**location, "hash_key": HASH_KEY}))


def replica_env(cluster: Cluster, extra: dict[str, str]) -> dict[str, str]:
    """Settings every replica shares."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
        "SMCBOT_INDEX_DIR": str(cluster.index_dir),
        "SMCBOT_STORE__HASH_KEY": HASH_KEY,
        "SMCBOT_LOG_LEVEL": os.environ.get("SMCBOT_LOG_LEVEL", "WARNING"),
        **cluster.store,
        **extra,
    }


def telegram_env(cluster: Cluster, port: int) -> dict[str, str]:
    """A webhook replica's own settings."""
    return {
        "SMCBOT_TELEGRAM__TOKEN": TELEGRAM_TOKEN,
        "SMCBOT_TELEGRAM__BASE_URL": cluster.telegram.base_url,
        "SMCBOT_TELEGRAM__WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
        "SMCBOT_TELEGRAM__WEBHOOK_PORT": str(port),
        "SMCBOT_TELEGRAM__WEBHOOK_LISTEN": "127.0.0.1",
        "SMCBOT_TELEGRAM__WEBHOOK_SECRET": WEBHOOK_SECRET,
    }


def slack_env(cluster: Cluster, port: int) -> dict[str, str]:
    """An HTTP-mode Slack replica's own settings."""
    return {
        "SMCBOT_SLACK__BOT_TOKEN": SLACK_TOKEN,
        "SMCBOT_SLACK__SIGNING_SECRET": SLACK_SECRET,
        "SMCBOT_SLACK__API_URL": cluster.slack.api_url,
        "SMCBOT_SLACK__HOST": "127.0.0.1",
        "SMCBOT_SLACK__PORT": str(port),
    }


def start(cluster: Cluster, command: str, *, logs: Path, settings: dict[str, str]) -> Replica:
    """Start one `smcbot <command>` process (not waiting for it to listen)."""
    port = free_port()
    own = telegram_env(cluster, port) if command == "telegram" else slack_env(cluster, port)
    log = logs / f"{command}-{len(cluster.of(command))}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "smcbot", command],
            cwd=logs,
            env=replica_env(cluster, {**settings, **own}),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    replica = Replica(command, port, process, log)
    cluster.replicas.append(replica)
    return replica


def wait_listening(replica: Replica, timeout: float = START_TIMEOUT) -> None:
    """Wait until a replica accepts connections (it loads the index first).

    Raises:
        RuntimeError: it exited, or did not listen in time (its log is in the message).
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if replica.process.poll() is not None:
            code = replica.process.returncode
            raise RuntimeError(f"smcbot {replica.command} exited with {code}:\n{replica.log_text()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", replica.port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"smcbot {replica.command} not listening after {timeout:.0f} s:\n{replica.log_text()}")


def stop(cluster: Cluster) -> None:
    """Stop every replica still running (Ctrl-C as from a terminal, then kill)."""
    for replica in cluster.replicas:
        if replica.process.poll() is None:
            replica.process.send_signal(signal.SIGINT)
    for replica in cluster.replicas:
        try:
            replica.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            replica.process.kill()
    cluster.client.close()


@contextlib.contextmanager
def running_cluster(
    *,
    index_dir: Path,
    logs: Path,
    store: str = "postgresql",
    telegram: int = 2,
    slack: int = 2,
    settings: dict[str, str] | None = None,
    postgres: PostgresServer | None = None,
    store_url: str | None = None,
) -> Iterator[Cluster]:
    """Start `telegram` webhook replicas and `slack` HTTP replicas on one store.

    Args:
        index_dir: the index folder every replica reads.
        logs: where the replicas' logs (and an SQLite store) go.
        store: "postgresql" (a fresh database) or "sqlite" (one file in `logs`).
        settings: more environment settings for every replica.
        postgres: a running server to create the database on (else one is started).
        store_url: an existing PostgreSQL database to use instead.
    """
    with contextlib.ExitStack() as stack:
        telegram_api = stack.enter_context(FakeBotApi(TELEGRAM_TOKEN))
        slack_api = stack.enter_context(SlackApiStandIn(token=SLACK_TOKEN))
        if store == "sqlite":
            location = {"SMCBOT_STORE__PATH": str(logs / "store.sqlite3")}
        elif store_url:
            location = {"SMCBOT_STORE__URL": store_url}
        else:
            if postgres is None:
                postgres = PostgresServer().start()
                stack.callback(postgres.stop)
            location = {"SMCBOT_STORE__URL": postgres.database()}
        cluster = Cluster(telegram_api, slack_api, location, index_dir)
        stack.callback(stop, cluster)
        started = [start(cluster, "telegram", logs=logs, settings=settings or {}) for _ in range(telegram)]
        started += [start(cluster, "slack", logs=logs, settings=settings or {}) for _ in range(slack)]
        for replica in started:
            wait_listening(replica)
        yield cluster
