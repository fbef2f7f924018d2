"""Reading the day a pause ends (core.dates): every form a person types, bad inputs, past days."""

from __future__ import annotations

from datetime import date

import pytest

from core.dates import PauseDateError, PauseDateReason, parse_pause_until
from tests.support.words import EN

TODAY = date(2026, 12, 3)  # a Thursday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-10", date(2026, 12, 10)),
        ("until 2026-12-10", date(2026, 12, 10)),
        ("until 10 December", date(2026, 12, 10)),
        ("Until 10th of December", date(2026, 12, 10)),
        ("till December 10", date(2026, 12, 10)),
        ("10 dec", date(2026, 12, 10)),
        ("until 5 January", date(2027, 1, 5)),  # no year: the next 5 January
        ("1 December", date(2027, 12, 1)),  # already past this year: next year's
        ("10 December 2026", date(2026, 12, 10)),
        ("for a week", date(2026, 12, 10)),
        ("a week", date(2026, 12, 10)),
        ("1 week", date(2026, 12, 10)),
        ("3 days", date(2026, 12, 6)),
        ("for 3 days", date(2026, 12, 6)),
        ("for three days", date(2026, 12, 6)),
        ("2 weeks", date(2026, 12, 17)),
        ("two weeks", date(2026, 12, 17)),
        ("a couple of days", date(2026, 12, 5)),
        ("until Monday", date(2026, 12, 7)),
        ("monday", date(2026, 12, 7)),
        ("until next Monday", date(2026, 12, 7)),
        ("until Thursday", date(2026, 12, 10)),  # today's weekday: a week away
        ("Fri", date(2026, 12, 4)),
        ("tomorrow", date(2026, 12, 4)),
        ("next week", date(2026, 12, 10)),
        ("  UNTIL   10   DECEMBER. ", date(2026, 12, 10)),
    ],
)
def test_parse_pause_until(text: str, expected: date) -> None:
    assert parse_pause_until(text, TODAY, EN) == expected


@pytest.mark.parametrize(
    ("text", "reason", "day"),
    [
        ("", PauseDateReason.NOT_A_DATE, None),
        ("someday", PauseDateReason.NOT_A_DATE, None),
        ("10/12", PauseDateReason.NOT_A_DATE, None),  # day-month or month-day? refused
        ("2026-13-01", PauseDateReason.NOT_A_DATE, None),
        ("31 February", PauseDateReason.NOT_A_DATE, None),
        ("10 smarch", PauseDateReason.NOT_A_DATE, None),
        ("many days", PauseDateReason.NOT_A_DATE, None),
        ("2026-12-01", PauseDateReason.NOT_FUTURE, date(2026, 12, 1)),  # past, with a year
        ("1 December 2026", PauseDateReason.NOT_FUTURE, date(2026, 12, 1)),
        ("3 December", PauseDateReason.NOT_FUTURE, date(2026, 12, 3)),  # today
        ("0 days", PauseDateReason.NOT_FUTURE, date(2026, 12, 3)),
        ("2027-12-10", PauseDateReason.TOO_FAR, date(2027, 12, 10)),
        ("60 weeks", PauseDateReason.TOO_FAR, date(2028, 1, 27)),
    ],
)
def test_parse_pause_until_refuses(text: str, reason: PauseDateReason, day: date | None) -> None:
    assert parse_pause_until(text, TODAY, EN) == PauseDateError(reason, day)
