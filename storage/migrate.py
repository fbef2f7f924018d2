"""Apply Alembic migrations from code: the bot at start-up, ``notch db upgrade`` by hand.

No alembic.ini is needed: the script location is the installed package's ``migrations`` folder,
and the caller's engine is handed to env.py (Alembic's "connection sharing" recipe), so the
migration runs with the same URL, driver and SQLite pragmas as the app.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.db import normalize_url

__all__ = [
    "MIGRATIONS_DIR",
    "MigrationError",
    "alembic_config",
    "current",
    "downgrade",
    "head",
    "migration_connection",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Several workers start at once and each calls upgrade(): on PostgreSQL a transaction-scoped
# advisory lock makes them take turns, so the first migrates and the rest find the schema at head
# (without it the losers die on "duplicate key" creating the same tables).
_PG_MIGRATION_LOCK_KEY = zlib.crc32(b"notch:migrations")
# Alembic keeps its `context`/`op` proxies in module globals, so two migrations interleaving on
# one event loop corrupt each other (and deadlock): one at a time per loop.
_loop_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _loop_lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _loop_locks.get(loop)
    if lock is None:
        lock = _loop_locks[loop] = asyncio.Lock()
    return lock


async def _serialize_across_processes(connection: AsyncConnection) -> None:
    if connection.dialect.name == "postgresql":
        await connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK_KEY}
        )


class MigrationError(RuntimeError):
    """A migration would leave the database inconsistent; it was rolled back."""


@asynccontextmanager
async def migration_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One transaction for schema changes, taken in turns, safe for SQLite's table rebuilds.

    SQLite alters most things by copying a table and dropping the old one; with foreign keys
    on, that DROP cascades and deletes every goal and challenge of every user. So foreign keys
    are off while a migration runs (the pragma only takes effect outside a transaction), the
    result is checked with `PRAGMA foreign_key_check` before commit, and they are on again after.
    """
    async with _loop_lock(), engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            await connection.commit()
        try:
            async with connection.begin():
                await _serialize_across_processes(connection)
                yield connection
                if sqlite:
                    broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
                    if broken:
                        raise MigrationError(f"migration broke {len(broken)} foreign key(s)")
        finally:
            if sqlite:
                await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                await connection.commit()


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config for Notch's migrations, optionally bound to ``url``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        # The config is a ConfigParser: a literal '%' (URL-encoded password) must be doubled.
        config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return config


def _run(connection: Connection, action: str, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    if action == "upgrade":
        command.upgrade(config, revision)
    else:
        command.downgrade(config, revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (idempotent: at head it does nothing).

    Safe to call from several workers at once (they take turns on PostgreSQL).
    """
    async with migration_connection(engine) as connection:
        await connection.run_sync(_run, "upgrade", revision)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Take the schema down to ``revision`` (``"base"`` drops every table)."""
    async with migration_connection(engine) as connection:
        await connection.run_sync(_run, "downgrade", revision)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None if it was never migrated."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current)


@functools.cache
def head() -> str | None:
    """The revision the code expects (the newest migration file), read without a database;
    once per process: the files do not change under a running process (/readyz asks often)."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
