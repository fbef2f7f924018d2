"""Initial schema: users, goals, challenges.

Revision ID: 0001
Revises:
Create Date: 2026-11-24

Types are plain SQLAlchemy ones (frozen here on purpose): SQLModel's UTCDateTime and AutoString
emit the same DDL, and a migration must not change meaning when the models or SQLModel do.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _instant(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("first_name", sa.String(length=256), nullable=False),
        sa.Column("language_code", sa.String(length=16), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("send_time", sa.Time(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        _instant("created_at", nullable=False),
        _instant("updated_at", nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'paused', 'stopped', 'blocked')", name=op.f("ck_users_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("telegram_user_id", name=op.f("uq_users_telegram_user_id")),
    )
    op.create_table(
        "goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("behaviour", sa.String(length=64), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("step", sa.Float(), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=False),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _instant("created_at", nullable=False),
        sa.CheckConstraint("step > 0", name=op.f("ck_goals_step_positive")),
        sa.CheckConstraint("baseline > 0", name=op.f("ck_goals_baseline_positive")),
        sa.CheckConstraint("target IS NULL OR target > 0", name=op.f("ck_goals_target_positive")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_goals_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
    )
    op.create_index(op.f("ix_goals_user_id"), "goals", ["user_id"], unique=False)
    op.create_table(
        "challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("p_success", sa.Float(), nullable=False),
        sa.Column("plan_reason", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        _instant("due_at", nullable=False),
        _instant("sent_at", nullable=True),
        _instant("answered_at", nullable=True),
        sa.Column("effort", sa.Integer(), nullable=True),
        sa.Column("failure_reason", sa.String(length=16), nullable=True),
        sa.Column("achieved", sa.Float(), nullable=True),
        sa.Column("confidence", sa.Integer(), nullable=True),
        sa.Column("reflection", sa.String(length=1000), nullable=True),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=True),
        _instant("created_at", nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'sent', 'done', 'failed', 'skipped', 'missed')",
            name=op.f("ck_challenges_status"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_challenges_amount_positive")),
        sa.CheckConstraint(
            "p_success >= 0 AND p_success <= 1", name=op.f("ck_challenges_p_success_range")
        ),
        sa.CheckConstraint(
            "effort IS NULL OR (effort >= 1 AND effort <= 5)",
            name=op.f("ck_challenges_effort_range"),
        ),
        sa.CheckConstraint(
            "failure_reason IS NULL OR "
            "failure_reason IN ('too_hard', 'no_time', 'unwell', 'other')",
            name=op.f("ck_challenges_failure_reason"),
        ),
        sa.CheckConstraint(
            "achieved IS NULL OR achieved >= 0", name=op.f("ck_challenges_achieved_nonnegative")
        ),
        sa.CheckConstraint(
            "confidence IS NULL OR (confidence >= 0 AND confidence <= 100)",
            name=op.f("ck_challenges_confidence_range"),
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_challenges_goal_id_goals"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenges")),
        sa.UniqueConstraint("goal_id", "local_date", name=op.f("uq_challenges_goal_id_local_date")),
    )
    op.create_index("ix_challenges_status_due_at", "challenges", ["status", "due_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_challenges_status_due_at", table_name="challenges")
    op.drop_table("challenges")
    op.drop_index(op.f("ix_goals_user_id"), table_name="goals")
    op.drop_table("goals")
    op.drop_table("users")
