"""core.schedule: where the tick moves next_send_at, when the next challenge really goes out,
and what a silent week is (the end-to-end property is tests/bot/test_promises_property.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from core.schedule import Schedule, Waiting, next_delivery, next_plan_instant, silent_for_a_week
from core.vocabulary import UserStatus

BERLIN, AT = "Europe/Berlin", time(7, 30)
TUE = date(2026, 6, 2)
NOW = datetime(2026, 6, 2, 6, 0, tzinfo=UTC)  # Tue 08:00 in Berlin, 02:00 in New York


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(("zone", "taken", "expected"), [
    (BERLIN, set(), utc(3, 5, 30)),  # Tuesday's time has passed: Wednesday
    (BERLIN, {date(2026, 6, 3)}, utc(4, 5, 30)),  # Wednesday is a rest day set ahead
    ("America/New_York", set(), utc(2, 11, 30)),  # still Monday's night there: Tuesday 07:30
    ("America/New_York", {TUE}, utc(3, 11, 30)),  # Tuesday answered in Berlin: Wednesday
])
def test_next_plan_instant_passes_over_days_that_have_a_challenge(
    zone: str, taken: set[date], expected: datetime,
) -> None:
    assert next_plan_instant(NOW, zone, AT, taken) == expected


WED_SEND = utc(3, 5, 30)


def _schedule(status: UserStatus = UserStatus.ACTIVE, wake: datetime | None = WED_SEND,
              taken: frozenset[date] = frozenset(), waiting: tuple[Waiting, ...] = ()) -> Schedule:
    return Schedule(BERLIN, AT, status, wake, taken, waiting)


@pytest.mark.parametrize(("schedule", "expected"), [
    (_schedule(), utc(3, 5, 30)),
    (_schedule(taken=frozenset({date(2026, 6, 3)})), utc(4, 5, 30)),  # a stale wake-up
    (_schedule(wake=utc(2, 5, 30)), NOW),  # due and not planned yet: the next tick sends it
    (_schedule(wake=utc(1, 19, 30)), NOW),  # a stale wake-up: today is still open, sent now
    (_schedule(UserStatus.PAUSED, wake=utc(5, 5, 30)), utc(5, 5, 30)),  # a dated pause
    (_schedule(UserStatus.PAUSED, wake=None), None),  # until /resume
    (_schedule(UserStatus.STOPPED), None),
    (_schedule(UserStatus.BLOCKED), None),
    # A planned row left from a block: sent as soon as the claim may take it, if still open.
    (_schedule(taken=frozenset({TUE}), waiting=(Waiting(utc(2, 5, 30), utc(3, 2)),)), NOW),
    (_schedule(taken=frozenset({TUE}), waiting=(Waiting(utc(2, 5, 30), utc(3, 2), utc(3, 2)),)),
     utc(3, 5, 30)),  # held until its day closes (a refused send): never
])
def test_next_delivery(schedule: Schedule, expected: datetime | None) -> None:
    assert next_delivery(schedule, NOW) == expected


def test_a_silent_week_is_seven_unanswered_days_in_a_row() -> None:
    week = {TUE - timedelta(days=back) for back in range(1, 8)}
    assert silent_for_a_week(week, TUE)
    assert not silent_for_a_week(week - {TUE - timedelta(days=3)}, TUE)  # a day without one
    assert not silent_for_a_week(week, TUE + timedelta(days=1))
