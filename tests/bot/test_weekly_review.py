"""The weekly review end to end: on the chosen weekday at the send time across a DST change,
never twice after a restart (one duplicate only in the send→mark window), a short one for a
quiet week, and a full one whose ladder re-rating shows the change."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlmodel import col, select

import bot.scheduler
from bot.texts import efficacy as e
from core.efficacy import LadderRating
from storage.efficacy import list_ladder_ratings, save_ladder_rating
from storage.goals import active_goal
from storage.models import Challenge, User
from storage.scheduling import LEASE, reschedule
from tests.support.daily import make_user, services_of, user_row, utc
from tests.support.history import seed
from tests.support.journeys import rate_all
from tests.support.notch import Notch

# Berlin leaves summer time on Sunday 25 Oct 2026: Monday 26 Oct 07:30 CET is 06:30 UTC.
REVIEW = utc(2026, 10, 26, 6, 30)


async def review_user(notch: Notch, weekday: int = 0) -> int:
    ada = notch.user()
    notch.clock.now = utc(2026, 10, 20, 12, 0)  # a Tuesday, summer time
    user_id = await make_user(notch, ada, zone="Europe/Berlin", at=time(7, 30))
    async with services_of(notch).session() as session:
        user = await session.get(User, user_id)
        assert user is not None
        user.review_weekday = weekday
        await reschedule(session, user, notch.clock.now)
        await session.commit()
    return user_id


async def test_quiet_week_review_on_monday_after_dst_once_even_after_restart(
    notch: Notch,
) -> None:
    user_id = await review_user(notch)
    ada = notch.user()
    assert (await user_row(notch, user_id)).next_review_at == REVIEW
    assert (await notch.tick(REVIEW - timedelta(seconds=1))).reviews == 0
    report = await notch.tick(REVIEW)
    assert (report.sent, report.reviews) == (1, 1)
    assert (await ada.next_message()).text.startswith("Today's challenge")  # type: ignore[union-attr]
    review = await ada.next_message()
    assert (review.text or "").split("\n") == [
        e.review_title(date(2026, 10, 19), date(2026, 10, 25)), e.REVIEW_QUIET]
    assert review.buttons == []  # no ladder for a week with nothing answered
    # The same instant again, and later ticks (a restarted process reads the same rows).
    for later in (REVIEW, REVIEW + LEASE + timedelta(seconds=1), REVIEW + timedelta(hours=1)):
        assert (await notch.tick(later)).reviews == 0
    await ada.expect_no_message(within=0.2)
    assert (await user_row(notch, user_id)).next_review_at == utc(2026, 11, 2, 6, 30)


async def test_a_crash_between_send_and_mark_sends_one_duplicate_at_most(
    notch: Notch, monkeypatch: pytest.MonkeyPatch,
) -> None:
    user_id = await review_user(notch)
    ada = notch.user()
    marked = bot.scheduler.mark_review_sent

    async def crash(*args: object, **kwargs: object) -> bool:
        raise RuntimeError("the process died right after sending")

    monkeypatch.setattr(bot.scheduler, "mark_review_sent", crash)
    report = await notch.tick(REVIEW)
    assert (report.reviews, report.unsent) == (0, 1)
    await ada.next_message()  # the daily challenge
    first = await ada.next_message()
    monkeypatch.setattr(bot.scheduler, "mark_review_sent", marked)
    assert (await notch.tick(REVIEW + LEASE - timedelta(seconds=1))).reviews == 0
    assert (await notch.tick(REVIEW + LEASE)).reviews == 1  # the lease ran out: sent again
    assert (await ada.next_message()).text == first.text
    assert (await notch.tick(REVIEW + 2 * LEASE)).reviews == 0
    await ada.expect_no_message(within=0.2)
    assert (await user_row(notch, user_id)).next_review_at == utc(2026, 11, 2, 6, 30)


async def test_a_full_review_shows_the_week_belief_and_a_ladder_whose_rerating_shows_change(
    notch: Notch,
) -> None:
    user_id = await review_user(notch)
    ada = notch.user()
    await seed(notch, user_id, {date(2026, 10, 12): ("done", 10, 3)})
    week = {date(2026, 10, 19): ("done", 10, 3), date(2026, 10, 20): ("done", 11, 5),
            date(2026, 10, 21): ("failed", 12, None), date(2026, 10, 22): ("done", 11, 4),
            date(2026, 10, 24): ("done", 12, 4)}
    await seed(notch, user_id, week)
    async with services_of(notch).session() as session:
        goal = await active_goal(session, user_id)
        assert goal is not None and goal.id is not None
        rows = await session.exec(select(Challenge).order_by(col(Challenge.local_date)))
        for row, confidence in zip(rows.all(), [60, 40, 40, 60, 20, 40], strict=True):
            row.confidence = confidence
            session.add(row)
        await save_ladder_rating(session, user_id=user_id, goal_id=goal.id,
                                 rating=LadderRating((10, 11, 12, 13, 14), (20, 20, 20, 20, 20)),
                                 rated_at=utc(2026, 10, 12, 8, 0))
        await session.commit()
    await notch.tick(REVIEW)
    await ada.next_message()  # the daily challenge
    review = await ada.next_message()
    lines = (review.text or "").split("\n")
    assert lines[:4] == [
        e.review_title(date(2026, 10, 19), date(2026, 10, 25)),
        "4 successes this week, 5 in all.",
        "Your level rose from 10 minutes to 12 minutes (you started at 10 minutes).",
        "Highlight: Tue 20 Oct 2026: 11 minutes, maximal effort, your best so far, though you "
        "were 40 % sure",
    ]
    # Rated days in the last four weeks: 60 40 40 60 20 40 → 43 % sure; 5 of 6 done → 83 %.
    assert lines[4] == e.belief("under_confident", 4, 260 / 6, 500 / 6, 6)
    assert "you are under-confident" in lines[4]
    assert e.LADDER_REVIEW_INTRO in lines
    assert len(review.button_texts()) == 10  # five levels: a label row and a ratings row each

    await rate_all(notch, ada, review, [6, 6, 5, 5, 4])
    await notch.emulator.settle()
    async with services_of(notch).session() as session:
        saved = await list_ladder_ratings(session, user_id=user_id)
    assert [r.strength for r in saved] == [20, 84]
    text = review.text or ""
    assert text.startswith(lines[0]) and review.buttons == []
    assert "Since last time: strength 20 → 84 (+64), level 0 → 5." in text
    assert e.LADDER_MOVED_UP.strip() in text


async def test_a_week_of_too_hard_failures_lowers_the_level_and_names_its_own_verdict(
    notch: Notch,
) -> None:
    """Issue 12 item 15, with the numbers found: six too-hard failures (47 → 34) after a success
    at 45 said "Your level rose from 42 to 45 minutes"; and a week 71 % sure and 14 % done was
    called under-confident because the three weeks before it (30 % sure, all done) outweighed it."""
    user_id = await review_user(notch)
    ada = notch.user()
    start = date(2026, 9, 28)
    before = [30.0] * 16 + [33.0, 36.0, 39.0, 41.0, 42.0]
    days: dict[date, tuple[str, float, int | None]] = {
        start + timedelta(days=i): ("done", amount, 3) for i, amount in enumerate(before)}
    week = [("done", 45.0), ("failed", 47.0), ("failed", 44.0), ("failed", 41.0),
            ("failed", 38.0), ("failed", 36.0), ("failed", 34.0)]
    days |= {date(2026, 10, 19) + timedelta(days=i): (status, amount, 3 if status == "done"
                                                       else None)
             for i, (status, amount) in enumerate(week)}
    await seed(notch, user_id, days)
    async with services_of(notch).session() as session:
        for row in (await session.exec(select(Challenge))).all():
            row.confidence = 71 if row.local_date >= date(2026, 10, 19) else 30
            row.failure_reason = "too_hard" if row.status == "failed" else None
            session.add(row)
        await session.commit()
    await notch.tick(REVIEW)
    await ada.next_message()  # the daily challenge
    review = await ada.next_message()
    lines = (review.text or "").split("\n")
    assert lines[2] == e.review_level("42 minutes", "33 minutes", "10 minutes",
                                      rose=False, fell=True)
    assert lines[2].startswith("A harder week: your level is 33 minutes, down from 42 minutes")
    assert "rose" not in (review.text or "")
    # The week: 7 rated days, 71 % sure, 1 done (14 %): over-confident, said of that week.
    assert lines[4] == e.belief("over_confident", 1, 71, 100 / 7, 7)
    assert lines[4].startswith("Over the last week you were on average 71 % sure and "
                               "succeeded 14 %")
    assert "under-confident" not in (review.text or "")
