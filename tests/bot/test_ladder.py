"""The efficacy ladder end to end: sent after onboarding, rated row by row in one message (the
ratings in progress carried by the buttons), saved once, and a re-rating showing the change."""

from __future__ import annotations

from sqlmodel import select

from bot.handlers.ladder import send_ladder
from bot.texts import efficacy as t
from core.efficacy import ladder_levels
from sandbox.emulator import EmulatedUser
from sandbox.emulator.state import SentMessage
from storage.models import LadderRatingRow
from storage.users import get_user
from tests.support.daily import services_of
from tests.support.journeys import onboard, rate, rate_all
from tests.support.notch import Notch


def ladder_message(user: EmulatedUser) -> SentMessage:
    found = [m for m in user.messages if (m.text or "").startswith(t.LADDER_INTRO[:30])]
    assert found, [m.text for m in user.messages]
    return found[-1]


async def ratings(notch: Notch) -> list[LadderRatingRow]:
    async with services_of(notch).session() as session:
        return list((await session.exec(select(LadderRatingRow))).all())


async def test_ladder_after_onboarding_rated_saved_once_and_rerated(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada, baseline="10", target="30")
    ladder = ladder_message(ada)
    rows = ladder.button_texts()
    levels = ladder_levels(10, 30, 1, baseline=10)
    assert len(rows) == 2 * len(levels) == 10  # a label row and a ratings row per level
    assert rows[0::2] == [[f"{level:.0f} minutes"] for level in levels]
    assert all(row == ["0", "20", "40", "60", "80", "100"] for row in rows[1::2])
    assert all(len(b["callback_data"].encode()) <= 64
               for row in (ladder.reply_markup or {})["inline_keyboard"] for b in row)

    # Four rows rated: the message shows the ticks, nothing is saved yet.
    for row, column in enumerate([6, 5, 4, 3]):
        await rate(notch, ada, ladder, row, column)
    assert [r[c - 1] for r, c in zip(ladder.button_texts()[1::2], [6, 5, 4, 3],
                                     strict=False)] == ["✓100", "✓80", "✓60", "✓40"]
    assert await ratings(notch) == []
    # A change of mind on row 2 before the last row.
    await rate(notch, ada, ladder, 1, 6)
    assert ladder.button_texts()[3][5] == "✓100" and ladder.button_texts()[3][4] == "80"
    await rate(notch, ada, ladder, 4, 1)
    [saved] = await ratings(notch)
    assert saved.ratings == [100, 100, 60, 40, 0] and saved.levels == levels
    assert saved.strength == 60 and saved.level == 3
    assert ladder.buttons == []
    assert t.ladder_done(60, 3, 5) in (ladder.text or "") and t.LADDER_FIRST in (ladder.text or "")

    # A re-rating a day later (as in the weekly review) shows the change.
    notch.clock.advance(days=1)
    async with services_of(notch).session() as session:
        user = await get_user(session, 1)
        assert user is not None
    await send_ladder(services_of(notch), notch.application.bot, user)
    again = await ada.next_message()
    await rate_all(notch, ada, again, [6, 6, 5, 4, 2])
    await notch.emulator.settle()
    assert len(await ratings(notch)) == 2
    assert t.ladder_change(60, 72, 3, 4, True) in (again.text or "")
    assert "60 → 72 (+12), level 3 → 4." in (again.text or "")


async def test_a_saved_ladder_and_someone_elses_buttons_change_nothing(notch: Notch) -> None:
    ada, bob = notch.user(), notch.user(2002, "Bob")
    await onboard(notch, ada)
    ladder = ladder_message(ada)
    await rate_all(notch, ada, ladder, [2, 3, 4, 5, 6])
    await notch.emulator.settle()
    assert len(await ratings(notch)) == 1
    # The full keyboard pressed again (a tap that left a slow phone before the edit):
    # the ladder of that message is saved already, so nothing more is.
    old = SentMessage(message_id=ladder.message_id, chat_id=ada.chat_id, kind="text",
                      date=ladder.date, text=ladder.text, reply_markup={"inline_keyboard": [[{
                          "text": "x", "callback_data": "lad:1:10:12345:4:0"}]]})
    await (await ada.press_at(old, 0, 0)).answered()
    assert (await ada.next_message()).text == t.LADDER_ALREADY
    assert len(await ratings(notch)) == 1
    # Bob presses a button of Ada's ladder data: not his goal.
    await onboard(notch, bob)
    bobs = ladder_message(bob)
    forged = SentMessage(message_id=bobs.message_id, chat_id=bob.chat_id, kind="text", date=0,
                         text=bobs.text, reply_markup={"inline_keyboard": [[{
                             "text": "x", "callback_data": "lad:1:10:12345:0:5"}]]})
    await (await bob.press_at(forged, 0, 0)).answered()
    assert (await bob.next_message()).text == t.LADDER_STALE
    assert len(await ratings(notch)) == 1


async def test_the_ladder_fits_a_360_pixel_phone(notch: Notch) -> None:
    """Issue 12 item 17: seven buttons a row with the amount in the first cell cut the amount
    off on a phone. Now the amount has a row to itself; a ratings row holds six labels of at
    most four characters ("✓100"): ~56 px a button on a 360-px screen, enough for them."""
    ada = notch.user()
    await onboard(notch, ada, baseline="10", target="30")
    ladder = ladder_message(ada)
    rows = ladder.button_texts()
    await rate(notch, ada, ladder, 0, 6)
    rows = ladder.button_texts()
    labels, ratings_rows = rows[0::2], rows[1::2]
    assert all(len(row) == 1 for row in labels)
    assert all(len(row) == 6 and max(map(len, row)) <= 4 for row in ratings_rows)
    assert ratings_rows[0][5] == "✓100"
    keyboard = (ladder.reply_markup or {})["inline_keyboard"]
    assert all(len(b["callback_data"].encode()) <= 64 for row in keyboard for b in row)
