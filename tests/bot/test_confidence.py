"""Confidence before the challenge, end to end: the optional 0-100 row on the daily message, a
second tap changing it, never blocking the outcome, closed after the answer, and "You were 40 %
sure. You did it." on the registration."""

from __future__ import annotations

from datetime import time, timedelta

from bot.texts import checkin as t
from bot.texts import efficacy as e
from tests.support.daily import challenges, make_user, utc
from tests.support.notch import Notch

SEND = utc(2026, 6, 2, 5, 30)  # 07:30 in Berlin (UTC+2)


async def test_rating_is_optional_changeable_and_named_on_success(notch: Notch) -> None:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    user_id = await make_user(notch, ada, zone="Europe/Berlin", at=time(7, 30))
    await notch.tick(SEND)
    daily = await ada.next_message()
    assert daily.button_texts() == [[t.DONE_BUTTON, t.FAIL_BUTTON, t.SKIP_BUTTON],
                                    ["0", "20", "40", "60", "80", "100"],
                                    [t.LATER_BUTTON]]  # snooze (issue 12) below the rating
    assert (daily.text or "").endswith(e.CONFIDENCE_QUESTION)
    assert (daily.inline_button("40") or {})["callback_data"].startswith("conf:")

    await (await ada.press("80", daily)).answered()
    await notch.emulator.settle()
    [row] = await challenges(notch, user_id)
    assert row.confidence == 80
    assert (daily.text or "").endswith(e.CONFIDENCE_KEPT.format(value="80 %"))
    assert daily.button_texts()[0] == [t.DONE_BUTTON, t.FAIL_BUTTON, t.SKIP_BUTTON]
    assert "✓80" in daily.buttons
    # A second tap changes it (no success on record yet, so no replay to send).
    await (await ada.press("40", daily)).answered()
    await notch.emulator.settle()
    [row] = await challenges(notch, user_id)
    assert row.confidence == 40 and "✓40" in daily.buttons and "✓80" not in daily.buttons
    await ada.expect_no_message(within=0.2)

    # The outcome is still one tap away; the registration names belief against the fact.
    await (await ada.press(t.DONE_BUTTON, daily)).answered()
    await notch.emulator.settle()
    await (await ada.press(t.EFFORT_BUTTONS[4], daily)).answered()
    await notch.emulator.settle()
    assert (daily.text or "").endswith("\nYou were 40 % sure. You did it.")
    assert (await ada.next_message()).text == t.REFLECTION_INVITE

    # After the answer the rating is closed: a tap on the old row changes nothing.
    follow = [m for m in ada.messages if m.inline_button("60") is not None]
    assert follow == []  # the daily message lost its rows when it became the registration
    notch.clock.advance(minutes=1)
    await notch.tick(SEND + timedelta(hours=3))
    [row] = await challenges(notch, user_id)
    assert row.confidence == 40


async def test_confident_success_is_not_called_a_surprise_and_tap_after_answer(
    notch: Notch,
) -> None:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    user_id = await make_user(notch, ada)
    await notch.tick(SEND)
    daily = await ada.next_message()
    await ada.send_text("/today")  # a second copy of the buttons, as a person might keep
    today = await ada.next_message()
    await (await ada.press("80", daily)).answered()
    await notch.emulator.settle()
    await (await ada.press(t.DONE_BUTTON, daily)).answered()
    await notch.emulator.settle()
    await (await ada.press(t.EFFORT_BUTTONS[3], daily)).answered()
    await notch.emulator.settle()
    assert "You were" not in (daily.text or "")
    assert (await ada.next_message()).text == t.REFLECTION_INVITE
    await ada.press("20", today)  # the /today copy, after the answer
    assert (await ada.next_message()).text == e.CONFIDENCE_CLOSED
    [row] = await challenges(notch, user_id)
    assert (row.status, row.confidence) == ("done", 80)
