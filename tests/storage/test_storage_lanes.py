"""The shared send lane on both backends: slots are taken in batches, in order, never twice,
never before a pause ends; two engines (two processes' pools) share one budget."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import make_session_factory
from storage.lanes import Slots, lane_state, pause_lane, take_slots
from storage.migrate import upgrade

T0 = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


async def _take(sessions: Sessions, count: int, per_second: float = 25,
                now: datetime = T0) -> Slots:
    async with sessions() as session:
        slots = await take_slots(session, "broadcast", count, per_second, now)
        await session.commit()
    return slots


async def test_first_use_creates_the_lane_and_batches_follow_on(
        session_factory: Sessions) -> None:
    first = await _take(session_factory, 5)
    assert (first.first, first.interval, first.count) == (T0, timedelta(seconds=0.04), 5)
    second = await _take(session_factory, 3)
    assert second.first == T0 + timedelta(seconds=0.2)  # right after the 5 taken
    assert second.at(2) == T0 + timedelta(seconds=0.28)
    async with session_factory() as session:
        lane = await lane_state(session, "broadcast")
    assert lane is not None and lane.next_slot_at == T0 + timedelta(seconds=0.32)


async def test_an_idle_lane_starts_at_now_not_in_the_past(session_factory: Sessions) -> None:
    await _take(session_factory, 1)
    later = T0 + timedelta(hours=1)
    assert (await _take(session_factory, 2, now=later)).first == later


async def test_a_pause_holds_every_slot_until_it_ends(session_factory: Sessions) -> None:
    await _take(session_factory, 1)
    until = T0 + timedelta(seconds=7)
    async with session_factory() as session:
        await pause_lane(session, "broadcast", until, T0)
        await pause_lane(session, "broadcast", T0 + timedelta(seconds=3), T0)  # shorter: kept 7
        await session.commit()
    assert (await _take(session_factory, 1, now=T0 + timedelta(seconds=1))).first == until
    async with session_factory() as session:
        lane = await lane_state(session, "broadcast")
    assert lane is not None and lane.paused_until == until


async def test_pausing_an_unused_lane_creates_it(session_factory: Sessions) -> None:
    async with session_factory() as session:
        await pause_lane(session, "broadcast", T0 + timedelta(seconds=2), T0)
        await session.commit()
    assert (await _take(session_factory, 1)).first == T0 + timedelta(seconds=2)


async def test_arguments_are_checked(session_factory: Sessions) -> None:
    with pytest.raises(ValueError):
        await _take(session_factory, 0)
    with pytest.raises(ValueError):
        await _take(session_factory, 1, per_second=0)


async def test_two_engines_share_one_budget_and_never_take_a_slot_twice(
        make_engine: Callable[..., AsyncEngine]) -> None:
    """Two pools (as two processes have), 4 takers each, 20 batches of 5 per taker: every slot
    is distinct and the slots tile the timeline with no gap and no overlap."""
    engines = [make_engine(), make_engine()]
    await upgrade(engines[0])
    factories = [make_session_factory(e) for e in engines]
    taken: list[datetime] = []

    async def taker(sessions: Sessions) -> None:
        for _ in range(20):
            slots = await _take(sessions, 5, per_second=25)
            taken.extend(slots.at(i) for i in range(slots.count))

    await asyncio.gather(*(taker(factories[n % 2]) for n in range(8)))
    assert len(taken) == 800 and len(set(taken)) == 800
    step = timedelta(seconds=0.04)
    assert sorted(taken) == [T0 + step * i for i in range(800)]  # one budget: 800 at 25 a second
