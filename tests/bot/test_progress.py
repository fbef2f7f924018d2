"""/progress end to end: a year of history becomes a 1080x1600 PNG whose caption states the
numbers of that history."""

from __future__ import annotations

import os
import struct
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot import texts
from bot.texts import progress as t
from sandbox.emulator import EmulatedUser
from sandbox.emulator.state import SentMessage
from tests.support.history import LAST_DAY, Day, generate_year, insert_history
from tests.support.journeys import onboard, read_until
from tests.support.notch import Notch

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NOW = datetime(2026, 6, 4, 10, 0, tzinfo=UTC)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (which must come first)."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def longest_run(days: list[Day]) -> tuple[int, int]:
    """(longest, current) runs of successes; a failure ends a run, absence does not."""
    best = run = 0
    for d in days:
        if d.status == "done":
            run += 1
            best = max(best, run)
        elif d.status == "failed":
            run = 0
    return best, run


async def _photo(user: EmulatedUser) -> SentMessage:
    """The next photo (skipping whatever else onboarding left unread)."""
    for _ in range(6):
        message = await user.next_message(timeout=30)
        if message.kind == "photo":
            return message
    raise AssertionError("no photo")


async def test_progress_needs_a_goal(notch: Notch) -> None:
    ada = notch.user()
    await ada.send_text("/progress")
    assert (await ada.next_message()).text == texts.NEED_SETUP


async def test_progress_without_answers_says_so(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada)
    await ada.send_text("/progress")
    assert (await read_until(ada, t.NOTHING_YET[:40])).text == t.NOTHING_YET


async def test_a_year_of_history_is_a_phone_sized_png_with_its_numbers(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada)
    history = await insert_history(notch, generate_year(), ladders=52)
    notch.clock.now = NOW
    await ada.send_text("/progress")
    photo = await _photo(ada)
    assert photo.kind == "photo" and photo.file_bytes is not None
    assert png_size(photo.file_bytes) == (1080, 1600)
    if os.environ.get("TEST_KEEP_CHART"):
        Path(os.environ["TEST_KEEP_CHART"]).write_bytes(photo.file_bytes)  # noqa: ASYNC240
    # The caption's numbers, counted here from the generated days.
    days = history.days
    done = [d for d in days if d.status == "done"]
    attempts = [d for d in days if d.status in ("done", "failed")]
    this_week = [d for d in done if d.day >= date(2026, 6, 1)]
    current = max(d.amount for d in done[-5:])
    longest, current_run = longest_run(days)
    first, last = history.strengths[0], history.strengths[-1]
    assert photo.caption is not None and len(photo.caption) <= 1024
    lines = photo.caption.split("\n")
    assert lines[0] == t.CAPTION_TITLE.format(behaviour="running")
    assert lines[1] == f"This week: {len(this_week)} done (since Mon 1 Jun)."
    assert lines[2] == f"In all: {len(done)} done out of {len(attempts)} attempts."
    change = round(100 * (current / 10 - 1))
    assert lines[3] == (f"Level now: {current:.0f} minutes, from 10 minutes at the start "
                        f"(+{change} %).")
    assert lines[4] == f"Longest run of successes: {longest} (current run: {current_run})."
    assert lines[5] == (f"Efficacy strength: {round(last)} of 100, from {round(first)} at your "
                        f"first ladder (+{round(last - first)}).")
    assert len(this_week) >= 1 and longest >= 3 and last > first  # the data makes them count


async def test_progress_with_a_week_and_no_ladder(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada)
    days = [Day(LAST_DAY - timedelta(days=2), 10, "done", 3, None),
            Day(LAST_DAY - timedelta(days=1), 11, "failed", None, 40),
            Day(LAST_DAY, 11, "done", 5, 60)]
    await insert_history(notch, days)
    notch.clock.now = NOW
    await ada.send_text("/progress")
    photo = await _photo(ada)
    assert photo.file_bytes is not None and png_size(photo.file_bytes) == (1080, 1600)
    assert photo.caption == "\n".join([
        "Your progress in running",
        "This week: 2 done (since Mon 1 Jun).",
        "In all: 2 done out of 3 attempts.",
        "Level now: 11 minutes, from 10 minutes at the start (+10 %).",
        "Longest run of successes: 1 (current run: 1).",
        t.STRENGTH_NONE,
    ])
