"""Shared fixtures for the whole test suite.

Database fixtures (each test gets its own, empty database; nothing is shared between tests):

- ``database_backend`` — ``"sqlite"`` or ``"postgres"``. It is parametrised, so every test that
  uses any fixture below runs once per backend (ids ``[sqlite]`` / ``[postgres]``; the PostgreSQL
  runs also carry the ``postgres`` marker: ``pytest -m "not postgres"`` leaves them out).
- ``database_url`` — URL of that database: a fresh SQLite file under ``tmp_path``, or the
  PostgreSQL server from ``NOTCH_TEST_DATABASE_URL`` (default
  ``postgresql+asyncpg://postgres@127.0.0.1:5432/test``) with a fresh schema ``notch_t_<random>``
  that is dropped afterwards, so parallel runs (two checkouts, CI) never see each other's rows.
- ``database_connect_args`` — the ``connect_args`` that pin an engine to that schema (``{}`` on
  SQLite). Anything that builds its own engine from ``database_url`` must pass them.
- ``make_engine(**kw)`` — builds engines on that database via ``storage.db.create_engine`` with
  the right ``connect_args``; all are disposed at teardown. The database is NOT migrated.
- ``engine`` — an engine whose database is migrated to head.
- ``session_factory`` — ``storage.db.make_session_factory(engine)``.

When no PostgreSQL server answers, PostgreSQL tests are skipped with the reason — except with
``CI=true``, where they fail: CI must prove both backends.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.pool import NullPool
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import create_engine, make_session_factory
from storage.migrate import upgrade

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
_POSTGRES_CONNECT_TIMEOUT_S = 5


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs the PostgreSQL test server")


def postgres_url() -> str:
    return os.environ.get("NOTCH_TEST_DATABASE_URL", DEFAULT_POSTGRES_URL)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


# One failed probe is enough: later tests skip at once instead of waiting for the timeout again.
_postgres_unreachable: list[str] = []


def _postgres_unavailable(reason: str) -> None:
    if _in_ci():
        pytest.fail(reason)
    pytest.skip(reason)


async def postgres_admin(*statements: str) -> None:
    """Run administrative SQL (schemas, roles) on the test server, in one transaction."""
    engine = create_engine(
        postgres_url(),
        poolclass=NullPool,
        connect_args={"timeout": _POSTGRES_CONNECT_TIMEOUT_S},
    )
    try:
        async with engine.begin() as connection:
            for sql in statements:
                await connection.execute(text(sql))
    finally:
        await engine.dispose()


async def postgres_ready() -> None:
    """Skip (or, with CI=true, fail) the calling test when no PostgreSQL server answers."""
    if _postgres_unreachable:
        _postgres_unavailable(_postgres_unreachable[0])
    try:
        await postgres_admin("SELECT 1")
    except (OSError, TimeoutError, DBAPIError) as exc:
        safe_url = make_url(postgres_url()).render_as_string(hide_password=True)
        detail = (str(exc).splitlines() or [""])[0]
        reason = f"PostgreSQL not reachable at {safe_url}: {type(exc).__name__}: {detail}"
        _postgres_unreachable.append(reason)
        _postgres_unavailable(reason)


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def database_backend(request: pytest.FixtureRequest) -> str:
    backend: str = request.param
    return backend


@pytest.fixture
def _postgres_schema() -> str:
    return f"notch_t_{secrets.token_hex(6)}"


@pytest.fixture
async def database_url(
    database_backend: str, tmp_path: Path, _postgres_schema: str
) -> AsyncIterator[str]:
    if database_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'notch.db'}"
        return
    await postgres_ready()
    await postgres_admin(f'CREATE SCHEMA "{_postgres_schema}"')
    try:
        yield postgres_url()
    finally:
        await postgres_admin(f'DROP SCHEMA IF EXISTS "{_postgres_schema}" CASCADE')


@pytest.fixture
def database_connect_args(database_backend: str, _postgres_schema: str) -> dict[str, Any]:
    if database_backend == "sqlite":
        return {}
    return {"server_settings": {"search_path": _postgres_schema}}


@pytest.fixture
async def make_engine(
    database_url: str, database_connect_args: dict[str, Any]
) -> AsyncIterator[Callable[..., AsyncEngine]]:
    engines: list[AsyncEngine] = []

    def factory(**kw: Any) -> AsyncEngine:
        connect_args = {**database_connect_args, **kw.pop("connect_args", {})}
        engine = create_engine(database_url, connect_args=connect_args, **kw)
        engines.append(engine)
        return engine

    yield factory
    for engine in engines:
        await engine.dispose()


@pytest.fixture
async def engine(make_engine: Callable[..., AsyncEngine]) -> AsyncEngine:
    migrated = make_engine()
    await upgrade(migrated)
    return migrated


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_session_factory(engine)
