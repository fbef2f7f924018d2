"""User settings in storage: each change reschedules, status changes are conditional, onboarding
completes in one transaction, and a group is told once."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.conversations import get_conversation, set_conversation
from storage.goals import active_goal, create_goal
from storage.group_notices import claim_group_notice
from storage.models import User
from storage.user_settings import (
    complete_onboarding,
    pause,
    reactivate,
    resume,
    set_send_time,
    set_timezone,
    stop,
)
from storage.users import upsert_telegram_user

# 2026-06-01 06:00 UTC: 08:00 in Berlin, 02:00 in New York.
NOW = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)


async def _user(session: AsyncSession, telegram_id: int = 7) -> User:
    return await upsert_telegram_user(session, telegram_user_id=telegram_id, chat_id=telegram_id,
                                      first_name="Ada", language_code=None, now=NOW)


async def test_complete_onboarding_creates_goal_schedules_and_ends_the_conversation(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        user = await _user(session)
        assert user.id is not None
        await set_conversation(session, user.id, topic="onboarding", step="first")
        goal = await complete_onboarding(
            session, user, behaviour="running", unit="minutes", step=1, baseline=10, target=30,
            timezone="America/New_York", send_time=time(7, 30), now=NOW, first_tomorrow=False,
        )
        await session.commit()
    async with session_factory() as session:
        found = await session.get(User, user.id, populate_existing=True)
        assert found is not None
        assert (found.timezone, found.send_time, found.status) == (
            "America/New_York", time(7, 30), "active")
        # 02:00 in New York: today's 07:30 EDT is still ahead.
        assert found.next_send_at == datetime(2026, 6, 1, 11, 30, tzinfo=UTC)
        assert await get_conversation(session, user.id) is None
        active = await active_goal(session, user.id)
        assert active is not None and active.id == goal.id and active.target == 30


async def test_first_tomorrow_skips_the_rest_of_today(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    early = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)  # 06:00 in New York
    async with session_factory() as session:
        user = await _user(session)
        await complete_onboarding(
            session, user, behaviour="reading", unit="pages", step=1, baseline=10, target=None,
            timezone="America/New_York", send_time=time(7, 30), now=early, first_tomorrow=True,
        )
        assert user.next_send_at == datetime(2026, 6, 2, 11, 30, tzinfo=UTC)
        # At 02:00 the local day (until 04:00) is still May 31, so its "tomorrow" is June 1.
        await complete_onboarding(
            session, user, behaviour="reading", unit="pages", step=1, baseline=10, target=None,
            timezone="America/New_York", send_time=time(7, 30), now=NOW, first_tomorrow=True,
        )
        assert user.next_send_at == datetime(2026, 6, 1, 11, 30, tzinfo=UTC)
        # Past today's time, "tomorrow" is simply the next send.
        await complete_onboarding(
            session, user, behaviour="reading", unit="pages", step=1, baseline=10, target=None,
            timezone="Europe/Berlin", send_time=time(7, 30), now=NOW, first_tomorrow=True,
        )
        assert user.next_send_at == datetime(2026, 6, 2, 5, 30, tzinfo=UTC)
        await session.commit()


async def test_time_and_zone_changes_reschedule(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        user = await _user(session)
        assert user.id is not None
        await create_goal(session, user_id=user.id, behaviour="running", unit="minutes", step=1,
                          baseline=10, target=None)
        await set_timezone(session, user, "Asia/Kolkata", NOW)  # 11:30 there
        assert user.next_send_at == datetime(2026, 6, 2, 2, 30, tzinfo=UTC)  # 08:00 IST
        await set_send_time(session, user, time(19, 0), NOW)
        assert user.next_send_at == datetime(2026, 6, 1, 13, 30, tzinfo=UTC)
        with pytest.raises(ValueError, match="unknown IANA"):
            await set_timezone(session, user, "Mars/Olympus_Mons", NOW)
        await session.commit()


async def test_status_changes_are_conditional(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        user = await _user(session)
        assert user.id is not None
        await create_goal(session, user_id=user.id, behaviour="running", unit="minutes", step=1,
                          baseline=10, target=None)
        await set_timezone(session, user, "Europe/Berlin", NOW)
        assert await resume(session, user, NOW) is False  # already active
        assert await reactivate(session, user, NOW) is False
        assert await pause(session, user, until=date(2026, 6, 10), now=NOW) is True
        assert user.next_send_at == datetime(2026, 6, 10, 6, 0, tzinfo=UTC)
        assert await pause(session, user, until=None, now=NOW) is True  # a new end: open
        assert (user.status, user.paused_until, user.next_send_at) == ("paused", None, None)
        assert await resume(session, user, NOW) is True
        assert await resume(session, user, NOW) is False  # the double tap changes nothing
        assert await stop(session, user, NOW) is True
        assert (user.status, user.next_send_at) == ("stopped", None)
        assert await stop(session, user, NOW) is False
        assert await pause(session, user, until=None, now=NOW) is False  # stopped stays stopped
        assert await reactivate(session, user, NOW) is True
        assert user.status == "active" and user.next_send_at is not None
        user.status = "blocked"
        assert await reactivate(session, user, NOW) is True
        assert user.status == "active"
        await session.commit()


async def test_a_group_is_noticed_once(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        assert await claim_group_notice(session, -1001, NOW) is True
        assert await claim_group_notice(session, -1001, NOW) is False
        assert await claim_group_notice(session, -1002003004005, NOW) is True
        await session.commit()
    async with session_factory() as session:
        assert await claim_group_notice(session, -1001, NOW) is False
