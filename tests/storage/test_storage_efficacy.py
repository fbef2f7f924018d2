"""Efficacy ladder ratings: stored with time, listed in order, back to core values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from core.efficacy import LadderRating, change
from storage.efficacy import (
    latest_ladder_rating,
    list_ladder_ratings,
    save_ladder_rating,
    to_rating,
)
from storage.goals import create_goal
from storage.models import LadderRatingRow
from storage.users import upsert_telegram_user

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
LEVELS = (10.0, 12.0, 14.0, 17.0, 20.0)


async def _user_and_goal(session: AsyncSession, telegram_id: int) -> tuple[int, int]:
    user = await upsert_telegram_user(
        session, telegram_user_id=telegram_id, chat_id=telegram_id, first_name="A",
        language_code=None, now=T0,
    )
    assert user.id is not None
    goal = await create_goal(session, user_id=user.id, behaviour="running", unit="min",
                             step=1, baseline=10, target=None)
    assert goal.id is not None
    return user.id, goal.id


async def test_ratings_round_trip_in_time_order(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    first = LadderRating(levels=LEVELS, ratings=(100, 60, 40, 20, 0))
    second = LadderRating(levels=LEVELS, ratings=(100, 80, 60, 40, 20))
    async with session_factory() as session:
        user_id, goal_id = await _user_and_goal(session, 1)
        other_user, other_goal = await _user_and_goal(session, 2)
        # Saved out of order, and one given in another zone: listed by instant, stored as UTC.
        await save_ladder_rating(session, user_id=user_id, goal_id=goal_id, rating=second,
                                 rated_at=T0 + timedelta(days=7))
        await save_ladder_rating(session, user_id=user_id, goal_id=goal_id, rating=first,
                                 rated_at=T0.astimezone(timezone(timedelta(hours=-5))))
        await save_ladder_rating(session, user_id=other_user, goal_id=other_goal,
                                 rating=first, rated_at=T0)
        await session.commit()
    async with session_factory() as session:
        rows = await list_ladder_ratings(session, user_id=user_id)
        assert [row.rated_at for row in rows] == [T0, T0 + timedelta(days=7)]
        assert all(row.rated_at.tzinfo is not None for row in rows)
        assert [to_rating(row) for row in rows] == [first, second]
        assert [(row.strength, row.level) for row in rows] == [(44, 2), (60, 3)]
        assert change(to_rating(rows[0]), to_rating(rows[1])).strength_delta == 16
        since = await list_ladder_ratings(session, user_id=user_id, goal_id=goal_id,
                                          since=T0 + timedelta(days=1))
        assert [row.id for row in since] == [rows[1].id]
        latest = await latest_ladder_rating(session, goal_id)
        assert latest is not None and latest.id == rows[1].id
        assert await latest_ladder_rating(session, goal_id + 1000) is None


async def test_naive_instants_are_refused(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        user_id, goal_id = await _user_and_goal(session, 3)
        with pytest.raises(ValueError, match="timezone-aware"):
            await save_ladder_rating(
                session, user_id=user_id, goal_id=goal_id,
                rating=LadderRating(levels=LEVELS, ratings=(0, 0, 0, 0, 0)),
                rated_at=datetime(2026, 3, 1, 9, 0),
            )


async def test_database_refuses_a_strength_out_of_range(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        user_id, goal_id = await _user_and_goal(session, 4)
        session.add(LadderRatingRow(user_id=user_id, goal_id=goal_id, rated_at=T0,
                                    levels=[1.0], ratings=[101], strength=101, level=1))
        with pytest.raises(IntegrityError):
            await session.flush()
