"""Alembic migrations on SQLite and PostgreSQL build exactly the schema the models describe."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.migrate import alembic_config, current, downgrade, upgrade

APP_TABLES = {
    "users", "goals", "challenges", "conversations", "group_notices", "ladder_ratings",
    "calibration_priors", "calibration_schedule",
}


def _head() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _schema_diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, SQLModel.metadata))


def _named_constraints(connection: Connection) -> dict[str, set[str | None]]:
    inspector = inspect(connection)
    names: dict[str, set[str | None]] = {}
    for table in APP_TABLES:
        names[table] = (
            {ck["name"] for ck in inspector.get_check_constraints(table)}
            | {uq["name"] for uq in inspector.get_unique_constraints(table)}
            | {fk["name"] for fk in inspector.get_foreign_keys(table)}
            | {ix["name"] for ix in inspector.get_indexes(table)}
        )
    return names


def _model_constraints() -> dict[str, set[str | None]]:
    names: dict[str, set[str | None]] = {}
    for table in APP_TABLES:
        sa_table = SQLModel.metadata.tables[table]
        constraints: set[str | None] = {
            str(c.name) for c in sa_table.constraints if c is not sa_table.primary_key
        }
        names[table] = constraints | {str(ix.name) for ix in sa_table.indexes}
    return names


def test_one_linear_history() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == ["0004"]
    assert [rev.revision for rev in script.walk_revisions()] == ["0004", "0003", "0002", "0001"]


async def test_upgrade_to_head_creates_the_tables(
    make_engine: Callable[..., AsyncEngine],
) -> None:
    engine = make_engine()
    assert await current(engine) is None
    await upgrade(engine)
    assert await current(engine) == _head()
    async with engine.connect() as connection:
        assert await connection.run_sync(_tables) == APP_TABLES | {"alembic_version"}
    await upgrade(engine)  # at head already: nothing to do, no error
    assert await current(engine) == _head()


async def test_migrated_schema_matches_the_models(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        assert await connection.run_sync(_schema_diff) == []


async def test_migrated_constraints_carry_the_convention_names(engine: AsyncEngine) -> None:
    # compare_metadata ignores CHECK constraints, so check every named constraint directly.
    async with engine.connect() as connection:
        assert await connection.run_sync(_named_constraints) == _model_constraints()


async def test_downgrade_to_base_and_upgrade_again(engine: AsyncEngine) -> None:
    await downgrade(engine, "base")
    assert await current(engine) is None
    async with engine.connect() as connection:
        assert await connection.run_sync(_tables) & APP_TABLES == set()
    await upgrade(engine)
    assert await current(engine) == _head()
    async with engine.connect() as connection:
        assert await connection.run_sync(_schema_diff) == []


def test_cli_path_builds_its_own_engine(tmp_path: Path) -> None:
    # What `alembic -c storage/alembic.ini -x url=…` and alembic_config(url) do: env.py creates
    # the engine itself (no shared connection), including a missing directory for the file.
    db_file = tmp_path / "nested" / "cli.db"
    command.upgrade(alembic_config(f"sqlite:///{db_file}"), "head")
    assert db_file.exists()
    import sqlite3

    with sqlite3.connect(db_file) as connection:
        (version,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert version == _head()
    assert tables >= APP_TABLES


def test_offline_sql_for_postgresql(capsys: pytest.CaptureFixture[str]) -> None:
    command.upgrade(alembic_config("postgresql://u@db.invalid/x"), "head", sql=True)
    sql = capsys.readouterr().out
    assert "CREATE TABLE users" in sql
    assert "telegram_user_id BIGINT NOT NULL" in sql
    assert "due_at TIMESTAMP WITH TIME ZONE NOT NULL" in sql
    assert "ON DELETE CASCADE" in sql


def test_alembic_config_escapes_percent_in_url() -> None:
    config = alembic_config("postgresql://u:p%40ss@127.0.0.1/db")
    assert config.get_main_option("sqlalchemy.url") == "postgresql+asyncpg://u:p%40ss@127.0.0.1/db"
    assert Path(str(config.get_main_option("script_location"))).joinpath("env.py").is_file()


async def _seed_one_user(connection: AsyncConnection) -> None:
    """One user with a goal and a done challenge, in the columns every revision has."""
    for sql in (
        "INSERT INTO users (id, telegram_user_id, chat_id, first_name, timezone, send_time,"
        " status, created_at, updated_at) VALUES (1, 7, 7, 'Ada', 'UTC', '08:00:00', 'active',"
        " '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00')",
        "INSERT INTO goals (id, user_id, behaviour, unit, step, baseline, active, created_at)"
        " VALUES (1, 1, 'running', 'minutes', 1, 10, true, '2026-01-01 00:00:00+00:00')",
        "INSERT INTO challenges (id, goal_id, local_date, amount, p_success, plan_reason,"
        " status, due_at, created_at) VALUES (1, 1, '2026-01-02', 11, 0.9, '', 'done',"
        " '2026-01-02 08:00:00+00:00', '2026-01-02 08:00:00+00:00')",
    ):
        await connection.execute(sa.text(sql))


async def test_0002_keeps_existing_rows_and_defaults_new_columns(
    make_engine: Callable[..., AsyncEngine],
) -> None:
    from sqlalchemy import text

    engine = make_engine()
    await upgrade(engine, "0001")
    async with engine.begin() as connection:
        await _seed_one_user(connection)
    await upgrade(engine)
    async with engine.connect() as connection:
        row = (await connection.execute(text(
            "SELECT amount, status, send_attempts, close_at FROM challenges"
        ))).one()
        user = (await connection.execute(text("SELECT next_send_at FROM users"))).one()
    assert (row.amount, row.status, row.send_attempts, row.close_at) == (11, "done", 0, None)
    assert user.next_send_at is None


async def test_0003_keeps_every_row_and_defaults_new_user_columns(
    make_engine: Callable[..., AsyncEngine],
) -> None:
    # On SQLite a batch rebuild of `users` would drop it, and with foreign keys on that deletes
    # every goal and challenge: the upgrade must leave them all in place.
    from sqlalchemy import text

    engine = make_engine()
    await upgrade(engine, "0002")
    async with engine.begin() as connection:
        await _seed_one_user(connection)
    await upgrade(engine)
    async with engine.connect() as connection:
        challenges = (await connection.execute(text("SELECT amount FROM challenges"))).all()
        user = (await connection.execute(text(
            "SELECT review_weekday, celebrate, next_review_at FROM users"
        ))).one()
    assert [row.amount for row in challenges] == [11]
    assert (user.review_weekday, bool(user.celebrate), user.next_review_at) == (None, True, None)


def _rebuild_users(connection: Connection) -> None:
    from alembic.operations import Operations

    context = MigrationContext.configure(connection, opts={"render_as_batch": True})
    with Operations(context).batch_alter_table("users", recreate="always") as batch:
        batch.alter_column("first_name", existing_type=sa.String(256), nullable=True)


async def test_a_sqlite_table_rebuild_inside_a_migration_keeps_dependent_rows(
    tmp_path: Path,
) -> None:
    # A future migration that makes SQLite copy-and-drop `users` must not cascade-delete goals
    # (only SQLite rebuilds tables, so this test has no PostgreSQL twin).
    from sqlalchemy import text

    from storage.db import create_engine
    from storage.migrate import migration_connection

    engine = create_engine(f"sqlite:///{tmp_path / 'rebuild.db'}")
    await upgrade(engine)
    async with engine.begin() as connection:
        await _seed_one_user(connection)
    async with migration_connection(engine) as connection:
        await connection.run_sync(_rebuild_users)
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM goals"))).scalar_one() == 1
        pragma = await connection.exec_driver_sql("PRAGMA foreign_keys")
        assert pragma.scalar_one() == 1  # and foreign keys are back on afterwards
    await engine.dispose()


_REBUILD_USERS_REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", recreate="always") as batch:
        batch.alter_column("first_name", existing_type=sa.String(256), nullable=True)


def downgrade() -> None:
    pass
"""


async def test_the_alembic_cli_rebuilds_a_sqlite_table_without_cascading_deletes(
    tmp_path: Path,
) -> None:
    # `alembic -c storage/alembic.ini upgrade head` goes through env.py's own engine: it must
    # take the same guarded connection as storage.migrate (foreign keys off around a rebuild),
    # or a migration that copies `users` deletes every goal. The real CLI runs on a copy of
    # storage/alembic.ini and storage/migrations with one extra revision that rebuilds `users`.
    import shutil
    import subprocess
    import sys

    from sqlalchemy import text

    from storage.db import create_engine
    from storage.migrate import MIGRATIONS_DIR

    scripts = tmp_path / "storage"
    shutil.copytree(MIGRATIONS_DIR, scripts / "migrations",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(MIGRATIONS_DIR.parent / "alembic.ini", scripts / "alembic.ini")
    (scripts / "migrations" / "versions" / "9999_rebuild_users.py").write_text(
        _REBUILD_USERS_REVISION.format(head=_head()), encoding="utf-8"
    )
    db_file = tmp_path / "cli.db"
    engine = create_engine(f"sqlite:///{db_file}")
    try:
        await upgrade(engine)
        async with engine.begin() as connection:
            await _seed_one_user(connection)
    finally:
        await engine.dispose()
    done = subprocess.run(  # noqa: ASYNC221 (the CLI is the point; nothing else runs meanwhile)
        [sys.executable, "-m", "alembic", "-c", str(scripts / "alembic.ini"),
         "-x", f"url=sqlite:///{db_file}", "upgrade", "head"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    import sqlite3

    with sqlite3.connect(db_file) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            "9999",
        )
        counts = [connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("users", "goals", "challenges")]
    assert counts == [1, 1, 1]
    engine = create_engine(f"sqlite:///{db_file}")
    try:
        async with engine.connect() as connection:
            broken = (await connection.execute(text("PRAGMA foreign_key_check"))).all()
        assert broken == []
    finally:
        await engine.dispose()


async def test_0004_keeps_every_row_and_makes_the_first_fit_due(
    make_engine: Callable[..., AsyncEngine],
) -> None:
    from sqlalchemy import text

    engine = make_engine()
    await upgrade(engine, "0003")
    async with engine.begin() as connection:
        await _seed_one_user(connection)
    await upgrade(engine)
    async with engine.connect() as connection:
        challenges = (await connection.execute(text("SELECT amount FROM challenges"))).all()
        schedule = (await connection.execute(text(
            "SELECT id, next_fit_at, claimed_until, generation FROM calibration_schedule"
        ))).all()
        fits = (await connection.execute(text("SELECT count(*) FROM calibration_priors"))).one()
    assert [row.amount for row in challenges] == [11]
    assert [tuple(row) for row in schedule] == [(1, None, None, 0)]  # due at the first tick
    assert fits[0] == 0
    await downgrade(engine, "0003")
    async with engine.connect() as connection:
        tables = await connection.run_sync(_tables)
        kept = (await connection.execute(text("SELECT count(*) FROM challenges"))).one()
    assert not tables & {"calibration_priors", "calibration_schedule"}
    assert kept[0] == 1
