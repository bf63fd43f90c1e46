"""Load: many members asking at once, through stand-in Telegram and Slack APIs,
answered by real `smcbot telegram` (webhook mode) and `smcbot slack` (HTTP mode)
processes sharing one question store.

    python benchmarks/load.py                                   # 50 members, 1 replica of each bot, SQLite
    python benchmarks/load.py --members 50 --replicas 2 --store postgresql --json

Half the members write to the Telegram bot (an update POSTed to a replica's
webhook, as Telegram does), half mention the Slack app (a signed event POSTed to
a replica's /slack/events). Members are spread over the replicas, and every
fifth question is delivered a second time to another replica (Telegram and
Slack redeliver when unsure), which must not be answered twice. All the bot
processes run on this machine, each with its share of the cores
(`SMCBOT_CONVERSATION__WORKERS`, as the README advises for replicas sharing a
machine). Each replica first answers one question unmeasured (a running bot is warm). Each round, all
members ask at the same instant; the next round starts when every member has
had a reply (or after `--timeout`). Every request of a round is written out and
its connection opened before the round starts, so that the burst itself costs
this process one write per request and leaves the cores to the bots.

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
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the stand-in APIs live with the tests
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tests.helpers.replicas import WEBHOOK_SECRET, Cluster, running_cluster  # noqa: E402
from tests.helpers.slack import event_body, mention, signed_headers  # noqa: E402
from tests.helpers.telegram_api import message  # noqa: E402

KEYS = ["members", "asked", "answered", "duplicates", "lost_records", "first_reply_s", "p50_s", "p95_s", "p99_s"]
REDELIVER_EVERY = 5
WEBHOOK_HEADERS = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
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
# The benchmark measures speed, not limits: members may ask as often as they like.
UNLIMITED = {"SMCBOT_TELEGRAM__RATE_LIMIT_PER_MINUTE": "1000", "SMCBOT_SLACK__RATE_LIMIT_PER_MINUTE": "1000"}


def shared_cores(processes: int) -> dict[str, str]:
    """Each bot process's share of this machine's cores, as its operator would set it
    when running several on one machine (`SMCBOT_CONVERSATION__WORKERS`): answering is
    CPU work, and more answering threads than cores only make every answer wait."""
    return {"SMCBOT_CONVERSATION__WORKERS": str(max(1, (os.cpu_count() or 1) // max(processes, 1)))}


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


@dataclass
class Delivery:
    """One HTTP request to a replica, written out and its connection opened before the
    burst: at the burst's instant, sending it costs one write. (An HTTP client building
    fifty requests at once would take a core of this machine's two from the bots, and
    count its own work in their reply times; Telegram's and Slack's servers send from
    their own machines.)"""

    sock: socket.socket
    request: bytes

    @classmethod
    def prepare(cls, port: int, path: str, body: bytes, headers: dict[str, str]) -> Delivery:
        """Connect to the replica on `port` and write out the POST of `body` to `path`."""
        head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Length: {len(body)}"]
        head += [f"{name}: {value}" for name, value in headers.items()] + ["Connection: close"]
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        return cls(sock, ("\r\n".join(head) + "\r\n\r\n").encode() + body)

    def deliver(self) -> None:
        """Send the request, then read the whole response (the replica's acknowledgement)."""
        try:
            self.sock.sendall(self.request)
            while self.sock.recv(65536):
                pass
        except OSError:
            pass  # a replica killed mid-burst: the question counts as unanswered
        finally:
            self.sock.close()


def telegram_deliveries(cluster: Cluster, member: int, question: str, round_no: int) -> tuple[Asked, list[Delivery]]:
    """An update POSTed to the member's webhook replica, as Telegram does (and again to
    another, sometimes)."""
    chat = 100_000 + member
    update = {"update_id": round_no * 10_000 + member, "message": message(question, chat_id=chat, user_id=chat)}
    body, headers = json.dumps(update).encode(), {"Content-Type": "application/json", **WEBHOOK_HEADERS}
    ports = [r.port for r in cluster.of("telegram")]
    targets = [member] + ([member + 1] if member % REDELIVER_EVERY == 0 else [])
    deliveries = [Delivery.prepare(ports[t % len(ports)], "/telegram", body, headers) for t in targets]
    return Asked(member, "telegram", 0.0, str(chat)), deliveries


def slack_deliveries(cluster: Cluster, member: int, question: str, round_no: int) -> tuple[Asked, list[Delivery]]:
    """A signed app_mention to the member's replica (and the retry to another, sometimes)."""
    ts = f"{1_700_000_000 + round_no}.{member:06d}"
    body = event_body(mention(question, ts=ts, channel=f"C{member}", user=f"U{member}"), f"Ev{round_no}x{member}")
    ports = [r.port for r in cluster.of("slack")]
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    targets = [(member, {})] + ([(member + 1, retry)] if member % REDELIVER_EVERY == 1 else [])
    deliveries = [
        Delivery.prepare(
            ports[t % len(ports)],
            "/slack/events",
            body.encode(),
            signed_headers(body, "application/json", headers=extra),
        )
        for t, extra in targets
    ]
    return Asked(member, "slack", 0.0, ts), deliveries


def warm_up(cluster: Cluster) -> None:
    """One question to each replica, answered before the clock starts (a running bot is warm:
    the first answer of a process loads what it loads lazily)."""
    for replica in range(len(cluster.of("telegram"))):
        chat = 90_000 + replica
        cluster.post_update(replica, {"update_id": 900_000 + replica, "message": message(QUESTIONS[0], chat_id=chat)})
    for replica in range(len(cluster.of("slack"))):
        event = mention(QUESTIONS[0], ts=f"1600000000.{replica:06d}", channel="CWARM", user="UWARM")
        cluster.slack_side(replica).event(event, event_id=f"EvWarm{replica}")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        telegram = all(cluster.telegram.sent(90_000 + r) for r in range(len(cluster.of("telegram"))))
        slack = len([c for c in cluster.slack.calls("chat.postMessage") if c.params.get("channel") == "CWARM"])
        if telegram and slack >= len(cluster.of("slack")):
            return
        time.sleep(0.05)
    raise RuntimeError("the replicas did not answer the warm-up questions in 120 s")


def burst(cluster: Cluster, members: int, round_no: int, channels: str = "both") -> list[Asked]:
    """Every member asks at the same instant; returns the questions as delivered."""
    start = threading.Barrier(members)

    def one(member: int) -> Asked:
        question = QUESTIONS[(member + 5 * round_no) % len(QUESTIONS)]
        slack = channels == "slack" or (channels == "both" and member % 2)
        asked, deliveries = (slack_deliveries if slack else telegram_deliveries)(cluster, member, question, round_no)
        start.wait()
        asked.sent_at = time.monotonic()
        for delivery in deliveries:  # a redelivery comes once the first was acknowledged
            delivery.deliver()
        return asked

    with ThreadPoolExecutor(members) as pool:
        return list(pool.map(one, range(members)))


def replies(cluster: Cluster) -> dict[tuple[str, str], list]:
    """What the bots sent so far, by (channel, chat or thread): read once per look."""
    sent: dict[tuple[str, str], list] = defaultdict(list)
    for call in cluster.telegram.sent():
        sent["telegram", str(call.params.get("chat_id"))].append(call)
    for call in cluster.slack.calls("chat.postMessage"):
        sent["slack", str(call.params.get("thread_ts"))].append(call)
    return sent


def read_reply(asked: Asked, sent: dict[tuple[str, str], list]) -> None:
    """Set when a question's reply came (its first message) and how many answers it got."""
    calls = [c for c in sent.get((asked.channel, asked.key), []) if c.at >= asked.sent_at]
    asked.replied_at = min((c.at for c in calls), default=None)
    if asked.channel == "telegram":  # an answer ends with its 👍/👎 buttons; a notice is one message
        asked.replies = len([c for c in calls if c.params.get("reply_markup")]) or min(len(calls), 1)
    else:
        asked.replies = len(calls)


def collect(cluster: Cluster, asked: list[Asked], timeout: float) -> None:
    """Wait until every question has a reply sent after it was asked (or the timeout), then
    read reply times."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sent = replies(cluster)
        if all(any(c.at >= a.sent_at for c in sent.get((a.channel, a.key), [])) for a in asked):
            break
        time.sleep(0.2)  # looking is cheap, but this process also plays both APIs
    settle = time.monotonic() + 1.0  # a duplicate would come within a second of the answer
    while time.monotonic() < settle:
        time.sleep(0.1)
    sent = replies(cluster)
    for question in asked:
        read_reply(question, sent)


def stored_questions(cluster: Cluster) -> int:
    """How many questions the replicas recorded."""
    store = cluster.open_store()
    try:
        return len(store.questions())
    finally:
        store.close()


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


def print_round(round_no: int, asked: list[Asked]) -> None:
    """One line per channel: the round's first, median and last reply times."""
    for channel in ("telegram", "slack"):
        times = sorted(a.replied_at - a.sent_at for a in asked if a.channel == channel and a.replied_at is not None)
        if times:
            print(
                f"round {round_no + 1} {channel:>8}: first {times[0]:.3f} s, median {times[len(times) // 2]:.3f} s,"
                f" last {times[-1]:.3f} s",
                file=sys.stderr,
            )


def ensure_index(index_dir: Path) -> None:
    """Bring the bundled archive's index up to date with this code's build: a first
    build, or a rebuild that only redoes what changed (a cached index from an older
    release lacks the vectors a newer build adds, and would be measured without them)."""
    print(f"bringing the bundled archive's index in {index_dir} up to date", file=sys.stderr)
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
    parser.add_argument(
        "--channels", choices=["both", "telegram", "slack"], default="both", help="where members ask (default both)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="bursts, one after the other (default 3)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a round may take at most")
    parser.add_argument("--index-dir", type=Path, default=ROOT / "benchmarks" / ".work" / "load-index")
    parser.add_argument("--log-dir", type=Path, help="keep the replicas' logs in this folder")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    args = parser.parse_args()
    ensure_index(args.index_dir)
    telegram = args.replicas if args.channels != "slack" else 0
    slack = args.replicas if args.channels != "telegram" else 0
    rounds: list[list[Asked]] = []
    with tempfile.TemporaryDirectory(prefix="smcbot-load-") as work:
        logs = args.log_dir or Path(work)
        logs.mkdir(parents=True, exist_ok=True)
        with running_cluster(
            index_dir=args.index_dir,
            logs=logs,
            store=args.store,
            telegram=telegram,
            slack=slack,
            settings=UNLIMITED | shared_cores(telegram + slack),
            store_url=args.store_url,
        ) as cluster:
            warm_up(cluster)
            for round_no in range(args.rounds):
                asked = burst(cluster, args.members, round_no, args.channels)
                collect(cluster, asked, args.timeout)
                rounds.append(asked)
                if not args.json:
                    print_round(round_no, asked)
            recorded = stored_questions(cluster)
    result = figures(args.members, rounds, recorded)
    if args.json:
        print(json.dumps(result))
    else:
        for key in KEYS:
            print(f"{key:>14}  {result[key]}")
        print(f"{'p50 / p95':>14}  {result['p50_s'] / (result['p95_s'] or 1):.2f}  (target ≤ 0.6)")


if __name__ == "__main__":
    main()
