"""BroadcastLane as two processes see it (two lanes on one database, both backends): a pause
one of them records holds the other back; acquire() hands out one shared budget, paced."""

from __future__ import annotations

import asyncio
import itertools
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.lanes import BroadcastLane
from bot.services import utc_now
from storage.lanes import lane_state

Sessions = async_sessionmaker[AsyncSession]


def test_a_batch_is_a_fifth_of_a_second_of_the_budget(session_factory: Sessions) -> None:
    assert BroadcastLane(session_factory, 25).batch == 5
    assert BroadcastLane(session_factory, 1000).batch == 200
    assert BroadcastLane(session_factory, 1).batch == 1
    with pytest.raises(ValueError):
        BroadcastLane(session_factory, 0)


async def test_a_pause_in_one_process_holds_the_other(session_factory: Sessions) -> None:
    first, second = BroadcastLane(session_factory, 25), BroadcastLane(session_factory, 25)
    await first.acquire()
    until = await first.pause(0.5)
    await second.acquire()
    assert utc_now() >= until  # the second process waited for the first one's pause
    async with session_factory() as session:
        lane = await lane_state(session, "broadcast")
    assert lane is not None and lane.paused_until == until
    assert lane.next_slot_at >= until + timedelta(seconds=second.batch / 25)


async def test_two_lanes_share_one_budget(session_factory: Sessions) -> None:
    """40 acquisitions split over two lanes at 50 a second: together they are handed 40
    distinct slots 20 ms apart, whichever lane took which, and each waited for its slot."""
    lanes = [BroadcastLane(session_factory, 50), BroadcastLane(session_factory, 50)]
    slots: list[datetime] = []

    async def send(lane: BroadcastLane, count: int) -> None:
        for _ in range(count):
            slot = await lane.acquire()
            assert utc_now() >= slot  # never before its slot
            slots.append(slot)

    await asyncio.gather(send(lanes[0], 20), send(lanes[1], 20))
    # Every slot came from the one row in batches of 10 (a fifth of a second at 50), one after
    # the other; a slot left unused (stale after a stall of the loop) is a gap, and counted.
    assert lanes[0].batch == 10
    ordered = sorted(slots)
    assert len(set(ordered)) == 40
    steps = [(b - a) / timedelta(milliseconds=20) for a, b in itertools.pairwise(ordered)]
    assert all(step >= 1 and step == int(step) for step in steps)
    dropped = sum(x.dropped for x in lanes)
    left = sum(len(x._slots) for x in lanes)  # taken, still unused
    assert sum(x.taken for x in lanes) * 10 == 40 + dropped + left  # every slot accounted for
    assert 39 <= sum(steps) <= 39 + dropped + left  # the gaps are slots not used, no more
