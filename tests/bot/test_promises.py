"""Every sentence that announces the next challenge says when the tick really sends it (issue
12, item 2): a day already answered or skipped is passed over, whatever the zone."""

from __future__ import annotations

from datetime import timedelta

from bot.texts import checkin as c
from bot.texts import settings as t
from sandbox.emulator import EmulatedUser
from sandbox.emulator.state import SentMessage
from tests.support.daily import make_user, utc
from tests.support.notch import Notch

SEND = utc(2026, 6, 2, 5, 30)  # Tue 2 June, 07:30 in Berlin


async def _say(user: EmulatedUser, text: str) -> SentMessage:
    await user.send_text(text)
    return await user.next_message()


async def _done_today(notch: Notch, ada: EmulatedUser) -> None:
    """Ada's Tuesday challenge arrives at 07:30 Berlin and she taps Done at 08:00."""
    await notch.tick(SEND)
    daily = await ada.next_message()
    notch.clock.now = SEND + timedelta(minutes=30)
    await (await ada.press(c.DONE_BUTTON, daily)).answered()
    await notch.emulator.settle()  # the message becomes "how hard did it feel?"


async def _arrives_exactly(notch: Notch, ada: EmulatedUser, at: str, quiet: list[str]) -> None:
    """No challenge at the `quiet` instants (ISO, UTC); the next one at `at`, to the tick."""
    for instant in quiet:
        assert (await notch.tick(utc(*_parts(instant)))).sent == 0
    assert (await notch.tick(utc(*_parts(at)) - timedelta(seconds=30))).sent == 0
    assert (await notch.tick(utc(*_parts(at)))).sent == 1
    assert ((await ada.next_message()).text or "").startswith("Today's challenge")


def _parts(iso: str) -> tuple[int, ...]:
    day, clock = iso.split("T")
    return (*map(int, day.split("-")), *map(int, clock.split(":")))


async def test_resume_after_a_rest_day_set_ahead_names_the_day_it_comes(notch: Notch) -> None:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    await make_user(notch, ada)
    await _done_today(notch, ada)
    assert (await _say(ada, "/skip")).text == c.SKIP_TOMORROW.format(day="Wed 3 Jun")
    await ada.send_text("/pause")
    await (await ada.press(t.PAUSE_OPEN_BUTTON, await ada.next_message())).answered()
    assert (await ada.next_message()).text == t.PAUSED_OPEN
    # Wednesday is a rest day: the next challenge is Thursday's, and every sentence says so.
    assert (await _say(ada, "/resume")).text == t.RESUMED.format(
        when=t.WHEN_ON.format(date="Thu 4 Jun 2026", time="07:30"))
    assert (await _say(ada, "/today")).text == c.TODAY_STATE["done"].format(amount="10 minutes")
    await _arrives_exactly(notch, ada, "2026-06-04T05:30", quiet=["2026-06-03T05:30"])


async def test_a_pause_ending_on_a_rest_day_names_the_day_after(notch: Notch) -> None:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    await make_user(notch, ada)
    await _done_today(notch, ada)
    await _say(ada, "/skip")  # Wednesday becomes a rest day
    assert (await _say(ada, "/pause 2026-06-03")).text == t.PAUSED_UNTIL.format(
        date="Thu 4 Jun 2026", time="07:30")
    await _arrives_exactly(notch, ada, "2026-06-04T05:30", quiet=["2026-06-03T05:30"])


async def test_a_zone_change_after_answering_names_tomorrow(notch: Notch) -> None:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    await make_user(notch, ada)
    await _done_today(notch, ada)  # 08:00 in Berlin is 02:00 in New York, the same Tuesday
    await ada.send_text("/settings")
    await (await ada.press(t.ZONE_BUTTON, await ada.next_message())).answered()
    await ada.next_message()  # which zone?
    assert (await _say(ada, "America/New_York")).text == t.ZONE_CHANGED.format(
        zone="America/New_York", offset="UTC-4", when=t.WHEN_TOMORROW.format(time="07:30"))
    assert (await _say(ada, "/today")).text == c.TODAY_NEXT.format(day="Wed 3 Jun", time="07:30")
    # Tuesday 07:30 in New York passes quietly (Tuesday is answered); Wednesday's comes.
    await _arrives_exactly(notch, ada, "2026-06-03T11:30", quiet=["2026-06-02T11:30"])
