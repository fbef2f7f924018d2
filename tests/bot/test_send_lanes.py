"""The two send lanes end to end, against an emulator that enforces Telegram's flood limits:
scheduled sends at the default budget draw no 429; a 429 on a scheduled send pauses the
broadcast lane (in the database, for every process) while replies go on; a 403 marks the person
inactive, nothing more is sent to them, and writing again makes them active."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest

from bot import texts
from sandbox.emulator import Limits
from storage.lanes import lane_state
from tests.support.daily import challenges, make_user, services_of, user_row, utc
from tests.support.notch import Notch

DUE = utc(2026, 6, 2, 5, 30)  # 07:30 in Berlin, make_user's default


@pytest.fixture
def emulator_limits() -> Limits:
    """Telegram's documented limits, measured in real time (the bot's own clock is a fake)."""
    return Limits(total_per_second=30, per_chat_per_second=1, per_chat_burst=3,
                  clock=time.monotonic)


async def _people(notch: Notch, count: int, first_id: int = 7000) -> list[int]:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    return [await make_user(notch, notch.user(first_id + n, f"P{n}")) for n in range(count)]


def _sends_to(notch: Notch, chat_id: int) -> int:
    return sum(1 for params in notch.emulator.calls_of("sendMessage")
               if str(params.get("chat_id")) == str(chat_id))


@pytest.mark.parametrize("bot_database_url", ["sqlite", "postgres"], indirect=True)
async def test_scheduled_sends_at_the_default_budget_draw_no_429(notch: Notch) -> None:
    """More people due at once than Telegram's one-second burst (30): paced at 25 a second,
    every message goes out on the first try."""
    people = await _people(notch, 45)
    report = await notch.tick(DUE)
    assert (report.sent, report.unsent) == (len(people), 0)
    assert notch.emulator.too_many_requests == 0
    assert len(notch.emulator.calls_of("sendMessage")) == len(people)


async def test_a_429_pauses_the_broadcast_lane_while_replies_go_on(notch: Notch) -> None:
    # More people than one batch of slots (a fifth of a second of the budget, bot/lanes.py):
    # sends run concurrently, so those already holding a slot may go out as the pause begins;
    # the rest wait for the pause's end.
    await _people(notch, 12)
    asker = notch.user(8001, "Cy")
    services = services_of(notch)
    assert services.broadcast is not None
    # Telegram refuses the tick's first send for 4 s.
    notch.emulator.inject_fault("sendMessage", status=429, retry_after=4, times=1)
    tick = asyncio.create_task(notch.tick(DUE))
    async with asyncio.timeout(10):
        while not any(r.due_at > DUE for r in await challenges(notch)):  # noqa: ASYNC110
            await asyncio.sleep(0.02)  # until the refused row is postponed (a database row)
    async with services.session() as session:
        lane = await lane_state(session, "broadcast")
    assert lane is not None and lane.paused_until is not None  # shared: every process sees it
    broadcasts_before = len(notch.emulator.calls_of("sendMessage"))
    await asker.send_text("/help")
    reply = await asker.next_message()
    assert reply.text is not None and reply.text.startswith(texts.HELP_TITLE)
    # The reply went out while the lane was paused: the fan-out is still waiting.
    assert not tick.done()
    assert len(notch.emulator.calls_of("sendMessage")) > broadcasts_before
    report = await tick
    assert (report.sent, report.unsent) == (11, 1)  # the others, the last after the pause
    refused = [r for r in await challenges(notch) if r.status == "planned"]
    assert [r.due_at for r in refused] == [DUE + timedelta(seconds=4)]  # postponed, not lost
    assert (await notch.tick(DUE + timedelta(seconds=4))).sent == 1
    assert notch.emulator.too_many_requests == 0  # the limits themselves were never hit


async def test_a_403_marks_the_person_inactive_until_they_write_again(
        notch: Notch, caplog: pytest.LogCaptureFixture) -> None:
    [ada_id, bo_id] = await _people(notch, 2)
    ada = notch.user(7000)
    ada._chat.blocked = True  # blocked with no my_chat_member update seen: the 403 tells
    report = await notch.tick(DUE)
    assert (report.sent, report.unsent) == (1, 1)
    assert (await user_row(notch, ada_id)).status == "blocked"
    assert (await user_row(notch, bo_id)).status == "active"
    assert len([r for r in caplog.records if "blocked the bot" in r.getMessage()]) == 1
    # The next days: nothing more is sent to her, and nothing more is logged about her.
    for day in (1, 2):
        await notch.tick(DUE + timedelta(days=day))
    assert _sends_to(notch, ada.chat_id) == 1  # the refused one only
    assert [r.sent_at is not None for r in await challenges(notch, bo_id)] == [True] * 3
    assert len([r for r in caplog.records if "blocked the bot" in r.getMessage()]) == 1
    # She lets the bot back in and writes: active again, and scheduled.
    ada._chat.blocked = False
    await ada.send_text("hello")
    await ada.next_message()
    row = await user_row(notch, ada_id)
    assert row.status == "active" and row.next_send_at is not None
