"""The mastery log replayed, end to end: a low confidence tap, doubt typed with no question
open, and a return after five days away (in the next daily message, once per absence). Two
failures in a row are covered in the three-week journey (test_daily_journey)."""

from __future__ import annotations

from datetime import date, time, timedelta

from bot import texts
from bot.texts import checkin as t
from bot.texts import efficacy as e
from tests.support.daily import make_user, utc
from tests.support.history import seed
from tests.support.notch import Notch

SEND = utc(2026, 6, 2, 5, 30)  # 07:30 in Berlin


async def test_low_confidence_replays_three_dated_lines_once(notch: Notch) -> None:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    user_id = await make_user(notch, ada, zone="Europe/Berlin", at=time(7, 30))
    await seed(notch, user_id, {date(2026, 5, 28): ("done", 10, 3),
                                date(2026, 5, 29): ("done", 11, 5),
                                date(2026, 5, 30): ("done", 11, 2),
                                date(2026, 5, 31): ("failed", 12, None)},
               reflection="went  before breakfast")
    await notch.tick(SEND)
    daily = await ada.next_message()
    await (await ada.press("20", daily)).answered()
    replay = await ada.next_message()
    lines = (replay.text or "").split("\n")
    assert lines[0] == e.REPLAY_INTRO["low_confidence"]
    assert lines[1:] == [
        "• Fri 29 May 2026: 11 minutes, maximal effort, your best so far — \"went before "
        "breakfast\"",
        "• Sat 30 May 2026: 11 minutes, easy",
        "• Thu 28 May 2026: 10 minutes, just right",
    ]
    # Moving within the low range does not repeat it; the outcome buttons still work.
    await (await ada.press("40", daily)).answered()
    await ada.expect_no_message(within=0.3)
    await (await ada.press(t.DONE_BUTTON, daily)).answered()
    await notch.emulator.settle()
    assert daily.buttons == list(t.EFFORT_BUTTONS.values())


async def test_doubt_in_words_with_and_without_a_record(notch: Notch) -> None:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada, bob = notch.user(), notch.user(2002, "Bob")
    ada_id = await make_user(notch, ada)
    await make_user(notch, bob)
    await seed(notch, ada_id, {date(2026, 5, 30): ("done", 10, 4)})
    await ada.send_text("I can't do this, it's too hard")
    replay = await ada.next_message()
    assert (replay.text or "").split("\n") == [
        e.REPLAY_INTRO["doubt"], "• Sat 30 May 2026: 10 minutes, hard"]
    await ada.send_text("it's not too hard")  # negated: not doubt, the fallback answers
    assert (await ada.next_message()).text == texts.UNKNOWN_TEXT
    await bob.send_text("impossible")
    assert (await bob.next_message()).text == e.DOUBT_NO_LOG


async def test_welcome_back_comes_with_the_first_answer_after_days_away_once(
    notch: Notch,
) -> None:
    """Issue 12, item 3 (this test used to expect the welcome with the daily message on the
    fifth silent day: that was the bug). Still away: no welcome; back: with the answer."""
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    user_id = await make_user(notch, ada)
    # Last answer on 27 May; nothing sent since (a pause): 2 June is six days later.
    await seed(notch, user_id, {date(2026, 5, 26): ("done", 10, 3),
                                date(2026, 5, 27): ("done", 11, 4)})
    await notch.tick(SEND)
    assert (await ada.next_message()).text.startswith("Today's challenge")  # type: ignore[union-attr]
    await ada.expect_no_message(within=0.3)  # still away: no "welcome back" yet
    await notch.tick(SEND + timedelta(days=1))
    late = await ada.next_message()
    assert late.text == t.LATE_QUESTION.format(amount="10 minutes")
    daily = await ada.next_message()
    assert (daily.text or "").startswith("Today's challenge")
    await ada.expect_no_message(within=0.3)
    # She comes back and answers: the welcome comes now, with her record.
    notch.clock.now = SEND + timedelta(days=1, hours=2)
    await (await ada.press(t.DONE_BUTTON, daily)).answered()
    back = await ada.next_message()
    assert (back.text or "").startswith(e.REPLAY_INTRO["back_after_break"])
    assert "Wed 27 May 2026: 11 minutes, hard, your best so far" in (back.text or "")
    # Her next answer (yesterday's, late) is no absence: no second welcome.
    await (await ada.press(t.LATE_DID_BUTTON, late)).answered()
    await notch.emulator.settle()
    assert not [m for m in ada.messages if m.text == back.text][1:]


async def test_doubt_after_a_first_failure_does_not_promise_the_first_challenge(
    notch: Notch,
) -> None:
    """Issue 12 item 9: "your first challenge is set well within reach" was said after the
    first challenge had failed."""
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    user_id = await make_user(notch, ada)
    await seed(notch, user_id, {date(2026, 5, 31): ("failed", 10, None)})
    await ada.send_text("impossible")
    text = (await ada.next_message()).text
    assert text == e.DOUBT_NO_SUCCESS_YET
    assert "first challenge" not in (text or "")
