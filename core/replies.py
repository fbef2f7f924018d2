"""Reading what users type: outcomes, amounts, effort, an optional target, doubt.

Every parser is forgiving about form (case, spaces, trailing punctuation, emoji variants,
"about 10", "1,000 words") and strict about meaning: an answer that cannot be read returns an
error value carrying a reason, so the bot can re-prompt with the specific problem ("that's not a
number", "must be more than 0", "steps are 50 words: 1,000 or 1,050?") instead of a generic "try
again". Nothing here raises on user input.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from typing import Final

from core.lexicon import Lexicon, fold
from core.vocabulary import FailureReason, Outcome

__all__ = [
    "AmountError",
    "AmountErrorReason",
    "Lexicon",
    "Outcome",
    "expresses_doubt",
    "normalise",
    "parse_amount",
    "parse_confidence",
    "parse_effort",
    "parse_outcome",
    "parse_reason",
    "parse_target",
    "skips_question",
]

# --------------------------------------------------------------------------- normalisation

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_INVISIBLE = re.compile("[\ufe0e\ufe0f\u200d\u20e3\U0001f3fb-\U0001f3ff]")
_LEADING_JUNK = " \t\n\"'([*_"
_TRAILING_JUNK = " \t\n.,!?;:\u2026\"')]*_"


def normalise(text: str) -> str:
    """Casefold, unify apostrophes, drop emoji variation selectors and skin tones, collapse
    whitespace and strip quotes and trailing punctuation: the first step of every parser."""
    folded = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()
    folded = _INVISIBLE.sub("", folded)
    return " ".join(folded.split()).lstrip(_LEADING_JUNK).rstrip(_TRAILING_JUNK)


def _folded(text: str) -> str:
    """`normalise`, then accents made optional (`core.lexicon.fold`): how every word is compared
    with a Lexicon, whose words are stored folded."""
    return fold(normalise(text))


def _split_symbols(text: str) -> tuple[str, str]:
    """Separate symbol characters (emoji, ✓, ✗) from the words around them (folded)."""
    words: list[str] = []
    symbols: list[str] = []
    for char in text:
        (symbols if unicodedata.category(char) in ("So", "Sk", "Sm") else words).append(char)
    return _folded("".join(words)), "".join(symbols)


# --------------------------------------------------------------------------- outcomes

# Outcome is core.vocabulary's (re-exported here: what parse_outcome returns).


_OUTCOME_SYMBOLS: dict[str, Outcome] = {
    "\u2705": Outcome.DONE,  # ✅
    "\u2714": Outcome.DONE,  # ✔
    "\u2611": Outcome.DONE,  # ☑
    "\u2713": Outcome.DONE,  # ✓
    "\U0001f44d": Outcome.DONE,  # 👍
    "\u274c": Outcome.FAILED,  # ❌
    "\u274e": Outcome.FAILED,  # ❎
    "\u2716": Outcome.FAILED,  # ✖
    "\u2717": Outcome.FAILED,  # ✗
    "\u2718": Outcome.FAILED,  # ✘
    "\U0001f44e": Outcome.FAILED,  # 👎
    "\u23ed": Outcome.SKIPPED,  # ⏭
}


def parse_outcome(text: str, lexicon: Lexicon) -> Outcome | None:
    """Read "done", "did it", "yes", "✅", "failed", "couldn't", "no", "❌", "skip" and variants,
    in the user's language or English ("hecho", "готово", "feito", "erledigt").

    Emoji are taken as votes alongside the words ("done ✅" is fine); a reply whose words and
    symbols disagree ("done ❌"), or that says anything else, is None: the bot asks rather than
    records a guess.
    """
    words, symbols = _split_symbols(text)
    votes: set[Outcome] = set()
    for symbol in symbols:
        if symbol in _OUTCOME_SYMBOLS:
            votes.add(_OUTCOME_SYMBOLS[symbol])
    if words:
        word_vote = lexicon.outcomes.get(words)
        if word_vote is None:
            return None
        votes.add(word_vote)
    return votes.pop() if len(votes) == 1 else None


# --------------------------------------------------------------------------- amounts


class AmountErrorReason(StrEnum):
    """Why an amount was not accepted; each maps to one specific re-prompt."""

    EMPTY = "empty"
    NOT_A_NUMBER = "not_a_number"
    RANGE_GIVEN = "range_given"  # "10-15": ask for one number
    NOT_POSITIVE = "not_positive"  # 0 or negative where more than 0 is needed
    NEGATIVE = "negative"  # below 0 where 0 is allowed
    TOO_LARGE = "too_large"
    OFF_STEP = "off_step"  # 12.5 where the step is 1: ``suggestion`` holds the nearest fit
    WRONG_UNIT = "wrong_unit"  # "10 pages" for a minutes goal
    NOT_ABOVE_CURRENT = "not_above_current"  # a target at or below today's amount


@dataclass(frozen=True, slots=True)
class AmountError:
    reason: AmountErrorReason
    text: str
    suggestion: float | None = None


_NUMBER = re.compile(
    r"^(?P<sign>[-+\u2212])?\s*"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 1,000 / 1,000.5
    r"|\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![\d.,])"  # 1.000 / 1.000.000 / 1.000,5
    r"|\d{1,3}(?: \d{3})+(?:[.,]\d+)?(?![\d.,])"  # 1 000 / 1 000,5
    r"|\d+(?:[.,]\d+)?"  # 10 / 12.5 / 12,5
    r"|[.,]\d+)"  # .5
)

# A reply in a time unit ("1.5 h", "90 min") converts to a time goal's unit; a reply in a unit of
# another kind (``Lexicon.unit_kinds``: "10 pages") meets only a goal of the same kind; "reps" and
# "times" count anything that is not time. A word that is no known unit passes for a goal counted
# in something else (custom units, "10 done").


_TENS = frozenset(range(20, 100, 10))


def _number_word(token: str, lexicon: Lexicon) -> int | None:
    """One word's value: "ten", "diez", "десять", or German's units-before-tens compound
    ("fünfundzwanzig" → 25)."""
    value = lexicon.numbers.get(token)
    if value is None and lexicon.compound_joiner and lexicon.compound_joiner in token[1:-1]:
        units, _, tens = token.partition(lexicon.compound_joiner)
        unit_value, tens_value = lexicon.numbers.get(units), lexicon.numbers.get(tens)
        if unit_value is not None and tens_value in _TENS and 0 < unit_value < 10:
            value = tens_value + unit_value
    return value


def _parse_number_words(text: str, lexicon: Lexicon) -> tuple[float, str] | None:
    """"ten", "twenty five", "twenty-five minutes", "a hundred", "treinta y cinco",
    "двадцать пять" → (value, rest)."""
    tokens = text.replace("-", " ").split()
    if not tokens:
        return None
    if tokens[0] in lexicon.articles and len(tokens) > 1 and tokens[1] in lexicon.hundreds:
        return 100.0, " ".join(tokens[2:])
    value = _number_word(tokens[0], lexicon)
    if value is None:
        return None
    used = 1
    if value in _TENS and len(tokens) > used:
        joined = used + 1 if tokens[used] in lexicon.number_joiners else used
        units = lexicon.numbers.get(tokens[joined]) if len(tokens) > joined else None
        if units is not None and 0 < units < 10:
            value += units
            used = joined + 1
    if len(tokens) > used and tokens[used] in lexicon.hundreds:
        value *= 100
        used += 1
    return float(value), " ".join(tokens[used:])


_AMBIGUOUS = re.compile(r"\d{1,3}[.,]\d{3}")


def _to_decimal(raw: str, step: float | None, decimal_mark: str = ".") -> Decimal | None:
    """The number in ``raw``. A "." or "," followed by exactly three digits is ambiguous ("1.000"
    is one thousand in Berlin, one in London): it is a thousands separator when the goal's step
    is whole (no amount of push-ups has three decimals) and a decimal mark when the step is a
    fraction ("2.000" on a step of 0.5 is 2). With no step known, the user's language decides
    (``decimal_mark``: "." in English, "," in Spanish, Russian, Portuguese, German). Any other
    digit count after it is a decimal ("1,5" and "1.5" are 1.5 everywhere); several groups
    ("1.000.000"), both marks ("1,000.5", "1.000,5") or spaces ("1 000") are never ambiguous."""
    if "," in raw and "." in raw:
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
        raw = raw.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif " " in raw:
        raw = raw.replace(" ", "").replace(",", ".")
    elif "," in raw or "." in raw:
        mark = "," if "," in raw else "."
        if raw.count(mark) > 1:
            grouped = True
        elif _AMBIGUOUS.fullmatch(raw):
            whole = None if step is None else float(step).is_integer()
            grouped = whole if whole is not None else mark != decimal_mark
        else:
            grouped = False
        raw = raw.replace(mark, "" if grouped else ".")
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def _stem(word: str) -> str:
    return word.replace("-", "").removesuffix("s")


def _unit_factor(unit_text: str, goal_unit: str | None,
                 lexicon: Lexicon) -> float | AmountErrorReason:
    """Multiplier turning the reply's unit into the goal's; WRONG_UNIT when the reply names a
    unit that is not the goal's and cannot be converted to it ("10 km" for minutes, "10 minutes"
    for words, "10 pages" for reps). Hours and seconds convert to minutes; a word that is no
    known unit passes for a goal counted in something else (custom units, "10 done")."""
    unit_text = unit_text.strip(" .")
    if not unit_text:
        return 1.0
    goal = _folded(goal_unit) if goal_unit else ""
    goal_word = goal.split()[0] if goal else ""
    goal_time = lexicon.time_units.get(goal_word) if goal else None
    reply_time = lexicon.time_units.get(unit_text)
    if reply_time is not None:
        if goal_time is not None:
            return reply_time / goal_time
        if goal and (goal_word in lexicon.unit_kinds or not unit_text.startswith(goal[:3])):
            return AmountErrorReason.WRONG_UNIT
        return 1.0
    first_word = unit_text.split()[0]
    if not goal:
        return 1.0
    if goal_time is not None:
        time_word = lexicon.time_units.get(first_word)
        if time_word is not None:
            return time_word / goal_time
        return 1.0 if first_word in lexicon.filler else AmountErrorReason.WRONG_UNIT
    reply_kind = lexicon.unit_kinds.get(first_word)
    if reply_kind is None or _stem(first_word) == _stem(goal_word) or reply_kind == "count":
        return 1.0
    return 1.0 if reply_kind == lexicon.unit_kinds.get(goal_word) else AmountErrorReason.WRONG_UNIT


def _fits_step(value: Decimal, step: Decimal) -> bool:
    return value % step == 0


def parse_amount(
    text: str,
    lexicon: Lexicon,
    *,
    step: float | None = None,
    unit: str | None = None,
    allow_zero: bool = False,
    maximum: float | None = None,
) -> float | AmountError:
    """Read an amount: "10", "10 min", "about 10", "12.5", "~10 minutes", "10min", "1,000 words",
    "ten", "1.5 h" (→ 90 for a minutes goal), and the user's language's ("unos 10", "1,5 horas",
    "около 20 минут", "zehn").

    ``step`` is the goal's granularity (50 for words): an amount off the step is an error with
    the nearest fitting value as ``suggestion``. ``unit`` is the goal's unit, used to convert
    hours/seconds to minutes and to refuse "10 pages" for a minutes goal. ``allow_zero`` is for
    "how much did you do?" after a failure, where 0 is an honest answer.
    """
    cleaned = _folded(text).replace("\u2212", "-")
    if not cleaned:
        return AmountError(AmountErrorReason.EMPTY, text)
    cleaned = lexicon.hedges.sub("", cleaned)
    cleaned = lexicon.trailing_hedges.sub("", cleaned).strip()
    if lexicon.range_.match(cleaned):
        return AmountError(AmountErrorReason.RANGE_GIVEN, text)
    value: Decimal | None
    match = _NUMBER.match(cleaned)
    if match is not None:
        value = _to_decimal(match["number"], step, lexicon.decimal_mark)
        if value is not None and match["sign"] in ("-", "\u2212"):
            value = -value
        rest = cleaned[match.end() :]
    else:
        words = _parse_number_words(cleaned, lexicon)
        if words is None:
            return AmountError(AmountErrorReason.NOT_A_NUMBER, text)
        value, rest = Decimal(str(words[0])), words[1]
    if value is None or not value.is_finite():
        return AmountError(AmountErrorReason.NOT_A_NUMBER, text)
    rest = lexicon.trailing_hedges.sub("", rest.strip()).strip()
    if rest and not re.fullmatch(r"[^\d]*", rest):
        return AmountError(AmountErrorReason.NOT_A_NUMBER, text)
    factor = _unit_factor(rest, unit, lexicon)
    if isinstance(factor, AmountErrorReason):
        return AmountError(factor, text)
    if factor != 1.0:
        value = value * Decimal(str(factor))
        value = value.quantize(Decimal("0.001")).normalize()
    return _checked_amount(value, text, step=step, allow_zero=allow_zero, maximum=maximum)


def _checked_amount(
    value: Decimal, text: str, *, step: float | None, allow_zero: bool, maximum: float | None
) -> float | AmountError:
    if value < 0:
        reason = AmountErrorReason.NEGATIVE if allow_zero else AmountErrorReason.NOT_POSITIVE
        return AmountError(reason, text)
    if value == 0 and not allow_zero:
        return AmountError(AmountErrorReason.NOT_POSITIVE, text)
    if maximum is not None and value > Decimal(str(maximum)):
        return AmountError(AmountErrorReason.TOO_LARGE, text, float(maximum))
    if step is not None and value != 0:
        if not (step > 0 and math.isfinite(step)):
            raise ValueError(f"step must be a positive finite number, got {step}")
        step_d = Decimal(str(step))
        if not _fits_step(value, step_d):
            steps = max(1, int((value / step_d).to_integral_value()))
            return AmountError(AmountErrorReason.OFF_STEP, text, float(step_d * steps))
    return float(value)


# --------------------------------------------------------------------------- target, effort

def skips_question(text: str, lexicon: Lexicon) -> bool:
    """True for an answer that skips an optional question ("skip", "-", "paso", "пропустить")."""
    return _folded(text) in lexicon.skip_question


def parse_target(
    text: str,
    lexicon: Lexicon,
    *,
    current: float | None = None,
    step: float | None = None,
    unit: str | None = None,
    maximum: float | None = None,
) -> float | AmountError | None:
    """Read the optional long-term target: None when the user skips ("skip", "no", "not sure").

    A target at or below today's ``current`` amount is refused: it would be reached on day one.
    """
    if _folded(text) in lexicon.no_target:
        return None
    amount = parse_amount(text, lexicon, step=step, unit=unit, maximum=maximum)
    if isinstance(amount, AmountError):
        return amount
    if current is not None and amount <= current:
        return AmountError(AmountErrorReason.NOT_ABOVE_CURRENT, text, None)
    return amount


@lru_cache(maxsize=32)
def _effort_pattern(lexicon: Lexicon) -> re.Pattern[str]:
    """"3", "3/5", "3 out of 5", "3 de 5", "3 из 5", then optionally the level's words: "3 just
    right", "4 - hard" (one pattern per language, cached: lexicons are built once)."""
    return re.compile(
        rf"^(?:(?P<number>[1-5])(?:\s*(?:/|{lexicon.out_of})\s*5)?)?\s*[-:=.)]?\s*"
        r"(?P<words>[^\d]*)$"
    )


def parse_effort(text: str, lexicon: Lexicon) -> int | None:
    """Effort on the 1 (very easy) … 5 (maximal) scale: "3", "3/5", "3️⃣", "hard", "Just right",
    or a button's label typed out ("4 hard", "5 MAXIMAL 💪"), in the user's language or English
    ("difícil", "тяжело", "puxado", "anstrengend").

    Case, spacing and emoji do not matter. A number and words that name different levels
    ("2 hard") are None: the bot asks again rather than picks one.
    """
    words, _ = _split_symbols(text)
    match = _effort_pattern(lexicon).match(words)
    if match is None:
        return None
    number = int(match["number"]) if match["number"] else None
    named = match["words"].strip()
    level = lexicon.effort.get(named) if named else None
    if level is None and named and 1 <= lexicon.numbers.get(named, 0) <= 5:
        level = lexicon.numbers[named]  # "three", "tres", "три"
    if named and level is None:
        return None
    if number is not None and level is not None and number != level:
        return None
    return number if number is not None else level


# --------------------------------------------------------------------------- doubt

def expresses_doubt(text: str, lexicon: Lexicon) -> bool:
    """True if the reply voices doubt about being able to do it ("I can't", "too hard",
    "no way", "impossible", "I don't think I can", "not sure I can", "I give up", "I'll never
    manage").

    A negated phrase ("it's not too hard", "nothing is impossible", "I won't give up") is not
    doubt, and neither is "not sure" alone (an answer that skips a question). The same in the
    user's language: "no puedo", "не смогу", "não consigo", "ich schaffe das nicht"; not "no es
    tan difícil".
    """
    cleaned = _folded(text)
    return any(phrases.found(cleaned) for phrases in lexicon.doubt)


# --------------------------------------------------------------------------- failure reason

# What got in the way, in words (Lexicon.reasons): each phrase names one reason. Matched anywhere
# in a short answer ("it was too hard", "I was sick"), not after a negation ("not too hard, just
# busy").
_REASON_MAX_WORDS: Final = 12  # longer messages are about something else: not read as a reason


def parse_reason(text: str, lexicon: Lexicon) -> FailureReason | None:
    """Why a challenge failed, in words: "too hard", "no time", "was sick", "other", or a
    button's label typed out ("😫 Too hard"); "demasiado difícil", "не успел", "sem tempo",
    "krank". None unless exactly one reason is named, not negated ("not too hard") and in a
    short answer: the bot asks rather than guesses. The user's language is read first; English
    only when it names nothing."""
    words, _ = _split_symbols(text)
    if not words or len(words.split()) > _REASON_MAX_WORDS:
        return None
    for language in lexicon.reasons:
        found = {reason for reason, phrases in language.items() if phrases.found(words)}
        if found:
            return found.pop() if len(found) == 1 else None
    return None


# --------------------------------------------------------------------------- confidence

def parse_confidence(text: str, lexicon: Lexicon) -> int | None:
    """How sure the person is, 0-100 (Bandura's scale): "70", "80%", "about 60", "70/100",
    "I'm 70% sure", "70 por ciento", "уверен на 70%" (`Lexicon.confidence`).

    A bare number below 10 is None: "3" reads as effort or a count, not "3 % sure"; with a
    percent sign it is a rating ("5%"). Above 100 is None.
    """
    match = lexicon.confidence.match(_folded(text).replace("\u2009", " "))
    if match is None:
        return None
    value = int(match["n"])
    if value > 100 or (value < 10 and not match["pc"]):
        return None
    return value
