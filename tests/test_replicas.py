"""Two Telegram webhook replicas and two Slack HTTP replicas, real `smcbot` processes,
on one throwaway PostgreSQL server: answered once whichever replica an event
reaches, threads followed and rate limits counted across replicas, nothing
recorded lost when a replica is killed, and one shared index rebuilt under them.

Updates and events are delivered as Telegram and Slack deliver them, to the
replica a load balancer would pick; silence is proven by a later sentinel
question being answered, never by waiting.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest

from smcbot.index import BuildOptions, build_index, load_index
from smcbot.models import Article
from smcbot.sources.ingest import read_sources
from smcbot.sources.manifest import load_manifest
from smcbot.store import QuestionStore, migrations
from tests.conftest import SOURCES
from tests.helpers.replicas import Cluster, running_cluster
from tests.helpers.slack import mention
from tests.helpers.slack import message as slack_message
from tests.helpers.telegram_api import message

BRAND_SAFETY = "What was said about brand safety?"
RATE_LIMIT = 3
LIMITS = {
    "SMCBOT_TELEGRAM__RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT),
    "SMCBOT_SLACK__RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT),
}
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}


def wait_until(predicate, *, timeout: float = 90.0, what: str = "the replicas"):
    """Poll until `predicate()` is truthy; returns it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def answers(cluster: Cluster, chat: int) -> list:
    """The answers (with their 👍/👎 buttons) sent to a Telegram chat."""
    return [c for c in cluster.telegram.sent(chat) if c.params.get("reply_markup")]


def thread_posts(cluster: Cluster, ts: str) -> list:
    """What the Slack replicas posted in one thread."""
    return [c for c in cluster.slack.calls("chat.postMessage") if c.params.get("thread_ts") == ts]


def telegram_sentinels(cluster: Cluster, chat: int, replicas: tuple[int, ...] = (0, 1)) -> None:
    """Ask each Telegram replica a question and wait for the answers: every update delivered
    before has been taken up (a replica claims updates in order of arrival, and a
    redelivery is dropped at its claim, before any answering)."""
    for replica in replicas:
        asker = chat + replica  # a member of its own, under the rate limit
        update = {"update_id": 800_000 + asker * 10, "message": message(BRAND_SAFETY, chat_id=asker, user_id=asker)}
        assert cluster.post_update(replica, update) == 200
    wait_until(lambda: all(answers(cluster, chat + r) for r in replicas), what="sentinels")


@pytest.fixture(scope="module")
def shared_index(bundled_index_dir, tmp_path_factory) -> Path:
    """One index folder every replica reads (a copy: a test rebuilds it)."""
    target = tmp_path_factory.mktemp("shared") / "index"
    shutil.copytree(bundled_index_dir, target, symlinks=True)
    return target


@pytest.fixture(scope="module")
def cluster(postgres_server, shared_index, tmp_path_factory):
    """Two replicas of each bot on one PostgreSQL database, limits of 3 questions a minute."""
    logs = tmp_path_factory.mktemp("replicas")
    with running_cluster(index_dir=shared_index, logs=logs, postgres=postgres_server, settings=LIMITS) as running:
        yield running


def test_a_slack_event_and_its_retry_on_the_other_replica_get_one_answer(cluster):
    event = mention(BRAND_SAFETY, ts="1700000001.000100", channel="C1", user="U1")
    first = cluster.slack_side(0).event(event, event_id="EvOnce")
    retry = cluster.slack_side(1).event(event, event_id="EvOnce", headers=RETRY)
    assert first.status_code == retry.status_code == 200
    wait_until(lambda: thread_posts(cluster, "1700000001.000100"), what="the answer")
    for replica in (0, 1):  # sentinels: both replicas are done with what came before
        sentinel = mention(BRAND_SAFETY, ts=f"1700000002.00010{replica}", channel="C1", user="U2")
        cluster.slack_side(replica).event(sentinel, event_id=f"EvSentinel{replica}")
        wait_until(lambda r=replica: thread_posts(cluster, f"1700000002.00010{r}"), what="a sentinel")
    assert len(thread_posts(cluster, "1700000001.000100")) == 1


def test_fifty_telegram_members_over_two_replicas_are_answered_once_each(cluster):
    chats = range(200_001, 200_051)

    def deliver(chat: int) -> None:
        update = {"update_id": chat, "message": message(BRAND_SAFETY, chat_id=chat, user_id=chat)}
        assert cluster.post_update(chat % 2, update) == 200
        assert cluster.post_update((chat + 1) % 2, update) == 200  # redelivered to the other replica

    with ThreadPoolExecutor(25) as pool:
        list(pool.map(deliver, chats))
    wait_until(lambda: all(answers(cluster, chat) for chat in chats), what="fifty answers")
    telegram_sentinels(cluster, 210_000)
    assert [len(answers(cluster, chat)) for chat in chats] == [1] * 50
    store = cluster.open_store()
    try:
        asked = [row for row in store.questions() if row["channel"] == "telegram"]
        members = {store.member_hash("telegram", chat) for chat in chats}
        assert len([row for row in asked if row["user_hash"] in members]) == 50
    finally:
        store.close()


def test_a_slack_thread_is_followed_on_the_other_replica(cluster):
    ts = "1700000010.000100"
    cluster.slack_side(0).event(mention(BRAND_SAFETY, ts=ts, channel="C3", user="U3"), event_id="EvThread")
    wait_until(lambda: thread_posts(cluster, ts), what="the first answer")
    follow_up = slack_message(
        "What about influencers?", ts="1700000011.000100", channel="C3", channel_type="channel", user="U3", thread_ts=ts
    )
    cluster.slack_side(1).event(follow_up, event_id="EvFollowUp")
    wait_until(lambda: len(thread_posts(cluster, ts)) == 2, what="the follow-up's answer")


def test_one_members_rate_limit_is_counted_across_replicas(cluster):
    chat = 300_001
    for number in range(RATE_LIMIT + 1):
        update = {"update_id": 300_100 + number, "message": message(BRAND_SAFETY, chat_id=chat, user_id=chat)}
        assert cluster.post_update(number % 2, update) == 200
        wait_until(lambda n=number: len(cluster.telegram.sent(chat)) > n, what=f"reply {number + 1}")
    replies = cluster.telegram.sent(chat)
    assert len(answers(cluster, chat)) == RATE_LIMIT
    assert "Try again in" in replies[-1].params["text"] and not replies[-1].params.get("reply_markup")


def rebuilt_with_a_new_session(index_dir: Path, embedder) -> None:
    """Rebuild the shared index with one more session, as `smcbot index build` would."""
    articles = read_sources(load_manifest(SOURCES))
    articles.append(
        Article(
            title="Session test : les licornes sur les réseaux sociaux",
            date=date(2019, 9, 1),
            url="https://socialmediaclub.fr/2019/09/01/licornes/",
            takeaways=["Les licornes préfèrent les stories Instagram."],
            body="Les licornes du numérique publient des stories et des lives chaque semaine.",
        )
    )
    build_index(articles, index_dir=index_dir, embedder=embedder, options=BuildOptions())


def files_of(folder: Path) -> dict[str, float]:
    """Every file under a folder with its modification time."""
    return {str(p.relative_to(folder)): p.lstat().st_mtime for p in folder.rglob("*")}


def test_the_shared_index_is_only_read_and_a_rebuild_reaches_every_replica(cluster, shared_index, real_embedder):
    before = files_of(shared_index)
    telegram_sentinels(cluster, 400_000)
    assert files_of(shared_index) == before  # the replicas never write into the index folder

    rebuilt_with_a_new_session(shared_index, real_embedder)
    assert load_index(shared_index, model=real_embedder.name).build_id
    question = "Que disent les licornes sur les stories Instagram ?"
    for replica in (0, 1):
        chat = 400_100 + replica
        cluster.post_update(replica, {"update_id": chat, "message": message(question, chat_id=chat, user_id=chat)})
        ts = f"1700000020.00010{replica}"
        cluster.slack_side(replica).event(mention(question, ts=ts, channel="C4", user=f"U4{replica}"), event_id=ts)
    for replica in (0, 1):
        [answer] = wait_until(lambda r=replica: answers(cluster, 400_100 + r), what="the new session")
        assert "licornes" in answer.params["text"]
        [post] = wait_until(lambda r=replica: thread_posts(cluster, f"1700000020.00010{r}"), what="Slack's answer")
        assert "licornes" in str(post.params)


@pytest.fixture
def lone_cluster(postgres_server, bundled_index_dir, tmp_path):
    """Two Telegram replicas of their own (one gets killed)."""
    with running_cluster(
        index_dir=bundled_index_dir, logs=tmp_path, postgres=postgres_server, telegram=2, slack=0
    ) as running:
        yield running


def test_a_replica_killed_mid_burst_loses_no_record_and_no_vote(lone_cluster):
    cluster, chats = lone_cluster, list(range(500_001, 500_041))
    first = {"update_id": 1, "message": message(BRAND_SAFETY, chat_id=chats[0], user_id=chats[0])}
    cluster.post_update(0, first)
    [answer] = wait_until(lambda: answers(cluster, chats[0]), what="the first answer")
    up = answer.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    vote = {"id": "cb1", "from": {"id": 7, "is_bot": False, "first_name": "M"}, "chat_instance": "1", "data": up}
    cluster.post_update(0, {"update_id": 2, "callback_query": {**vote, "message": message_of(answer)}})
    wait_until(lambda: cluster.telegram.calls_to("answerCallbackQuery"), what="the vote's acknowledgement")

    def deliver(chat: int) -> int:
        update = {"update_id": chat, "message": message(BRAND_SAFETY, chat_id=chat, user_id=chat)}
        status = cluster.post_update(chat % 2, update)
        return status or cluster.post_update(1, update)  # Telegram redelivers what was not acknowledged

    with ThreadPoolExecutor(8) as pool:
        burst = pool.map(deliver, chats[1:])
        wait_until(lambda: any(answers(cluster, chat) for chat in chats[1:]), what="the burst's first answer")
        cluster.of("telegram")[0].kill()
        statuses = list(burst)
    assert all(status == 200 for status in statuses)
    telegram_sentinels(cluster, 510_000, replicas=(1,))  # replica 1 alone now

    answered = {chat for chat in chats if answers(cluster, chat)}
    store = cluster.open_store()
    try:
        rows = store.questions()
        recorded = {row["user_hash"] for row in rows}
        assert {store.member_hash("telegram", chat) for chat in answered} <= recorded
        assert [row["upvotes"] for row in rows if row["user_hash"] == store.member_hash("telegram", chats[0])] == [1]
    finally:
        store.close()


def message_of(call) -> dict:
    """The message object a sendMessage call created, as a callback query carries it."""
    chat = call.params["chat_id"]
    return {
        "message_id": call.result["message_id"],
        "date": int(time.time()),
        "chat": {"id": chat, "type": "private", "first_name": "Member"},
        "text": call.params["text"],
    }


def test_a_bot_refuses_a_store_written_by_a_newer_smcbot_in_one_line(bundled_index_dir, tmp_path):
    path = tmp_path / "store.sqlite3"
    store = QuestionStore(path, hash_key="k")
    store.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    db.close()
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
        "HF_HUB_OFFLINE": "1",
        "SMCBOT_INDEX_DIR": str(bundled_index_dir),
        "SMCBOT_STORE__PATH": str(path),
        "SMCBOT_TELEGRAM__TOKEN": "123:abc",
    }
    done = subprocess.run(
        [sys.executable, "-m", "smcbot", "telegram"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "error: the question store is at schema revision 9999, newer than this smcbot knows "
        f"({migrations.head()}); upgrade smcbot"
    ]
