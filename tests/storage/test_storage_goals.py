"""Goals and the daily schedule: one active goal, and next_send_at following status and zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.goals import active_goal, create_goal, set_step
from storage.scheduling import reschedule
from storage.users import upsert_telegram_user

NOW = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)


async def test_new_goal_replaces_the_active_one_and_keeps_the_old(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        user = await upsert_telegram_user(
            session, telegram_user_id=9, chat_id=9, first_name="Ada", language_code=None, now=NOW
        )
        assert user.id is not None
        assert await active_goal(session, user.id) is None
        first = await create_goal(session, user_id=user.id, behaviour="running", unit="minutes",
                                  step=1, baseline=10, target=30)
        second = await create_goal(session, user_id=user.id, behaviour="writing", unit="words",
                                   step=50, baseline=300, target=None)
        await set_step(session, second, 100)
        await session.commit()
    async with session_factory() as session:
        found = await active_goal(session, user.id)
        assert found is not None and found.id == second.id and found.step == 100
        old = await session.get(type(first), first.id)
        assert old is not None and old.active is False


async def test_reschedule_follows_status_zone_and_goal(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        user = await upsert_telegram_user(
            session, telegram_user_id=10, chat_id=10, first_name="Bo", language_code=None, now=NOW
        )
        assert user.id is not None
        user.timezone, user.send_time = "Europe/Berlin", time(7, 30)
        await reschedule(session, user, NOW)
        assert user.next_send_at is None  # no goal yet: nothing to send
        await create_goal(session, user_id=user.id, behaviour="running", unit="minutes",
                          step=1, baseline=10, target=None)
        await reschedule(session, user, NOW)
        # 2026-03-29 is Berlin's spring-forward day; 07:30 exists, at UTC+2.
        assert user.next_send_at == datetime(2026, 3, 29, 5, 30, tzinfo=UTC)
        user.status, user.paused_until = "paused", date(2026, 4, 2)
        await reschedule(session, user, NOW)
        assert user.next_send_at == datetime(2026, 4, 2, 5, 30, tzinfo=UTC)
        user.status = "stopped"
        await reschedule(session, user, NOW)
        assert user.next_send_at is None
        await session.commit()
