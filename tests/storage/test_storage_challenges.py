"""Challenges on both backends: planning once per day, conditional transitions, owner checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from core.calibration import Plan
from storage.challenges import (
    challenge_for_day,
    evidence,
    get_challenge,
    history,
    owned_challenge,
    plan_challenge,
    record_outcome,
    set_achieved,
    set_effort,
    set_failure_reason,
    set_reflection,
    successes_at_or_above,
    undo,
)
from storage.goals import create_goal
from storage.models import Challenge
from storage.users import upsert_telegram_user

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
DAY = date(2026, 6, 1)


async def _goal(session: AsyncSession, telegram_user_id: int = 7) -> int:
    user = await upsert_telegram_user(session, telegram_user_id=telegram_user_id,
                                      chat_id=telegram_user_id, first_name="Ada",
                                      language_code=None, now=NOW)
    assert user.id is not None
    goal = await create_goal(session, user_id=user.id, behaviour="running", unit="minutes",
                             step=1, baseline=10, target=None)
    assert goal.id is not None
    return goal.id


async def _plan(session: AsyncSession, goal_id: int, day: date, amount: float = 10) -> Challenge:
    return await plan_challenge(
        session, goal_id=goal_id, local_date=day,
        plan=Plan(amount=amount, p_success=0.9, facts={"amount": amount}),
        due_at=NOW + timedelta(days=(day - DAY).days),
        close_at=NOW + timedelta(days=(day - DAY).days, hours=20),
    )


async def test_planning_a_day_twice_keeps_the_first_plan(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        goal_id = await _goal(session)
        first = await _plan(session, goal_id, DAY, amount=10)
        second = await _plan(session, goal_id, DAY, amount=12)
        await session.commit()
    assert first.id == second.id and second.amount == 10
    async with session_factory() as session:
        found = await challenge_for_day(session, goal_id, DAY)
        assert found is not None and found.amount == 10 and found.status == "planned"


async def test_concurrent_planning_makes_one_row(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    import asyncio

    async with session_factory() as session:
        goal_id = await _goal(session)
        await session.commit()

    async def plan(amount: float) -> int | None:
        async with session_factory() as session:
            row = await _plan(session, goal_id, DAY, amount=amount)
            await session.commit()
            return row.id

    ids = await asyncio.gather(*(plan(a) for a in (10, 11, 12, 13)))
    assert len(set(ids)) == 1


async def test_outcome_is_recorded_once_and_a_missed_day_may_be_corrected(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        goal_id = await _goal(session)
        today = await _plan(session, goal_id, DAY)
        assert today.id is not None
        assert await record_outcome(session, today.id, "done", NOW)
        assert not await record_outcome(session, today.id, "done", NOW)  # a double tap
        assert not await record_outcome(session, today.id, "failed", NOW)
        assert await set_effort(session, today.id, 4)
        assert not await set_effort(session, today.id, 2)
        assert await set_reflection(session, today.id, "  ran with a friend ")
        missed = await _plan(session, goal_id, DAY + timedelta(days=1))
        assert missed.id is not None
        missed.status = "missed"
        session.add(missed)
        await session.flush()
        assert await record_outcome(session, missed.id, "failed", NOW + timedelta(days=2))
        assert not await set_effort(session, missed.id, 3)  # effort only on a success
        assert await set_failure_reason(session, missed.id, "too_hard")
        assert not await set_failure_reason(session, missed.id, "no_time")
        assert not await set_achieved(session, missed.id, 11)  # more than the amount
        assert await set_achieved(session, missed.id, 6)
        assert not await set_achieved(session, missed.id, 7)
        with pytest.raises(ValueError):
            await record_outcome(session, missed.id, "missed", NOW)
        await session.commit()
    async with session_factory() as session:
        done = await get_challenge(session, today.id)
        assert done is not None
        assert (done.status, done.effort, done.reflection) == ("done", 4, "ran with a friend")
        failed = await get_challenge(session, missed.id)
        assert failed is not None
        assert (failed.status, failed.failure_reason, failed.achieved) == ("failed", "too_hard", 6)
        attempts = await history(session, goal_id)
        assert [(a.day, a.outcome, a.effort, a.reason, a.achieved) for a in attempts] == [
            (DAY, "done", 4, None, None),
            (DAY + timedelta(days=1), "failed", None, "too_hard", 6),
        ]
        assert await history(session, goal_id, before=DAY + timedelta(days=1)) == attempts[:1]


async def test_undo_works_for_ten_minutes_only(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        goal_id = await _goal(session)
        row = await _plan(session, goal_id, DAY)
        assert row.id is not None
        assert await record_outcome(session, row.id, "done", NOW)
        assert await set_effort(session, row.id, 3)
        assert await undo(session, row.id, NOW + timedelta(minutes=9))
        back = await get_challenge(session, row.id)
        assert back is not None
        assert (back.status, back.effort, back.answered_at) == ("sent", None, None)
        assert not await undo(session, row.id, NOW + timedelta(minutes=9))  # nothing to undo
        assert await record_outcome(session, row.id, "skipped", NOW + timedelta(minutes=10))
        assert not await undo(session, row.id, NOW + timedelta(minutes=21))  # too late
        # After the day closed, an undone answer leaves the day missed, not open.
        assert await undo(session, row.id, NOW + timedelta(minutes=19))
        assert await record_outcome(session, row.id, "done", NOW + timedelta(hours=20, minutes=1))
        assert await undo(session, row.id, NOW + timedelta(hours=20, minutes=2))
        after = await get_challenge(session, row.id)
        assert after is not None and after.status == "missed"


async def test_owner_is_checked_on_every_lookup(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        goal_id = await _goal(session, telegram_user_id=7)
        await _goal(session, telegram_user_id=8)
        row = await _plan(session, goal_id, DAY)
        await session.commit()
    assert row.id is not None
    async with session_factory() as session:
        mine = await owned_challenge(session, row.id, 7)
        assert mine is not None and mine.challenge.id == row.id and mine.user.telegram_user_id == 7
        assert await owned_challenge(session, row.id, 8) is None
        assert await owned_challenge(session, row.id + 1000, 7) is None


async def test_evidence_counts_successes_at_this_level_and_in_all(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        goal_id = await _goal(session)
        rows = []
        for offset, amount, outcome in [(0, 10, "done"), (1, 11, "done"), (2, 11, "failed"),
                                        (3, 11, "done"), (4, 12, "skipped")]:
            row = await _plan(session, goal_id, DAY + timedelta(days=offset), amount=amount)
            assert row.id is not None
            assert await record_outcome(session, row.id, outcome, NOW)
            rows.append(await get_challenge(session, row.id))
        last_done = rows[3]
        assert last_done is not None
        facts = await evidence(session, last_done)
        assert (facts.at_level, facts.total, facts.baseline) == (2, 3, 10)
        assert await successes_at_or_above(session, goal_id, 11) == 2
        assert await successes_at_or_above(session, goal_id, 12) == 0
