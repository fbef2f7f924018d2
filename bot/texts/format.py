"""The one formatter: numbers and amounts, dates, clock times, plurals and ordinals.

Every number or date a user reads goes through here, so it is written one way everywhere and a
translation changes it in one place. Babel does the work (CLDR data: "1,050" in English, "1.050"
in German); `strftime` never does, since it follows the process's C locale, not the reader's.
Every function takes ``locale`` (a Babel or IETF tag: "en", "de", "pt-BR"); only English is
offered for now, and its output is what Notch has always shown ("Tue 3 Mar", "08:30").
"""

from __future__ import annotations

from datetime import date, time
from functools import lru_cache
from typing import Final

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal

__all__ = [
    "DEFAULT_LOCALE",
    "format_amount",
    "format_clock",
    "format_day",
    "format_day_month",
    "format_number",
    "ordinal",
    "plural",
    "singular",
]

DEFAULT_LOCALE: Final = "en"

# Dates are asked for by CLDR skeleton (which fields, not their order); a locale listed here
# keeps its own pattern instead. English keeps day-month order ("Tue 3 Mar", not CLDR's US
# "Tue, Mar 3"): unambiguous, and what its users have always read.
_DAY: Final = "MMMEd"
_DAY_YEAR: Final = "yMMMEd"
_DAY_MONTH: Final = "MMMd"
_CLOCK: Final = "Hm"
_PATTERNS: Final[dict[str, dict[str, str]]] = {
    "en": {_DAY: "EEE d MMM", _DAY_YEAR: "EEE d MMM y", _DAY_MONTH: "d MMM"},
}
# Ordinal suffixes by CLDR ordinal category (Babel's Locale.ordinal_form): 1st, 22nd, 113th.
_ORDINAL_SUFFIXES: Final[dict[str, dict[str, str]]] = {
    "en": {"one": "st", "two": "nd", "few": "rd", "other": "th"},
}


@lru_cache(maxsize=64)
def _locale(tag: str) -> Locale:
    """Babel's Locale for "en", "en-GB", "pt_br"…; an unknown tag reads as English."""
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(DEFAULT_LOCALE)


def _pattern(locale: Locale, skeleton: str) -> str | None:
    return _PATTERNS.get(locale.language, {}).get(skeleton)


def format_number(value: float, locale: str = DEFAULT_LOCALE) -> str:
    """1050 → "1,050", 12.5 → "12.5", 10.0 → "10" (at most three decimals)."""
    return format_decimal(value, locale=_locale(locale))


# Units are stored as the person typed them, plural ("minutes", "push-ups"); one of them reads
# singular ("1 minute"). Known irregular or unchanging words first, then English's regular rules.
_SINGULAR: Final[dict[str, str]] = {
    "km": "km", "kms": "km", "mi": "mi", "m": "m", "kg": "kg", "lbs": "lb", "reps": "rep",
    "series": "series", "times": "time", "minutes": "minute", "hours": "hour", "people": "person",
    "children": "child", "feet": "foot", "mins": "min", "hrs": "hr", "secs": "sec",
}
_ES_ENDINGS: Final = ("sses", "shes", "ches", "xes", "zzes")


def singular(unit: str) -> str:
    """"minutes" -> "minute", "push-ups" -> "push-up", "Spanish words" -> "Spanish word",
    "pages of notes" -> "page of notes" (the noun: before "of", else the last word)."""
    words = unit.split(" ")
    at = words.index("of") - 1 if "of" in words[1:] else len(words) - 1
    words[at] = _singular_word(words[at])
    return " ".join(words)


def _singular_word(head: str) -> str:
    word = head.lower()
    if word in _SINGULAR:
        one = _SINGULAR[word]
    elif word.endswith("ies") and len(word) > 4:
        one = word[:-3] + "y"
    elif word.endswith(_ES_ENDINGS):
        one = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 2:
        one = word[:-1]
    else:
        return head
    return one[:1].upper() + one[1:] if head[:1].isupper() else one


def format_amount(value: float, unit: str | None = None, locale: str = DEFAULT_LOCALE) -> str:
    """An amount with its goal's unit: "1,050 words", "12 minutes", "7.5 km", "1 minute"
    ("1,050" alone): the locale's plural rule picks the unit's form."""
    number = format_number(value, locale)
    if not unit:
        return number
    one = _locale(locale).plural_form(value) == "one"
    return f"{number} {singular(unit) if one else unit}"


def _date(day: date, skeleton: str, locale: str) -> str:
    found = _locale(locale)
    pattern = _pattern(found, skeleton)
    if pattern is not None:
        return format_date(day, pattern, locale=found)
    return format_skeleton(skeleton, day, locale=found)


def format_day(day: date, *, year: bool = False, locale: str = DEFAULT_LOCALE) -> str:
    """"Tue 3 Mar", or with ``year`` "Tue 3 Mar 2026" (a log or a pause may span years)."""
    return _date(day, _DAY_YEAR if year else _DAY, locale)


def format_day_month(day: date, locale: str = DEFAULT_LOCALE) -> str:
    """"3 Mar": the two ends of a week."""
    return _date(day, _DAY_MONTH, locale)


def format_clock(value: time, locale: str = DEFAULT_LOCALE) -> str:
    """"08:30": the local wall-clock time of a send, 24-hour (CLDR's "Hm")."""
    return format_skeleton(_CLOCK, value, locale=_locale(locale))


def plural(count: int, one: str, many: str, locale: str = DEFAULT_LOCALE) -> str:
    """"1 day", "3 days", "1,000 rows": the count and the word that goes with it.

    ``one``/``many`` are English forms; the locale's plural rule (CLDR) picks between them.
    """
    word = one if _locale(locale).plural_form(count) == "one" else many
    return f"{format_number(count, locale)} {word}"


def ordinal(n: int, locale: str = DEFAULT_LOCALE) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 22nd … (CLDR's ordinal categories)."""
    found = _locale(locale)
    suffixes = _ORDINAL_SUFFIXES.get(found.language)
    if suffixes is None:
        return f"{format_number(n, locale)}."
    return f"{n}{suffixes.get(found.ordinal_form(n), suffixes['other'])}"
