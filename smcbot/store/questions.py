"""The question store: what members asked, what they were answered, their feedback,
and the state several bot processes share (deliveries, threads, conversations,
rate limits), in an SQLite file or a PostgreSQL database.

Member identifiers are never stored as such: only a keyed hash (HMAC-SHA256 with
a key from the settings), enough to count distinct askers and forget one member;
chats, conversations and delivery ids are hashed the same way. Each call is one
committed transaction, so a process killed between two calls loses nothing it
recorded. "Once only" rules (a delivery answered once, one vote per member) are
the database's unique keys, never a check in Python followed by a write.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, case, delete, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError

import smcbot.store.engine as engines
import smcbot.store.migrations as migrations
from smcbot.errors import StoreError, StoreVersionError
from smcbot.models import Answer
from smcbot.store.tables import contexts, deliveries, feedback, questions, rate_limits, threads

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]

DELIVERY_TTL_S = 24 * 3600  # Slack retries for about an hour, Telegram for less: a day is plenty
RATE_IDLE_S = 24 * 3600  # a member's rate row idle this long holds nothing that still counts


@dataclass(frozen=True)
class Forgotten:
    """What forgetting a member deleted."""

    questions: int
    feedback: int
    conversations: int = 0  # conversation contexts and answered threads

    @property
    def anything(self) -> bool:
        """Whether the store held anything about the member."""
        return bool(self.questions or self.feedback or self.conversations)


LOCKED_RETRY_S = 10.0  # how long opening waits for another process opening the same new file


class QuestionStore:
    """Records questions, answers and feedback, and holds what replicas share; thread-safe.

    Args:
        path: the SQLite file, created if missing; a damaged database is set aside
            (renamed `<name>.corrupt-<time>`, see `set_aside`) and a new one started;
            a file that is not an SQLite database is refused and left untouched.
            Ignored when `url` is given.
        hash_key: the key of the hashes that stand for member identifiers.
        clock: gives the current time (UTC); tests pass their own.
        url: a database URL (`postgresql://user:password@host/db`) instead of the file.

    The schema is brought to the newest migration on opening (`upgraded` says
    what was done).

    Raises:
        StoreError: the store cannot be opened at all (a folder, a file that is not an
            SQLite database, no permission, no server).
        StoreVersionError: the store was written by a newer smcbot.
    """

    def __init__(
        self, path: Path | None = None, *, hash_key: str, clock: Clock | None = None, url: str | None = None
    ) -> None:
        self.path = None if url else Path(path or "smcbot-store.sqlite3")
        self.set_aside: Path | None = None
        self._key = hash_key.encode()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._closed = False
        # SQLite has one writer at a time: this process's threads queue here, in order,
        # rather than in SQLite's busy handler, which sleeps in growing steps.
        self._sqlite_turn = threading.Lock() if url is None or url.startswith("sqlite") else None
        if url:
            self.engine = engines.url_engine(url)
            self.upgraded = self._prepare_server()
        else:
            self.engine = self._open_file(self.path)

    @classmethod
    def from_settings(cls, settings: Any, *, clock: Clock | None = None) -> QuestionStore:
        """The store `SMCBOT_STORE__URL` names, else the file `SMCBOT_STORE__PATH`."""
        store = settings.store
        url = store.url.get_secret_value() if store.url else None
        return cls(store.path, hash_key=store.hash_key.get_secret_value(), clock=clock, url=url)

    @property
    def where(self) -> str:
        """Where the store lives, for messages (a URL without its password)."""
        return engines.describe(self.engine)

    # --- opening -----------------------------------------------------------------

    def _open_file(self, path: Path):
        """Open (creating if needed) an SQLite file; a corrupt one is set aside and recreated."""
        if path.exists() and not path.is_file():
            raise StoreError(f"question store {path} is not a file; set SMCBOT_STORE__PATH to a file path")
        engines.refuse_foreign_file(path)  # a typo in the setting must never move someone's file
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = engines.sqlite_engine(path)
        try:
            self.upgraded = self._prepare_when_free(engine)
            return engine
        except StoreVersionError:
            engine.dispose()
            raise
        except OperationalError as error:  # cannot open or locked: nothing to set aside
            engine.dispose()
            raise StoreError(f"cannot open the question store {path} ({error.orig})") from None
        except (DatabaseError, sqlite3.DatabaseError) as error:
            engine.dispose()
            self.set_aside = path.with_name(path.name + f".corrupt-{self._clock():%Y%m%dT%H%M%S}")
            path.rename(self.set_aside)
            reason = getattr(error, "orig", None) or error
            log.warning(
                "question store %s was damaged (%s): set aside as %s, starting a new one", path, reason, self.set_aside
            )
            engine = engines.sqlite_engine(path)
            self.upgraded = self._prepare_file(engine)
            return engine

    def _prepare_when_free(self, engine) -> migrations.Upgrade:
        """`_prepare_file`, tried again while another process holds the file's lock: the
        first opening of a new file switches its journal mode, which waits for no one, so
        processes starting together on a new store would otherwise fail on "locked"."""
        deadline = time.monotonic() + LOCKED_RETRY_S
        wait = 0.01
        while True:
            try:
                return self._prepare_file(engine)
            except OperationalError as error:
                if "locked" not in str(error.orig) or time.monotonic() + wait > deadline:
                    raise
            engine.dispose()  # the next try opens a new connection, with its pragmas
            time.sleep(wait)
            wait = min(wait * 2, 0.5)

    @staticmethod
    def _prepare_file(engine) -> migrations.Upgrade:
        """Check an SQLite file is sound, then migrate it.

        Raises:
            sqlite3.DatabaseError: the file is not a database or is damaged.
        """
        with engine.connect() as connection:
            verdict = connection.exec_driver_sql("PRAGMA quick_check").scalar()
            if verdict != "ok":
                raise sqlite3.DatabaseError(verdict)
        return migrations.upgrade(engine)

    def _prepare_server(self) -> migrations.Upgrade:
        """Migrate a server's database; an unreachable server is one line."""
        try:
            return migrations.upgrade(self.engine)
        except OperationalError as error:
            self.engine.dispose()
            reason = str(error.orig).strip().splitlines()[0] if error.orig else "unreachable"
            raise StoreError(f"cannot reach the question store {self.where} ({reason})") from None

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """One committed transaction (rolled back on error)."""
        if self._closed:
            raise StoreError("the question store is closed")
        with self._sqlite_turn or contextlib.nullcontext(), self.engine.begin() as connection:
            yield connection

    def _insert(self, table: Table):
        """An INSERT that can say ON CONFLICT, in the engine's dialect."""
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        return dialect.insert(table)

    # --- hashes and times ------------------------------------------------------------

    def member_hash(self, channel: str, member_id: str | int) -> str:
        """The keyed hash that stands for a member (or chat, thread, conversation) of a channel."""
        message = f"{channel}:{member_id}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]

    def _now(self) -> str:
        """The current time as questions and votes store it: UTC, ISO 8601, to the second."""
        return self._clock().astimezone(UTC).isoformat(timespec="seconds")

    def _epoch(self) -> float:
        """The current time in seconds since the epoch (the shared-state tables)."""
        return self._clock().timestamp()

    # --- questions and feedback ----------------------------------------------------------

    def record_question(
        self,
        *,
        channel: str,
        user_id: str | int,
        chat_id: str | int,
        answer: Answer,
        latency_ms: float,
    ) -> int:
        """Store one answered (or refused) question; returns its id for feedback."""
        row = {
            "asked_at": self._now(),
            "channel": channel,
            "user_hash": self.member_hash(channel, user_id),
            "chat_hash": self.member_hash(channel, chat_id),
            "question": answer.question,
            "language": answer.language,
            "answered": int(answer.answered),
            "sources": json.dumps([s.to_dict() for s in answer.sources], ensure_ascii=False),
            "latency_ms": latency_ms,
        }
        with self._transaction() as connection:
            result = connection.execute(insert(questions).values(**row))
        return int(result.inserted_primary_key[0])

    def mark_unanswered(self, question_id: int) -> None:
        """Note that a question's reply never reached the member: it is not counted as answered."""
        with self._transaction() as connection:
            connection.execute(update(questions).where(questions.c.id == question_id).values(answered=0))

    def record_feedback(self, *, question_id: int, channel: str, user_id: str | int, rating: int) -> bool:
        """Store 👍 (+1) or 👎 (-1) for a question; a member's later vote replaces the earlier.

        Returns False when the question is unknown (deleted, or never recorded): the
        foreign key refuses the vote, so a question deleted meanwhile cannot get one.
        """
        vote = {"rating": 1 if rating > 0 else -1, "given_at": self._now()}
        statement = (
            self._insert(feedback)
            .values(question_id=question_id, user_hash=self.member_hash(channel, user_id), **vote)
            .on_conflict_do_update(index_elements=["question_id", "user_hash"], set_=vote)
        )
        try:
            with self._transaction() as connection:
                connection.execute(statement)
        except IntegrityError:
            return False
        return True

    def questions(self, *, since: datetime | None = None) -> list[dict]:
        """Every recorded question (with its feedback total), oldest first.

        Each row holds the `questions` columns plus `rating` (sum of votes),
        `votes`, `upvotes` and `downvotes`.
        """
        rating = feedback.c.rating
        query = (
            select(
                questions,
                func.coalesce(func.sum(rating), 0).label("rating"),
                func.count(rating).label("votes"),
                func.coalesce(func.sum(case((rating > 0, 1), else_=0)), 0).label("upvotes"),
                func.coalesce(func.sum(case((rating < 0, 1), else_=0)), 0).label("downvotes"),
            )
            .select_from(questions.outerjoin(feedback, feedback.c.question_id == questions.c.id))
            .group_by(questions.c.id)
            .order_by(questions.c.asked_at, questions.c.id)
        )
        if since is not None:
            query = query.where(questions.c.asked_at >= _stored_time(since))
        with self._transaction() as connection:
            return [_plain(row._asdict()) for row in connection.execute(query)]

    # --- deliveries and threads (answer once, follow up on any replica) ------------------

    def claim_delivery(self, key: str) -> bool:
        """Claim a delivery (a Slack event id, a Telegram update id, a message key): True for
        the one caller, in any process sharing the store, that claimed it first.

        Namespace keys by channel and kind (`"slack:event:Ev123"`). Claims are kept a day.
        """
        statement = (
            self._insert(deliveries)
            .values(delivery_hash=self.member_hash("delivery", key), claimed_at=self._epoch())
            .on_conflict_do_nothing(index_elements=["delivery_hash"])
            .returning(deliveries.c.delivery_hash)  # a row back only when this call inserted it
        )
        with self._transaction() as connection:
            return connection.execute(statement).first() is not None

    def mark_thread(self, channel: str, thread: str, *, user_id: str | int) -> None:
        """Remember that the bot answered in a thread (a Slack `channel:thread_ts`, a chat),
        asked by `user_id` (so forgetting that member forgets the thread too)."""
        now = self._epoch()
        statement = (
            self._insert(threads)
            .values(
                thread_hash=self.member_hash(channel, thread),
                user_hash=self.member_hash(channel, user_id),
                marked_at=now,
            )
            .on_conflict_do_update(index_elements=["thread_hash"], set_={"marked_at": now})
        )
        with self._transaction() as connection:
            connection.execute(statement)

    def is_thread_answered(self, channel: str, thread: str, *, max_age: float | None = None) -> bool:
        """Whether the bot answered in the thread (within `max_age` seconds, when given)."""
        query = select(threads.c.marked_at).where(threads.c.thread_hash == self.member_hash(channel, thread))
        if max_age is not None:
            query = query.where(threads.c.marked_at >= self._epoch() - max_age)
        with self._transaction() as connection:
            return connection.execute(query).first() is not None

    # --- conversation context ------------------------------------------------------------

    def save_context(self, channel: str, conversation: str, value: dict, *, user_id: str | int) -> None:
        """Keep a conversation's context (any JSON object), replacing the earlier one.

        Args:
            channel: `telegram` or `slack`.
            conversation: the conversation's key (a private chat, a group reply chain, a thread).
            value: what the next question is resolved against.
            user_id: the member who asked (forgetting them forgets the context).
        """
        now = self._epoch()
        stored = json.dumps(value, ensure_ascii=False)
        statement = (
            self._insert(contexts)
            .values(
                conversation_hash=self.member_hash(channel, conversation),
                user_hash=self.member_hash(channel, user_id),
                value=stored,
                updated_at=now,
            )
            .on_conflict_do_update(
                index_elements=["conversation_hash"],
                set_={"value": stored, "updated_at": now, "user_hash": self.member_hash(channel, user_id)},
            )
        )
        with self._transaction() as connection:
            connection.execute(statement)

    def load_context(self, channel: str, conversation: str, *, max_age: float) -> dict | None:
        """A conversation's context saved at most `max_age` seconds ago, else None."""
        query = select(contexts.c.value).where(
            contexts.c.conversation_hash == self.member_hash(channel, conversation),
            contexts.c.updated_at >= self._epoch() - max_age,
        )
        with self._transaction() as connection:
            stored = connection.execute(query).scalar()
        return json.loads(stored) if stored is not None else None

    def clear_context(self, channel: str, conversation: str) -> bool:
        """Forget a conversation's context (`/new`); True if there was one."""
        statement = delete(contexts).where(contexts.c.conversation_hash == self.member_hash(channel, conversation))
        with self._transaction() as connection:
            return connection.execute(statement).rowcount > 0

    # --- rate limits -------------------------------------------------------------------

    def rate_wait(self, channel: str, member_id: str | int, *, window: float, limit: int) -> float:
        """Count a question against a member's limit of `limit` per `window` seconds.

        Returns 0 when the question is allowed (and counted), else the seconds
        until it would be. Every process sharing the store counts together: the
        member's row stays locked from the first statement to the commit, so two
        replicas take turns.
        """
        now = self._epoch()
        member = self.member_hash(channel, member_id)
        with self._transaction() as connection:
            # a write first: it takes the row lock (PostgreSQL) or the write lock (SQLite)
            connection.execute(
                self._insert(rate_limits)
                .values(member_hash=member, times="[]", updated_at=now)
                .on_conflict_do_update(index_elements=["member_hash"], set_={"updated_at": now})
            )
            stored = connection.execute(select(rate_limits.c.times).where(rate_limits.c.member_hash == member))
            recent = [at for at in json.loads(stored.scalar_one()) if now - at < window]
            wait = window - (now - recent[0]) if len(recent) >= limit else 0.0
            if not wait:
                recent.append(now)
            connection.execute(
                update(rate_limits).where(rate_limits.c.member_hash == member).values(times=json.dumps(recent))
            )
        return max(wait, 0.0)

    def count_and_check_rate(self, channel: str, member_id: str | int, *, window: float, limit: int) -> bool:
        """True (and counted) when the member may ask now; see `rate_wait`."""
        return self.rate_wait(channel, member_id, window=window, limit=limit) == 0

    # --- privacy -------------------------------------------------------------------

    def forget(self, channel: str, member_id: str | int) -> Forgotten:
        """Delete everything about one member of a channel.

        Their questions go with every vote on them (anyone's), their own votes on
        other members' questions, their conversation contexts, the threads they
        asked in and their rate-limit counts.
        """
        user = self.member_hash(channel, member_id)
        with self._transaction() as connection:
            votes = connection.execute(delete(feedback).where(feedback.c.user_hash == user)).rowcount
            asked = connection.execute(delete(questions).where(questions.c.user_hash == user)).rowcount
            kept = connection.execute(delete(contexts).where(contexts.c.user_hash == user)).rowcount
            kept += connection.execute(delete(threads).where(threads.c.user_hash == user)).rowcount
            connection.execute(delete(rate_limits).where(rate_limits.c.member_hash == user))
        return Forgotten(questions=asked, feedback=votes, conversations=kept)

    def apply_retention(self, days: int) -> int:
        """Delete questions (with their feedback), contexts and threads older than `days`,
        and delivery claims and rate counts past their use; returns how many questions went."""
        cutoff = self._clock() - timedelta(days=days)
        now = self._epoch()
        with self._transaction() as connection:
            removed = connection.execute(delete(questions).where(questions.c.asked_at < _stored_time(cutoff))).rowcount
            connection.execute(delete(contexts).where(contexts.c.updated_at < cutoff.timestamp()))
            connection.execute(delete(threads).where(threads.c.marked_at < cutoff.timestamp()))
            connection.execute(delete(deliveries).where(deliveries.c.claimed_at < now - DELIVERY_TTL_S))
            connection.execute(delete(rate_limits).where(rate_limits.c.updated_at < now - RATE_IDLE_S))
        return removed

    def ping(self) -> None:
        """Run a trivial query (raises when the database cannot be reached)."""
        with self._transaction() as connection:
            connection.execute(text("SELECT 1"))

    def close(self) -> None:
        """Close every connection; the store cannot be used afterwards."""
        self._closed = True
        self.engine.dispose()


def _plain(row: dict) -> dict:
    """A question row with plain Python numbers (PostgreSQL sums come back as Decimal)."""
    for name in ("rating", "votes", "upvotes", "downvotes", "answered"):
        row[name] = int(row[name])
    return row


def _stored_time(moment: datetime) -> str:
    """A time as the store writes it (UTC, to the second), so strings compare in time order."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")
