"""Shared set-up for the daily-loop tests: users made through storage, rows read back, the tick
driven by hand (the 30-second job is removed so only the test decides when a tick runs)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlmodel import col, select

from bot.services import Services
from sandbox.emulator import EmulatedUser, SentMessage
from storage.goals import create_goal
from storage.models import Challenge, User
from storage.scheduling import reschedule
from storage.users import upsert_telegram_user
from tests.support.notch import Notch


def services_of(notch: Notch) -> Services:
    found = notch.application.bot_data["services"]
    assert isinstance(found, Services)
    return found


def stop_background_tick(notch: Notch) -> None:
    assert notch.application.job_queue is not None
    for job in notch.application.job_queue.jobs():
        job.schedule_removal()


async def make_user(
    notch: Notch, person: EmulatedUser, *, zone: str = "Europe/Berlin", at: time = time(7, 30),
    unit: str = "minutes", step: float = 1, baseline: float = 10,
) -> int:
    """An onboarded user straight through storage; returns the users.id."""
    stop_background_tick(notch)
    async with services_of(notch).session() as session:
        user = await upsert_telegram_user(session, telegram_user_id=person.id,
                                          chat_id=person.chat_id,
                                          first_name=str(person.user["first_name"]),
                                          language_code=None, now=notch.clock.now)
        assert user.id is not None
        user.timezone, user.send_time = zone, at
        await create_goal(session, user_id=user.id, behaviour="running", unit=unit, step=step,
                          baseline=baseline, target=None)
        await reschedule(session, user, notch.clock.now)
        await session.commit()
        return user.id


async def challenges(notch: Notch, user_id: int | None = None) -> list[Challenge]:
    from storage.models import Goal

    async with services_of(notch).session() as session:
        statement = select(Challenge).join(Goal, col(Goal.id) == col(Challenge.goal_id))
        if user_id is not None:
            statement = statement.where(col(Goal.user_id) == user_id)
        return list((await session.exec(statement.order_by(col(Challenge.local_date)))).all())


async def user_row(notch: Notch, user_id: int) -> User:
    async with services_of(notch).session() as session:
        found = await session.get(User, user_id)
        assert found is not None
        return found


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


async def first_daily(notch: Notch) -> tuple[EmulatedUser, int, SentMessage]:
    """Ada, onboarded the day before (Berlin, 07:30), and her first daily message, sent by the
    tick at 05:30 UTC on 2026-06-02."""
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    user_id = await make_user(notch, ada)
    await notch.tick(utc(2026, 6, 2, 5, 30))
    return ada, user_id, await ada.next_message()

