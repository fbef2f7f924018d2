"""After onboarding: the first challenge now, the /start menu, start over (only when confirmed),
and /start bringing back a user who stopped or blocked the bot."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col, select

from bot.texts import checkin
from bot.texts import onboarding as t
from bot.texts import settings as s
from storage.db import create_engine, make_session_factory
from storage.models import Challenge, Goal, User
from tests.support.journeys import onboard
from tests.support.notch import Notch


async def _state(notch: Notch) -> tuple[User, list[Goal], list[Challenge]]:
    engine = create_engine(notch.database_url)
    try:
        async with make_session_factory(engine)() as session:
            user = (await session.exec(select(User))).one()
            goals = list((await session.exec(select(Goal).order_by(col(Goal.id)))).all())
            challenges = list((await session.exec(select(Challenge))).all())
    finally:
        await engine.dispose()
    return user, goals, challenges


async def _set_status(notch: Notch, status: str) -> None:
    engine = create_engine(notch.database_url)
    try:
        async with make_session_factory(engine)() as session:
            user = (await session.exec(select(User))).one()
            user.status, user.next_send_at = status, None
            session.add(user)
            await session.commit()
    finally:
        await engine.dispose()


async def test_first_challenge_now_is_sent_at_once(notch: Notch) -> None:
    ada = notch.user()
    read = await onboard(notch, ada, behaviour="push-ups", baseline="12", first="now")
    assert read[-1].text == t.DONE_NOW
    challenge_message = await ada.next_message()
    assert checkin.DONE_BUTTON in challenge_message.buttons
    await notch.emulator.settle()  # the bot marks the challenge sent once Telegram has answered
    user, (goal,), (challenge,) = await _state(notch)
    assert (goal.behaviour, goal.unit, goal.baseline) == ("push-ups", "reps", 12)
    assert challenge.status == "sent" and challenge.goal_id == goal.id
    assert challenge.telegram_message_id == challenge_message.message_id
    # It is 08:00 in Berlin, past 07:30: the next daily send is tomorrow's.
    assert user.next_send_at == datetime(2026, 6, 2, 5, 30, tzinfo=UTC)


async def test_start_from_an_onboarded_user_offers_the_menu(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada)
    await ada.send_text("/start")
    menu = await ada.next_message()
    assert menu.text == t.menu(name="Ada", behaviour="running", time="07:30",
                               zone="Europe/Berlin", paused=False, paused_until=None)
    assert menu.buttons == [t.MENU_TODAY, t.MENU_SETTINGS, t.MENU_RESTART]
    await (await ada.press(t.MENU_TODAY)).answered()
    today = await ada.next_message()
    assert today.text is not None and "07:30" in today.text
    await (await ada.press(t.MENU_SETTINGS, message=menu)).answered()
    settings_menu = await ada.next_message()
    assert settings_menu.text is not None and settings_menu.text.startswith(s.MENU[:20])
    await ada.expect_no_message(within=0.2)


async def test_start_over_needs_a_confirmation_and_keeps_the_old_goal(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada)
    await ada.send_text("/start")
    menu = await ada.next_message()
    await (await ada.press(t.MENU_RESTART)).answered()
    confirm = await ada.next_message()
    assert confirm.text == t.CONFIRM_RESTART
    assert confirm.buttons == [t.RESTART_YES, t.RESTART_NO]
    await (await ada.press(t.RESTART_NO)).answered()
    assert (await ada.next_message()).text == t.RESTART_KEPT
    _, goals, _ = await _state(notch)
    assert [(g.behaviour, g.active) for g in goals] == [("running", True)]
    # Yes starts a new setup; cancelling it still keeps the goal.
    await (await ada.press(t.MENU_RESTART, message=menu)).answered()
    await ada.next_message()
    await (await ada.press(t.RESTART_YES)).answered()
    assert (await ada.next_message()).text == t.ASK_BEHAVIOUR
    await ada.send_text("/cancel")
    assert (await ada.next_message()).text == t.CANCELLED_KEPT_GOAL
    _, goals, _ = await _state(notch)
    assert [(g.behaviour, g.active) for g in goals] == [("running", True)]
    # Confirmed and completed: the new goal is the active one, the old one is kept.
    await ada.send_text("/start")
    await ada.next_message()
    await (await ada.press(t.MENU_RESTART)).answered()
    await ada.next_message()
    await (await ada.press(t.RESTART_YES)).answered()
    await ada.next_message()
    await onboard(notch, ada, behaviour="writing", baseline="500", time="21:00")
    user, goals, _ = await _state(notch)
    assert [(g.behaviour, g.active) for g in goals] == [("running", False), ("writing", True)]
    assert user.next_send_at == datetime(2026, 6, 2, 19, 0, tzinfo=UTC)


async def test_start_reactivates_a_stopped_or_blocked_user(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada)
    for status in ("stopped", "blocked"):
        await _set_status(notch, status)
        await ada.send_text("/start")
        assert (await ada.next_message()).text == t.REACTIVATED.format(
            when=s.WHEN_TOMORROW.format(time="07:30"))
        assert (await ada.next_message()).buttons == [t.MENU_TODAY, t.MENU_SETTINGS,
                                                      t.MENU_RESTART]
        user, _, _ = await _state(notch)
        assert user.status == "active"
        assert user.next_send_at == datetime(2026, 6, 2, 5, 30, tzinfo=UTC)
