"""Answers typed where Notch asks something, end to end (issue 12): "what got in the way?" in
words, a reason never given (not counted as "too hard"), doubt where "what made it work?" is
asked, a typed confidence ("70", "80%") and the fallback's help."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from bot import texts
from bot.texts import checkin as c
from bot.texts import efficacy as e
from sandbox.emulator import EmulatedUser
from sandbox.emulator.state import SentMessage
from storage.conversations import get_conversation
from tests.support.daily import challenges, make_user, services_of, utc
from tests.support.history import seed
from tests.support.notch import Notch

SEND = utc(2026, 6, 2, 5, 30)  # 07:30 in Berlin (UTC+2 in June)
SEEDED = {date(2026, 5, 29): ("done", 10, 3), date(2026, 5, 30): ("done", 10, 3),
          date(2026, 5, 31): ("done", 10, 4)}


async def _sent_today(notch: Notch, ada: EmulatedUser) -> tuple[int, SentMessage]:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    user_id = await make_user(notch, ada)
    await seed(notch, user_id, SEEDED)
    await notch.tick(SEND)
    return user_id, await ada.next_message()


async def _failed_by_button(notch: Notch, ada: EmulatedUser, daily: SentMessage) -> None:
    notch.clock.advance(hours=10)
    await (await ada.press(c.FAIL_BUTTON, daily)).answered()
    await _edited(notch, daily, [*c.REASON_BUTTONS.values(), c.UNDO_BUTTON])


async def _edited(notch: Notch, message: SentMessage, buttons: list[str]) -> None:
    """Wait until the bot's edit gave `message` these buttons (a quiet emulator is not proof
    on a loaded machine: the edit follows a database write)."""
    for _ in range(50):
        await notch.emulator.settle()
        if message.buttons == buttons:
            return
        await asyncio.sleep(0.1)
    assert message.buttons == buttons


@pytest.mark.parametrize(("typed", "reason"), [
    ("no time", "no_time"), ("was sick", "unwell"), ("Other", "other"),
    ("too hard", "too_hard")])
async def test_a_typed_reason_is_recorded_as_its_button(notch: Notch, typed: str,
                                                        reason: str) -> None:
    ada = notch.user()
    user_id, daily = await _sent_today(notch, ada)
    await _failed_by_button(notch, ada, daily)
    await ada.send_text(typed)
    logged = await ada.next_message()
    assert logged.text == c.REASON_LOGGED.format(reason=c.REASON_WORDS[reason])
    assert (await ada.next_message()).text == c.ACHIEVED_QUESTION.format(unit="minutes")
    today = (await challenges(notch, user_id))[-1]
    assert (today.status, today.failure_reason) == ("failed", reason)
    # The reason buttons still on the message change nothing: recorded once.
    await (await ada.press(c.REASON_BUTTONS["other"], daily)).answered()
    assert (await ada.next_message()).text == c.ALREADY_ANSWERED
    assert (await challenges(notch, user_id))[-1].failure_reason == reason


async def test_a_typed_reason_after_a_typed_failure(notch: Notch) -> None:
    ada = notch.user()
    user_id, _ = await _sent_today(notch, ada)
    await ada.send_text("not today")
    assert (await ada.next_message()).buttons == [*c.REASON_BUTTONS.values(), c.UNDO_BUTTON]
    await ada.send_text("ran out of time")
    assert (await ada.next_message()).text == c.REASON_LOGGED.format(
        reason=c.REASON_WORDS["no_time"])
    assert (await challenges(notch, user_id))[-1].failure_reason == "no_time"


async def test_reason_words_without_the_reason_question_are_not_a_reason(notch: Notch) -> None:
    ada = notch.user()
    user_id, _ = await _sent_today(notch, ada)
    await ada.send_text("no time")  # today's challenge waits; nothing asked why
    assert (await ada.next_message()).text == texts.UNKNOWN_TEXT_WAITING
    assert (await challenges(notch, user_id))[-1].status == "sent"


async def test_a_failure_whose_reason_is_never_given_does_not_lower_the_plan(
        notch: Notch) -> None:
    """The reason question ignored: the failure says nothing about ability, so tomorrow is
    not eased off (it was: 'too hard' was assumed)."""
    ada = notch.user()
    user_id, daily = await _sent_today(notch, ada)
    await _failed_by_button(notch, ada, daily)
    await notch.tick(SEND + timedelta(days=1))
    tomorrow = await ada.next_message()
    rows = await challenges(notch, user_id)
    failed, planned = rows[-2], rows[-1]
    assert (failed.status, failed.failure_reason) == ("failed", None)
    assert planned.amount >= failed.amount, tomorrow.text
    assert planned.plan_reason_key != "after_fail"


async def test_doubt_where_a_reflection_is_asked_is_replayed_not_kept(notch: Notch) -> None:
    ada = notch.user()
    user_id, daily = await _sent_today(notch, ada)
    await (await ada.press(c.DONE_BUTTON, daily)).answered()
    await _edited(notch, daily, list(c.EFFORT_BUTTONS.values()))
    await (await ada.press(c.EFFORT_BUTTONS[5], daily)).answered()
    assert (await ada.next_message()).text == c.REFLECTION_INVITE
    await ada.send_text("I can't do more than this tomorrow")
    replay = await ada.next_message()
    assert (replay.text or "").startswith(e.REPLAY_INTRO["doubt"])
    today = (await challenges(notch, user_id))[-1]
    assert (today.status, today.reflection) == ("done", None)
    # The reflection question is closed: the next line is not stored as one either.
    async with services_of(notch).session() as session:
        assert await get_conversation(session, user_id) is None
    await ada.send_text("thanks")
    assert (await ada.next_message()).text == texts.UNKNOWN_TEXT
    assert (await challenges(notch, user_id))[-1].reflection is None


async def test_doubt_overcome_is_kept_as_the_reflection(notch: Notch) -> None:
    ada = notch.user()
    user_id, _ = await _sent_today(notch, ada)
    await ada.send_text("done")
    await ada.next_message()
    await ada.send_text("4")
    await ada.next_message()
    assert (await ada.next_message()).text == c.REFLECTION_INVITE
    await ada.send_text("It felt too hard at first, but music helped")
    assert (await ada.next_message()).text == c.REFLECTION_KEPT
    assert (await challenges(notch, user_id))[-1].reflection == (
        "It felt too hard at first, but music helped")


@pytest.mark.parametrize(("typed", "value"), [("70", 70), ("80%", 80), ("about 60 %", 60)])
async def test_a_typed_confidence_is_todays_rating(notch: Notch, typed: str,
                                                   value: int) -> None:
    ada = notch.user()
    user_id, _ = await _sent_today(notch, ada)
    await ada.send_text(typed)
    shown = await ada.next_message()
    assert e.CONFIDENCE_KEPT.format(value=f"{value} %") in (shown.text or "")
    assert shown.buttons[:3] == [c.DONE_BUTTON, c.FAIL_BUTTON, c.SKIP_BUTTON]
    assert (await challenges(notch, user_id))[-1].confidence == value
    # Answered, the day takes no more ratings: a number is then nobody's.
    await ada.send_text("done")
    await ada.next_message()
    await ada.send_text("4")
    await ada.next_message()
    await ada.next_message()  # "what made it work?"
    await ada.send_text("slept early")
    assert (await ada.next_message()).text == c.REFLECTION_KEPT
    await ada.send_text("90")
    assert (await ada.next_message()).text == texts.UNKNOWN_TEXT
    assert (await challenges(notch, user_id))[-1].confidence == value


async def test_a_low_typed_confidence_replays_the_log(notch: Notch) -> None:
    ada = notch.user()
    user_id, _ = await _sent_today(notch, ada)
    await ada.send_text("20%")
    await ada.next_message()  # the daily message with the rating
    replay = await ada.next_message()
    assert (replay.text or "").startswith(e.REPLAY_INTRO["low_confidence"])
    assert (await challenges(notch, user_id))[-1].confidence == 20


async def test_the_fallback_says_what_can_be_typed_now(notch: Notch) -> None:
    ada, bob = notch.user(), notch.user(2002, "Bob")
    await bob.send_text("hello")  # never set up
    new = await bob.next_message()
    assert new.text == texts.UNKNOWN_TEXT_NEW and "/start" in (new.text or "")
    await _sent_today(notch, ada)
    await ada.send_text("hello")
    waiting = await ada.next_message()
    assert waiting.text == texts.UNKNOWN_TEXT_WAITING
    for words in ("done", "not today", "skip", "0 to 100", "/help"):
        assert words in (waiting.text or "")
    assert "only commands" not in (waiting.text or "")
    await ada.send_text("skip")
    await ada.next_message()
    await ada.send_text("hello")
    assert (await ada.next_message()).text == texts.UNKNOWN_TEXT
    assert "/help" in texts.UNKNOWN_TEXT and "only commands" not in texts.UNKNOWN_TEXT
