"""Load: many members asking at once, through stand-in Telegram and Slack APIs,
answered by real `smcbot telegram` (webhook mode) and `smcbot slack` (HTTP mode)
processes sharing one question store.

    python benchmarks/load.py                                   # 50 members, 1 replica of each bot, SQLite
    python benchmarks/load.py --members 50 --replicas 2 --store postgresql --json

Half the members write to the Telegram bot (an update POSTed to a replica's
webhook, as Telegram does), half mention the Slack app (a signed event POSTed to
a replica's /slack/events). Members are spread over the replicas, and every
fifth question is delivered a second time to another replica (Telegram and
Slack redeliver when unsure), which must not be answered twice. Each round, all
members ask at the same instant; the next round starts when every member has
had a reply (or after `--timeout`).

A question's reply time runs from its delivery to the first message that
answers it at the stand-in API. `first_reply_s` is, in the worst round, the
reply time of the round's first answer; `duplicates` counts questions answered
more than once; `lost_records` counts questions answered but missing from the
store. `--json` ends with one line: {"members", "asked", "answered",
"duplicates", "lost_records", "first_reply_s", "p50_s", "p95_s", "p99_s"}.

PostgreSQL (`--store postgresql`) is a throwaway server started here (Debian's
`postgresql` package), unless `--store-url` names one.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the stand-in APIs live with the tests
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tests.helpers.postgres_server import PostgresServer  # noqa: E402
from tests.helpers.slack import SECRET as SLACK_SECRET  # noqa: E402
from tests.helpers.slack import TOKEN as SLACK_TOKEN  # noqa: E402
from tests.helpers.slack import SlackSide, mention  # noqa: E402
from tests.helpers.slack_api import SlackApiStandIn  # noqa: E402
from tests.helpers.telegram import TOKEN as TELEGRAM_TOKEN  # noqa: E402
from tests.helpers.telegram_api import FakeBotApi, message  # noqa: E402

KEYS = ["members", "asked", "answered", "duplicates", "lost_records", "first_reply_s", "p50_s", "p95_s", "p99_s"]
HASH_KEY = "load-benchmark-hash-key"
WEBHOOK_SECRET = "load-benchmark-webhook-secret"
REDELIVER_EVERY = 5
QUESTIONS = [
    "What was said about brand safety?",
    "Qu'est-ce qui a été dit sur l'employee advocacy ?",
    "How should internal communication be handled in a crisis?",
    "Que retenir sur les influenceurs ?",
    "What did the speakers say about fake news?",
    "Comment mesurer l'engagement sur les réseaux sociaux ?",
    "What was said about artificial intelligence?",
    "Quels conseils pour la communication de crise ?",
    "What is the role of the dircom?",
    "Que dit-on de LinkedIn ?",
    "Who spoke about ambassadors?",
    "What time is the next train to Lyon?",
]


# --- the processes -------------------------------------------------------------------


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_listening(port: int, process: subprocess.Popen, timeout: float = 120.0) -> None:
    """Wait until a replica accepts connections on `port` (it loads the index first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"a replica exited with {process.returncode}; see its log")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"no replica listening on port {port} after {timeout:.0f} s")


@dataclass
class Cluster:
    """The stand-in APIs, the store and the replicas: where to deliver, what was sent."""

    telegram: FakeBotApi
    slack: SlackApiStandIn
    store_env: dict[str, str]
    telegram_ports: list[int] = field(default_factory=list)
    slack_sides: list[SlackSide] = field(default_factory=list)
    processes: list[subprocess.Popen] = field(default_factory=list)


def replica_env(index_dir: Path, store_env: dict[str, str]) -> dict[str, str]:
    """Settings every replica shares (limits raised: the benchmark measures speed, not limits)."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
        "SMCBOT_INDEX_DIR": str(index_dir),
        "SMCBOT_STORE__HASH_KEY": HASH_KEY,
        "SMCBOT_TELEGRAM__RATE_LIMIT_PER_MINUTE": "1000",
        "SMCBOT_SLACK__RATE_LIMIT_PER_MINUTE": "1000",
        "SMCBOT_LOG_LEVEL": "WARNING",
        **store_env,
    }


def start_replicas(cluster: Cluster, *, replicas: int, index_dir: Path, folder: Path) -> None:
    """Start `replicas` Telegram webhook and Slack HTTP processes; return when all listen."""
    base = replica_env(index_dir, cluster.store_env)
    waits = []
    for number in range(replicas):
        port = free_port()
        telegram = {
            "SMCBOT_TELEGRAM__TOKEN": TELEGRAM_TOKEN,
            "SMCBOT_TELEGRAM__BASE_URL": cluster.telegram.base_url,
            "SMCBOT_TELEGRAM__WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
            "SMCBOT_TELEGRAM__WEBHOOK_PORT": str(port),
            "SMCBOT_TELEGRAM__WEBHOOK_LISTEN": "127.0.0.1",
            "SMCBOT_TELEGRAM__WEBHOOK_SECRET": WEBHOOK_SECRET,
        }
        cluster.telegram_ports.append(port)
        waits.append((port, spawn(cluster, "telegram", {**base, **telegram}, folder / f"telegram-{number}.log")))
        port = free_port()
        slack = {
            "SMCBOT_SLACK__BOT_TOKEN": SLACK_TOKEN,
            "SMCBOT_SLACK__SIGNING_SECRET": SLACK_SECRET,
            "SMCBOT_SLACK__API_URL": cluster.slack.api_url,
            "SMCBOT_SLACK__HOST": "127.0.0.1",
            "SMCBOT_SLACK__PORT": str(port),
        }
        cluster.slack_sides.append(SlackSide(f"http://127.0.0.1:{port}/slack/events", cluster.slack, None))
        waits.append((port, spawn(cluster, "slack", {**base, **slack}, folder / f"slack-{number}.log")))
    for port, process in waits:
        wait_listening(port, process)


def spawn(cluster: Cluster, command: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start `smcbot <command>` with its output in `log`."""
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "smcbot", command], cwd=log.parent, env=env, stdout=out, stderr=out
        )
    cluster.processes.append(process)
    return process


@contextlib.contextmanager
def running(args: argparse.Namespace, folder: Path) -> Iterator[Cluster]:
    """Everything the benchmark talks to, stopped and removed at the end."""
    with contextlib.ExitStack() as stack:
        telegram = stack.enter_context(FakeBotApi(TELEGRAM_TOKEN))
        slack = stack.enter_context(SlackApiStandIn(token=SLACK_TOKEN))
        cluster = Cluster(telegram, slack, store_env(args, folder, stack))
        stack.callback(stop, cluster)
        start_replicas(cluster, replicas=args.replicas, index_dir=args.index_dir, folder=folder)
        yield cluster


def store_env(args: argparse.Namespace, folder: Path, stack: contextlib.ExitStack) -> dict[str, str]:
    """The store settings of the replicas: a fresh SQLite file or PostgreSQL database."""
    if args.store == "sqlite":
        return {"SMCBOT_STORE__PATH": str(folder / "store.sqlite3")}
    if args.store_url:
        return {"SMCBOT_STORE__URL": args.store_url}
    server = PostgresServer().start()
    stack.callback(server.stop)
    return {"SMCBOT_STORE__URL": server.database()}


def stop(cluster: Cluster) -> None:
    """Stop every replica (Ctrl-C, then kill)."""
    for process in cluster.processes:
        process.terminate()
    for process in cluster.processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


# --- the members ---------------------------------------------------------------------


@dataclass
class Asked:
    """One question delivered, and what came back."""

    member: int
    channel: str
    sent_at: float
    key: str  # the Telegram chat id, or the Slack thread ts
    replied_at: float | None = None
    replies: int = 0


def ask_telegram(cluster: Cluster, client: httpx.Client, member: int, question: str, round_no: int) -> Asked:
    """POST an update to the member's replica, as Telegram does (and again to another, sometimes)."""
    chat = 100_000 + member
    update = {"update_id": round_no * 10_000 + member, "message": message(question, chat_id=chat, user_id=chat)}
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    ports = cluster.telegram_ports
    sent_at = time.monotonic()
    client.post(f"http://127.0.0.1:{ports[member % len(ports)]}/telegram", json=update, headers=headers)
    if member % REDELIVER_EVERY == 0:
        client.post(f"http://127.0.0.1:{ports[(member + 1) % len(ports)]}/telegram", json=update, headers=headers)
    return Asked(member, "telegram", sent_at, str(chat))


def ask_slack(cluster: Cluster, member: int, question: str, round_no: int) -> Asked:
    """Deliver a signed app_mention to the member's replica (and the retry to another, sometimes)."""
    ts = f"{1_700_000_000 + round_no}.{member:06d}"
    event = mention(question, ts=ts, channel=f"C{member}", user=f"U{member}")
    sides = cluster.slack_sides
    sent_at = time.monotonic()
    sides[member % len(sides)].event(event, event_id=f"Ev{round_no}x{member}")
    if member % REDELIVER_EVERY == 1:
        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        sides[(member + 1) % len(sides)].event(event, event_id=f"Ev{round_no}x{member}", headers=retry)
    return Asked(member, "slack", sent_at, ts)


def burst(cluster: Cluster, members: int, round_no: int) -> list[Asked]:
    """Every member asks at the same instant; returns the questions as delivered."""
    start = threading.Barrier(members)

    def one(member: int) -> Asked:
        question = QUESTIONS[(member + 5 * round_no) % len(QUESTIONS)]
        start.wait()
        if member % 2:
            return ask_slack(cluster, member, question, round_no)
        return ask_telegram(cluster, client, member, question, round_no)

    with httpx.Client(timeout=30) as client, ThreadPoolExecutor(members) as pool:
        return list(pool.map(one, range(members)))


def answers_to(cluster: Cluster, asked: Asked) -> list[float]:
    """When the answers to one question reached the stand-in API (one per answer, not per part)."""
    if asked.channel == "telegram":
        sent = [c for c in cluster.telegram.sent(int(asked.key)) if c.at >= asked.sent_at]
        # an answer ends with its 👍/👎 buttons; a notice has none but is one message
        ends = [c.at for c in sent if c.params.get("reply_markup")]
        return ends or [c.at for c in sent[:1]]
    posts = cluster.slack.calls("chat.postMessage")
    return [c.at for c in posts if c.params.get("thread_ts") == asked.key]


def collect(cluster: Cluster, asked: list[Asked], timeout: float) -> None:
    """Wait until every question has a reply (or the timeout), then read reply times."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(answers_to(cluster, a) for a in asked):
            break
        time.sleep(0.05)
    settle = time.monotonic() + 1.0  # a duplicate would come within a second of the answer
    while time.monotonic() < settle:
        time.sleep(0.1)
    for question in asked:
        times = answers_to(cluster, question)
        question.replies = len(times)
        question.replied_at = min(times) if times else None


def first_answer_times(cluster: Cluster, asked: list[Asked]) -> None:
    """Telegram replies start with the first part: use the first message for the reply time."""
    for question in asked:
        if question.channel == "telegram" and question.replied_at is not None:
            sent = [c.at for c in cluster.telegram.sent(int(question.key)) if c.at >= question.sent_at]
            question.replied_at = min(sent)


def stored_questions(store: dict[str, str]) -> int:
    """How many questions the replicas recorded."""
    from smcbot.settings import load_settings
    from smcbot.store import QuestionStore

    location = {"url": store["SMCBOT_STORE__URL"]} if "SMCBOT_STORE__URL" in store else {}
    location |= {"path": Path(store["SMCBOT_STORE__PATH"])} if "SMCBOT_STORE__PATH" in store else {}
    settings = load_settings(store={**location, "hash_key": HASH_KEY})
    opened = QuestionStore.from_settings(settings)
    try:
        return len(opened.questions())
    finally:
        opened.close()


# --- the figures ---------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))] if ordered else 0.0


def figures(members: int, rounds: list[list[Asked]], recorded: int) -> dict:
    """The JSON line's figures from every round's questions."""
    everything = [a for r in rounds for a in r]
    answered = [a for a in everything if a.replied_at is not None]
    latencies = [a.replied_at - a.sent_at for a in answered]
    firsts = [min(r, key=lambda a: a.replied_at) for r in rounds if any(a.replied_at for a in r)]
    firsts = [a for a in firsts if a.replied_at is not None]
    return {
        "members": members,
        "asked": len(everything),
        "answered": len(answered),
        "duplicates": sum(max(0, a.replies - 1) for a in everything),
        "lost_records": max(0, len(answered) - recorded),
        "first_reply_s": round(max((a.replied_at - a.sent_at for a in firsts), default=0.0), 3),
        "p50_s": round(percentile(latencies, 0.50), 3),
        "p95_s": round(percentile(latencies, 0.95), 3),
        "p99_s": round(percentile(latencies, 0.99), 3),
    }


def ensure_index(index_dir: Path) -> None:
    """Build the bundled archive's index once, if the folder has none."""
    if (index_dir / "manifest.json").exists():
        return
    print(f"building the bundled archive's index in {index_dir}", file=sys.stderr)
    build = [sys.executable, "-m", "smcbot", "index", "build", "--sources", str(ROOT / "config" / "sources.toml")]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([*build, "--index-dir", str(index_dir)], check=True, env=env, stdout=subprocess.DEVNULL)


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=50, help="members asking at once (default 50)")
    parser.add_argument("--replicas", type=int, default=1, help="processes of each bot (default 1)")
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--store-url", help="an existing PostgreSQL database instead of a throwaway server")
    parser.add_argument("--rounds", type=int, default=3, help="bursts, one after the other (default 3)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a round may take at most")
    parser.add_argument("--index-dir", type=Path, default=ROOT / "benchmarks" / ".work" / "load-index")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    args = parser.parse_args()
    ensure_index(args.index_dir)
    rounds: list[list[Asked]] = []
    with tempfile.TemporaryDirectory(prefix="smcbot-load-") as work, running(args, Path(work)) as cluster:
        for round_no in range(args.rounds):
            asked = burst(cluster, args.members, round_no)
            collect(cluster, asked, args.timeout)
            first_answer_times(cluster, asked)
            rounds.append(asked)
        recorded = stored_questions(cluster.store_env)
    result = figures(args.members, rounds, recorded)
    if args.json:
        print(json.dumps(result))
    else:
        for key in KEYS:
            print(f"{key:>14}  {result[key]}")
        print(f"{'p50 / p95':>14}  {result['p50_s'] / (result['p95_s'] or 1):.2f}  (target ≤ 0.6)")


if __name__ == "__main__":
    main()
