"""Issue 12 item 11: a mistaken ❌ Not today or Skip is undone like a mistaken ✅, and a typed
answer leaves no live-looking buttons on the daily message."""

from __future__ import annotations

from sqlmodel import col, update

from bot.texts import checkin as t
from storage.models import Challenge
from tests.support.daily import challenges, first_daily, services_of
from tests.support.notch import Notch

OUTCOME_ROW = [t.DONE_BUTTON, t.FAIL_BUTTON, t.SKIP_BUTTON]


async def test_a_mistaken_not_today_is_undone_with_its_reason_and_how_much(notch: Notch) -> None:
    ada, user_id, daily = await first_daily(notch)
    notch.clock.advance(minutes=1)
    await ada.press(t.FAIL_BUTTON, daily)
    await notch.emulator.settle()
    assert daily.buttons == [*t.REASON_BUTTONS.values(), t.UNDO_BUTTON]
    await ada.press("No time", daily)
    await notch.emulator.settle()
    assert daily.buttons == [t.UNDO_BUTTON]
    assert (await ada.next_message()).text == t.ACHIEVED_QUESTION.format(unit="minutes")
    notch.clock.advance(minutes=5)
    await ada.press(t.UNDO_BUTTON, daily)
    await notch.emulator.settle()
    assert daily.text is not None and daily.text.startswith(t.UNDONE)
    assert daily.button_texts()[0] == OUTCOME_ROW
    [row] = await challenges(notch, user_id)
    assert (row.status, row.failure_reason, row.achieved, row.answered_at) == (
        "sent", None, None, None)
    # "How much did you do?" went with the undone answer: a number is not kept as achieved.
    await ada.send_text("5")
    await ada.next_message()
    [row] = await challenges(notch, user_id)
    assert row.achieved is None and row.status == "sent"
    # Undo straight from the reason question works too.
    await ada.press(t.FAIL_BUTTON, daily)
    await notch.emulator.settle()
    await ada.press(t.UNDO_BUTTON, daily)
    await notch.emulator.settle()
    assert daily.button_texts()[0] == OUTCOME_ROW
    [row] = await challenges(notch, user_id)
    assert row.status == "sent"


async def test_a_mistaken_skip_is_undone_within_ten_minutes_only(notch: Notch) -> None:
    ada, user_id, daily = await first_daily(notch)
    await ada.press(t.SKIP_BUTTON, daily)
    await notch.emulator.settle()
    assert (daily.text, daily.buttons) == (t.SKIPPED, [t.UNDO_BUTTON])
    notch.clock.advance(minutes=9)
    await ada.press(t.UNDO_BUTTON, daily)
    await notch.emulator.settle()
    assert daily.text is not None and daily.text.startswith(t.UNDONE)
    assert daily.button_texts()[0] == OUTCOME_ROW
    [row] = await challenges(notch, user_id)
    assert row.status == "sent"
    await ada.press(t.SKIP_BUTTON, daily)
    await notch.emulator.settle()
    notch.clock.advance(minutes=11)
    await ada.press(t.UNDO_BUTTON, daily)
    assert (await ada.next_message()).text == t.UNDO_TOO_LATE
    [row] = await challenges(notch, user_id)
    assert row.status == "skipped"


async def test_a_typed_answer_settles_the_daily_messages_buttons(notch: Notch) -> None:
    ada, user_id, daily = await first_daily(notch)
    [row] = await challenges(notch, user_id)
    amount = f"{row.amount:.0f} minutes"
    await ada.send_text("done")
    question = await ada.next_message()
    assert question.text == t.EFFORT_QUESTION.format(amount=amount)
    await notch.emulator.settle()
    assert daily.text == t.answered_elsewhere(row.local_date, amount, "done")
    assert daily.buttons == [t.UNDO_BUTTON]
    # Its Undo reopens the day on the daily message itself.
    await ada.press(t.UNDO_BUTTON, daily)
    await notch.emulator.settle()
    assert daily.text is not None and daily.text.startswith(t.UNDONE)
    assert daily.button_texts()[0] == OUTCOME_ROW
    # A typed skip, undone from the reply: the daily message above gets its buttons back.
    await ada.send_text("skip")
    reply = await ada.next_message()
    await notch.emulator.settle()
    assert (reply.text, reply.buttons) == (t.SKIPPED, [t.UNDO_BUTTON])
    assert daily.text == t.answered_elsewhere(row.local_date, amount, "skipped")
    await ada.press(t.UNDO_BUTTON, reply)
    await notch.emulator.settle()
    assert (reply.text, reply.buttons) == (t.UNDONE_ABOVE, [])
    assert daily.text is not None and daily.text.startswith(t.UNDONE)
    assert daily.button_texts()[0] == OUTCOME_ROW
    [row] = await challenges(notch, user_id)
    assert row.status == "sent"


async def test_a_typed_answer_when_the_daily_message_cannot_be_edited(notch: Notch) -> None:
    ada, user_id, daily = await first_daily(notch)
    async with services_of(notch).session() as session:  # as if too old or deleted
        await session.exec(update(Challenge).values(telegram_message_id=999_999)
                           .where(col(Challenge.id).is_not(None)))
        await session.commit()
    await ada.send_text("failed")
    reply = await ada.next_message()
    [row] = await challenges(notch, user_id)
    assert reply.text == t.REASON_QUESTION.format(amount=f"{row.amount:.0f} minutes")
    assert row.status == "failed"
    await ada.press(t.UNDO_BUTTON, reply)  # the daily message can't be restored: this one is
    await notch.emulator.settle()
    assert reply.text is not None and reply.text.startswith(t.UNDONE)
    assert reply.button_texts()[0] == OUTCOME_ROW
    assert daily.button_texts()[0] == OUTCOME_ROW
    await ada.expect_no_message(within=0.2)
