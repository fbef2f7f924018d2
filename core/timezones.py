"""Turning an onboarding answer into an IANA time zone, without any data files beyond zoneinfo.

Telegram never tells a bot the user's time zone, so the coach asks. This module handles the
answers that need no place data: an IANA name, a UTC offset, and "what time is it for you now?"
(the offset is inferred from the reply and ``now``). City names and shared locations need
geonames/timezonefinder data and live in ``bot.timezone_lookup``, which builds the same
``ZoneAnswer``.

An offset answer is a *fixed* offset: whole hours map to ``Etc/GMT±N`` (whose sign is inverted:
UTC+2 is ``Etc/GMT-2``), which never follows daylight saving. Half- and quarter-hour offsets have
no Etc zone, so a representative real zone that is at that offset at ``now`` is picked instead.
``ZoneAnswer.source`` tells the bot which kind of answer it was, so it can offer to follow DST if
the user names a city.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from core.clock import as_utc, get_zone, has_explicit_minutes, parse_daily_time
from core.lexicon import Lexicon

__all__ = [
    "MAX_OFFSET_MINUTES",
    "MIN_OFFSET_MINUTES",
    "ZoneAnswer",
    "ZoneChoice",
    "ZoneError",
    "ZoneErrorReason",
    "ZoneSource",
    "answer_for_zone",
    "format_offset",
    "infer_offset_candidates",
    "known_zone_names",
    "parse_iana_zone",
    "parse_utc_offset",
    "zone_for_offset",
    "zone_from_iana",
    "zone_from_local_time",
    "zone_from_offset",
]

MIN_OFFSET_MINUTES = -12 * 60
MAX_OFFSET_MINUTES = 14 * 60


class ZoneSource(StrEnum):
    """Which kind of answer produced the zone."""

    IANA = "iana"
    OFFSET = "offset"
    LOCAL_TIME = "local_time"
    CITY = "city"
    COUNTRY = "country"
    LOCATION = "location"


@dataclass(frozen=True, slots=True)
class ZoneAnswer:
    """A resolved time zone and how it was obtained.

    ``utc_offset_minutes`` is the zone's offset at the ``now`` used to resolve it (for the
    confirmation message); ``follows_dst`` says whether that offset changes within the next year.
    ``alternative`` is set when the answer cannot tell two zones apart (the date line: a clock
    reading is the same at UTC-11 and UTC+13), so the bot can ask which day it is.
    """

    zone: str
    source: ZoneSource
    utc_offset_minutes: int
    follows_dst: bool
    label: str | None = None
    alternative: str | None = None

    @property
    def from_offset(self) -> bool:
        """True when the user gave an offset (or a clock reading) rather than a place."""
        return self.source in (ZoneSource.OFFSET, ZoneSource.LOCAL_TIME)

    @property
    def is_fixed_offset(self) -> bool:
        """True when the zone will keep this offset all year although the user may not: the cue
        for "fixed offset - tell me your city if you want daylight-saving changes followed"."""
        return self.from_offset and not self.follows_dst


@dataclass(frozen=True, slots=True)
class ZoneChoice:
    """A place name that several well-known places share, on different clocks ("Portland":
    Oregon or Maine): the bot asks which one. Each option's ``label`` names the place
    ("Portland, Oregon"); the most populous comes first."""

    text: str
    options: tuple[ZoneAnswer, ...]


class ZoneErrorReason(StrEnum):
    OFFSET_OUT_OF_RANGE = "offset_out_of_range"
    OFFSET_NOT_QUARTER_HOUR = "offset_not_quarter_hour"
    NO_ZONE_AT_OFFSET = "no_zone_at_offset"
    TIME_NEEDS_MINUTES = "time_needs_minutes"
    LOCATION_OUT_OF_RANGE = "location_out_of_range"
    AMBIGUOUS_PLACE = "ambiguous_place"  # a country with several clocks: ask for a city


@dataclass(frozen=True, slots=True)
class ZoneError:
    """The answer looked like a zone answer of some kind but cannot be used; say why."""

    reason: ZoneErrorReason
    text: str
    offset_minutes: int | None = None


# --------------------------------------------------------------------------- zone facts

_NOT_USER_ZONES = frozenset({"Factory", "localtime", "posixrules"})


@lru_cache(maxsize=1)
def known_zone_names() -> frozenset[str]:
    """IANA keys a user may pick (zoneinfo's list minus pseudo-zones)."""
    return frozenset(available_timezones() - _NOT_USER_ZONES)


@lru_cache(maxsize=1)
def _zone_names_folded() -> dict[str, str]:
    return {name.casefold(): name for name in known_zone_names()}


def _offset_minutes(zone: tzinfo, at: datetime) -> int:
    delta = at.astimezone(zone).utcoffset()
    assert delta is not None
    return int(delta.total_seconds() // 60)


def _follows_dst(zone: tzinfo, at: datetime) -> bool:
    first = _offset_minutes(zone, at)
    return any(
        _offset_minutes(zone, at + timedelta(days=30 * month)) != first for month in range(1, 13)
    )


def answer_for_zone(
    zone_name: str,
    source: ZoneSource,
    now: datetime,
    *,
    label: str | None = None,
    alternative: str | None = None,
) -> ZoneAnswer:
    """Build a ``ZoneAnswer`` with the zone's offset and DST behaviour as seen from ``now``."""
    utc = as_utc(now, "now")
    zone = get_zone(zone_name)
    return ZoneAnswer(
        zone=zone_name,
        source=source,
        utc_offset_minutes=_offset_minutes(zone, utc),
        follows_dst=_follows_dst(zone, utc),
        label=label,
        alternative=alternative,
    )


def format_offset(minutes: int) -> str:
    """Render an offset the way people write it: "UTC+5:30", "UTC-11", "UTC+0"."""
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


# --------------------------------------------------------------------------- IANA names


# Abbreviations people type for the zone they live in. "EST" is also a fixed-offset IANA link
# that never switches to EDT, which is not what a New Yorker means, so the region wins.
_ABBREVIATIONS = {
    "et": "America/New_York", "est": "America/New_York", "edt": "America/New_York",
    "ct": "America/Chicago", "cst": "America/Chicago", "cdt": "America/Chicago",
    "mt": "America/Denver", "mst": "America/Denver", "mdt": "America/Denver",
    "pt": "America/Los_Angeles", "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles",
    "cet": "Europe/Berlin", "cest": "Europe/Berlin", "bst": "Europe/London",
    "utc": "Etc/UTC", "gmt": "Etc/UTC",
}


def parse_iana_zone(text: str) -> str | None:
    """Match an IANA name case-insensitively ("europe/berlin", "America/New York").

    Old single-word links ("Japan", "Singapore", "EST") are not taken as names: country names
    are resolved as places, and common abbreviations map to the region people mean.
    """
    cleaned = text.strip().strip(".").replace(" ", "_").casefold()
    cleaned = re.sub(r"_*/_*", "/", cleaned)
    if cleaned in _ABBREVIATIONS:
        return _ABBREVIATIONS[cleaned]
    if "/" not in cleaned:
        return None
    return _zone_names_folded().get(cleaned)


def zone_from_iana(text: str, now: datetime) -> ZoneAnswer | None:
    name = parse_iana_zone(text)
    if name is None:
        return None
    return answer_for_zone(name, ZoneSource.IANA, now)


# --------------------------------------------------------------------------- UTC offsets

_OFFSET_RE = re.compile(
    r"""
    ^(?P<prefix>utc|gmt)?\s*
    (?P<sign>[+\-\u2212])?\s*
    (?P<hours>\d{1,2})
    (?:
        (?::|\.|h)?(?P<minutes>\d{2})        # +05:30, +0530, +5h30, +5.30
      | (?P<fraction>[.,]\d{1,2})            # +5.5, +5,75
    )?
    \s*(?:h|hrs?|hours?)?$
    """,
    re.VERBOSE,
)


def parse_utc_offset(text: str) -> int | ZoneError | None:
    """Parse "+2", "UTC-5", "GMT+5:30", "+05:30", "utc +14", "-11" into minutes east of UTC.

    None when the text does not look like an offset at all. A bare unsigned number ("5") is not
    taken as an offset: it is just as likely an hour of the day. "UTC"/"GMT" alone is +0.
    """
    cleaned = " ".join(text.strip().casefold().split()).rstrip(".")
    if cleaned in ("utc", "gmt"):
        return 0
    match = _OFFSET_RE.match(cleaned)
    if match is None or (match["prefix"] is None and match["sign"] is None):
        return None
    negative = match["sign"] in ("-", "\u2212")
    total = int(match["hours"]) * 60
    if match["minutes"] is not None:
        minutes = int(match["minutes"])
        if minutes >= 60:
            return ZoneError(ZoneErrorReason.OFFSET_NOT_QUARTER_HOUR, text)
        total += minutes
    elif match["fraction"] is not None:
        fraction = float("0." + match["fraction"][1:])
        total += round(fraction * 60)
    return _checked_offset(-total if negative else total, text)


def _checked_offset(minutes: int, text: str) -> int | ZoneError:
    if not MIN_OFFSET_MINUTES <= minutes <= MAX_OFFSET_MINUTES:
        return ZoneError(ZoneErrorReason.OFFSET_OUT_OF_RANGE, text, minutes)
    if minutes % 15:
        return ZoneError(ZoneErrorReason.OFFSET_NOT_QUARTER_HOUR, text, minutes)
    return minutes


# Preferred representatives for offsets without an Etc zone; each is used only if it is at that
# offset at ``now`` (St John's, Adelaide, Lord Howe and Chatham shift with DST).
_REPRESENTATIVES: dict[int, tuple[str, ...]] = {
    -570: ("Pacific/Marquesas",),
    -210: ("America/St_Johns",),
    -150: ("America/St_Johns",),
    210: ("Asia/Tehran",),
    270: ("Asia/Kabul",),
    330: ("Asia/Kolkata", "Asia/Colombo"),
    345: ("Asia/Kathmandu",),
    390: ("Asia/Yangon", "Indian/Cocos"),
    525: ("Australia/Eucla",),
    570: ("Australia/Darwin", "Australia/Adelaide"),
    630: ("Australia/Adelaide", "Australia/Lord_Howe"),
    765: ("Pacific/Chatham",),
    825: ("Pacific/Chatham",),
}


def _etc_zone(minutes: int) -> str:
    if minutes == 0:
        return "Etc/UTC"
    hours = minutes // 60
    # The POSIX-style Etc names count hours WEST of Greenwich: UTC+2 is Etc/GMT-2.
    return f"Etc/GMT{-hours:+d}"


def zone_for_offset(minutes: int, now: datetime) -> str | None:
    """An IANA zone that is at ``minutes`` east of UTC at ``now``, or None if none is.

    Whole hours give the fixed ``Etc/GMT`` zone. Other offsets take the preferred representative
    if it matches at ``now``, else the first real zone at that offset, preferring zones without
    DST, so the user's clock keeps the offset they stated.
    """
    utc = as_utc(now, "now")
    if not MIN_OFFSET_MINUTES <= minutes <= MAX_OFFSET_MINUTES:
        return None
    if minutes % 60 == 0:
        return _etc_zone(minutes)
    for name in _REPRESENTATIVES.get(minutes, ()):
        if _offset_minutes(ZoneInfo(name), utc) == minutes:
            return name
    matches = sorted(
        name
        for name in known_zone_names()
        if "/" in name
        and not name.startswith("Etc/")
        and _offset_minutes(ZoneInfo(name), utc) == minutes
    )
    if not matches:
        return None
    steady = [name for name in matches if not _follows_dst(ZoneInfo(name), utc)]
    return (steady or matches)[0]


def zone_from_offset(text: str, now: datetime) -> ZoneAnswer | ZoneError | None:
    parsed = parse_utc_offset(text)
    if parsed is None or isinstance(parsed, ZoneError):
        return parsed
    name = zone_for_offset(parsed, now)
    if name is None:
        return ZoneError(ZoneErrorReason.NO_ZONE_AT_OFFSET, text, parsed)
    return answer_for_zone(name, ZoneSource.OFFSET, now)


# --------------------------------------------------------------------------- local time now


def infer_offset_candidates(now: datetime, local: time) -> list[int]:
    """Offsets (minutes east of UTC, rounded to 15) at which the wall clock reads ``local`` at
    ``now``, within UTC-12..UTC+14, most plausible first.

    The clock reading fixes the offset only modulo 24 hours: "00:10" at 23:55 UTC is +0:15, not
    -23:45. Between UTC-12..-10 and UTC+12..+14 two offsets fit the same reading (a day apart);
    both are returned, the one nearer UTC first (ties: east first).
    """
    utc = as_utc(now, "now")
    utc_minutes = utc.hour * 60 + utc.minute + utc.second / 60 + utc.microsecond / 60e6
    local_minutes = local.hour * 60 + local.minute + local.second / 60
    diff = local_minutes - utc_minutes
    candidates = set()
    for shift in (-1440, 0, 1440):
        rounded = math.floor((diff + shift) / 15 + 0.5) * 15
        if MIN_OFFSET_MINUTES <= rounded <= MAX_OFFSET_MINUTES:
            candidates.add(rounded)
    return sorted(candidates, key=lambda m: (abs(m), -m))


def zone_from_local_time(now: datetime, text: str,
                         lexicon: Lexicon) -> ZoneAnswer | ZoneError | None:
    """Infer the zone from the user's answer to "what time is it for you now?".

    ``now`` should be the instant the reply was sent (the message date). None if the text is not
    a time (in ``lexicon``'s language or English); an error if it is a time without minutes (an
    hour alone cannot fix an offset).
    """
    parsed = parse_daily_time(text, lexicon)
    if not isinstance(parsed, time):
        return None
    if not has_explicit_minutes(text, lexicon):
        return ZoneError(ZoneErrorReason.TIME_NEEDS_MINUTES, text)
    utc = as_utc(now, "now")
    found: list[str] = []
    first_offset: int | None = None
    for offset in infer_offset_candidates(utc, parsed):
        first_offset = offset if first_offset is None else first_offset
        name = zone_for_offset(offset, utc)
        if name is not None:
            found.append(name)
    if not found:
        return ZoneError(ZoneErrorReason.NO_ZONE_AT_OFFSET, text, first_offset)
    alternative = found[1] if len(found) > 1 else None
    return answer_for_zone(found[0], ZoneSource.LOCAL_TIME, utc, alternative=alternative)
