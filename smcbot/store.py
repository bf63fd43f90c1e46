"""The question store: what members asked, what they were answered, and their
feedback, in one SQLite file shared by every front end.

Member identifiers are never stored as such: only a keyed hash (HMAC-SHA256 with
a key from the settings), enough to count distinct askers and forget one member.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from smcbot.models import Answer

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


class QuestionStore:
    """Records questions, answers and feedback; safe to share between threads."""

    def __init__(self, path: Path, *, hash_key: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._key = hash_key.encode()
        self._lock = threading.Lock()
        self._db = self._open(path)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        """Open (creating if needed) the database; a corrupt file is set aside and recreated."""
        try:
            db = sqlite3.connect(path, check_same_thread=False)
            db.executescript(SCHEMA)
        except sqlite3.DatabaseError:
            path.rename(path.with_name(path.name + f".corrupt-{datetime.now(UTC):%Y%m%dT%H%M%S}"))
            db = sqlite3.connect(path, check_same_thread=False)
            db.executescript(SCHEMA)
        db.execute("PRAGMA foreign_keys = ON")
        return db

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
            datetime.now(UTC).isoformat(timespec="seconds"),
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
                (question_id, self.member_hash(channel, user_id), 1 if rating > 0 else -1,
                 datetime.now(UTC).isoformat(timespec="seconds")),
            )
        return True

    def questions(self, *, since: datetime | None = None) -> list[dict]:
        """Every recorded question (with its feedback total), oldest first."""
        query = (
            "SELECT q.*, COALESCE(SUM(f.rating), 0) AS rating, COUNT(f.rating) AS votes"
            " FROM questions q LEFT JOIN feedback f ON f.question_id = q.id"
            + (" WHERE q.asked_at >= ?" if since else "")
            + " GROUP BY q.id ORDER BY q.asked_at, q.id"
        )
        with self._lock:
            cursor = self._db.execute(query, (since.isoformat(),) if since else ())
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def forget_member(self, channel: str, member_id: str | int) -> int:
        """Delete a member's questions and feedback; returns how many questions went."""
        user = self.member_hash(channel, member_id)
        with self._lock, self._db:
            self._db.execute("DELETE FROM feedback WHERE user_hash = ?", (user,))
            return self._db.execute("DELETE FROM questions WHERE user_hash = ?", (user,)).rowcount

    def apply_retention(self, days: int) -> int:
        """Delete questions older than `days`; returns how many went."""
        cutoff = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
        with self._lock, self._db:
            return self._db.execute("DELETE FROM questions WHERE asked_at < ?", (cutoff,)).rowcount

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
