"""The claim benchmark's core on a tiny backlog: its counts are right, not just its timings.

The bench reports double claims counted from what each worker was handed; these tests check
that the counter finds repeats when there are some (a hand-made list, and a really unsafe
claim forced to hand out the same rows twice) and finds none for Notch's claim.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from sqlalchemy import func, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from bench.claims import (
    NOW,
    claim_until_empty,
    count_unclaimed,
    naive_claim,
    seed,
    tally,
)
from storage.db import make_session_factory


async def _until_waiting_on_a_lock(engine: AsyncEngine, pid: int, timeout_s: float = 10.0) -> None:
    """Wait until backend ``pid`` waits on a row lock (not a sleep: a loaded machine is slow)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    statement = text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid")
    while loop.time() < deadline:
        async with engine.connect() as connection:
            if (await connection.execute(statement, {"pid": pid})).scalar() == "Lock":
                return
        await asyncio.sleep(0.01)
    raise AssertionError(f"backend {pid} never waited on a lock")


def test_tally_counts_every_repeat_and_every_stranger() -> None:
    result = tally([1, 2, 3, 4], [[1, 2], [2, 3], [2, 9], []], left=1)
    assert (result.rows, result.handed, result.distinct) == (4, 6, 4)
    assert result.double_claims == 2  # row 2 handed out three times
    assert result.foreign == 1  # row 9 was never seeded
    assert (result.left, result.busy_workers) == (1, 3)
    clean = tally([1, 2, 3], [[3, 1], [2]], left=0)
    assert (clean.double_claims, clean.foreign, clean.distinct) == (0, 0, 3)


async def test_notch_claim_drained_by_several_engines_hands_out_each_row_once(
    engine: AsyncEngine, make_engine: Callable[..., AsyncEngine], database_backend: str,
) -> None:
    seeded = await seed(make_session_factory(engine), 40)
    workers = [make_session_factory(make_engine()) for _ in range(
        4 if database_backend == "postgres" else 2)]
    drained = await asyncio.gather(*(claim_until_empty(s, limit=3) for s in workers))
    result = tally(seeded, [d.ids for d in drained],
                   await count_unclaimed(make_session_factory(engine)))
    assert (result.handed, result.distinct, result.double_claims) == (40, 40, 0)
    assert (result.foreign, result.left) == (0, 0)
    assert sum(d.aborted for d in drained) == 0


@pytest.mark.parametrize(
    "database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
async def test_the_counter_sees_the_naive_controls_double_claims(
    engine: AsyncEngine, make_engine: Callable[..., AsyncEngine],
) -> None:
    """Two naive claims that select before either commits both lease the same rows."""
    seeded = await seed(make_session_factory(engine), 5)
    first, second = (make_session_factory(make_engine())() for _ in range(2))
    async with first, second:
        pid = (await second.exec(select(func.pg_backend_pid()))).one()
        a = await naive_claim(first, NOW, 10)
        b = asyncio.create_task(naive_claim(second, NOW, 10))
        await _until_waiting_on_a_lock(engine, pid)  # b selected the same rows, then blocked
        await first.commit()
        b_ids = await b
        await second.commit()
    result = tally(seeded, [a, b_ids], await count_unclaimed(make_session_factory(engine)))
    assert (result.handed, result.distinct, result.double_claims) == (10, 5, 5)
    assert result.left == 0
