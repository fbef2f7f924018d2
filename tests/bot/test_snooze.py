"""Snooze ("⏰ Later") on the daily message, end to end with the FakeClock: the challenge comes
back when asked, with live buttons, never after the day's close, and changes no outcome."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.texts import checkin as t
from storage.progress import progress_facts
from tests.support.daily import challenges, first_daily, services_of, utc
from tests.support.notch import Notch

SEND = utc(2026, 6, 2, 5, 30)  # 07:30 in Berlin (UTC+2)
OUTCOME_ROW = [t.DONE_BUTTON, t.FAIL_BUTTON, t.SKIP_BUTTON]


async def _progress(notch: Notch, user_id: int) -> tuple[list[Any], list[Any]]:
    """What /progress reads: the settled days, as the log and as the calibrator sees them."""
    async with services_of(notch).session() as session:
        facts = await progress_facts(session, user_id)
    assert facts is not None
    return facts.entries, facts.attempts


async def test_later_brings_the_challenge_back_in_an_hour_with_live_buttons(
        notch: Notch) -> None:
    ada, user_id, daily = await first_daily(notch)
    assert daily.button_texts()[-1] == [t.LATER_BUTTON]
    notch.clock.now = SEND + timedelta(hours=1)  # 08:30 local
    await ada.press(t.LATER_BUTTON, daily)
    await notch.emulator.settle()
    assert daily.buttons == ["In 1 hour (09:30)", "In 3 hours (11:30)", "This evening (19:00)",
                             t.SNOOZE_BACK_BUTTON]
    await ada.press(t.SNOOZE_BACK_BUTTON, daily)
    await notch.emulator.settle()
    assert daily.button_texts()[0] == OUTCOME_ROW
    await ada.press(t.LATER_BUTTON, daily)
    await notch.emulator.settle()
    await ada.press("In 1 hour (09:30)", daily)
    await notch.emulator.settle()
    [row] = await challenges(notch, user_id)
    amount = f"{row.amount:.0f} minutes"
    assert (daily.text, daily.buttons) == (t.SNOOZED.format(amount=amount, time="09:30"), [])
    assert (row.status, row.snoozed_until, row.followup_at) == (
        "sent", SEND + timedelta(hours=2), None)
    assert await _progress(notch, user_id) == ([], [])  # /progress counts a snooze as nothing

    report = await notch.tick(SEND + timedelta(hours=2) - timedelta(minutes=1))
    assert report.snoozed == 0
    await ada.expect_no_message(within=0.2)
    report = await notch.tick(SEND + timedelta(hours=2))
    assert report.snoozed == 1
    back = await ada.next_message()
    assert back.text == f"{t.SNOOZE_RETURN}\n" + t.daily(
        amount, t.plan_reason(row.plan_reason_key, row.plan_facts, "minutes"))
    assert back.button_texts()[0] == OUTCOME_ROW
    assert (await notch.tick()).snoozed == 0  # once
    [row] = await challenges(notch, user_id)
    assert (row.snoozed_until, row.telegram_message_id) == (None, back.message_id)
    assert (await notch.tick(SEND + timedelta(hours=3))).followups == 0  # no reminder on top

    await ada.press(t.DONE_BUTTON, back)
    await notch.emulator.settle()
    assert back.text == t.EFFORT_QUESTION.format(amount=amount)
    [row] = await challenges(notch, user_id)
    assert row.status == "done"


async def test_a_snoozed_day_that_closes_is_missed_as_usual(notch: Notch) -> None:
    ada, user_id, daily = await first_daily(notch)
    await ada.press(t.LATER_BUTTON, daily)
    await notch.emulator.settle()
    await ada.press("This evening (19:00)", daily)
    await notch.emulator.settle()
    # No tick until after the day's close (04:00 local, 02:00 UTC): missed, nothing sent.
    report = await notch.tick(utc(2026, 6, 3, 2, 0))
    assert (report.closed, report.snoozed) == (1, 0)
    await ada.expect_no_message(within=0.2)
    [row] = await challenges(notch, user_id)
    assert row.status == "missed"
    # The next morning asks about it late, as for any missed day.
    await notch.tick(SEND + timedelta(days=1))
    late = await ada.next_message()
    assert late.text == t.LATE_QUESTION.format(amount=f"{row.amount:.0f} minutes")


async def test_later_in_the_evening_offers_only_what_comes_by_nine(notch: Notch) -> None:
    ada, user_id, daily = await first_daily(notch)
    notch.clock.now = utc(2026, 6, 2, 17, 30)  # 19:30 local: 1 hour only
    await ada.press(t.LATER_BUTTON, daily)
    await notch.emulator.settle()
    assert daily.buttons == ["In 1 hour (20:30)", t.SNOOZE_BACK_BUTTON]
    notch.clock.now = utc(2026, 6, 2, 18, 30)  # 20:30 local: nothing left today
    await ada.press("In 1 hour (20:30)", daily)
    assert (await ada.next_message()).text == t.SNOOZE_TOO_LATE
    [row] = await challenges(notch, user_id)
    assert row.snoozed_until is None and row.status == "sent"


async def test_an_answer_typed_while_snoozed_cancels_the_return(notch: Notch) -> None:
    ada, user_id, daily = await first_daily(notch)
    await ada.press(t.LATER_BUTTON, daily)
    await notch.emulator.settle()
    await ada.press("In 1 hour (08:30)", daily)
    await notch.emulator.settle()
    await ada.send_text("skip")
    assert (await ada.next_message()).text == t.SKIPPED
    assert (await notch.tick(SEND + timedelta(hours=1))).snoozed == 0
    await ada.expect_no_message(within=0.2)
    [row] = await challenges(notch, user_id)
    assert (row.status, row.snoozed_until) == ("skipped", None)
