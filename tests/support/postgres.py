"""The PostgreSQL test server: its URL, administrative SQL, and skip-or-fail when it is away.

Shared by the database fixtures (tests/conftest.py, tests/bot/conftest.py) and any test that
needs the server directly.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from storage.db import create_engine

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
_POSTGRES_CONNECT_TIMEOUT_S = 5


def postgres_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES_URL)


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


