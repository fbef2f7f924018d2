"""Answered days in core's shapes (storage.challenges.evidence_entries, storage.progress) and the
celebration / review-day settings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from core.efficacy import LadderRating
from core.evidence import Entry
from storage.challenges import evidence_entries
from storage.efficacy import save_ladder_rating
from storage.goals import create_goal
from storage.models import Challenge, User
from storage.progress import progress_facts
from storage.user_settings import set_celebrate, set_review_weekday
from storage.users import get_user, upsert_telegram_user

T0 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
D0 = date(2026, 3, 2)


async def _user(session: AsyncSession, telegram_id: int = 1) -> User:
    user = await upsert_telegram_user(session, telegram_user_id=telegram_id, chat_id=telegram_id,
                                      first_name="A", language_code=None, now=T0)
    assert user.id is not None
    return user


async def test_entries_are_the_settled_days_in_order(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        user = await _user(session)
        assert user.id is not None
        assert await progress_facts(session, user.id) is None  # no goal yet
        goal = await create_goal(session, user_id=user.id, behaviour="running", unit="min",
                                 step=1, baseline=10, target=None)
        assert goal.id is not None
        statuses = ["missed", "done", "planned", "failed", "sent", "skipped", "done"]
        for i in reversed(range(len(statuses))):  # inserted newest first: order is by day
            status = statuses[i]
            session.add(Challenge(
                goal_id=goal.id, local_date=D0 + timedelta(days=i), amount=10 + i,
                p_success=0.8, status=status, due_at=T0 + timedelta(days=i),
                effort=4 if status == "done" else None,
                confidence=30 if status == "failed" else None,
                failure_reason="no_time" if status == "failed" else None,
                reflection="early" if i == 1 else None))
        rating = LadderRating((10.0, 12.0), (80, 40))
        await save_ladder_rating(session, user_id=user.id, goal_id=goal.id, rating=rating,
                                 rated_at=T0)
        await session.commit()
        found = await evidence_entries(session, goal.id)
        assert found == [
            Entry(D0, 10, "missed"),
            Entry(D0 + timedelta(days=1), 11, "done", effort=4, reflection="early"),
            Entry(D0 + timedelta(days=3), 13, "failed", confidence=30, failure_reason="no_time"),
            Entry(D0 + timedelta(days=5), 15, "skipped"),
            Entry(D0 + timedelta(days=6), 16, "done", effort=4),
        ]
        # `before` leaves out that day and everything after it (planning must not see the day).
        assert await evidence_entries(session, goal.id, before=D0 + timedelta(days=5)) == found[:3]
        assert await evidence_entries(session, goal.id, before=D0) == []
        facts = await progress_facts(session, user.id)
        assert facts is not None and facts.goal.id == goal.id and facts.entries == found
        assert [a.day for a in facts.attempts] == [e.day for e in found]
        assert [row.strength for row in facts.ladder] == [60.0]


async def test_celebrate_changes_once_per_value(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        user = await _user(session)
        assert user.celebrate is True
        assert await set_celebrate(session, user, True) is False  # already on
        assert await set_celebrate(session, user, False) is True
        assert await set_celebrate(session, user, False) is False
        await session.commit()
        assert user.id is not None
        stored = await get_user(session, user.id)
        assert stored is not None and stored.celebrate is False


@pytest.mark.parametrize("bad", [-1, 7, 100, True])
async def test_review_weekday_is_validated(
    session_factory: async_sessionmaker[AsyncSession], bad: int,
) -> None:
    async with session_factory() as session:
        user = await _user(session)
        with pytest.raises(ValueError, match="weekday"):
            await set_review_weekday(session, user, bad, T0)
        assert user.review_weekday is None


async def test_review_weekday_is_stored_and_reschedules(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        user = await _user(session)
        assert user.id is not None
        await create_goal(session, user_id=user.id, behaviour="running", unit="min", step=1,
                          baseline=10, target=None)
        for weekday in (0, 6, 3):
            await set_review_weekday(session, user, weekday, T0)
        await session.commit()
        stored = await get_user(session, user.id)
        assert stored is not None and stored.review_weekday == 3
        assert stored.next_send_at is not None  # recomputed: an active user with a goal is due
