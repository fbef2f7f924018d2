"""Onboarding end to end: every question, its valid answers and its specific re-prompts."""

from __future__ import annotations

from datetime import time

from sqlmodel import select

from bot.texts import onboarding as t
from storage.db import create_engine, make_session_factory
from storage.models import Conversation, Goal, User
from tests.bot.conftest import Notch
from tests.bot.journeys import onboard


async def _rows(notch: Notch) -> tuple[list[User], list[Goal], list[Conversation]]:
    engine = create_engine(notch.database_url)
    try:
        async with make_session_factory(engine)() as session:
            users = list((await session.exec(select(User))).all())
            goals = list((await session.exec(select(Goal))).all())
            conversations = list((await session.exec(select(Conversation))).all())
    finally:
        await engine.dispose()
    return users, goals, conversations


async def test_onboarding_with_buttons_creates_goal_and_schedules_tomorrow(notch: Notch) -> None:
    ada = notch.user()
    read = await onboard(notch, ada)
    assert read[-1].text == t.DONE_TOMORROW.format(time="07:30")
    users, goals, conversations = await _rows(notch)
    assert [(g.behaviour, g.unit, g.step, g.baseline, g.target, g.active) for g in goals] == [
        ("running", "minutes", 1, 10, None, True)]
    (user,) = users
    assert (user.timezone, user.send_time, user.status) == ("Europe/Berlin", time(7, 30), "active")
    # 2026-06-01 06:00 UTC is 08:00 in Berlin: the first challenge is tomorrow 07:30 CEST.
    assert user.next_send_at is not None and user.next_send_at.isoformat() == (
        "2026-06-02T05:30:00+00:00")
    assert conversations == []
