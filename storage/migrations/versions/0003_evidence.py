"""Evidence: efficacy ladder ratings, the weekly review's schedule, the celebration setting.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

Plain SQLAlchemy types, frozen here on purpose (see 0001). Only changes SQLite can make in place
on ``users`` (ADD COLUMN, CREATE INDEX): anything else (a CHECK, say) makes batch mode rebuild the
table, and dropping the old ``users`` with foreign keys on would cascade-delete every goal and
challenge. So ``review_weekday``'s range is checked in code, not by the database, and
``celebrate``'s default is the literal '1' (true on both backends): an expression default such
as ``sa.true()`` also forces the rebuild.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ladder_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("strength", sa.Float(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "strength >= 0 AND strength <= 100", name=op.f("ck_ladder_ratings_strength_range")
        ),
        sa.CheckConstraint("level >= 0", name=op.f("ck_ladder_ratings_level_nonnegative")),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_ladder_ratings_goal_id_goals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_ladder_ratings_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ladder_ratings")),
    )
    op.create_index(
        op.f("ix_ladder_ratings_user_id"), "ladder_ratings", ["user_id"], unique=False
    )
    op.create_index(
        "ix_ladder_ratings_goal_id_rated_at", "ladder_ratings", ["goal_id", "rated_at"],
        unique=False,
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("review_weekday", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("celebrate", sa.Boolean(), nullable=False, server_default="1")
        )
        batch.add_column(sa.Column("next_review_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_users_status_next_review_at", ["status", "next_review_at"])


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_index("ix_users_status_next_review_at")
        batch.drop_column("next_review_at")
        batch.drop_column("celebrate")
        batch.drop_column("review_weekday")
    op.drop_index("ix_ladder_ratings_goal_id_rated_at", table_name="ladder_ratings")
    op.drop_index(op.f("ix_ladder_ratings_user_id"), table_name="ladder_ratings")
    op.drop_table("ladder_ratings")
