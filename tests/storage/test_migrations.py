"""Alembic migrations on SQLite and PostgreSQL build exactly the schema the models describe."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from enum import StrEnum
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
from core.vocabulary import ChallengeStatus, FailureReason, UserStatus
from storage.migrate import alembic_config, current, downgrade, upgrade

APP_TABLES = {
    "users", "goals", "challenges", "conversations", "group_notices", "ladder_ratings",
    "calibration_priors", "calibration_schedule", "update_inbox", "send_lanes",
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
    assert script.get_heads() == ["0009"]
    assert [rev.revision for rev in script.walk_revisions()] == [
        "0009", "0008", "0007", "0006", "0005", "0004", "0003", "0002", "0001"]


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


# The CHECKs that list values, as migration 0001 wrote them: the models derive theirs from
# core.vocabulary, so a reordered or renamed enum member would silently change the schema.
VOCABULARY_CHECKS: dict[tuple[str, str], tuple[str, type[StrEnum]]] = {
    ("users", "ck_users_status"):
        ("status IN ('active', 'paused', 'stopped', 'blocked')", UserStatus),
    ("challenges", "ck_challenges_status"):
        ("status IN ('planned', 'sent', 'done', 'failed', 'skipped', 'missed')", ChallengeStatus),
    ("challenges", "ck_challenges_failure_reason"): (
        "failure_reason IS NULL OR failure_reason IN ('too_hard', 'no_time', 'unwell', 'other')",
        FailureReason,
    ),
}


def test_model_checks_derived_from_the_vocabulary_are_the_migrated_sql() -> None:
    for (table, name), (sql, _) in VOCABULARY_CHECKS.items():
        found = [c for c in SQLModel.metadata.tables[table].constraints
                 if isinstance(c, sa.CheckConstraint) and str(c.name) == name]
        assert len(found) == 1 and str(found[0].sqltext) == sql


def _check_values(connection: Connection) -> dict[tuple[str, str], list[str]]:
    # Each backend reports a CHECK in its own words (PostgreSQL: "= ANY (ARRAY['active'::...")
    # but both keep the quoted values in order.
    inspector = inspect(connection)
    values = {}
    for table, name in VOCABULARY_CHECKS:
        (check,) = [ck for ck in inspector.get_check_constraints(table) if ck["name"] == name]
        values[(table, name)] = re.findall(r"'([a-z_]+)'", check["sqltext"])
    return values


async def test_migrated_checks_list_exactly_the_vocabulary(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        found = await connection.run_sync(_check_values)
    assert found == {key: [str(v) for v in enum] for key, (_, enum) in VOCABULARY_CHECKS.items()}


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


async def _seed_one_user(connection: AsyncConnection, *, reason: str = "plan_reason") -> None:
    """One user with a goal and a done challenge, in the columns every revision has (the
    reason's: ``plan_reason`` up to 0004, ``plan_reason_key`` from 0005 on)."""
    for sql in (
        "INSERT INTO users (id, telegram_user_id, chat_id, first_name, timezone, send_time,"
        " status, created_at, updated_at) VALUES (1, 7, 7, 'Ada', 'UTC', '08:00:00', 'active',"
        " '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00')",
        "INSERT INTO goals (id, user_id, behaviour, unit, step, baseline, active, created_at)"
        " VALUES (1, 1, 'running', 'minutes', 1, 10, true, '2026-01-01 00:00:00+00:00')",
        "INSERT INTO challenges (id, goal_id, local_date, amount, p_success, " + reason + ","
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
    await upgrade(engine, "0004")
    async with engine.begin() as connection:
        await _seed_one_user(connection)
    await upgrade(engine)
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
    try:  # seeded at 0004, so the CLI also runs 0005's own rebuild of `challenges`
        await upgrade(engine, "0004")
        async with engine.begin() as connection:
            await _seed_one_user(connection)
            await connection.execute(sa.text(
                "INSERT INTO conversations (user_id, topic, step, data, challenge_id, updated_at)"
                " VALUES (1, 'checkin', 'reflection', '{}', 1, '2026-01-02 09:00:00+00:00')"))
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
                  for table in ("users", "goals", "challenges", "conversations")]
    assert counts == [1, 1, 1, 1]
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


# Sentences as revision 0004 stored them (core.calibration.REASONS then), with what 0005 reads
# from each: the key and the facts the sentence states. The unit has a space in it on purpose.
STORED_0004: list[tuple[str, str, str, dict[str, Any]]] = [
    ("minutes", "We start at 10 minutes, the level you said is comfortable today.",
     "start", {"amount": 10}),
    ("minutes", "We start one notch above the 10 minutes you said is comfortable today: "
     "11 minutes.", "start_up", {"amount": 11, "last": 10}),
    ("minutes", "You did 11 minutes twice and it felt easy; 12 minutes is one notch up.",
     "up", {"amount": 12, "last": 11, "effort": 2, "streak": 2}),
    ("minutes", "You did 12 minutes 3 times and it felt like maximal effort; 12 minutes again "
     "lets that level settle.", "hold", {"amount": 12, "last": 12, "effort": 5, "streak": 3}),
    ("minutes", "You did 12 minutes but it felt fine, so 11 minutes keeps the next one within "
     "reach.", "ease", {"amount": 11, "last": 12, "effort": None}),
    ("minutes", "12 minutes was too hard this time, so 10 minutes is one you can very likely "
     "finish.", "after_fail", {"amount": 10, "last": 12}),
    ("km run", "After 9 days away, 7.5 km run eases you back in.",
     "after_gap", {"amount": 7.5, "days": 9}),
    ("km run", "You did 2.25 km run once and it felt very easy; 2.75 km run is one notch up.",
     "up", {"amount": 2.75, "last": 2.25, "effort": 1, "streak": 1}),
    ("minutes", "", "legacy", {"text": ""}),
    ("minutes", "Keep going: 10 minutes today.", "legacy",
     {"text": "Keep going: 10 minutes today."}),
    ("minutes", "We start at 10 km, the level you said is comfortable today.",  # not its unit
     "legacy", {"text": "We start at 10 km, the level you said is comfortable today."}),
]


async def _seed_0004_reasons(connection: AsyncConnection) -> None:
    await _seed_one_user(connection)
    await connection.execute(sa.text(
        "INSERT INTO goals (id, user_id, behaviour, unit, step, baseline, active, created_at)"
        " VALUES (2, 1, 'running', 'km run', 0.25, 2, false, '2026-01-01 00:00:00+00:00')"))
    for i, (unit, sentence, _, _) in enumerate(STORED_0004, start=2):
        await connection.execute(sa.text(
            "INSERT INTO challenges (id, goal_id, local_date, amount, p_success, plan_reason,"
            " status, due_at, created_at, send_attempts) VALUES (:id, :goal, :day, 5, 0.9,"
            " :reason, 'sent', '2026-01-02 08:00:00+00:00', '2026-01-02 08:00:00+00:00', 0)"
        ), {"id": i, "goal": 1 if unit == "minutes" else 2, "reason": sentence,
            "day": date(2026, 2, 1) + timedelta(days=i)})
    # A check-in question open on a challenge: SQLite's rebuild of `challenges` must not
    # cascade-delete it.
    await connection.execute(sa.text(
        "INSERT INTO conversations (user_id, topic, step, data, challenge_id, updated_at)"
        " VALUES (1, 'checkin', 'reflection', '{}', 3, '2026-01-02 08:00:00+00:00')"))


async def test_0005_turns_stored_sentences_into_keys_and_facts_and_back(
    make_engine: Callable[..., AsyncEngine],
) -> None:
    from sqlalchemy import text

    engine = await _seeded(make_engine, "0005")
    async with engine.connect() as connection:
        rows = (await connection.execute(text(
            "SELECT c.id, c.plan_reason_key, c.plan_facts, g.unit FROM challenges c"
            " JOIN goals g ON g.id = c.goal_id ORDER BY c.id"))).all()
        kept = (await connection.execute(text(
            "SELECT challenge_id FROM conversations"))).scalars().all()
        columns = await connection.run_sync(
            lambda sync: {c["name"] for c in inspect(sync).get_columns("challenges")})
    converted = {row.id: (row.plan_reason_key, _json(row.plan_facts)) for row in rows}
    assert converted[1] == ("legacy", {"text": ""})  # _seed_one_user's empty reason
    for i, (_, _, key, facts) in enumerate(STORED_0004, start=2):
        assert converted[i] == (key, facts)
    assert kept == [3]
    assert "plan_reason" not in columns

    # What the bot now says for a converted row is what the row said before (under 1,000).
    from bot.texts.checkin import plan_reason

    for i, (unit, sentence, _, _) in enumerate(STORED_0004, start=2):
        assert plan_reason(*converted[i], unit) == sentence

    await downgrade(engine, "0004")
    async with engine.connect() as connection:
        back = (await connection.execute(text(
            "SELECT id, plan_reason FROM challenges ORDER BY id"))).all()
        kept = (await connection.execute(text(
            "SELECT challenge_id FROM conversations"))).scalars().all()
    assert [row.plan_reason for row in back] == ["", *(s for _, s, _, _ in STORED_0004)]
    assert kept == [3]


def _json(value: Any) -> Any:
    import json

    return json.loads(value) if isinstance(value, str) else value


async def test_0005_downgrade_renders_what_the_calibrator_plans_now(
    make_engine: Callable[..., AsyncEngine],
) -> None:
    # Rows planned after 0005 carry every fact; going back to 0004 writes 0004's sentences.
    from sqlalchemy import text

    from core.calibration import Attempt, Goal, next_challenge

    engine = make_engine()
    await upgrade(engine, "0004")
    async with engine.begin() as connection:
        await _seed_one_user(connection)
    await upgrade(engine)
    goal = Goal("minutes", 10, 1)
    day0 = date(2026, 3, 1)
    history = [Attempt(day0 + timedelta(days=i), 10 + i, "done", effort=2) for i in range(3)]
    plan = next_challenge(goal, history, day0 + timedelta(days=3))
    assert plan.reason_key == "up"
    async with engine.begin() as connection:
        await connection.execute(
            sa.table("challenges", sa.column("plan_reason_key"),
                     sa.column("plan_facts", sa.JSON())).update()
            .values(plan_reason_key=plan.reason_key, plan_facts=plan.facts))
    await downgrade(engine, "0004")
    async with engine.connect() as connection:
        (sentence,) = (await connection.execute(text(
            "SELECT plan_reason FROM challenges"))).scalars().all()
    assert sentence == (f"You did 12 minutes once and it felt easy; {plan.amount:.0f} minutes "
                        "is one notch up.")


async def test_0006_adds_the_snooze_and_keeps_every_row_and_its_dependants(
    make_engine: Callable[..., AsyncEngine],
) -> None:
    engine = await _seeded(make_engine, "0005")  # a conversation points at challenge 3
    before = await _challenges_and_dependants(engine)
    await upgrade(engine, "0006")
    after = await _challenges_and_dependants(engine)
    assert after == before and len(after[0]) == 1 + len(STORED_0004) and after[1] == [3]
    async with engine.begin() as connection:
        snoozed = (await connection.execute(sa.text(
            "SELECT DISTINCT snoozed_until FROM challenges"))).scalars().all()
        assert snoozed == [None]
        await connection.execute(sa.text(
            "UPDATE challenges SET snoozed_until = '2026-01-02 09:00:00+00:00'"))
    await downgrade(engine, "0005")  # SQLite rebuilds challenges here: its dependants stay
    assert await _challenges_and_dependants(engine) == before
    await _upgrade_matches_the_models(engine)


async def test_0008_adds_the_language_and_keeps_every_user_and_their_rows(
    make_engine: Callable[..., AsyncEngine],
) -> None:
    engine = await _seeded(make_engine, "0007")
    before = await _users_and_dependants(engine)
    await upgrade(engine, "0008")
    assert await _users_and_dependants(engine) == before
    async with engine.begin() as connection:
        locales = (await connection.execute(sa.text(
            "SELECT DISTINCT locale FROM users"))).scalars().all()
        assert locales == [None]  # the bot follows their Telegram language_code until they /start
        await connection.execute(sa.text("UPDATE users SET locale = 'es'"))
    await downgrade(engine, "0007")  # SQLite rebuilds users here: goals and challenges stay
    assert await _users_and_dependants(engine) == before
    await _upgrade_matches_the_models(engine)


async def _seeded(make_engine: Callable[..., AsyncEngine], revision: str) -> AsyncEngine:
    """A database with 0004's rows (_seed_0004_reasons), upgraded to `revision`."""
    engine = make_engine()
    await upgrade(engine, "0004")
    async with engine.begin() as connection:
        await _seed_0004_reasons(connection)
    await upgrade(engine, revision)
    return engine


async def _upgrade_matches_the_models(engine: AsyncEngine) -> None:
    await upgrade(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(_schema_diff) == []


async def _users_and_dependants(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as connection:
        return [tuple(row) for row in (await connection.execute(sa.text(
            "SELECT u.id, u.language_code, g.id, c.id, c.status FROM users u "
            "JOIN goals g ON g.user_id = u.id JOIN challenges c ON c.goal_id = g.id "
            "ORDER BY c.id"))).all()]


async def _challenges_and_dependants(engine: AsyncEngine) -> tuple[list[Any], list[int]]:
    async with engine.connect() as connection:
        rows = (await connection.execute(sa.text(
            "SELECT id, goal_id, amount, status, plan_reason_key FROM challenges ORDER BY id"
        ))).all()
        kept = (await connection.execute(sa.text(
            "SELECT challenge_id FROM conversations"))).scalars().all()
    return [tuple(row) for row in rows], list(kept)
