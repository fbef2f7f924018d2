"""/progress end to end: a year of history becomes a 1080x1600 PNG whose caption states the
numbers of that history."""

from __future__ import annotations

import os
import random
import struct
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from bot import texts
from bot.texts import progress as t
from core.efficacy import LadderRating
from sandbox.emulator import EmulatedUser
from sandbox.emulator.state import SentMessage
from storage.db import create_engine, make_session_factory
from storage.efficacy import save_ladder_rating
from storage.models import Challenge, Goal, User
from tests.bot.conftest import Notch
from tests.bot.journeys import onboard, read_until

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LAST_DAY = date(2026, 6, 3)  # a Wednesday; "this week" is Mon 1 .. Thu 4 June
NOW = datetime(2026, 6, 4, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Day:
    day: date
    amount: float
    status: str
    effort: int | None
    confidence: int | None


@dataclass(frozen=True)
class History:
    days: list[Day]
    strengths: list[float]  # ladder strengths, oldest first


def generate_year(seed: int = 7, days: int = 365, baseline: float = 10) -> list[Day]:
    """A plausible year: amounts creeping up in steps, some failures, rest and missed days."""
    rng = random.Random(seed)
    out: list[Day] = []
    amount = baseline
    for i in range(days):
        day = LAST_DAY - timedelta(days=days - 1 - i)
        roll = rng.random()
        status = ("missed" if roll < 0.06 else "skipped" if roll < 0.1 else
                  "failed" if roll < 0.24 else "done")
        rated = status in ("done", "failed") and rng.random() < 0.7
        out.append(Day(day, amount, status, rng.randint(2, 5) if status == "done" else None,
                       rng.choice((20, 40, 60, 80, 100)) if rated else None))
        if status == "done" and rng.random() < 0.3:
            amount += 1
        elif status == "failed":
            amount = max(baseline, amount - 1)
    return out


async def insert_history(notch: Notch, days: list[Day], *, ladders: int = 0,
                         telegram_id: int = 1001) -> History:
    """Write ``days`` (and weekly ladder ratings) for the onboarded user's goal."""
    engine = create_engine(notch.database_url)
    strengths: list[float] = []
    try:
        async with make_session_factory(engine)() as session:
            user = (await session.exec(
                select(User).where(User.telegram_user_id == telegram_id))).one()
            goal = (await session.exec(select(Goal).where(Goal.user_id == user.id))).one()
            assert user.id is not None and goal.id is not None
            for d in days:
                due = datetime(d.day.year, d.day.month, d.day.day, 6, 0, tzinfo=UTC)
                session.add(Challenge(
                    goal_id=goal.id, local_date=d.day, amount=d.amount, p_success=0.8,
                    status=d.status, due_at=due, sent_at=due, close_at=due + timedelta(hours=22),
                    answered_at=None if d.status == "missed" else due + timedelta(hours=3),
                    effort=d.effort, confidence=d.confidence,
                    failure_reason="too_hard" if d.status == "failed" else None,
                    reflection="went before breakfast" if d.status == "done"
                    and d.effort == 5 else None))
            for week in range(ladders):
                ratings = tuple(min(100, 20 * k + 2 * week) for k in (4, 3, 2, 1, 0))
                rating = LadderRating((10.0, 12.0, 14.0, 17.0, 20.0), ratings)
                strengths.append(rating.strength)
                await save_ladder_rating(
                    session, user_id=user.id, goal_id=goal.id, rating=rating,
                    rated_at=datetime.combine(days[0].day, datetime.min.time(), UTC)
                    + timedelta(weeks=week))
            await session.commit()
    finally:
        await engine.dispose()
    return History(days, strengths)


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
    if os.environ.get("NOTCH_KEEP_CHART"):
        Path(os.environ["NOTCH_KEEP_CHART"]).write_bytes(photo.file_bytes)  # noqa: ASYNC240
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
