"""The question store's tables as they stand at the newest migration (SQLAlchemy Core).

Queries are written against these; the migrations in `schema_versions/` create
and change the real tables, each a frozen step, so an older store is upgraded in
place. A change here goes with a new migration.

Members, chats, conversations and delivery ids are stored only as keyed hashes
(`QuestionStore.member_hash`). Question and feedback times are ISO 8601 text (UTC,
to the second), as the first store wrote them; the shared-state tables, read by
age, keep seconds since the epoch.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

questions = Table(
    "questions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("asked_at", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("user_hash", Text, nullable=False),
    Column("chat_hash", Text, nullable=False),
    Column("question", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("answered", Integer, nullable=False),
    Column("sources", Text, nullable=False),
    Column("latency_ms", Float, nullable=False),
    Index("questions_asked_at", "asked_at"),
    Index("questions_user", "user_hash"),
    sqlite_autoincrement=True,
)

feedback = Table(
    "feedback",
    metadata,
    Column("question_id", Integer, ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
    Column("user_hash", Text, primary_key=True),
    Column("rating", Integer, CheckConstraint("rating IN (-1, 1)"), nullable=False),
    Column("given_at", Text, nullable=False),
)

# Deliveries claimed by one process: the database's unique key makes "answer once"
# hold across replicas (Slack retries, Telegram webhook redeliveries).
deliveries = Table(
    "deliveries",
    metadata,
    Column("delivery_hash", String(64), primary_key=True),
    Column("claimed_at", Float, nullable=False),
    Index("deliveries_claimed_at", "claimed_at"),
)

# Threads (or chats) the bot answered in, so a follow-up there is answered by any replica.
threads = Table(
    "threads",
    metadata,
    Column("thread_hash", String(64), primary_key=True),
    Column("user_hash", Text, nullable=False),
    Column("marked_at", Float, nullable=False),
    Index("threads_user", "user_hash"),
    Index("threads_marked_at", "marked_at"),
)

# A conversation's context (the last answered question's topic, filters, sessions, language).
contexts = Table(
    "contexts",
    metadata,
    Column("conversation_hash", String(64), primary_key=True),
    Column("user_hash", Text, nullable=False),
    Column("value", Text, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("contexts_user", "user_hash"),
    Index("contexts_updated_at", "updated_at"),
)

# One row per member: the times of their recent questions (a JSON list), updated
# under the row's lock so replicas count one member's questions together.
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("member_hash", String(64), primary_key=True),
    Column("times", Text, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("rate_limits_updated_at", "updated_at"),
)
