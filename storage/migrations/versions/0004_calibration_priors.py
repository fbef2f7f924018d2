"""Calibration priors: the daily fit's results per behaviour key, and its one-row schedule.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03

Plain SQLAlchemy types, frozen here on purpose (see 0001). Only new tables: nothing existing is
altered, so SQLite rebuilds nothing. The schedule's one row is inserted here, due at once
(``next_fit_at`` NULL), so the fit job fits right after the upgrade.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calibration_priors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("behaviour", sa.String(length=100), nullable=False),
        sa.Column("fitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("users", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("priors", sa.Text(), nullable=False),
        sa.CheckConstraint("users >= 0", name=op.f("ck_calibration_priors_users_nonnegative")),
        sa.CheckConstraint(
            "attempts >= 0", name=op.f("ck_calibration_priors_attempts_nonnegative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_priors")),
    )
    op.create_index(
        "ix_calibration_priors_behaviour_fitted_at", "calibration_priors",
        ["behaviour", "fitted_at"], unique=False,
    )
    schedule = op.create_table(
        "calibration_schedule",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("next_fit_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("generation", sa.Integer(), nullable=False, server_default="0"),
        sa.CheckConstraint("id = 1", name=op.f("ck_calibration_schedule_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_schedule")),
    )
    op.bulk_insert(schedule, [{"id": 1, "next_fit_at": None, "claimed_until": None,
                               "generation": 0}])


def downgrade() -> None:
    op.drop_table("calibration_schedule")
    op.drop_index("ix_calibration_priors_behaviour_fitted_at", table_name="calibration_priors")
    op.drop_table("calibration_priors")
