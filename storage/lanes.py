"""Send lanes shared by every process: slots on one budget, and a pause all of them obey.

A lane is one row of `send_lanes`. Its `next_slot_at` is the first send slot nobody has taken; a
process takes `k` slots by moving it `k / B` seconds on (B = the lane's budget a second), in one
statement, so processes never take the same slot and together never exceed B. Its
`paused_until` is Telegram's `retry_after` for the whole lane: no slot is handed out before it.

PostgreSQL does the move in one `UPDATE … RETURNING` (the row lock orders concurrent takers).
SQLite has one writer at a time; the same move is a compare-and-set on the old value, retried
when another process moved it first. The row is created on first use (`ON CONFLICT DO NOTHING`).
The caller owns the transaction and commits at once: the row lock is held until then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import rowcount, upsert_insert
from storage.models import SendLane

__all__ = ["Slots", "lane_state", "pause_lane", "take_slots"]

_CAS_TRIES = 50  # SQLite: give up (loudly) if the row keeps moving under us


@dataclass(frozen=True)
class Slots:
    """`count` send instants: `first`, then one every `interval`."""

    first: datetime
    interval: timedelta
    count: int

    def at(self, index: int) -> datetime:
        return self.first + self.interval * index


async def _ensure_row(session: AsyncSession, name: str, now: datetime) -> None:
    table = SendLane.__table__  # type: ignore[attr-defined]
    statement = upsert_insert(session)(table).values(name=name, next_slot_at=now,
                                                     paused_until=None)
    await session.exec(statement.on_conflict_do_nothing(index_elements=[table.c.name]))


async def take_slots(session: AsyncSession, name: str, count: int, per_second: float,
                     now: datetime) -> Slots:
    """Take the lane's next `count` slots at `per_second`; never earlier than `now` nor before
    the lane's pause ends."""
    if count < 1 or per_second <= 0:
        raise ValueError("take at least one slot, at a positive rate")
    interval = timedelta(seconds=1 / per_second)
    span = interval * count
    if session.get_bind().dialect.name == "postgresql":
        return await _take_postgres(session, name, count, interval, span, now)
    return await _take_compare_and_set(session, name, count, interval, span, now)


async def _take_postgres(session: AsyncSession, name: str, count: int, interval: timedelta,
                         span: timedelta, now: datetime) -> Slots:
    next_slot, paused = col(SendLane.next_slot_at), col(SendLane.paused_until)
    start = func.greatest(next_slot, now, func.coalesce(paused, now))
    statement = (
        update(SendLane).where(col(SendLane.name) == name).values(next_slot_at=start + span)
        .returning(next_slot).execution_options(synchronize_session=False)
    )
    for _ in range(2):
        moved = (await session.exec(statement)).scalar_one_or_none()
        if moved is not None:
            return Slots(moved - span, interval, count)
        await _ensure_row(session, name, now)  # first use: create, then take
    raise RuntimeError(f"send lane {name!r} could not be created")


async def _take_compare_and_set(session: AsyncSession, name: str, count: int,
                                interval: timedelta, span: timedelta, now: datetime) -> Slots:
    for _ in range(_CAS_TRIES):
        lane = (await session.exec(
            select(SendLane).where(col(SendLane.name) == name)
            .execution_options(populate_existing=True))).one_or_none()
        if lane is None:
            await _ensure_row(session, name, now)
            continue
        start = max(lane.next_slot_at, now, lane.paused_until or now)
        changed = rowcount(await session.exec(
            update(SendLane)
            .where(col(SendLane.name) == name, col(SendLane.next_slot_at) == lane.next_slot_at)
            .values(next_slot_at=start + span)
            .execution_options(synchronize_session=False)))
        if changed == 1:
            return Slots(start, interval, count)
    raise RuntimeError(f"send lane {name!r} kept moving: {_CAS_TRIES} tries failed")


async def pause_lane(session: AsyncSession, name: str, until: datetime, now: datetime) -> None:
    """No slot of the lane before `until` (a later pause already set stays)."""
    await _ensure_row(session, name, now)
    paused = col(SendLane.paused_until)
    await session.exec(
        update(SendLane)
        .where(col(SendLane.name) == name, (paused.is_(None)) | (paused < until))
        .values(paused_until=until)
        .execution_options(synchronize_session=False))


async def lane_state(session: AsyncSession, name: str) -> SendLane | None:
    """The lane's row as it is now (for logs and tests)."""
    return (await session.exec(select(SendLane).where(col(SendLane.name) == name)
                               .execution_options(populate_existing=True))).one_or_none()
