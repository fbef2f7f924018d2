"""A challenge can be snoozed: "Later" brings the daily message back at ``snoozed_until``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

One nullable column and an index serving the tick's claim ("status = 'sent' AND snoozed_until
<= now"). Adding a nullable column is a plain ``ALTER TABLE … ADD COLUMN`` on SQLite too, so the
upgrade rebuilds nothing and every row and its dependants stay as they are. Dropping it again
(downgrade) makes SQLite rebuild ``challenges`` in batch mode, with foreign keys off
(storage.migrate), as 0005 does.

Plain SQLAlchemy types, frozen here on purpose (see 0001).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("challenges", sa.Column("snoozed_until", sa.DateTime(timezone=True),
                                          nullable=True))
    op.create_index("ix_challenges_status_snoozed_until", "challenges",
                    ["status", "snoozed_until"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_challenges_status_snoozed_until", table_name="challenges")
    with op.batch_alter_table("challenges") as batch:
        batch.drop_column("snoozed_until")
