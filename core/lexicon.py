"""The words of one language that Notch's parsers read: a `Lexicon`, built from plain data.

The parsers in core (replies, router, clock, dates) take a Lexicon instead of hard-coding English,
so a language is data: `locales/<code>/words.toml`, read by `bot.lexicons`. Core stays pure:
`build_lexicon` takes already-parsed mappings (what `tomllib` returns), never a path, and
Babel's month and weekday names are added by the loader in the same way.

A user's lexicon is their language's words plus English's as a fallback: people mix in "ok" and
"done". Where a phrase means different things in the two, the user's language wins.

Matching is accent-tolerant (`fold`): people drop accents on phones ("dificil", "nao", "mude"),
so data and input are both folded before comparing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any, Final

from core.vocabulary import FailureReason, Outcome

__all__ = [
    "SECTIONS",
    "ClockWords",
    "DateWords",
    "Lexicon",
    "LexiconError",
    "Phrases",
    "build_lexicon",
    "fold",
]

# Every words.toml has these sections (some may be empty lists in a language).
SECTIONS: Final = (
    "outcome", "answers", "effort", "numbers", "amount", "units", "negation", "doubt", "reasons",
    "confidence", "clock", "dates",
)
_EFFORT_LEVELS: Final = ("very_easy", "easy", "just_right", "hard", "maximal")
_OUTCOMES: Final = {"done": Outcome.DONE, "failed": Outcome.FAILED, "skipped": Outcome.SKIPPED}
_REASONS: Final = {
    "too_hard": FailureReason.TOO_HARD, "no_time": FailureReason.NO_TIME,
    "unwell": FailureReason.UNWELL, "other": FailureReason.OTHER,
}
_TIME_UNITS: Final = {"seconds": 1 / 60, "minutes": 1.0, "hours": 60.0}
_LATIN_END: Final = "\u0250"  # Latin letters (with their accents) lie below this code point


class LexiconError(ValueError):
    """A words.toml that is missing a section or holds something of the wrong shape."""


def fold(text: str) -> str:
    """Make accents optional: "difícil" → "dificil", "não" → "nao", "müde" → "mude", "ß" → "ss",
    Russian "ё" → its plain "e". Only Latin letters lose their marks: Cyrillic "й" is a letter of
    its own."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and kept and kept[-1] < _LATIN_END:
            continue
        kept.append(char)
    folded = unicodedata.normalize("NFC", "".join(kept))
    return folded.replace("\u0451", "\u0435").replace("ß", "ss")


@dataclass(frozen=True, eq=False)
class Phrases:
    """Regular expressions of one language, and the words that, among the two just before a
    match, turn it around ("not too hard", "no es imposible", "nicht zu schwer")."""

    patterns: tuple[re.Pattern[str], ...]
    negators: frozenset[str]

    def matches(self, text: str) -> Iterator[re.Match[str]]:
        """Every match in `text` (already normalised and folded) that is not negated."""
        for pattern in self.patterns:
            for match in pattern.finditer(text):
                before = text[: match.start()].split()[-2:]
                if not any(word in self.negators for word in before):
                    yield match

    def found(self, text: str) -> bool:
        return next(self.matches(text), None) is not None


@dataclass(frozen=True, eq=False)
class ClockWords:
    """Pieces of a clock time as a language says it: "at 7", "a las 7", "в 7 вечера", "19 Uhr".

    Each is a regex alternation ("" when the language has none). `night` hours count from the
    evening ("11 ночи" is 23:00, "2 ночи" is 02:00)."""

    prefixes: str
    suffixes: str
    am: str
    pm: str
    night: str
    half_before: str  # German "halb 8": 7:30
    minute_words: Mapping[str, int]  # "y media": 30, "menos cuarto": -15
    words: Mapping[str, time]  # "noon", "mediodía", "полдень"


@dataclass(frozen=True, eq=False)
class DateWords:
    """Words of a pause's end date: "until Monday", "hasta el lunes", "до понедельника"."""

    lead: str  # regex alternation, stripped from the front repeatedly
    tomorrow: frozenset[str]
    next_week: frozenset[str]
    ordinal: str  # regex alternation after a day's number: "th", "."
    articles: frozenset[str]  # "the 10th", "el 10"
    joiners: frozenset[str]  # "10 of December", "10 de diciembre"
    months: Mapping[str, int]
    weekdays: Mapping[str, int]  # Monday is 0
    counts: Mapping[str, int]
    unit_days: Mapping[str, int]


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Everything the parsers know about one language (plus English as a fallback).

    Compared by identity (`eq=False`): one per language is built and cached, so parsers may
    cache what they derive from it. Phrases are stored folded (`fold`).
    """

    locale: str
    outcomes: Mapping[str, Outcome]
    yes_no: frozenset[str]
    no_target: frozenset[str]
    skip_question: frozenset[str]
    today: frozenset[str]
    effort: Mapping[str, int]
    decimal_mark: str
    numbers: Mapping[str, int]
    hundreds: frozenset[str]
    articles: frozenset[str]
    number_joiners: frozenset[str]
    compound_joiner: str
    out_of: str  # regex alternation: "3 out of 5", "3 de 5", "3 из 5"
    hedges: re.Pattern[str]
    trailing_hedges: re.Pattern[str]
    range_: re.Pattern[str]
    filler: frozenset[str]
    time_units: Mapping[str, float]
    unit_kinds: Mapping[str, str]
    doubt: tuple[Phrases, ...]  # the user's language first, then English
    contrast: frozenset[str]
    reasons: tuple[Mapping[FailureReason, Phrases], ...]  # the user's language first
    confidence: re.Pattern[str]
    clock: ClockWords
    dates: DateWords


# --------------------------------------------------------------------------- reading the data


def _section(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    found = data.get(name)
    if not isinstance(found, Mapping):
        raise LexiconError(f"missing section [{name}]")
    return found


def _strings(section: Mapping[str, Any], key: str) -> list[str]:
    found = section.get(key, [])
    if not isinstance(found, list) or not all(isinstance(item, str) for item in found):
        raise LexiconError(f"{key} must be a list of strings")
    return found


def _words(section: Mapping[str, Any], key: str) -> list[str]:
    return [fold(word.casefold()) for word in _strings(section, key)]


def _numbers(section: Mapping[str, Any], key: str) -> dict[str, int]:
    found = section.get(key, {})
    if not isinstance(found, Mapping) or not all(isinstance(v, int) for v in found.values()):
        raise LexiconError(f"{key} must map words to whole numbers")
    return {fold(str(word).casefold()): value for word, value in found.items()}


def _alternation(regexes: Iterable[str]) -> str:
    """One regex alternation of the (folded) alternatives; "" for none. Each alternative is
    compiled alone first, so a bad one is reported by itself."""
    parts: list[str] = []
    for regex in regexes:
        folded = fold(regex)
        try:
            re.compile(folded)
        except re.error as exc:
            raise LexiconError(f"bad regex {regex!r}: {exc}") from exc
        if folded not in parts:
            parts.append(folded)
    return "|".join(f"(?:{part})" for part in parts)


def _merged(own: Mapping[str, Any], fallback: Mapping[str, Any] | None, section: str,
            key: str) -> list[str]:
    """A list of the user's language then English's, as stored (regexes are not folded here)."""
    values = list(_strings(_section(own, section), key))
    if fallback is not None and fallback is not own:
        values += [v for v in _strings(_section(fallback, section), key) if v not in values]
    return values


def _merged_words(own: Mapping[str, Any], fallback: Mapping[str, Any] | None, section: str,
                  key: str) -> frozenset[str]:
    return frozenset(fold(word.casefold()) for word in _merged(own, fallback, section, key))


def _layers(own: Mapping[str, Any], fallback: Mapping[str, Any] | None
            ) -> list[Mapping[str, Any]]:
    """English first, the user's language last: later layers win in mappings."""
    return [fallback, own] if fallback is not None and fallback is not own else [own]


# --------------------------------------------------------------------------- sections


def _outcomes(layers: Sequence[Mapping[str, Any]]) -> dict[str, Outcome]:
    found: dict[str, Outcome] = {}
    for data in layers:
        section = _section(data, "outcome")
        for key, outcome in _OUTCOMES.items():
            for word in _words(section, key):
                found[word] = outcome
    return found


def _effort(layers: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for data in layers:
        section = _section(data, "effort")
        for level, key in enumerate(_EFFORT_LEVELS, start=1):
            for word in _words(section, key):
                found[word] = level
    return found


def _units(layers: Sequence[Mapping[str, Any]]) -> tuple[dict[str, float], dict[str, str]]:
    times: dict[str, float] = {}
    kinds: dict[str, str] = {}
    for data in layers:
        section = _section(data, "units")
        for kind in section:
            for word in _words(section, kind):
                if kind in _TIME_UNITS:
                    times[word] = _TIME_UNITS[kind]
                    kinds.pop(word, None)
                else:
                    kinds[word] = kind
                    times.pop(word, None)
    return times, kinds


def _phrases(data: Mapping[str, Any], section: str, key: str) -> Phrases:
    negators = frozenset(_words(_section(data, "negation"), "words"))
    regexes = _strings(_section(data, section), key)
    _alternation(regexes)  # reports a bad regex by itself
    return Phrases(tuple(re.compile(fold(regex)) for regex in regexes), negators)


def _reasons(data: Mapping[str, Any]) -> dict[FailureReason, Phrases]:
    return {reason: _phrases(data, "reasons", f"{key}_regex") for key, reason in _REASONS.items()}


def _clock_time(text: str) -> time:
    try:
        hour, minute = text.split(":")
        return time(int(hour), int(minute))
    except ValueError as exc:
        raise LexiconError(f"clock words must be HH:MM, got {text!r}") from exc


def _clock(own: Mapping[str, Any], fallback: Mapping[str, Any] | None) -> ClockWords:
    def alternatives(key: str) -> str:
        return _alternation(_merged(own, fallback, "clock", key))

    words: dict[str, time] = {}
    minute_words: dict[str, int] = {}
    for data in _layers(own, fallback):
        section = _section(data, "clock")
        raw_words = section.get("words", {})
        words.update({fold(str(w).casefold()): _clock_time(str(t)) for w, t in raw_words.items()})
        minute_words.update(_numbers(section, "minute_words"))
    return ClockWords(
        prefixes=alternatives("prefixes_regex"), suffixes=alternatives("suffixes_regex"),
        am=alternatives("am_regex"), pm=alternatives("pm_regex"),
        night=alternatives("night_regex"), half_before=_alternation(
            _merged(own, fallback, "clock", "half_before")),
        minute_words=minute_words, words=words,
    )


def _names(section: Mapping[str, Any], key: str, size: int) -> dict[str, int]:
    groups = section.get(key, [])
    if not isinstance(groups, list) or (groups and len(groups) != size):
        raise LexiconError(f"dates.{key} must be {size} lists of names (or none)")
    found: dict[str, int] = {}
    for number, names in enumerate(groups):
        if not isinstance(names, list):
            raise LexiconError(f"dates.{key} must be lists of names")
        for name in names:
            found[fold(str(name).casefold())] = number
    return found


def _dates(own: Mapping[str, Any], fallback: Mapping[str, Any] | None) -> DateWords:
    months: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    counts: dict[str, int] = {}
    unit_days: dict[str, int] = {}
    for data in _layers(own, fallback):
        section = _section(data, "dates")
        # A name the user's language gives one meaning is not read with English's other one
        # (Spanish "mar" is Tuesday, English "mar" March).
        mine = {**_names(section, "months", 12), **_names(section, "weekdays", 7)}
        for table in (months, weekdays):
            for name in mine:
                table.pop(name, None)
        months.update({name: number + 1 for name, number in _names(section, "months", 12).items()})
        weekdays.update(_names(section, "weekdays", 7))
        counts.update(_numbers(section, "counts"))
        for key, days in (("days", 1), ("weeks", 7), ("months_unit", 30)):
            unit_days.update(dict.fromkeys(_words(section, key), days))
    return DateWords(
        lead=_alternation(_merged(own, fallback, "dates", "lead_regex")),
        tomorrow=_merged_words(own, fallback, "dates", "tomorrow"),
        next_week=_merged_words(own, fallback, "dates", "next_week"),
        ordinal=_alternation(_merged(own, fallback, "dates", "ordinal_regex")),
        articles=_merged_words(own, fallback, "dates", "articles"),
        joiners=_merged_words(own, fallback, "dates", "joiners"),
        months=months, weekdays=weekdays, counts=counts, unit_days=unit_days,
    )


def _confidence(own: Mapping[str, Any], fallback: Mapping[str, Any] | None) -> re.Pattern[str]:
    """"70", "80%", "I'm about 70% sure", "estoy 70% seguro", "уверен на 70%", "70 Prozent"."""
    def alternatives(key: str) -> str:
        return _alternation(_merged(own, fallback, "confidence", key))

    return re.compile(
        rf"^(?:(?:{alternatives('lead_regex')})\s*)?(?:(?:{alternatives('hedges_regex')})\s*)?"
        rf"(?P<n>\d{{1,3}})(?P<pc>\s*(?:{alternatives('percent_regex')}))?"
        rf"(?: (?:{alternatives('sure_regex')}))?$"
    )


def build_lexicon(locale: str, own: Mapping[str, Any],
                  fallback: Mapping[str, Any] | None = None) -> Lexicon:
    """The Lexicon of `locale` from its words (`own`, a parsed words.toml) and English's
    (`fallback`; None or the same mapping for English itself). LexiconError if malformed."""
    for data in _layers(own, fallback):
        for name in SECTIONS:
            _section(data, name)
    layers = _layers(own, fallback)
    numbers_section = _section(own, "numbers")
    decimal_mark = numbers_section.get("decimal_mark", ".")
    if decimal_mark not in (".", ","):
        raise LexiconError(f"numbers.decimal_mark must be '.' or ',', got {decimal_mark!r}")
    numbers: dict[str, int] = {}
    for data in layers:
        numbers.update(_numbers(_section(data, "numbers"), "words"))
    compound = fold(str(numbers_section.get("compound", "")).casefold())
    time_units, unit_kinds = _units(layers)
    hedges = _alternation(_merged(own, fallback, "amount", "hedges_regex"))
    trailing = _alternation(_merged(own, fallback, "amount", "trailing_hedges_regex"))
    range_words = _alternation(re.escape(word) + r"\b"
                               for word in _merged(own, fallback, "amount", "range_words"))
    own_first = list(reversed(layers))
    return Lexicon(
        locale=locale,
        outcomes=_outcomes(layers),
        yes_no=_merged_words(own, fallback, "answers", "yes_no"),
        no_target=_merged_words(own, fallback, "answers", "no_target"),
        skip_question=_merged_words(own, fallback, "answers", "skip_question"),
        today=_merged_words(own, fallback, "answers", "today"),
        effort=_effort(layers),
        decimal_mark=decimal_mark,
        numbers=numbers,
        hundreds=_merged_words(own, fallback, "numbers", "hundred"),
        articles=_merged_words(own, fallback, "numbers", "articles"),
        number_joiners=_merged_words(own, fallback, "numbers", "joiners"),
        compound_joiner=compound,
        out_of=_alternation(re.escape(fold(word.casefold())) + r"\b"
                            for word in _merged(own, fallback, "numbers", "out_of")),
        # A hedge is a whole word: "sobre 10", not the "sobre" of "sobrecarga".
        hedges=re.compile(rf"^(?:{hedges})(?![^\W\d_])\s*"),
        trailing_hedges=re.compile(rf"\s*(?:{trailing})$"),
        range_=re.compile(rf"^\d+(?:[.,]\d+)?\s*(?:-|\u2013|\u2014|{range_words})\s*\d"),
        filler=_merged_words(own, fallback, "amount", "filler"),
        time_units=time_units,
        unit_kinds=unit_kinds,
        doubt=tuple(_phrases(data, "doubt", "phrases_regex") for data in own_first),
        contrast=_merged_words(own, fallback, "doubt", "contrast"),
        reasons=tuple(_reasons(data) for data in own_first),
        confidence=_confidence(own, fallback),
        clock=_clock(own, fallback),
        dates=_dates(own, fallback),
    )
