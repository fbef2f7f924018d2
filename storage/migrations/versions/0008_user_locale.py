"""A user may choose a language: ``users.locale`` (a gettext catalogue's code, "es", "pt_BR").

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

One nullable column, a plain ``ALTER TABLE … ADD COLUMN`` on SQLite too, so nothing is rebuilt.
Existing rows keep NULL, as does every user until they choose in /settings: the bot then
follows the Telegram ``language_code`` it already stores. Dropping the column
(downgrade) rebuilds ``users`` in batch mode with foreign keys off (storage.migrate), as 0005.

Plain SQLAlchemy types, frozen here on purpose (see 0001).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("locale", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("locale")
