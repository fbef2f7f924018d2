"""The one formatter (bot/texts/format.py): English output is what users have always read."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.texts.format import (
    format_amount,
    format_clock,
    format_day,
    format_day_month,
    format_number,
    ordinal,
    plural,
)


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (10.0, None, "10"),
        (12.5, None, "12.5"),
        (1050, None, "1,050"),
        (1050, "words", "1,050 words"),
        (12, "minutes", "12 minutes"),
        (7.5, "km", "7.5 km"),
        (0.25, "km", "0.25 km"),
        (0.1 + 0.2, "km", "0.3 km"),
    ],
)
def test_amounts(value: float, unit: str | None, text: str) -> None:
    assert format_amount(value, unit) == text


def test_dates_and_times_keep_their_english_shape() -> None:
    day = date(2026, 3, 3)
    assert format_day(day) == "Tue 3 Mar"
    assert format_day(day, year=True) == "Tue 3 Mar 2026"
    assert format_day_month(date(2026, 10, 5)) == "5 Oct"
    assert format_clock(time(8, 5)) == "08:05"
    assert format_clock(time(21, 30)) == "21:30"


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (22, "22nd"), (23, "23rd"), (101, "101st"), (111, "111th"), (112, "112th")],
)
def test_ordinals(n: int, text: str) -> None:
    assert ordinal(n) == text


def test_plurals() -> None:
    assert plural(0, "{n} day", "{n} days") == "0 days"
    assert plural(1, "{n} day", "{n} days") == "1 day"
    assert plural(2, "{n} row", "{n} rows") == "2 rows"
    assert plural(1000, "{n} row", "{n} rows") == "1,000 rows"
    assert plural(2, "{n} of {total}", "{n} of {total}", total=5) == "2 of 5"


def test_other_locales_come_from_babel_and_unknown_ones_read_as_english() -> None:
    assert format_number(1050, locale="de") == "1.050"
    assert format_amount(1050.5, "Wörter", locale="de-DE") == "1.050,5 Wörter"
    assert format_day(date(2026, 3, 3), locale="de") == "Di., 3. März"
    assert format_day(date(2026, 3, 3), locale="no-such-tag") == "Tue 3 Mar"
