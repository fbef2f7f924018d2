"""The one formatter: numbers and amounts, dates, clock times, plurals and ordinals.

Every number or date a user reads goes through here, so it is written one way everywhere and a
translation changes it in one place. Babel does the work (CLDR data: "1,050" in English, "1.050"
in German); `strftime` never does, since it follows the process's C locale, not the reader's.
Every function takes ``locale`` (a Babel or IETF tag: "en", "de", "pt-BR"), by default the
language of the update or message being rendered (`bot.i18n.current_locale`). English output is
what Notch has always shown ("Tue 3 Mar", "08:30").
"""

from __future__ import annotations

import math
from contextlib import AbstractContextManager, nullcontext
from datetime import date, time
from functools import lru_cache
from typing import Final

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, get_day_names
from babel.numbers import format_decimal, format_percent

from bot.i18n import (
    DEFAULT_LOCALE,
    current_locale,
    ngettext,
    pgettext,
    resolve_locale,
    use_locale,
)

__all__ = [
    "DEFAULT_LOCALE",
    "SAYABLE_UNITS",
    "babel_locale",
    "behaviour_name",
    "format_amount",
    "format_clock",
    "format_day",
    "format_day_month",
    "format_number",
    "ordinal",
    "percent",
    "plural",
    "singular",
    "unit_name",
    "weekday",
]

# Dates are asked for by CLDR skeleton (which fields, not their order); a locale listed here
# keeps its own pattern instead. English keeps day-month order ("Tue 3 Mar", not CLDR's US
# "Tue, Mar 3"): unambiguous, and what its users have always read.
_DAY: Final = "MMMEd"
_DAY_YEAR: Final = "yMMMEd"
_DAY_MONTH: Final = "MMMd"
_CLOCK: Final = "Hm"
_PATTERNS: Final[dict[str, dict[str, str]]] = {
    "en": {_DAY: "EEE d MMM", _DAY_YEAR: "EEE d MMM y", _DAY_MONTH: "d MMM"},
    # Spanish as people write it in a message: "mié 2 dic", not CLDR's "mié, 2 dic".
    "es": {_DAY: "EEE d MMM", _DAY_YEAR: "EEE d MMM y"},
}
_PERCENT_PATTERNS: Final[dict[str, str]] = {"en": "#,##0 %"}
# Ordinal suffixes by CLDR ordinal category (Babel's Locale.ordinal_form): 1st, 22nd, 113th.
_ORDINAL_SUFFIXES: Final[dict[str, dict[str, str]]] = {
    "en": {"one": "st", "two": "nd", "few": "rd", "other": "th"},
}


@lru_cache(maxsize=64)
def _parsed(tag: str) -> Locale:
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(DEFAULT_LOCALE)


def babel_locale(tag: str | None = None) -> Locale:
    """Babel's Locale for "en", "en-GB", "pt_br"… (None: the current language); an unknown tag
    reads as English. Also for CLDR data no function here wraps (a country's name)."""
    return _parsed(tag or current_locale())


def _speaking(locale: str | None) -> AbstractContextManager[object]:
    """The catalogue of ``locale`` when one is named, else the current language's."""
    return use_locale(resolve_locale(locale)) if locale else nullcontext()


def _pattern(locale: Locale, skeleton: str) -> str | None:
    return _PATTERNS.get(locale.language, {}).get(skeleton)


def format_number(value: float, locale: str | None = None) -> str:
    """1050 → "1,050", 12.5 → "12.5", 10.0 → "10" (at most three decimals)."""
    return format_decimal(value, locale=babel_locale(locale))


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


def format_amount(value: float, unit: str | None = None, locale: str | None = None) -> str:
    """An amount with its goal's unit: "1,050 words", "12 minutes", "7.5 km", "1 minute"
    ("1,050" alone): the locale's plural rule picks the unit's form."""
    number = format_number(value, locale)
    if not unit:
        return number
    with _speaking(locale):
        return _amount_with_unit(value, number, unit, babel_locale(locale))


def _date(day: date, skeleton: str, locale: str | None) -> str:
    found = babel_locale(locale)
    pattern = _pattern(found, skeleton)
    if pattern is not None:
        return format_date(day, pattern, locale=found)
    return format_skeleton(skeleton, day, locale=found)


def format_day(day: date, *, year: bool = False, locale: str | None = None) -> str:
    """"Tue 3 Mar", or with ``year`` "Tue 3 Mar 2026" (a log or a pause may span years)."""
    return _date(day, _DAY_YEAR if year else _DAY, locale)


def format_day_month(day: date, locale: str | None = None) -> str:
    """"3 Mar": the two ends of a week."""
    return _date(day, _DAY_MONTH, locale)


def format_clock(value: time, locale: str | None = None) -> str:
    """"08:30": the local wall-clock time of a send, 24-hour (CLDR's "Hm")."""
    return format_skeleton(_CLOCK, value, locale=babel_locale(locale))


def plural(count: int, one: str, many: str, locale: str | None = None, **values: object) -> str:
    """"1 day", "3 days", "5 дней": ``one``/``many`` are the English msgids ("{n} day",
    "{n} days"), translated with the catalogue's plural rule and filled with the count (as
    ``n``) and any other ``values``."""
    with _speaking(locale):
        return ngettext(one, many, count).format(n=format_number(count, locale), **values)


def ordinal(n: int, locale: str | None = None) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 22nd … (CLDR's ordinal categories); in
    another language its catalogue's one pattern: "3.º", "3-й", "3º", "3." (the noun it counts,
    "success", is masculine where that matters)."""
    found = babel_locale(locale)
    suffixes = _ORDINAL_SUFFIXES.get(found.language)
    if suffixes is None:
        with _speaking(locale):
            # TRANSLATORS: an ordinal number, "the 3rd" success: {n} is the number.
            return pgettext("ordinal", "{n}.").format(n=format_number(n, locale))
    return f"{n}{suffixes.get(found.ordinal_form(n), suffixes['other'])}"


def percent(value: float, locale: str | None = None) -> str:
    """70 → "70 %" in English (Notch's own usage), "70 %" in German and Russian, "70%" in
    Brazilian Portuguese (CLDR): a 0-100 value, whole."""
    if not math.isfinite(value):  # no ratings to average: nothing a sentence should show
        return "–"
    found = babel_locale(locale)
    pattern = _PERCENT_PATTERNS.get(found.language)
    return format_percent(round(value) / 100, pattern, locale=found)


def weekday(number: int, *, short: bool = False, locale: str | None = None) -> str:
    """0 → "Monday" inside a sentence, in the reader's language and case ("lunes",
    "понедельник", "Montag"); ``short`` → a button's "Mon", "Lun", "Пн" (capitalised)."""
    found = babel_locale(locale)
    if not short:
        return str(get_day_names("wide", context="format", locale=found)[number])
    name = str(get_day_names("abbreviated", context="stand-alone", locale=found)[number])
    return name[:1].upper() + name[1:]


def _units(count: int) -> dict[str, tuple[str, str]]:
    """Each unit Notch can say in every language: its name, and "{n} <unit>" for ``count``."""
    return {
        "minutes": (pgettext("unit", "minutes"), ngettext("{n} minute", "{n} minutes", count)),
        "reps": (pgettext("unit", "reps"), ngettext("{n} rep", "{n} reps", count)),
        "pages": (pgettext("unit", "pages"), ngettext("{n} page", "{n} pages", count)),
        "words": (pgettext("unit", "words"), ngettext("{n} word", "{n} words", count)),
        "km": (pgettext("unit", "km"), ngettext("{n} km", "{n} km", count)),
    }


# The units `_units` says (a typed "минуты" is stored as "minutes": bot.onboarding_steps).
SAYABLE_UNITS: Final = frozenset(_units(1))


def unit_name(unit: str) -> str:
    """A unit as the reader says it: those Notch can say ("minutes", "pages") in the current
    language, any other as the person typed it."""
    said = _units(2).get(unit)
    return said[0] if said is not None else unit


def behaviour_name(behaviour: str) -> str:
    """An activity as the reader says it: the templates' ("running") in the current language,
    any other as the person typed it."""
    names = {
        "running": pgettext("behaviour", "running"),
        "walking": pgettext("behaviour", "walking"),
        "push-ups": pgettext("behaviour", "push-ups"),
        "writing": pgettext("behaviour", "writing"),
        "reading": pgettext("behaviour", "reading"),
        "meditation": pgettext("behaviour", "meditation"),
        "instrument practice": pgettext("behaviour", "instrument practice"),
    }
    return names.get(behaviour, behaviour)


def _amount_with_unit(value: float, number: str, unit: str, found: Locale) -> str:
    """The template units by the catalogue's plural rule ("1 minuto", "5 минут"); another unit
    as typed, made singular by English's rules only in English ("1 minute")."""
    count = int(value) if float(value).is_integer() else 2  # "1.5 minutes": the plural
    said = _units(count).get(unit)
    if said is not None:
        return said[1].format(n=number)
    one = found.language == "en" and found.plural_form(value) == "one"
    return f"{number} {singular(unit) if one else unit}"
