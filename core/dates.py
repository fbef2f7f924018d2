"""Reading the day a pause ends: "2026-12-10", "until 10 December", "for a week", "3 days",
"2 weeks", "until Monday", "tomorrow".

Pure: ``today`` (the user's local day) is passed in. The answer is the first day challenges come
back. A duration counts from today ("for a week" on Mon 1 Jun ends on Mon 8 Jun); a weekday is
the next one after today ("until Monday" on a Monday is a week away); a day and month without a
year is the next such day that is not in the past (on 15 December "10 December" is next year's).
Numbers alone ("10/12") are refused: day-month and month-day orders differ between countries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

__all__ = ["MAX_PAUSE", "PauseDateError", "PauseDateReason", "parse_pause_until"]

MAX_PAUSE = timedelta(days=366)


class PauseDateReason(StrEnum):
    NOT_A_DATE = "not_a_date"
    NOT_FUTURE = "not_future"  # today or earlier: ``day`` holds it
    TOO_FAR = "too_far"  # more than MAX_PAUSE away


@dataclass(frozen=True, slots=True)
class PauseDateError:
    reason: PauseDateReason
    day: date | None = None


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"), ("friday", "fri"), ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in names
}
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a few": 3}
_UNIT_DAYS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30}

_LEAD = re.compile(r"^(?:until|till|til|to|through|for|on|next)\s+")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_MONTH = re.compile(
    r"^(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+([a-z]+)(?:\s+(\d{4}))?$"
)
_MONTH_DAY = re.compile(r"^([a-z]+)\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?(?:\s+(\d{4}))?$")
_DURATION = re.compile(r"^(\d{1,3}|a couple of|a few|[a-z]+)\s+(days?|weeks?|months?)$")


def _clean(text: str) -> str:
    cleaned = " ".join(text.replace(",", " ").split()).casefold().rstrip(".!")
    while True:
        stripped = _LEAD.sub("", cleaned)
        if stripped == cleaned:
            return cleaned
        cleaned = stripped


def _calendar(day: int, month: int, year: int | None, today: date) -> date | None:
    try:
        found = date(year or today.year, month, day)
    except ValueError:
        return None
    if year is None and found < today:
        try:
            found = date(today.year + 1, month, day)
        except ValueError:  # 29 February
            return None
    return found


def _read(text: str, today: date) -> date | None:
    if text in ("tomorrow", "tmrw"):
        return today + timedelta(days=1)
    if text == "week":  # "next week"
        return today + timedelta(days=7)
    if text in _WEEKDAYS:
        ahead = (_WEEKDAYS[text] - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    if (match := _ISO.match(text)) is not None:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    if (match := _DAY_MONTH.match(text)) is not None and match[2] in _MONTHS:
        year = int(match[3]) if match[3] else None
        return _calendar(int(match[1]), _MONTHS[match[2]], year, today)
    if (match := _MONTH_DAY.match(text)) is not None and match[1] in _MONTHS:
        year = int(match[3]) if match[3] else None
        return _calendar(int(match[2]), _MONTHS[match[1]], year, today)
    if (match := _DURATION.match(text)) is not None:
        count = int(match[1]) if match[1].isdigit() else _COUNTS.get(match[1])
        if count is None:
            return None
        return today + timedelta(days=count * _UNIT_DAYS[match[2]])
    return None


def parse_pause_until(text: str, today: date) -> date | PauseDateError:
    """The day a pause ends (challenges resume that day), or why the answer cannot be used."""
    found = _read(_clean(text), today)
    if found is None:
        return PauseDateError(PauseDateReason.NOT_A_DATE)
    if found <= today:
        return PauseDateError(PauseDateReason.NOT_FUTURE, found)
    if found - today > MAX_PAUSE:
        return PauseDateError(PauseDateReason.TOO_FAR, found)
    return found
