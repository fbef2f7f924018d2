"""The batched planning reads the same facts as the one-user path and plans the same amounts.

bot/fanout.py plans a batch from storage.fanout's few queries (with only the days the
calibrator's filter reads); the one-user path (bot.daily.calibrated_plan) reads the goal's whole
settled history with storage.challenges.history. On a realistic year of answers (gaps, missed,
skipped, every failure reason, efforts, partial achievements) both must give identical plans.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from core.calibration import next_challenge
from core.vocabulary import ChallengeStatus, FailureReason
from storage.challenges import core_goal, history
from storage.fanout import (
    SentMark,
    advance_users,
    claim_users_to_plan,
    goal_facts,
    mark_sent_many,
    priors_for_keys,
)
from storage.goals import active_goal, create_goal
from storage.models import Challenge
from storage.priors import priors_for_goal
from storage.scheduling import silent_week, taken_days
from storage.users import upsert_telegram_user

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
DAY = date(2026, 6, 1)
REASONS = [reason.value for reason in FailureReason]


def _year(goal_id: int, seed: int, baseline: float) -> list[dict[str, object]]:
    """A year of answers: about one day in eight absent, the rest done/failed/skipped/missed."""
    rnd = random.Random(seed)
    rows: list[dict[str, object]] = []
    amount = baseline
    for back in range(365, 0, -1):
        day = DAY - timedelta(days=back)
        if rnd.random() < 0.12:
            continue  # no challenge that day (a pause, downtime)
        roll = rnd.random()
        status = ("done" if roll < 0.55 else "failed" if roll < 0.75
                  else "skipped" if roll < 0.83 else "missed")
        at = datetime.combine(day, time(7, 0), tzinfo=UTC)
        row: dict[str, object] = {
            "goal_id": goal_id, "local_date": day, "amount": amount, "p_success": 0.8,
            "plan_reason_key": "hold", "plan_facts": {}, "status": status, "due_at": at,
            "sent_at": at, "close_at": at + timedelta(hours=21), "send_attempts": 1,
            "created_at": at,
            "answered_at": at + timedelta(hours=9) if status != "missed" else None,
            "effort": rnd.choice([None, 1, 2, 3, 4, 5]) if status == "done" else None,
            "failure_reason": rnd.choice([None, *REASONS]) if status == "failed" else None,
            "achieved": (round(amount * rnd.random(), 1) if status == "failed"
                         and rnd.random() < 0.5 else None),
        }
        rows.append(row)
        if status == "done":
            amount += 1
        elif status == "failed":
            amount = max(1.0, amount - 2)
    return rows


async def _seed(session: AsyncSession, count: int) -> list[int]:
    user_ids = []
    for n in range(count):
        user = await upsert_telegram_user(session, telegram_user_id=100 + n, chat_id=100 + n,
                                          first_name="U", language_code=None, now=NOW)
        assert user.id is not None
        user.timezone, user.send_time = ("Europe/Berlin", time(10, 0))
        user.next_send_at = NOW
        session.add(user)
        goal = await create_goal(session, user_id=user.id, behaviour="running",
                                 unit="minutes", step=1, baseline=10 + 5 * n, target=None)
        assert goal.id is not None
        await session.exec(insert(Challenge).values(_year(goal.id, seed=n, baseline=10 + 5 * n)))
        user_ids.append(user.id)
    await session.commit()
    return user_ids


async def test_batched_plans_equal_the_one_user_path_on_a_year_of_answers(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        user_ids = await _seed(session, 4)
    async with session_factory() as session:
        claimed = await claim_users_to_plan(session, NOW, limit=10)
        assert sorted(user.user_id for user in claimed) == sorted(user_ids)
        facts = await goal_facts(session, {user.goal_id: (DAY, DAY) for user in claimed
                                           if user.goal_id is not None})
        priors = await priors_for_keys(session, {user.key for user in claimed})
        for user in claimed:
            goal = await active_goal(session, user.user_id)
            assert goal is not None and goal.id is not None and user.goal_id == goal.id
            assert user.goal == core_goal(goal)
            full = await history(session, goal.id, before=DAY)
            found = facts[goal.id]
            # Fewer rows read, and still the same decision.
            assert 0 < len(found.history) < len(full)
            one = next_challenge(core_goal(goal), full, DAY,
                                 priors=await priors_for_goal(session, goal))
            batch = next_challenge(user.goal, found.history, DAY, priors=priors[user.key])
            assert (batch.amount, batch.p_success, batch.reason_key, dict(batch.facts)) == (
                one.amount, one.p_success, one.reason_key, dict(one.facts))
            assert found.taken == set(await taken_days(session, goal.id, DAY))
            silent = await silent_week(session, goal.id, DAY)
            assert silent == all(DAY - timedelta(days=back) in found.unanswered
                                 for back in range(1, 8))


async def test_advance_and_mark_in_bulk_are_compare_and_set(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        first, second = await _seed(session, 2)
    later = NOW + timedelta(days=1)
    async with session_factory() as session:
        # The second user was moved on by someone else: only the first moves.
        moved = await advance_users(session, [(first, NOW, later),
                                              (second, NOW - timedelta(minutes=1), later)])
        assert moved == {first}
        goal = await active_goal(session, first)
        assert goal is not None and goal.id is not None
        await session.exec(insert(Challenge).values(
            goal_id=goal.id, local_date=DAY, amount=12, p_success=0.8, plan_reason_key="hold",
            plan_facts={}, status=ChallengeStatus.PLANNED, due_at=NOW, send_attempts=0,
            created_at=NOW))
        await session.commit()
    async with session_factory() as session:
        today = [row for row in await session.exec(
            Challenge.__table__.select().where(  # type: ignore[attr-defined]
                Challenge.__table__.c.local_date == DAY))]  # type: ignore[attr-defined]
        challenge_id = int(today[0].id)
        mark = SentMark(challenge_id, first, message_id=77, followup_at=NOW + timedelta(hours=6))
        assert await mark_sent_many(session, [mark], NOW) == {challenge_id}
        assert await mark_sent_many(session, [mark], NOW) == set()  # already sent: no change
        await session.commit()
        row = await session.get(Challenge, challenge_id)
        assert row is not None
        assert (row.status, row.telegram_message_id, row.followup_at, row.send_attempts) == (
            "sent", 77, NOW + timedelta(hours=6), 1)
