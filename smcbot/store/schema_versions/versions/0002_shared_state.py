"""What several bot processes share: deliveries, answered threads, conversation
contexts and rate limits (held in each process's memory before).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the four shared-state tables."""
    op.create_table(
        "deliveries",
        sa.Column("delivery_hash", sa.String(64), primary_key=True),
        sa.Column("claimed_at", sa.Float, nullable=False),
    )
    op.create_index("deliveries_claimed_at", "deliveries", ["claimed_at"])
    op.create_table(
        "threads",
        sa.Column("thread_hash", sa.String(64), primary_key=True),
        sa.Column("user_hash", sa.Text, nullable=False),
        sa.Column("marked_at", sa.Float, nullable=False),
    )
    op.create_index("threads_user", "threads", ["user_hash"])
    op.create_index("threads_marked_at", "threads", ["marked_at"])
    op.create_table(
        "contexts",
        sa.Column("conversation_hash", sa.String(64), primary_key=True),
        sa.Column("user_hash", sa.Text, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_index("contexts_user", "contexts", ["user_hash"])
    op.create_index("contexts_updated_at", "contexts", ["updated_at"])
    op.create_table(
        "rate_limits",
        sa.Column("member_hash", sa.String(64), primary_key=True),
        sa.Column("times", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_index("rate_limits_updated_at", "rate_limits", ["updated_at"])


def downgrade() -> None:
    """Drop the four shared-state tables."""
    for table in ("rate_limits", "contexts", "threads", "deliveries"):
        op.drop_table(table)
