"""Shared fixtures for the whole test suite.

Database fixtures (each test gets its own, empty database; nothing is shared between tests):

- ``database_backend`` — ``"sqlite"`` or ``"postgres"``. It is parametrised, so every test that
  uses any fixture below runs once per backend (ids ``[sqlite]`` / ``[postgres]``; the PostgreSQL
  runs also carry the ``postgres`` marker: ``pytest -m "not postgres"`` leaves them out).
- ``database_url`` — URL of that database: a fresh SQLite file under ``tmp_path``, or the
  PostgreSQL server from ``TEST_DATABASE_URL`` (default
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

import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import create_engine, make_session_factory
from storage.migrate import upgrade
from tests.support.postgres import postgres_admin, postgres_ready, postgres_url


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs the PostgreSQL test server")


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
