"""The tick's claims on both backends: due rows only, leases, and no double claims under races."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.calibration import Plan
from storage.challenges import get_challenge, plan_challenge, record_outcome, snooze
from storage.db import make_session_factory
from storage.goals import create_goal
from storage.models import Challenge, User
from storage.scheduling import (
    LEASE,
    advance_user,
    claim_due_challenges,
    claim_due_followups,
    claim_due_snoozes,
    claim_due_users,
    close_past_days,
    drop_snooze,
    mark_blocked,
    mark_followup_sent,
    mark_resent,
    mark_sent,
    mark_unblocked,
    pause_for_silence,
    postpone,
    reject,
    reschedule,
    resume_due_paused,
    silent_week,
)
from storage.users import upsert_telegram_user

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
DAY = date(2026, 6, 1)


async def _user_with_goal(session: AsyncSession, telegram_user_id: int) -> tuple[User, int]:
    user = await upsert_telegram_user(session, telegram_user_id=telegram_user_id,
                                      chat_id=telegram_user_id, first_name="U",
                                      language_code=None, now=NOW)
    assert user.id is not None
    goal = await create_goal(session, user_id=user.id, behaviour="reading", unit="pages",
                             step=1, baseline=5, target=None)
    assert goal.id is not None
    return user, goal.id


async def _planned(session: AsyncSession, goal_id: int, due_at: datetime, day: date = DAY) -> int:
    row = await plan_challenge(session, goal_id=goal_id, local_date=day,
                               plan=Plan(amount=5, p_success=0.9), due_at=due_at,
                               close_at=due_at + timedelta(hours=20))
    assert row.id is not None
    return row.id


async def test_only_due_unleased_challenges_of_active_users_are_claimed(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        _, g1 = await _user_with_goal(session, 1)
        _, g2 = await _user_with_goal(session, 2)
        blocked, g3 = await _user_with_goal(session, 3)
        due = await _planned(session, g1, NOW - timedelta(minutes=5))
        later = await _planned(session, g2, NOW + timedelta(minutes=5))
        await _planned(session, g3, NOW - timedelta(minutes=5))
        assert blocked.id is not None and await mark_blocked(session, blocked.id)
        await session.commit()
    async with session_factory() as session:
        assert await claim_due_challenges(session, NOW) == [due]
        assert await claim_due_challenges(session, NOW) == []  # leased
        await session.commit()
    async with session_factory() as session:
        # The lease runs out (a worker died between claiming and sending): claimable again.
        assert await claim_due_challenges(session, NOW + LEASE + timedelta(seconds=1)) == [due]
        assert await mark_sent(session, due, now=NOW, message_id=5, followup_at=NOW)
        assert not await mark_sent(session, due, now=NOW, message_id=6, followup_at=NOW)
        assert await claim_due_challenges(session, NOW + timedelta(minutes=10)) == [later]
        row = await get_challenge(session, due)
        assert row is not None
        assert (row.status, row.telegram_message_id, row.claimed_until, row.send_attempts) == (
            "sent", 5, None, 1)


async def test_postpone_and_reject_move_or_hold_a_send(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        _, goal_id = await _user_with_goal(session, 1)
        cid = await _planned(session, goal_id, NOW)
        assert await claim_due_challenges(session, NOW) == [cid]
        assert await postpone(session, cid, NOW + timedelta(seconds=30))
        assert await claim_due_challenges(session, NOW + timedelta(seconds=29)) == []
        assert await claim_due_challenges(session, NOW + timedelta(seconds=30)) == [cid]
        row = await get_challenge(session, cid)
        assert row is not None and row.send_attempts == 1
        assert await reject(session, cid, NOW + timedelta(hours=20))
        assert await claim_due_challenges(session, NOW + timedelta(hours=19)) == []
        assert await close_past_days(session, NOW + timedelta(hours=20)) == [cid]
        closed = await get_challenge(session, cid)
        assert closed is not None and closed.status == "missed" and closed.claimed_until is None


async def test_followups_close_and_answers(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        _, g1 = await _user_with_goal(session, 1)
        _, g2 = await _user_with_goal(session, 2)
        a = await _planned(session, g1, NOW)
        b = await _planned(session, g2, NOW)
        for cid in (a, b):
            assert await mark_sent(session, cid, now=NOW, message_id=1,
                                   followup_at=NOW + timedelta(hours=3))
        assert await record_outcome(session, b, "done", NOW + timedelta(hours=1))
        assert await claim_due_followups(session, NOW + timedelta(hours=2)) == []
        assert await claim_due_followups(session, NOW + timedelta(hours=3)) == [a]  # b answered
        assert await mark_followup_sent(session, a, NOW + timedelta(hours=3))
        assert await claim_due_followups(session, NOW + timedelta(hours=4)) == []
        # The day closes: the unanswered one is missed, the answered one stays done.
        assert await close_past_days(session, NOW + timedelta(hours=19)) == []
        assert await close_past_days(session, NOW + timedelta(hours=20)) == [a]
        assert await close_past_days(session, NOW + timedelta(hours=21)) == []
        done = await get_challenge(session, b)
        assert done is not None and done.status == "done"


async def test_due_users_paused_users_and_blocking(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        ada, _ = await _user_with_goal(session, 1)
        bo, _ = await _user_with_goal(session, 2)
        ada.timezone, ada.send_time = "Europe/Berlin", time(7, 0)
        await reschedule(session, ada, NOW - timedelta(days=1))
        bo.status, bo.paused_until = "paused", DAY
        await reschedule(session, bo, NOW - timedelta(days=3))
        await session.commit()
    assert ada.id is not None and bo.id is not None
    async with session_factory() as session:
        assert await resume_due_paused(session, NOW) == [bo.id]
        assert await resume_due_paused(session, NOW) == []
        due = await claim_due_users(session, NOW)
        assert sorted(u.id for u in due if u.id is not None) == [ada.id, bo.id]
        first = next(u for u in due if u.id == ada.id)
        assert first.next_send_at is not None and first.status == "active"
        expected = first.next_send_at
        assert await advance_user(session, ada.id, expected, expected + timedelta(days=1))
        assert not await advance_user(session, ada.id, expected, expected + timedelta(days=2))
        assert await mark_blocked(session, ada.id)
        assert not await mark_blocked(session, ada.id)
        await session.commit()
    async with session_factory() as session:
        due = await claim_due_users(session, NOW + timedelta(days=3))
        assert [u.id for u in due] == [bo.id]
        assert await mark_unblocked(session, ada.id, NOW)
        assert not await mark_unblocked(session, ada.id, NOW)
        back = await session.get(User, ada.id)
        assert back is not None and back.status == "active"
        assert back.next_send_at == datetime(2026, 6, 2, 5, 0, tzinfo=UTC)


async def test_concurrent_claims_are_disjoint(
    engine: AsyncEngine, database_backend: str,
) -> None:
    """Several sessions claiming the same due rows at once: every row claimed exactly once."""
    sessions = make_session_factory(engine)
    rows = 120
    async with sessions() as session:
        ids = []
        for n in range(rows):
            _, goal_id = await _user_with_goal(session, 100 + n)
            ids.append(await _planned(session, goal_id, NOW - timedelta(seconds=n)))
        await session.commit()

    async def worker() -> list[int]:
        got: list[int] = []
        while True:
            async with sessions() as session:
                batch = await claim_due_challenges(session, NOW, limit=7)
                await asyncio.sleep(0.001)  # hold the locks a moment, as a real send would
                await session.commit()
            if not batch:
                return got
            got.extend(batch)

    workers = 6 if database_backend == "postgres" else 3
    claims = await asyncio.gather(*(worker() for _ in range(workers)))
    every = [cid for batch in claims for cid in batch]
    assert len(every) == len(set(every)), "a row was claimed twice"
    assert sorted(every) == sorted(ids)
    if database_backend == "postgres":
        assert sum(1 for batch in claims if batch) > 1  # the work really was shared


async def test_a_silent_week_is_paused_by_one_worker_only(engine: AsyncEngine) -> None:
    """Seven days sent and unanswered make a silent week (a day never sent, or answered, does
    not); of two workers pausing the user at once exactly one does (and would tell them)."""
    sessions = make_session_factory(engine)
    async with sessions() as session:
        user, goal_id = await _user_with_goal(session, 77)
        assert user.id is not None
        for back in range(1, 8):
            day, at = DAY - timedelta(days=back), NOW - timedelta(days=back)
            session.add(Challenge(goal_id=goal_id, local_date=day, amount=5, p_success=0.8,
                                  status="missed", due_at=at, close_at=at + timedelta(hours=20),
                                  sent_at=None if back == 7 else at))
        await session.commit()
        assert not await silent_week(session, goal_id, DAY)  # the 7th day was never sent
        row = (await session.exec(select(Challenge).where(
            Challenge.local_date == DAY - timedelta(days=7)))).one()
        row.sent_at = NOW - timedelta(days=7)
        session.add(row)
        await session.commit()
        assert await silent_week(session, goal_id, DAY)
        assert not await silent_week(session, goal_id, DAY + timedelta(days=1))  # 6 of 7
        assert not await silent_week(session, goal_id, DAY - timedelta(days=1))
        user_id = user.id

    async def worker() -> bool:
        async with sessions() as session:
            paused = await pause_for_silence(session, user_id, NOW)
            await asyncio.sleep(0.01)
            await session.commit()
            return paused

    assert sorted(await asyncio.gather(worker(), worker())) == [False, True]
    async with sessions() as session:
        found = await session.get(User, user_id)
        assert found is not None
        assert (found.status, found.paused_until, found.next_send_at, found.next_review_at) == (
            "paused", None, None, None)


async def test_a_snoozed_challenge_is_claimed_once_when_its_snooze_ends(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    hour = timedelta(hours=1)
    async with session_factory() as session:
        ids = []
        for n in (1, 2, 3):
            _, goal_id = await _user_with_goal(session, n)
            ids.append(await _planned(session, goal_id, NOW))
            assert await mark_sent(session, ids[-1], now=NOW, message_id=n,
                                   followup_at=NOW + 3 * hour)
        a, b, c = ids
        assert not await snooze(session, a, NOW + 20 * hour)  # not after the day's close
        for cid in ids:
            assert await snooze(session, cid, NOW + hour)
        assert await record_outcome(session, b, "done", NOW + hour / 2)  # answered meanwhile
        assert await drop_snooze(session, c)
        assert await claim_due_snoozes(session, NOW + hour - timedelta(seconds=1)) == []
        assert await claim_due_snoozes(session, NOW + hour) == [a]
        assert await claim_due_snoozes(session, NOW + hour) == []  # leased
        assert await claim_due_followups(session, NOW + 4 * hour) == []  # no reminder now
        assert await mark_resent(session, a, message_id=42)
        assert not await mark_resent(session, a, message_id=43)
        assert await claim_due_snoozes(session, NOW + 5 * hour) == []
        row = await get_challenge(session, a)
        assert row is not None
        assert (row.status, row.snoozed_until, row.telegram_message_id) == ("sent", None, 42)
        answered = await get_challenge(session, b)
        assert answered is not None and answered.snoozed_until is None


async def test_concurrent_snooze_claims_are_disjoint(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)
    async with sessions() as session:
        ids = []
        for n in range(60):
            _, goal_id = await _user_with_goal(session, 300 + n)
            ids.append(await _planned(session, goal_id, NOW - timedelta(hours=1)))
            await mark_sent(session, ids[-1], now=NOW - timedelta(hours=1), message_id=n,
                            followup_at=None)
            await snooze(session, ids[-1], NOW - timedelta(seconds=n))
        await session.commit()

    async def worker() -> list[int]:
        got: list[int] = []
        while True:
            async with sessions() as session:
                batch = await claim_due_snoozes(session, NOW, limit=5)
                await asyncio.sleep(0.001)
                await session.commit()
            if not batch:
                return got
            got.extend(batch)

    claims = await asyncio.gather(*(worker() for _ in range(4)))
    every = [cid for batch in claims for cid in batch]
    assert len(every) == len(set(every)), "a snoozed challenge was claimed twice"
    assert sorted(every) == sorted(ids)

