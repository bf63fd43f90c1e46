"""Questions and feedback: the store as smcbot first wrote it.

Stores made before migrations existed already hold these tables (created by the
code, with no version recorded): this step then creates only what is missing, so
they join the migration history with their rows kept.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the questions and feedback tables and their indexes, where missing."""
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table("questions"):
        op.create_table(
            "questions",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("asked_at", sa.Text, nullable=False),
            sa.Column("channel", sa.Text, nullable=False),
            sa.Column("user_hash", sa.Text, nullable=False),
            sa.Column("chat_hash", sa.Text, nullable=False),
            sa.Column("question", sa.Text, nullable=False),
            sa.Column("language", sa.Text, nullable=False),
            sa.Column("answered", sa.Integer, nullable=False),
            sa.Column("sources", sa.Text, nullable=False),
            sa.Column("latency_ms", sa.Float, nullable=False),
            sqlite_autoincrement=True,
        )
    if not inspector.has_table("feedback"):
        op.create_table(
            "feedback",
            sa.Column("question_id", sa.Integer, sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
            sa.Column("user_hash", sa.Text, primary_key=True),
            sa.Column("rating", sa.Integer, sa.CheckConstraint("rating IN (-1, 1)"), nullable=False),
            sa.Column("given_at", sa.Text, nullable=False),
        )
    inspector = sa.inspect(op.get_bind())  # again: the tables may be new
    existing = {index["name"] for index in inspector.get_indexes("questions")}
    if "questions_asked_at" not in existing:
        op.create_index("questions_asked_at", "questions", ["asked_at"])
    if "questions_user" not in existing:
        op.create_index("questions_user", "questions", ["user_hash"])


def downgrade() -> None:
    """Drop both tables (and every record in them)."""
    op.drop_table("feedback")
    op.drop_table("questions")
