"""Workers starting at once each run the migrations: all succeed, the schema ends at head."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.migrate import alembic_config, current, upgrade

# A worker process: its own engine on the test's database, then upgrade() like post_init does.
WORKER = """
import asyncio, json, sys
from storage.db import create_engine
from storage.migrate import upgrade

async def main() -> None:
    engine = create_engine(sys.argv[1], connect_args=json.loads(sys.argv[2]))
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()

asyncio.run(main())
"""


def _head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def test_concurrent_upgrades_in_one_process(
    make_engine: Callable[..., AsyncEngine],
) -> None:
    engines = [make_engine() for _ in range(3)]
    await asyncio.wait_for(asyncio.gather(*(upgrade(engine) for engine in engines)), 60)
    assert [await current(engine) for engine in engines] == [_head()] * 3


async def test_concurrent_upgrades_from_several_processes(
    database_backend: str,
    database_url: str,
    database_connect_args: dict[str, Any],
    make_engine: Callable[..., AsyncEngine],
) -> None:
    if database_backend != "postgres":
        pytest.skip("SQLite serves one process (README); several workers need PostgreSQL")
    args = [sys.executable, "-c", WORKER, database_url, json.dumps(database_connect_args)]
    workers = [
        await asyncio.create_subprocess_exec(*args, stderr=asyncio.subprocess.PIPE)
        for _ in range(3)
    ]
    outcomes = await asyncio.wait_for(asyncio.gather(*(w.communicate() for w in workers)), 90)
    errors = [
        err.decode()[-500:] for (_, err), w in zip(outcomes, workers, strict=True) if w.returncode
    ]
    assert errors == []
    assert await current(make_engine()) == _head()
