"""The question store on both engines (an SQLite file and a real PostgreSQL server):
records, the state replicas share, privacy chores, and migrations in place.

Two `QuestionStore` objects on one database stand for two bot processes: each
has its own connections, as replicas do.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from typer.testing import CliRunner

from smcbot.cli import app
from smcbot.errors import StoreError, StoreVersionError
from smcbot.models import Answer
from smcbot.store import QuestionStore, migrations
from smcbot.store.engine import begin_immediate, describe, sqlite_engine, url_engine

KEY = "test-hash-key"
ROOT = Path(__file__).resolve().parent.parent

# The schema of the question store as smcbot wrote it before migrations existed
# (smcbot/store.py at commit a84562e), created by the code on every opening.
SCHEMA_BEFORE_MIGRATIONS = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asked_at TEXT NOT NULL,
    channel TEXT NOT NULL,
    user_hash TEXT NOT NULL,
    chat_hash TEXT NOT NULL,
    question TEXT NOT NULL,
    language TEXT NOT NULL,
    answered INTEGER NOT NULL,
    sources TEXT NOT NULL,
    latency_ms REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    user_hash TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    given_at TEXT NOT NULL,
    PRIMARY KEY (question_id, user_hash)
);
CREATE INDEX IF NOT EXISTS questions_asked_at ON questions(asked_at);
CREATE INDEX IF NOT EXISTS questions_user ON questions(user_hash);
"""


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def open_store(store_location, clock):
    """Opens stores on this test's database (one per simulated process); closes them after."""
    opened: list[QuestionStore] = []

    def opener(**more) -> QuestionStore:
        store = QuestionStore(**store_location, hash_key=KEY, clock=clock, **more)
        opened.append(store)
        return store

    yield opener
    for store in opened:
        store.close()


def answer(question: str, *, answered: bool = True) -> Answer:
    return Answer(question=question, answered=answered, text="…", language="en")


def ask(store: QuestionStore, question: str, user: str = "alice", channel: str = "telegram") -> int:
    return store.record_question(
        channel=channel, user_id=user, chat_id="chat-1", answer=answer(question), latency_ms=12
    )


# --- questions and votes ----------------------------------------------------------------


def test_questions_and_votes_round_trip(open_store):
    store = open_store()
    first, second = ask(store, "brand safety?"), ask(store, "TikTok?", user="bob")
    assert store.record_feedback(question_id=first, channel="telegram", user_id="bob", rating=1)
    assert store.record_feedback(question_id=first, channel="telegram", user_id="carol", rating=-1)
    assert store.record_feedback(question_id=first, channel="telegram", user_id="bob", rating=-1)  # replaces
    assert not store.record_feedback(question_id=second + 100, channel="telegram", user_id="bob", rating=1)

    rows = store.questions()
    assert [r["question"] for r in rows] == ["brand safety?", "TikTok?"]
    assert (rows[0]["votes"], rows[0]["rating"], rows[0]["upvotes"], rows[0]["downvotes"]) == (2, -2, 0, 2)
    assert (rows[1]["votes"], rows[1]["rating"]) == (0, 0)
    assert rows[0]["user_hash"] == store.member_hash("telegram", "alice") and "alice" not in str(rows)
    assert store.questions(since=datetime(2027, 1, 1, tzinfo=UTC)) == []
    store.mark_unanswered(first)
    assert [r["answered"] for r in store.questions()] == [0, 1]


def test_a_vote_recorded_by_one_process_counts_in_the_other(open_store):
    one, two = open_store(), open_store()
    question = ask(one, "brand safety?")
    assert two.record_feedback(question_id=question, channel="telegram", user_id="bob", rating=1)
    assert one.questions()[0]["upvotes"] == 1


# --- what replicas share ------------------------------------------------------------------


def test_a_delivery_is_claimed_once_across_processes(open_store):
    one, two = open_store(), open_store()
    assert one.claim_delivery("slack:event:Ev1")
    assert not two.claim_delivery("slack:event:Ev1")
    assert not one.claim_delivery("slack:event:Ev1")
    assert two.claim_delivery("slack:event:Ev2")


def test_many_threads_racing_for_one_delivery_give_one_winner(open_store):
    stores = [open_store(), open_store()]
    start = threading.Barrier(8)

    def claim(i: int) -> bool:
        start.wait()
        return stores[i % 2].claim_delivery("telegram:update:42")

    with ThreadPoolExecutor(8) as pool:
        won = list(pool.map(claim, range(8)))
    assert won.count(True) == 1


def test_an_answered_thread_is_known_to_every_process_for_a_while(open_store, clock):
    one, two = open_store(), open_store()
    assert not two.is_thread_answered("slack", "C1:1700.1")
    one.mark_thread("slack", "C1:1700.1", user_id="U1")
    assert two.is_thread_answered("slack", "C1:1700.1")
    assert not two.is_thread_answered("slack", "C1:1700.2")
    clock.advance(hours=2)
    assert two.is_thread_answered("slack", "C1:1700.1", max_age=3 * 3600)
    assert not two.is_thread_answered("slack", "C1:1700.1", max_age=3600)


def test_a_conversation_context_is_shared_kept_while_fresh_and_cleared(open_store, clock):
    one, two = open_store(), open_store()
    context = {"topic": ["employee", "advocacy"], "sessions": ["Session #2"], "language": "fr"}
    one.save_context("telegram", "chat-1", context, user_id="alice")
    assert two.load_context("telegram", "chat-1", max_age=1800) == context
    assert two.load_context("telegram", "chat-2", max_age=1800) is None
    two.save_context("telegram", "chat-1", {**context, "language": "en"}, user_id="alice")
    assert one.load_context("telegram", "chat-1", max_age=1800)["language"] == "en"
    clock.advance(minutes=31)
    assert one.load_context("telegram", "chat-1", max_age=1800) is None
    assert one.load_context("telegram", "chat-1", max_age=3600) is not None
    assert one.clear_context("telegram", "chat-1") and not one.clear_context("telegram", "chat-1")
    assert two.load_context("telegram", "chat-1", max_age=3600) is None


def test_a_context_survives_a_restart(open_store):
    open_store().save_context("slack", "C1:1700.1", {"topic": ["crise"]}, user_id="U1")
    assert open_store().load_context("slack", "C1:1700.1", max_age=60) == {"topic": ["crise"]}


def test_one_members_rate_limit_is_counted_across_processes(open_store, clock):
    one, two = open_store(), open_store()
    allowed = [store.count_and_check_rate("telegram", 7, window=60, limit=3) for store in (one, two, one, two)]
    assert allowed == [True, True, True, False]
    assert one.count_and_check_rate("telegram", 8, window=60, limit=3)  # another member
    clock.advance(seconds=20)
    assert 39 < two.rate_wait("telegram", 7, window=60, limit=3) <= 40
    clock.advance(seconds=41)
    assert one.count_and_check_rate("telegram", 7, window=60, limit=3)


def test_concurrent_questions_of_one_member_never_pass_the_limit(open_store):
    stores = [open_store(), open_store()]
    start = threading.Barrier(10)

    def try_once(i: int) -> bool:
        start.wait()
        return stores[i % 2].count_and_check_rate("slack", "U9", window=60, limit=4)

    with ThreadPoolExecutor(10) as pool:
        allowed = list(pool.map(try_once, range(10)))
    assert allowed.count(True) == 4


# --- privacy ------------------------------------------------------------------------------


def test_forget_covers_questions_votes_contexts_threads_and_rate_counts(open_store):
    store = open_store()
    mine, theirs = ask(store, "brand safety?", user="alice"), ask(store, "crise?", user="bob")
    store.record_feedback(question_id=theirs, channel="telegram", user_id="alice", rating=1)
    store.record_feedback(question_id=mine, channel="telegram", user_id="bob", rating=1)
    store.save_context("telegram", "chat-a", {"topic": ["x"]}, user_id="alice")
    store.save_context("telegram", "chat-b", {"topic": ["y"]}, user_id="bob")
    store.mark_thread("telegram", "chat-a", user_id="alice")
    for _ in range(2):
        store.count_and_check_rate("telegram", "alice", window=60, limit=2)

    forgotten = store.forget("telegram", "alice")

    assert (forgotten.questions, forgotten.feedback, forgotten.conversations) == (1, 1, 2)
    assert [r["question"] for r in store.questions()] == ["crise?"] and store.questions()[0]["votes"] == 0
    assert store.load_context("telegram", "chat-a", max_age=60) is None
    assert store.load_context("telegram", "chat-b", max_age=60) == {"topic": ["y"]}
    assert not store.is_thread_answered("telegram", "chat-a")
    assert store.count_and_check_rate("telegram", "alice", window=60, limit=2)  # counts start again
    assert not store.forget("telegram", "alice").anything


def test_retention_covers_every_table(open_store, clock):
    store = open_store()
    old = ask(store, "old question")
    store.record_feedback(question_id=old, channel="telegram", user_id="bob", rating=1)
    store.save_context("telegram", "old-chat", {"topic": []}, user_id="alice")
    store.mark_thread("slack", "old-thread", user_id="U1")
    store.claim_delivery("slack:event:old")
    clock.advance(days=11)
    ask(store, "new question")
    store.save_context("telegram", "new-chat", {"topic": []}, user_id="alice")
    store.claim_delivery("slack:event:new")

    assert store.apply_retention(10) == 1

    assert [r["question"] for r in store.questions()] == ["new question"]
    assert store.load_context("telegram", "old-chat", max_age=10**9) is None
    assert store.load_context("telegram", "new-chat", max_age=60) is not None
    assert not store.is_thread_answered("slack", "old-thread")
    assert store.claim_delivery("slack:event:old")  # a day-old claim was let go
    assert not store.claim_delivery("slack:event:new")


def test_a_closed_store_refuses_work(open_store):
    store = open_store()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        ask(store, "anything")


# --- migrations -------------------------------------------------------------------------


def test_a_store_from_before_migrations_is_upgraded_with_its_rows(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA_BEFORE_MIGRATIONS)
        db.execute(
            "INSERT INTO questions VALUES (1, '2026-01-05T10:00:00+00:00', 'telegram', 'u1', 'c1',"
            " 'brand safety?', 'en', 1, '[]', 11.5)"
        )
        db.execute("INSERT INTO feedback VALUES (1, 'u2', 1, '2026-01-05T10:01:00+00:00')")
    db.close()

    result = CliRunner().invoke(app, ["store", "upgrade"], env={"SMCBOT_STORE__PATH": str(path)})
    assert result.exit_code == 0, result.output
    assert f"question store {path}: upgraded from an unversioned or new store to revision" in result.output

    store = QuestionStore(path, hash_key=KEY)
    rows = store.questions()
    assert [(r["id"], r["question"], r["upvotes"]) for r in rows] == [(1, "brand safety?", 1)]
    assert store.upgraded.before == migrations.head() and not store.upgraded.changed
    assert ask(store, "next") == 2 and store.claim_delivery("k")
    store.close()
    again = CliRunner().invoke(app, ["store", "upgrade"], env={"SMCBOT_STORE__PATH": str(path)})
    assert "already at revision" in again.output


def test_a_store_at_an_earlier_revision_is_upgraded_in_place(store_location):
    engine = url_engine(store_location["url"]) if "url" in store_location else sqlite_engine(store_location["path"])
    with engine.begin() as connection:
        command.upgrade(migrations._config(connection), "0001")
        connection.execute(
            text(
                "INSERT INTO questions (asked_at, channel, user_hash, chat_hash, question, language, answered,"
                " sources, latency_ms) VALUES ('2026-01-05T10:00:00+00:00', 'slack', 'u', 'c', 'crise?', 'fr', 0,"
                " '[]', 3.0)"
            )
        )
    engine.dispose()

    store = QuestionStore(**store_location, hash_key=KEY)
    assert (store.upgraded.before, store.upgraded.after) == ("0001", migrations.head())
    assert [r["question"] for r in store.questions()] == ["crise?"]
    assert store.claim_delivery("k") and not store.claim_delivery("k")
    store.close()


def test_a_store_written_by_a_newer_smcbot_is_refused_in_one_line(store_location):
    QuestionStore(**store_location, hash_key=KEY).close()
    engine = url_engine(store_location["url"]) if "url" in store_location else sqlite_engine(store_location["path"])
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()

    with pytest.raises(StoreVersionError, match="revision 9999, newer than this smcbot knows"):
        QuestionStore(**store_location, hash_key=KEY)
    env = {"SMCBOT_STORE__PATH": str(store_location["path"])} if "path" in store_location else {}
    env |= {"SMCBOT_STORE__URL": store_location["url"]} if "url" in store_location else {}
    result = CliRunner().invoke(app, ["store", "upgrade"], env=env)
    assert result.exit_code != 0 and isinstance(result.exception, StoreVersionError)


def test_processes_opening_a_new_store_together_migrate_it_once(store_location):
    start = threading.Barrier(4)

    def open_one(_: int) -> str | None:
        start.wait()
        store = QuestionStore(**store_location, hash_key=KEY)
        store.close()
        return store.upgraded.before

    with ThreadPoolExecutor(4) as pool:
        before = list(pool.map(open_one, range(4)))
    assert before.count(None) == 1 and before.count(migrations.head()) == 3


def test_an_unreachable_server_is_one_line(postgres_server):
    url = f"postgresql://postgres@127.0.0.1:{postgres_server.port}/no_such_database"
    with pytest.raises(StoreError, match="cannot reach the question store postgresql://postgres@127.0.0.1"):
        QuestionStore(url=url, hash_key=KEY)


def test_the_migrations_ship_with_the_package():
    from importlib.resources import files

    versions = files("smcbot.store") / "schema_versions" / "versions"
    assert {entry.name for entry in versions.iterdir() if entry.name.endswith(".py")} >= {
        "0001_questions_and_feedback.py",
        "0002_shared_state.py",
    }


def test_the_command_line_works_on_a_postgresql_store(postgres_url, clock):
    store = QuestionStore(url=postgres_url, hash_key=KEY, clock=clock)
    asked = ask(store, "brand safety?", user="77")
    store.record_feedback(question_id=asked, channel="telegram", user_id="88", rating=-1)
    store.close()
    env = {"SMCBOT_STORE__URL": postgres_url, "SMCBOT_STORE__HASH_KEY": KEY, "SMCBOT_STORE__RETENTION_DAYS": "36500"}
    runner = CliRunner()

    upgrade = runner.invoke(app, ["store", "upgrade"], env=env)
    report = runner.invoke(app, ["report"], env=env)
    forget = runner.invoke(app, ["privacy", "forget", "--telegram-user", "77"], env=env)

    assert upgrade.exit_code == 0 and "already at revision" in upgrade.output
    assert "question store postgresql://postgres@127.0.0.1:" in upgrade.output
    assert report.exit_code == 0 and "brand safety?" in report.output
    assert forget.exit_code == 0 and "forgot telegram user 77: 1 questions" in forget.output
    assert QuestionStore(url=postgres_url, hash_key=KEY).questions() == []


def test_doctor_reaches_a_postgresql_store_or_says_why_not(postgres_url, postgres_server):
    from smcbot.doctor import check_store
    from smcbot.settings import load_settings

    QuestionStore(url=postgres_url, hash_key=KEY).close()
    reached = check_store(load_settings(store={"url": postgres_url}))
    missing = check_store(load_settings(store={"url": postgres_url.rsplit("/", 1)[0] + "/no_such_db"}))
    assert reached.ok and "0 questions kept" in reached.detail and "postgresql://postgres@127.0.0.1" in reached.detail
    assert not missing.ok and "cannot reach" in missing.detail and "SMCBOT_STORE__URL" in missing.fix


def test_a_database_password_never_shows_where_the_store_is_named():
    engine = url_engine("postgresql://smcbot:s3cret-pass@db.example.org:5432/smcbot")
    assert describe(engine) == "postgresql://smcbot:***@db.example.org:5432/smcbot"
    engine.dispose()


# --- a file that is not a question store -----------------------------------------------


def run_smcbot(*args: str, cwd, **env: str) -> subprocess.CompletedProcess:
    """The real command in its own process, on this checkout's code."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "NO_COLOR": "1", **env}
    return subprocess.run(
        [sys.executable, "-m", "smcbot", *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("url", ["nonsense://x", "localhost:5432/smcbot", "postgresql://smcbot:s3cret@db:port/smcbot"])
def test_a_wrong_store_url_is_one_line_naming_the_setting(url, tmp_path):
    """Refused when the settings load, by the doctor and every command, never showing the password."""
    env = {"SMCBOT_STORE__URL": url, "SMCBOT_INDEX_DIR": str(tmp_path / "no-index")}
    doctor = run_smcbot("doctor", cwd=tmp_path, **env)
    upgrade = run_smcbot("store", "upgrade", cwd=tmp_path, **env)

    said = "setting SMCBOT_STORE__URL: must be a postgresql://user:password@host:5432/database URL"
    assert doctor.returncode == 1 and doctor.stdout.startswith(f"✘ settings: {said}")
    assert len(doctor.stdout.strip().splitlines()) == 1  # not ✔ settings, then a check that failed itself
    assert upgrade.returncode == 1 and upgrade.stderr.strip().splitlines() == [upgrade.stderr.strip()]
    assert upgrade.stderr.startswith(f"error: {said}")
    assert "s3cret" not in doctor.stdout + doctor.stderr + upgrade.stdout + upgrade.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path):
    """A typo in SMCBOT_STORE__PATH naming someone's file: refused in one line, never moved."""
    path = tmp_path / "my.env"
    content = b"SMCBOT_TELEGRAM__TOKEN=123:abc\nSMCBOT_STORE__HASH_KEY=secret\n"
    path.write_bytes(content)
    env = {"SMCBOT_STORE__PATH": str(path), "SMCBOT_INDEX_DIR": str(tmp_path / "no-index")}
    refusal = f"question store {path} is not an SQLite database (left untouched)"

    upgrade = run_smcbot("store", "upgrade", cwd=tmp_path, **env)
    bot = run_smcbot("telegram", cwd=tmp_path, SMCBOT_TELEGRAM__TOKEN="123:abc", **env)
    doctor = run_smcbot("doctor", cwd=tmp_path, **env)

    for started in (upgrade, bot):
        assert started.returncode == 1
        [line] = started.stderr.strip().splitlines()
        assert line.startswith(f"error: {refusal}") and "SMCBOT_STORE__PATH" in line
    assert doctor.returncode == 1
    [check] = [line for line in doctor.stdout.splitlines() if "question store" in line]
    assert check.startswith(f"✘ {refusal.replace('store ', 'store: ', 1)} — ") and "SMCBOT_STORE__PATH" in check
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my.env"]


def test_a_damaged_sqlite_database_is_still_set_aside_by_store_upgrade(tmp_path):
    path = tmp_path / "store.sqlite3"
    damaged = b"SQLite format 3\x00" + b"\x13" * 4000
    path.write_bytes(damaged)

    upgrade = run_smcbot("store", "upgrade", cwd=tmp_path, SMCBOT_STORE__PATH=str(path))

    assert upgrade.returncode == 0, upgrade.stderr
    assert "upgraded from an unversioned or new store" in upgrade.stdout
    [aside] = tmp_path.glob("store.sqlite3.corrupt-*")
    assert aside.read_bytes() == damaged
    assert path.read_bytes().startswith(b"SQLite format 3\x00") and path.read_bytes() != damaged


def test_an_empty_file_is_a_new_store(tmp_path):
    path = tmp_path / "store.sqlite3"
    path.touch()
    store = QuestionStore(path, hash_key=KEY)
    assert store.set_aside is None and ask(store, "first") == 1
    store.close()


def test_a_write_waits_for_another_connections_write_lock_then_takes_it(tmp_path):
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA journal_mode = WAL")
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")  # another process writing
    waiter = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            begin_immediate(waiter, timeout=0.05)  # still held when the time is up
        released = threading.Timer(0.05, holder.execute, args=("COMMIT",))
        released.start()
        begin_immediate(waiter)  # tries again until the holder commits
        waiter.execute("INSERT INTO t VALUES (1)")
        waiter.execute("COMMIT")
        released.join()
        assert waiter.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000  # SQLite's own handler is back
    finally:
        waiter.close()
        holder.close()
