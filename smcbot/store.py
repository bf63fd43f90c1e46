"""The question store: what members asked, what they were answered, and their
feedback, in one SQLite file shared by every front end.

Member identifiers are never stored as such: only a keyed hash (HMAC-SHA256 with
a key from the settings), enough to count distinct askers and forget one member.
Deleted rows are overwritten on disk (`secure_delete`), so a forgotten member or
an expired question cannot be read back from the file.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from smcbot.errors import SmcbotError
from smcbot.models import Answer

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]

SCHEMA = """
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


@dataclass(frozen=True)
class Forgotten:
    """What forgetting a member deleted."""

    questions: int
    feedback: int

    @property
    def anything(self) -> bool:
        """Whether the store held anything about the member."""
        return bool(self.questions or self.feedback)


class QuestionStore:
    """Records questions, answers and feedback; safe to share between threads.

    Args:
        path: the SQLite file, created if missing; a damaged one is set aside
            (renamed `<name>.corrupt-<time>`, see `set_aside`) and a new one started.
        hash_key: the key of the hashes that stand for member identifiers.
        clock: gives the current time (UTC); tests pass their own.

    Raises:
        SmcbotError: the file cannot be opened at all (a folder, no permission, locked).
    """

    def __init__(self, path: Path, *, hash_key: str, clock: Clock | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.set_aside: Path | None = None
        self._key = hash_key.encode()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self._db = self._open(path)

    def _open(self, path: Path) -> sqlite3.Connection:
        """Open (creating if needed) the database; a corrupt file is set aside and recreated."""
        if path.exists() and not path.is_file():
            raise SmcbotError(f"question store {path} is not a file; set SMCBOT_STORE__PATH to a file path")
        try:
            return _connect(path)
        except sqlite3.OperationalError as error:  # cannot open or locked: nothing to set aside
            raise SmcbotError(f"cannot open the question store {path} ({error})") from None
        except sqlite3.DatabaseError as error:
            self.set_aside = path.with_name(path.name + f".corrupt-{self._clock():%Y%m%dT%H%M%S}")
            path.rename(self.set_aside)
            log.warning(
                "question store %s was damaged (%s): set aside as %s, starting a new one", path, error, self.set_aside
            )
            return _connect(path)

    def member_hash(self, channel: str, member_id: str | int) -> str:
        """The keyed hash that stands for a member (or chat) of a channel."""
        message = f"{channel}:{member_id}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]

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
        sources = json.dumps([s.to_dict() for s in answer.sources], ensure_ascii=False)
        row = (
            self._now(),
            channel,
            self.member_hash(channel, user_id),
            self.member_hash(channel, chat_id),
            answer.question,
            answer.language,
            int(answer.answered),
            sources,
            latency_ms,
        )
        with self._lock, self._db:
            cursor = self._db.execute(
                "INSERT INTO questions (asked_at, channel, user_hash, chat_hash, question, language,"
                " answered, sources, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
        return int(cursor.lastrowid or 0)

    def mark_unanswered(self, question_id: int) -> None:
        """Note that a question's reply never reached the member: it is not counted as answered."""
        with self._lock, self._db:
            self._db.execute("UPDATE questions SET answered = 0 WHERE id = ?", (question_id,))

    def record_feedback(self, *, question_id: int, channel: str, user_id: str | int, rating: int) -> bool:
        """Store 👍 (+1) or 👎 (-1) for a question; a member's later vote replaces the earlier.

        Returns False when the question is unknown (deleted, or never recorded).
        """
        with self._lock, self._db:
            exists = self._db.execute("SELECT 1 FROM questions WHERE id = ?", (question_id,)).fetchone()
            if not exists:
                return False
            self._db.execute(
                "INSERT OR REPLACE INTO feedback VALUES (?, ?, ?, ?)",
                (question_id, self.member_hash(channel, user_id), 1 if rating > 0 else -1, self._now()),
            )
        return True

    def _now(self) -> str:
        """The current time as stored: UTC, ISO 8601, to the second."""
        return self._clock().astimezone(UTC).isoformat(timespec="seconds")

    def questions(self, *, since: datetime | None = None) -> list[dict]:
        """Every recorded question (with its feedback total), oldest first.

        Each row holds the `questions` columns plus `rating` (sum of votes),
        `votes`, `upvotes` and `downvotes`.
        """
        query = (
            "SELECT q.*, COALESCE(SUM(f.rating), 0) AS rating, COUNT(f.rating) AS votes,"
            " COALESCE(SUM(f.rating > 0), 0) AS upvotes, COALESCE(SUM(f.rating < 0), 0) AS downvotes"
            " FROM questions q LEFT JOIN feedback f ON f.question_id = q.id"
            + (" WHERE q.asked_at >= ?" if since else "")
            + " GROUP BY q.id ORDER BY q.asked_at, q.id"
        )
        with self._lock:
            cursor = self._db.execute(query, (_stored_time(since),) if since else ())
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def forget(self, channel: str, member_id: str | int) -> Forgotten:
        """Delete everything about one member of a channel.

        Their questions go with every vote on them (anyone's), and their own
        votes on other members' questions go too.
        """
        user = self.member_hash(channel, member_id)
        with self._lock, self._db:
            feedback = self._db.execute("DELETE FROM feedback WHERE user_hash = ?", (user,)).rowcount
            questions = self._db.execute("DELETE FROM questions WHERE user_hash = ?", (user,)).rowcount
        return Forgotten(questions=questions, feedback=feedback)

    def apply_retention(self, days: int) -> int:
        """Delete questions older than `days` (with their feedback); returns how many went."""
        cutoff = _stored_time(self._clock() - timedelta(days=days))
        with self._lock, self._db:
            return self._db.execute("DELETE FROM questions WHERE asked_at < ?", (cutoff,)).rowcount

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()


def _connect(path: Path) -> sqlite3.Connection:
    """Connect, create the tables, and check the file is sound.

    Raises:
        sqlite3.DatabaseError: the file is not a database or is damaged.
    """
    db = sqlite3.connect(path, check_same_thread=False)
    try:
        db.executescript(SCHEMA)
        verdict = db.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise sqlite3.DatabaseError(verdict)
    except BaseException:
        db.close()
        raise
    db.execute("PRAGMA foreign_keys = ON")  # feedback goes with its question
    db.execute("PRAGMA secure_delete = ON")  # deleted rows are zeroed on disk, not just unlinked
    return db


def _stored_time(moment: datetime) -> str:
    """A time as the store writes it (UTC, to the second), so strings compare in time order."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")
