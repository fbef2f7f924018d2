"""The update inbox and the shared send lanes: serving many people from several processes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

``update_inbox`` holds every update from Telegram before it is acknowledged (webhook or polling),
so a process killed at any moment loses none; workers claim rows per chat in order.
``send_lanes`` holds each send lane's next free slot and pause, shared by every process, so the
broadcast budget is one budget however many processes send.

Only new tables: nothing existing is altered, so SQLite rebuilds nothing. Plain SQLAlchemy types,
frozen here on purpose (see 0001).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "update_inbox",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'handled', 'set_aside')",
                           name=op.f("ck_update_inbox_status")),
        sa.CheckConstraint("failures >= 0", name=op.f("ck_update_inbox_failures_nonnegative")),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_update_inbox")),
    )
    op.create_index("ix_update_inbox_status_chat_id_update_id", "update_inbox",
                    ["status", "chat_id", "update_id"], unique=False)
    op.create_index("ix_update_inbox_status_handled_at", "update_inbox",
                    ["status", "handled_at"], unique=False)
    op.create_table(
        "send_lanes",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("next_slot_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paused_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_send_lanes")),
    )


def downgrade() -> None:
    op.drop_table("send_lanes")
    op.drop_index("ix_update_inbox_status_handled_at", table_name="update_inbox")
    op.drop_index("ix_update_inbox_status_chat_id_update_id", table_name="update_inbox")
    op.drop_table("update_inbox")
