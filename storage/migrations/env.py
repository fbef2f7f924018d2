"""Alembic environment: runs on a connection handed in by storage.migrate, or builds its own.

Follows Alembic's cookbook recipe "Programmatic API use (connection sharing) with asyncio", so
the bot migrates on its own engine at start-up and the ``alembic`` CLI still works for developers.
Both paths run inside ``storage.migrate.migration_connection``: one guarded code path.
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from storage.db import create_engine, normalize_url
from storage.migrate import migration_connection

config = context.config
target_metadata = SQLModel.metadata

if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    """The URL from the config, ``-x url=…`` or ``DATABASE_URL``, the bot's own variable (in that
    order; unlike the bot, the CLI does not read ``.env``)."""
    url = (
        config.get_main_option("sqlalchemy.url")
        or context.get_x_argument(as_dictionary=True).get("url")
        or os.environ.get("DATABASE_URL")
    )
    if not url:
        raise RuntimeError("no database URL: pass -x url=… or set DATABASE_URL")
    return normalize_url(url)


def _configure(**kw: Any) -> None:
    # Batch mode: SQLite can only ALTER a table by copying it. compare_type: autogenerate
    # notices type changes, not just new and dropped columns.
    context.configure(
        target_metadata=target_metadata, render_as_batch=True, compare_type=True, **kw
    )


def run_migrations_offline() -> None:
    _configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    """The CLI's path: its own engine, then the same guarded connection as storage.migrate's.

    `migration_connection` turns SQLite's foreign keys off around the migration (a table
    rebuild would otherwise cascade-delete every dependent row, see 0003's docstring), checks
    them before commit, and takes PostgreSQL's advisory lock, exactly as at start-up.
    """
    engine = create_engine(_url(), poolclass=pool.NullPool)
    try:
        async with migration_connection(engine) as connection:
            await connection.run_sync(do_run_migrations)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        asyncio.run(run_async_migrations())
    else:
        do_run_migrations(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
