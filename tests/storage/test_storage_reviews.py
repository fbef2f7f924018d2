"""The weekly review's schedule and claims (SQLite and PostgreSQL): computed with `reschedule`
on the chosen or starting weekday, leased by one worker at a time, moved on once."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.goals import create_goal
from storage.models import User
from storage.scheduling import (
    LEASE,
    claim_due_reviews,
    mark_blocked,
    mark_review_sent,
    next_review_instant,
    postpone_review,
    reschedule,
    review_weekday,
)
from storage.user_settings import pause
from storage.users import upsert_telegram_user

NOW = datetime(2026, 3, 24, 12, 0, tzinfo=UTC)  # a Tuesday


def test_next_review_is_at_least_a_day_ahead_on_the_weekday_across_dst() -> None:
    # New York moves to summer time on Sunday 8 March 2026.
    at = next_review_instant(datetime(2026, 3, 5, 12, tzinfo=UTC), "America/New_York",
                             time(7, 0), 0)
    assert at == datetime(2026, 3, 9, 11, 0, tzinfo=UTC)  # Monday 07:00 EDT
    # On the review day itself, before the send time: next week, not in an hour.
    monday_early = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    assert next_review_instant(monday_early, "America/New_York", time(7, 0), 0) == at + \
        timedelta(days=7)
    with pytest.raises(ValueError, match="weekday"):
        next_review_instant(NOW, "UTC", time(7, 0), 7)


async def _user(session: AsyncSession, telegram_user_id: int, weekday: int | None) -> User:
    user = await upsert_telegram_user(session, telegram_user_id=telegram_user_id,
                                      chat_id=telegram_user_id, first_name="U",
                                      language_code=None, now=NOW)
    assert user.id is not None
    await create_goal(session, user_id=user.id, behaviour="reading", unit="pages", step=1,
                      baseline=5, target=None)
    user.timezone, user.send_time, user.review_weekday = "Europe/Berlin", time(8, 0), weekday
    await reschedule(session, user, NOW)
    return user


async def test_reschedule_sets_the_review_on_the_chosen_or_starting_weekday(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        chosen = await _user(session, 1, 4)  # Friday
        assert chosen.next_review_at == datetime(2026, 3, 27, 7, 0, tzinfo=UTC)
        started = await _user(session, 2, None)
        assert started.next_review_at is not None
        assert started.next_review_at.weekday() == review_weekday(started)
        assert review_weekday(started) == 1  # they started on NOW, a Tuesday in Berlin
        bad = await _user(session, 3, 9)  # out of range in the column: the starting weekday
        assert review_weekday(bad) == review_weekday(started)
        # A pause with no end: no review; with an end: the first review from the resume day.
        assert await pause(session, chosen, until=None, now=NOW)
        assert chosen.next_review_at is None
        assert await pause(session, chosen, until=date(2026, 4, 10), now=NOW)  # a Friday
        assert chosen.next_review_at == datetime(2026, 4, 10, 6, 0, tzinfo=UTC)  # CEST
        await session.commit()


async def test_a_due_review_is_claimed_once_postponed_and_moved_to_next_week(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        user = await _user(session, 1, 4)
        other = await _user(session, 2, 4)
        assert user.id is not None and other.id is not None
        assert await mark_blocked(session, other.id)
        await session.commit()
    due = datetime(2026, 3, 27, 7, 0, tzinfo=UTC)
    async with session_factory() as session:
        assert await claim_due_reviews(session, due - timedelta(seconds=1)) == []

    async def claim() -> list[tuple[int, datetime]]:
        async with session_factory() as session:
            got = await claim_due_reviews(session, due)
            await session.commit()
            return got

    first, second = await asyncio.gather(claim(), claim())
    assert sorted(first + second) == [(user.id, due + LEASE)]  # one worker, blocked one never
    async with session_factory() as session:
        assert await claim_due_reviews(session, due + LEASE - timedelta(seconds=1)) == []
        # Telegram said wait: due again at that time, under a new lease.
        assert await postpone_review(session, user.id, due + LEASE, due + timedelta(minutes=1))
        await session.commit()
    async with session_factory() as session:
        [(claimed, until)] = await claim_due_reviews(session, due + timedelta(minutes=1))
        assert await mark_review_sent(session, claimed, until, due + timedelta(minutes=1))
        assert not await mark_review_sent(session, claimed, until, due)  # only once
        await session.commit()
        fresh = await session.get(User, user.id, populate_existing=True)
        # Next Friday 08:00, now summer time (Berlin moved on 29 March): 06:00 UTC.
        assert fresh is not None
        assert fresh.next_review_at == datetime(2026, 4, 3, 6, 0, tzinfo=UTC)
