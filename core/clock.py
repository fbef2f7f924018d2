"""Local-time arithmetic for the daily loop: send instants, local days, follow-ups.

Everything here is a pure function of its arguments: the current instant is always passed in, so
the scheduler and the tests can drive weeks of days without a clock. Instants in and out are
timezone-aware; results are always in UTC because that is what storage keeps.

DST rules: a local wall time that does not exist on a spring-forward day moves
forward by the gap (02:30 in Berlin on 2026-03-29 becomes 03:30 CEST); an ambiguous wall time on a
fall-back day takes its FIRST occurrence (fold=0). Both fall out of PEP 495 with ``fold=0``, which
uses the offset in force *before* the transition.

A local day runs from 04:00 to 04:00 the next morning, so a late answer at 01:30 still counts for
the evening before. A send time between 00:00 and 04:00 therefore falls on the next calendar date
of the day it belongs to (see ``send_instant_for_day``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.lexicon import Lexicon, fold

__all__ = [
    "DAY_CLOSE",
    "DEFAULT_FOLLOWUP_DELAY",
    "DEFAULT_FOLLOWUP_LATEST",
    "SNOOZE_EVENING",
    "SnoozeChoice",
    "TimeParseError",
    "TimeParseReason",
    "as_utc",
    "day_close_instant",
    "day_open_instant",
    "followup_instant",
    "get_zone",
    "has_explicit_minutes",
    "local_day",
    "next_send_instant",
    "parse_daily_time",
    "send_instant_for_day",
    "snooze_instant",
]

DAY_CLOSE = time(4, 0)
"""Local wall time at which a day closes (the next morning)."""

DEFAULT_FOLLOWUP_DELAY = timedelta(hours=3)
DEFAULT_FOLLOWUP_LATEST = time(21, 0)

ZoneLike = str | tzinfo


# --------------------------------------------------------------------------- zones and instants


@lru_cache(maxsize=1024)
def _zone_by_name(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA time zone: {name!r}") from exc


def get_zone(tz: ZoneLike) -> tzinfo:
    """Return a tzinfo for an IANA name (or pass a tzinfo through); ValueError if unknown."""
    if isinstance(tz, str):
        return _zone_by_name(tz)
    return tz


def as_utc(instant: datetime, name: str = "instant") -> datetime:
    """Convert an aware datetime to UTC; refuse naive ones loudly.

    A naive datetime has no defined instant, and SQLModel rejects them anyway: failing here points
    at the caller instead of at the database layer.
    """
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (got naive {instant.isoformat()})")
    return instant.astimezone(UTC)


def _check_wall_time(value: time, name: str) -> None:
    if value.tzinfo is not None:
        raise ValueError(f"{name} must be a naive local wall time, got tzinfo={value.tzinfo!r}")


def _local_instant(day: date, wall: time, zone: tzinfo) -> datetime:
    """Instant of a local wall time on a calendar date, in UTC (gap → forward, overlap → first)."""
    local = datetime.combine(day, wall.replace(fold=0), tzinfo=zone)
    return local.astimezone(UTC)


# --------------------------------------------------------------------------- local days


def day_open_instant(local_date: date, tz: ZoneLike) -> datetime:
    """UTC instant at which ``local_date``'s local day opens (its 04:00)."""
    return _local_instant(local_date, DAY_CLOSE, get_zone(tz))


def day_close_instant(local_date: date, tz: ZoneLike) -> datetime:
    """UTC instant at which ``local_date``'s local day closes: 04:00 local the next morning.

    If 04:00 does not exist that morning the close moves forward with the gap; if it occurs twice,
    the first occurrence closes the day.
    """
    return _local_instant(local_date + timedelta(days=1), DAY_CLOSE, get_zone(tz))


def local_day(instant: datetime, tz: ZoneLike) -> date:
    """The local day an instant belongs to: before 04:00 local it is still the previous day.

    Defined by the day-close instants themselves, so it is monotone in ``instant`` and consistent
    with ``day_close_instant`` even where a clock change crosses 04:00.
    """
    utc = as_utc(instant)
    zone = get_zone(tz)
    local = utc.astimezone(zone)
    day = local.date()
    if local.time() < DAY_CLOSE:
        day -= timedelta(days=1)
    # Correct the wall-clock guess against the real boundaries (matters only when a transition
    # moves the clock across 04:00; a few steps at most).
    for _ in range(3):
        if utc >= day_close_instant(day, zone):
            day += timedelta(days=1)
        elif utc < day_close_instant(day - timedelta(days=1), zone):
            day -= timedelta(days=1)
        else:
            break
    return day


# --------------------------------------------------------------------------- sending


def send_instant_for_day(local_date: date, tz: ZoneLike, send_time: time) -> datetime:
    """UTC instant at which ``local_date``'s challenge is due.

    The send time is placed inside the local day's 04:00-to-04:00 window, so a send time before
    04:00 lands on the following calendar date. That keeps
    ``local_day(send_instant_for_day(d, tz, t), tz) == d`` for every day and time.
    """
    _check_wall_time(send_time, "send_time")
    zone = get_zone(tz)
    calendar_day = local_date if send_time >= DAY_CLOSE else local_date + timedelta(days=1)
    return _local_instant(calendar_day, send_time, zone)


def next_send_instant(now: datetime, tz: ZoneLike, send_time: time) -> datetime:
    """First send instant strictly after ``now`` (aware UTC).

    Strictly after, so that a tick running exactly at the send instant after having sent computes
    tomorrow's instant rather than the one it just used.
    """
    utc = as_utc(now, "now")
    zone = get_zone(tz)
    day = local_day(utc, zone) - timedelta(days=1)
    for _ in range(4):
        candidate = send_instant_for_day(day, zone, send_time)
        if candidate > utc:
            return candidate
        day += timedelta(days=1)
    raise AssertionError("unreachable: a send instant exists within every two local days")


def followup_instant(
    sent_at: datetime,
    tz: ZoneLike,
    delay: timedelta = DEFAULT_FOLLOWUP_DELAY,
    latest: time = DEFAULT_FOLLOWUP_LATEST,
) -> datetime | None:
    """When to send the one reminder for an unanswered challenge, or None for no reminder.

    ``delay`` is elapsed time (a DST change in between does not stretch it). ``latest`` is the
    local wall time on the challenge's local day after which the coach stays quiet: a reminder
    that would land later is dropped rather than moved, because nagging at night costs more trust
    than a missed reminder.
    """
    if delay <= timedelta(0):
        raise ValueError(f"delay must be positive, got {delay}")
    _check_wall_time(latest, "latest")
    sent = as_utc(sent_at, "sent_at")
    zone = get_zone(tz)
    candidate = sent + delay
    cutoff = send_instant_for_day(local_day(sent, zone), zone, latest)
    if candidate > cutoff:
        return None
    return candidate


# --------------------------------------------------------------------------- snooze


class SnoozeChoice(StrEnum):
    """"Later" on the daily message: in an hour, in three hours, this evening."""

    HOUR = "1h"
    THREE_HOURS = "3h"
    EVENING = "eve"


SNOOZE_EVENING = time(19, 0)
""""This evening": 19:00 local on the challenge's day, two hours before the last send (21:00)."""
_SNOOZE_DELAY = {
    SnoozeChoice.HOUR: timedelta(hours=1),
    SnoozeChoice.THREE_HOURS: timedelta(hours=3),
}


def snooze_instant(
    choice: SnoozeChoice, now: datetime, local_date: date, tz: ZoneLike,
    latest: time = DEFAULT_FOLLOWUP_LATEST,
) -> datetime | None:
    """When a snoozed challenge of `local_date` comes back, or None if that choice is no longer
    possible: it must be after `now` and by `latest` (21:00 local, the same quiet hours as the
    reminder), so it is always well before the day's 04:00 close. Delays are elapsed time."""
    _check_wall_time(latest, "latest")
    zone = get_zone(tz)
    start = as_utc(now, "now")
    delay = _SNOOZE_DELAY.get(choice)
    at = (start + delay if delay is not None
          else send_instant_for_day(local_date, zone, SNOOZE_EVENING))
    cutoff = send_instant_for_day(local_date, zone, latest)
    return at if start < at <= cutoff else None


# --------------------------------------------------------------------------- parsing a daily time


class TimeParseReason(StrEnum):
    """Why a typed time was not accepted, so the bot can re-prompt specifically."""

    EMPTY = "empty"
    NOT_A_TIME = "not_a_time"
    HOUR_OUT_OF_RANGE = "hour_out_of_range"
    MINUTE_OUT_OF_RANGE = "minute_out_of_range"


@dataclass(frozen=True, slots=True)
class TimeParseError:
    reason: TimeParseReason
    text: str


def _never(alternatives: str) -> str:
    """An alternation that matches nothing when a language has no such words."""
    return alternatives or "(?!)"


@lru_cache(maxsize=32)
def _time_pattern(lexicon: Lexicon) -> re.Pattern[str]:
    """A clock time in `lexicon`'s language and English: "at 7:30 pm", "a las 7 de la tarde",
    "в 7 вечера", "7 da noite", "um 19 Uhr", "halb 8", "7 y media" (one pattern per lexicon)."""
    words = lexicon.clock
    minute_words = "|".join(re.escape(w) for w in sorted(words.minute_words, key=len, reverse=True))
    return re.compile(
        rf"^(?:(?:{_never(words.prefixes)})\s+)?"
        rf"(?:(?P<half>{_never(words.half_before)})\s+)?"
        r"(?P<hour>\d{1,2})"
        r"(?:"
        r"(?:\s*[:.h]\s*|\s+)(?P<minute>\d{2})"  # 7:30, 7.30, 7h30, 7 30
        r"|(?P<compact_minute>\d{2})"  # 0730, 730 (only with 3-4 digits total)
        r"|\s*h"  # 19h
        r")?"
        rf"(?:\s*(?:{_never(words.suffixes)}))?"  # 7 o'clock, 19 Uhr, 7 часов
        rf"(?:\s+(?P<minute_words>{_never(minute_words)}))?"  # 7 y media
        rf"(?:\s*(?:(?P<am>{_never(words.am)})|(?P<pm>{_never(words.pm)})"
        rf"|(?P<night>{_never(words.night)})))?$"
    )


def _clean_time(text: str) -> str:
    cleaned = " ".join(text.strip().casefold().replace("\u2019", "'").split())
    return fold(cleaned.rstrip(".!"))


def _word_time(cleaned: str, lexicon: Lexicon) -> time | None:
    """"noon", "a mediodía", "в полдень", "meia-noite", "Mitternacht"."""
    found = lexicon.clock.words.get(cleaned)
    if found is None and lexicon.clock.prefixes:
        bare = re.sub(rf"^(?:{lexicon.clock.prefixes})\s+", "", cleaned)
        found = lexicon.clock.words.get(bare)
    return found


def parse_daily_time(text: str, lexicon: Lexicon) -> time | TimeParseError:
    """Parse a wall time as people type it: "7:30", "07:30", "7.30", "7:30 pm", "7pm", "19",
    "19h", "0730", "noon", and in the user's language ("7 de la tarde", "19 Uhr", "в 7 вечера",
    "7 da noite", "halb 8", "7 y media").

    Without am/pm (or evening, night, …) the 24-hour reading is used ("7" is 07:00), which
    matches how the question is asked (examples in 24-hour form) and never guesses an afternoon.
    """
    cleaned = _clean_time(text)
    if not cleaned:
        return TimeParseError(TimeParseReason.EMPTY, text)
    word_time = _word_time(cleaned, lexicon)
    if word_time is not None:
        return word_time
    match = _time_pattern(lexicon).match(cleaned)
    if match is None:
        return TimeParseError(TimeParseReason.NOT_A_TIME, text)
    hour = int(match["hour"])
    minute_text = match["minute"] or match["compact_minute"]
    minute = int(minute_text) if minute_text is not None else 0
    if match["half"] is not None:  # "halb 8": half an hour before 8
        if minute_text is not None:
            return TimeParseError(TimeParseReason.NOT_A_TIME, text)
        hour, minute = hour - 1, 30
    if match["minute_words"] is not None:
        if minute_text is not None:
            return TimeParseError(TimeParseReason.NOT_A_TIME, text)
        minute = lexicon.clock.minute_words[match["minute_words"]]
        if minute < 0:  # "8 menos cuarto": 7:45
            hour, minute = hour - 1, 60 + minute
    if match["am"] is not None or match["pm"] is not None or match["night"] is not None:
        if not 0 <= hour <= 12 or (hour == 0 and match["half"] is None):
            return TimeParseError(TimeParseReason.HOUR_OUT_OF_RANGE, text)
        if match["night"] is not None:  # "11 de la noche" 23:00, "2 ночи" 02:00, "12" midnight
            hour = hour % 12 + (12 if hour >= 6 and hour != 12 else 0)
        else:
            hour = hour % 12 + (12 if match["pm"] is not None else 0)
    elif hour == 24 and minute == 0:
        hour = 0
    if not 0 <= hour <= 23:
        return TimeParseError(TimeParseReason.HOUR_OUT_OF_RANGE, text)
    if not 0 <= minute <= 59:
        return TimeParseError(TimeParseReason.MINUTE_OUT_OF_RANGE, text)
    return time(hour, minute)


def has_explicit_minutes(text: str, lexicon: Lexicon) -> bool:
    """True if a typed time names its minutes ("15:40", "3.40pm", "7 y media", "halb 8"), not
    just an hour ("3pm")."""
    match = _time_pattern(lexicon).match(_clean_time(text))
    return match is not None and any(
        match[group] is not None for group in ("minute", "compact_minute", "minute_words", "half"))
