""""How hard did it feel?" answered by typing ("3", "hard", "just right", a button's label):
the button's own path and registration, recorded once whichever comes first, and only while that
question is the newest one open: a setup's, a setting's or "how much did you do?"'s numbers stay
theirs, and yesterday's question gives way to today's message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import texts
from bot.texts import checkin as c
from bot.texts import onboarding as to
from bot.texts import settings as s
from core.replies import parse_effort
from sandbox.emulator import EmulatedUser
from sandbox.emulator.state import SentMessage
from storage.models import Challenge
from tests.support.daily import challenges, make_user, utc
from tests.support.journeys import onboard
from tests.support.notch import Notch
from tests.support.words import EN

# Berlin in June is UTC+2: 07:30 local is 05:30 UTC.
SEND = utc(2026, 6, 2, 5, 30)


def test_every_effort_label_and_word_reads_as_its_level() -> None:
    for level, label in c.EFFORT_BUTTONS.items():
        assert parse_effort(label, EN) == level
        assert parse_effort(label.upper(), EN) == level
    for level, words in c.EFFORT_WORDS.items():
        assert parse_effort(words, EN) == level


async def _sent_today(notch: Notch, ada: EmulatedUser) -> tuple[int, SentMessage]:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    user_id = await make_user(notch, ada)
    await notch.tick(SEND)
    return user_id, await ada.next_message()


def _registered(row: Challenge, *, total: int = 1) -> str:
    return c.registered(f"{row.amount:.0f} minutes", row.local_date, 1, total, "10 minutes")


async def test_typed_effort_after_the_done_button_is_the_buttons_answer(notch: Notch) -> None:
    ada = notch.user()
    user_id, daily = await _sent_today(notch, ada)
    notch.clock.advance(hours=1)
    await (await ada.press(c.DONE_BUTTON, daily)).answered()
    await notch.emulator.settle()
    assert daily.buttons == list(c.EFFORT_BUTTONS.values())
    await ada.send_text("Just right \U0001f44c")
    registered = await ada.next_message()
    [row] = await challenges(notch, user_id)
    assert (row.status, row.effort) == ("done", 3)
    assert registered.text == _registered(row)
    assert registered.buttons == [c.UNDO_BUTTON]
    assert (await ada.next_message()).text == c.REFLECTION_INVITE
    # The effort buttons still on the daily message change nothing: recorded once.
    await (await ada.press(c.EFFORT_BUTTONS[5], daily)).answered()
    assert (await ada.next_message()).text == c.ALREADY_ANSWERED
    [row] = await challenges(notch, user_id)
    assert row.effort == 3
    # The follow-up is this answer's, as after a button: the next line is the reflection.
    await ada.send_text("Went before breakfast")
    assert (await ada.next_message()).text == c.REFLECTION_KEPT
    [row] = await challenges(notch, user_id)
    assert (row.effort, row.reflection) == (3, "Went before breakfast")


@pytest.mark.parametrize(("typed", "effort"), [("hard", 4), ("5 MAXIMAL", 5), ("1", 1)])
async def test_typed_done_then_typed_effort(notch: Notch, typed: str, effort: int) -> None:
    ada = notch.user()
    user_id, _ = await _sent_today(notch, ada)
    await ada.send_text("done")
    question = await ada.next_message()
    assert question.buttons == list(c.EFFORT_BUTTONS.values())
    await ada.send_text(typed)
    registered = await ada.next_message()
    [row] = await challenges(notch, user_id)
    assert (row.status, row.effort) == ("done", effort)
    assert registered.text == _registered(row)
    assert (await ada.next_message()).text == c.REFLECTION_INVITE
    await (await ada.press(c.EFFORT_BUTTONS[2], question)).answered()
    assert (await ada.next_message()).text == c.ALREADY_ANSWERED
    [row] = await challenges(notch, user_id)
    assert row.effort == effort


async def test_effort_words_are_not_read_without_an_effort_question(notch: Notch) -> None:
    ada = notch.user()
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    user_id = await make_user(notch, ada)
    await ada.send_text("3")  # nothing sent yet
    assert (await ada.next_message()).text == texts.UNKNOWN_TEXT
    await notch.tick(SEND)
    daily = await ada.next_message()
    await ada.send_text("hard")  # the daily message asks done / failed / skip, not effort
    assert (await ada.next_message()).text == texts.UNKNOWN_TEXT_WAITING
    [row] = await challenges(notch, user_id)
    assert (row.status, row.effort) == ("sent", None)
    # After a failure, "how much did you do?" reads the number as the amount done.
    await (await ada.press(c.FAIL_BUTTON, daily)).answered()
    await notch.emulator.settle()
    await (await ada.press(c.REASON_BUTTONS["too_hard"], daily)).answered()
    assert (await ada.next_message()).text == c.ACHIEVED_QUESTION.format(unit="minutes")
    await ada.send_text("3")
    note = await ada.next_message()
    assert note.text is not None and note.text.startswith(c.TOO_HARD_AT_OWN_LEVEL)  # day 1
    [row] = await challenges(notch, user_id)
    assert (row.status, row.achieved, row.effort) == ("failed", 3, None)


async def test_yesterdays_effort_question_until_today_asks_something(notch: Notch) -> None:
    ada = notch.user()
    user_id, _ = await _sent_today(notch, ada)
    await ada.send_text("done")
    question = await ada.next_message()  # left unanswered overnight
    # Next morning before today's message (06:30 Berlin): still the newest question.
    notch.clock.now = SEND + timedelta(days=1, hours=-1)
    await ada.send_text("hard")
    registered = await ada.next_message()
    [row] = await challenges(notch, user_id)
    assert (row.local_date.isoformat(), row.effort) == ("2026-06-02", 4)
    assert registered.text == _registered(row)
    assert question.buttons == list(c.EFFORT_BUTTONS.values())


@pytest.mark.parametrize(
    "bot_database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)
async def test_todays_message_is_newer_than_yesterdays_effort_question(notch: Notch) -> None:
    ada = notch.user()
    user_id, _ = await _sent_today(notch, ada)
    await ada.send_text("done")
    question = await ada.next_message()
    await notch.tick(SEND + timedelta(days=1))
    await ada.next_message()  # today's challenge
    await ada.send_text("hard")
    assert (await ada.next_message()).text == texts.UNKNOWN_TEXT_WAITING
    yesterday, today = await challenges(notch, user_id)
    assert (yesterday.effort, today.status) == (None, "sent")
    # Its button still answers it.
    await (await ada.press(c.EFFORT_BUTTONS[4], question)).answered()
    await notch.emulator.settle()
    yesterday, _ = await challenges(notch, user_id)
    assert yesterday.effort == 4


async def test_an_effort_question_from_two_days_ago_is_closed(notch: Notch) -> None:
    ada = notch.user()
    user_id, _ = await _sent_today(notch, ada)
    await ada.send_text("done")
    await ada.next_message()
    notch.clock.now = SEND + timedelta(days=2, hours=-1)  # no message sent in between
    await ada.send_text("hard")
    assert (await ada.next_message()).text == texts.UNKNOWN_TEXT
    [row] = await challenges(notch, user_id)
    assert row.effort is None


@pytest.mark.parametrize(
    "bot_database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)
async def test_a_late_done_asks_newer_than_todays_message(notch: Notch) -> None:
    ada = notch.user()
    user_id, _ = await _sent_today(notch, ada)  # unanswered: missed at the day's close
    await notch.tick(SEND + timedelta(days=1))
    late = await ada.next_message()
    await ada.next_message()  # today's challenge
    yesterday, _ = await challenges(notch, user_id)
    assert late.text == c.LATE_QUESTION.format(amount=f"{yesterday.amount:.0f} minutes")
    notch.clock.advance(minutes=30)
    await (await ada.press(c.LATE_DID_BUTTON, late)).answered()
    await notch.emulator.settle()
    assert late.buttons == list(c.EFFORT_BUTTONS.values())
    await ada.send_text("4")
    registered = await ada.next_message()
    yesterday, today = await challenges(notch, user_id)
    assert (yesterday.status, yesterday.effort, today.status) == ("done", 4, "sent")
    assert registered.text == _registered(yesterday)


async def _start_over_at_baseline(notch: Notch, ada: EmulatedUser) -> None:
    await onboard(notch, ada, behaviour="push-ups", baseline="12", first="now")
    await ada.next_message()  # the first challenge
    await ada.send_text("/start")
    await ada.next_message()
    await (await ada.press(to.MENU_RESTART)).answered()
    await ada.next_message()
    await (await ada.press(to.RESTART_YES)).answered()
    await ada.next_message()
    await (await ada.press("Running")).answered()
    assert (await ada.next_message()).text == to.ask_baseline("running", "minutes", "10 minutes")


async def test_a_setups_amount_question_keeps_its_numbers(notch: Notch) -> None:
    ada = notch.user()
    await _start_over_at_baseline(notch, ada)
    await ada.send_text("done")
    question = await ada.next_message()
    assert question.buttons == list(c.EFFORT_BUTTONS.values())
    assert (await ada.next_message()).text == (
        f"{to.RESUMING}\n{to.ask_baseline('running', 'minutes', '10 minutes')}")
    await ada.send_text("3")  # the setup asked last: 3 minutes of running, not effort 3
    assert (await ada.next_message()).text == to.ask_target("9 minutes")
    [row] = await challenges(notch)
    assert (row.status, row.effort) == ("done", None)
    await (await ada.press(c.EFFORT_BUTTONS[2], question)).answered()
    await notch.emulator.settle()
    [row] = await challenges(notch)
    assert row.effort == 2


async def test_a_settings_step_question_keeps_its_numbers(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada, behaviour="push-ups", baseline="12", first="now")
    await ada.next_message()  # the first challenge
    await ada.send_text("/settings")
    menu = await ada.next_message()
    await (await ada.press(s.STEP_BUTTON, menu)).answered()
    await ada.next_message()
    await ada.send_text("done")
    await ada.next_message()  # how hard did it feel?
    await ada.next_message()  # the step question again
    await ada.send_text("2")
    assert (await ada.next_message()).text == s.STEP_CHANGED.format(
        behaviour="push-ups", step="2 reps")
    [row] = await challenges(notch)
    assert (row.status, row.effort) == ("done", None)
