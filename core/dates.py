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
from functools import lru_cache

from core.lexicon import Lexicon, fold

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


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


@lru_cache(maxsize=32)
def _patterns(lexicon: Lexicon) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str],
                                          re.Pattern[str]]:
    """The lead words, "10th of December", "December 10" and "3 days" in `lexicon`'s language
    and English: "hasta el 10 de diciembre", "до 10 декабря", "bis 10. Dezember"."""
    words = lexicon.dates
    lead = re.compile(rf"^(?:{words.lead or '(?!)'})\s+")
    article = "|".join(re.escape(a) for a in sorted(words.articles, key=len, reverse=True))
    joiner = "|".join(re.escape(j) for j in sorted(words.joiners, key=len, reverse=True))
    ordinal = words.ordinal or "(?!)"
    the = rf"(?:(?:{article or '(?!)'})\s+)?"
    day_month = re.compile(
        rf"^{the}(\d{{1,2}})\s*(?:{ordinal})?(?:\s+(?:{joiner or '(?!)'}))?\s+([^\W\d_]+)"
        rf"(?:\s+(?:{joiner or '(?!)'}))?(?:\s+(\d{{4}}))?$")
    month_day = re.compile(
        rf"^([^\W\d_]+)\s+{the}(\d{{1,2}})\s*(?:{ordinal})?(?:\s+(\d{{4}}))?$")
    duration = re.compile(r"^(\d{1,3}|[^\W\d_]+(?: [^\W\d_]+)*?)\s+([^\W\d_]+)$")
    return lead, day_month, month_day, duration


def _clean(text: str, lexicon: Lexicon) -> str:
    cleaned = fold(" ".join(text.replace(",", " ").split()).casefold().rstrip(".!"))
    lead = _patterns(lexicon)[0]
    while True:
        stripped = lead.sub("", cleaned)
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


def _read(text: str, today: date, lexicon: Lexicon) -> date | None:
    words = lexicon.dates
    _, day_month, month_day, duration = _patterns(lexicon)
    if text in words.tomorrow:
        return today + timedelta(days=1)
    if text in words.next_week:  # "next week", "la semana que viene"
        return today + timedelta(days=7)
    if text in words.weekdays:
        ahead = (words.weekdays[text] - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    if (match := _ISO.match(text)) is not None:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    if (match := day_month.match(text)) is not None and match[2] in words.months:
        year = int(match[3]) if match[3] else None
        return _calendar(int(match[1]), words.months[match[2]], year, today)
    if (match := month_day.match(text)) is not None and match[1] in words.months:
        year = int(match[3]) if match[3] else None
        return _calendar(int(match[2]), words.months[match[1]], year, today)
    if (match := duration.match(text)) is not None and match[2] in words.unit_days:
        count = int(match[1]) if match[1].isdigit() else words.counts.get(match[1])
        if count is None:
            return None
        return today + timedelta(days=count * words.unit_days[match[2]])
    if text in words.unit_days and words.unit_days[text] > 1:  # "una semana" → "semana"
        return today + timedelta(days=words.unit_days[text])
    return None


def parse_pause_until(text: str, today: date, lexicon: Lexicon) -> date | PauseDateError:
    """The day a pause ends (challenges resume that day), or why the answer cannot be used; read
    in `lexicon`'s language and English ("hasta el lunes", "bis Montag", "до понедельника")."""
    found = _read(_clean(text, lexicon), today, lexicon)
    if found is None:
        return PauseDateError(PauseDateReason.NOT_A_DATE)
    if found <= today:
        return PauseDateError(PauseDateReason.NOT_FUTURE, found)
    if found - today > MAX_PAUSE:
        return PauseDateError(PauseDateReason.TOO_FAR, found)
    return found
