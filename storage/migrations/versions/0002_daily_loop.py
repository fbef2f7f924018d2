"""The daily loop: when to send, leases for sending, follow-ups, day closing, conversations.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

Plain SQLAlchemy types, frozen here on purpose (see 0001).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _instant(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def upgrade() -> None:
    op.create_table(
        "group_notices",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_group_notices")),
    )
    op.create_table(
        "conversations",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"], ["challenges.id"],
            name=op.f("fk_conversations_challenge_id_challenges"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_conversations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_conversations")),
    )
    with op.batch_alter_table("challenges") as batch:
        batch.add_column(_instant("close_at"))
        batch.add_column(_instant("followup_at"))
        batch.add_column(_instant("followup_sent_at"))
        batch.add_column(_instant("claimed_until"))
        batch.add_column(
            sa.Column("send_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch.create_index("ix_challenges_status_close_at", ["status", "close_at"])
        batch.create_index("ix_challenges_status_followup_at", ["status", "followup_at"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(_instant("next_send_at"))
        batch.add_column(sa.Column("paused_until", sa.Date(), nullable=True))
        batch.create_index("ix_users_status_next_send_at", ["status", "next_send_at"])


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_index("ix_users_status_next_send_at")
        batch.drop_column("paused_until")
        batch.drop_column("next_send_at")
    with op.batch_alter_table("challenges") as batch:
        batch.drop_index("ix_challenges_status_followup_at")
        batch.drop_index("ix_challenges_status_close_at")
        batch.drop_column("send_attempts")
        batch.drop_column("claimed_until")
        batch.drop_column("followup_sent_at")
        batch.drop_column("followup_at")
        batch.drop_column("close_at")
    op.drop_table("conversations")
    op.drop_table("group_notices")
