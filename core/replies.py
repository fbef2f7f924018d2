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
from typing import Final

from core.vocabulary import FailureReason, Outcome

__all__ = [
    "AmountError",
    "AmountErrorReason",
    "Outcome",
    "expresses_doubt",
    "normalise",
    "parse_amount",
    "parse_confidence",
    "parse_effort",
    "parse_outcome",
    "parse_reason",
    "parse_target",
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


def _split_symbols(text: str) -> tuple[str, str]:
    """Separate symbol characters (emoji, ✓, ✗) from the words around them."""
    words: list[str] = []
    symbols: list[str] = []
    for char in text:
        (symbols if unicodedata.category(char) in ("So", "Sk", "Sm") else words).append(char)
    return normalise("".join(words)), "".join(symbols)


# --------------------------------------------------------------------------- outcomes

# Outcome is core.vocabulary's (re-exported here: what parse_outcome returns).


_OUTCOME_WORDS: dict[Outcome, frozenset[str]] = {
    Outcome.DONE: frozenset(
        {
            "done", "did it", "i did it", "i did", "did", "done it", "all done", "yes", "y",
            "yep", "yeah", "yup", "ya", "yes i did", "completed", "complete", "finished",
            "nailed it", "success", "ok done", "done done",
        }
    ),
    Outcome.FAILED: frozenset(
        {
            "failed", "fail", "i failed", "couldn't", "couldnt", "could not", "i couldn't",
            "i couldnt", "couldn't do it", "could not do it", "no", "n", "nope", "nah",
            "didn't", "didnt", "did not", "i didn't", "i didnt", "didn't do it", "not done",
            "not today", "no i didn't", "missed it",
        }
    ),
    Outcome.SKIPPED: frozenset(
        {"skip", "skip today", "skipped", "skip it", "rest", "rest day", "pass", "skipping"}
    ),
}

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


def parse_outcome(text: str) -> Outcome | None:
    """Read "done", "did it", "yes", "✅", "failed", "couldn't", "no", "❌", "skip" and variants.

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
        word_vote = next((o for o, names in _OUTCOME_WORDS.items() if words in names), None)
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


_HEDGES = re.compile(
    r"^(?:about|around|approx(?:imately|\.)?|roughly|maybe|perhaps|probably|like|circa|ca\.?"
    r"|abt|almost|nearly|close to|at least|at most|just over|just under|over|under|up to"
    r"|~|\u2248|\+/-)\s*"
)
_TRAILING_HEDGES = re.compile(r"\s*(?:-?ish|or so|or something|give or take|max|tops)$")
_RANGE = re.compile(r"^\d+(?:[.,]\d+)?\s*(?:-|\u2013|\u2014|to|or)\s*\d")
_NUMBER = re.compile(
    r"^(?P<sign>[-+\u2212])?\s*"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 1,000 / 1,000.5
    r"|\d{1,3}(?:\.\d{3})+(?![\d.,])"  # 1.000 / 1.000.000 (read by _to_decimal)
    r"|\d{1,3}(?: \d{3})+(?![\d.,])"  # 1 000
    r"|\d+(?:[.,]\d+)?"  # 10 / 12.5 / 12,5
    r"|[.,]\d+)"  # .5
)

_SMALL_NUMBERS = {
    name: value
    for value, name in enumerate(
        (
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
            "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
            "seventeen", "eighteen", "nineteen",
        )
    )
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}

# Time units convert to the goal's unit; any other known unit must not meet a time goal.
_TIME_UNITS: dict[str, float] = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1 / 60),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes", "mn", "'"), 1.0),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 60.0),
}
# Other units people type, by what they measure: a reply in one of these meets only a goal of
# the same kind (``_unit_kind``); "reps" and "times" count anything that is not time.
_UNIT_KINDS: dict[str, str] = {
    **dict.fromkeys(("rep", "reps", "repetition", "repetitions", "time", "times", "x"), "count"),
    **dict.fromkeys(("push-up", "push-ups", "pushup", "pushups", "push", "squat", "squats",
                     "sit-up", "sit-ups", "situp", "situps", "pull-up", "pull-ups", "pullup",
                     "pullups"), "count"),
    **dict.fromkeys(("word", "words"), "words"),
    **dict.fromkeys(("page", "pages", "pg", "pp"), "pages"),
    **dict.fromkeys(("km", "kms", "kilometre", "kilometres", "kilometer", "kilometers"), "km"),
    **dict.fromkeys(("mi", "mile", "miles"), "mi"),
    **dict.fromkeys(("metre", "metres", "meter", "meters"), "metres"),
    **dict.fromkeys(("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"), "kg"),
    **dict.fromkeys(("lb", "lbs", "pound", "pounds"), "lb"),
    **dict.fromkeys(("g", "gram", "grams"), "g"),
    **dict.fromkeys(("lap", "laps"), "laps"),
    **dict.fromkeys(("set", "sets"), "sets"),
    **dict.fromkeys(("step", "steps"), "steps"),
    **dict.fromkeys(("cal", "kcal", "calorie", "calories"), "energy"),
}
# Words that may follow the number for a time goal without naming a unit ("10 today").
_FILLER = frozenset({"today", "done", "total", "in", "only", "yesterday", "so", "far", "now",
                     "just", "all", "of", "i", "think", "or", "and", "tonight", "this",
                     "morning", "evening", "again"})


def _parse_number_words(text: str) -> tuple[float, str] | None:
    """"ten", "twenty five", "twenty-five minutes", "a hundred" → (value, rest)."""
    tokens = text.replace("-", " ").split()
    if not tokens:
        return None
    value: int | None = None
    used = 0
    if tokens[0] in ("a", "an") and len(tokens) > 1 and tokens[1] == "hundred":
        return 100.0, " ".join(tokens[2:])
    if tokens[0] in _TENS:
        value = _TENS[tokens[0]]
        used = 1
        if len(tokens) > 1 and tokens[1] in _SMALL_NUMBERS and 0 < _SMALL_NUMBERS[tokens[1]] < 10:
            value += _SMALL_NUMBERS[tokens[1]]
            used = 2
    elif tokens[0] in _SMALL_NUMBERS:
        value = _SMALL_NUMBERS[tokens[0]]
        used = 1
    if value is None:
        return None
    if len(tokens) > used and tokens[used] == "hundred":
        value *= 100
        used += 1
    return float(value), " ".join(tokens[used:])


_COMMA_GROUPS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DOT_GROUPS = re.compile(r"\d{1,3}(?:\.\d{3})+")


def _to_decimal(raw: str, step: float | None) -> Decimal | None:
    """The number in ``raw``. A "." or "," followed by exactly three digits is ambiguous ("1.000"
    is one thousand in Berlin, one in London): it is a thousands separator when the goal's step
    is whole (no amount of push-ups has three decimals) and a decimal point when the step is a
    fraction ("2.000" on a step of 0.5 is 2). With no step known, English usage decides: ","
    groups thousands, "." is the decimal point. Any other digit count after it is a decimal;
    several groups ("1.000.000") or both marks ("1,000.5") are never ambiguous."""
    whole = None if step is None else float(step).is_integer()
    one_group = re.fullmatch(r"\d{1,3}[.,]\d{3}", raw) is not None  # "1,000.5" is not ambiguous
    if _COMMA_GROUPS.fullmatch(raw) and not (one_group and whole is False):
        raw = raw.replace(",", "")
    elif _DOT_GROUPS.fullmatch(raw) and (whole or not one_group):
        raw = raw.replace(".", "")
    elif " " in raw:
        raw = raw.replace(" ", "")
    else:
        raw = raw.replace(",", ".")
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def _stem(word: str) -> str:
    return word.replace("-", "").removesuffix("s")


def _unit_factor(unit_text: str, goal_unit: str | None) -> float | AmountErrorReason:
    """Multiplier turning the reply's unit into the goal's; WRONG_UNIT when the reply names a
    unit that is not the goal's and cannot be converted to it ("10 km" for minutes, "10 minutes"
    for words, "10 pages" for reps). Hours and seconds convert to minutes; a word that is no
    known unit passes for a goal counted in something else (custom units, "10 done")."""
    unit_text = unit_text.strip(" .")
    if not unit_text:
        return 1.0
    goal = normalise(goal_unit) if goal_unit else ""
    goal_word = goal.split()[0] if goal else ""
    goal_time = _TIME_UNITS.get(goal_word) if goal else None
    reply_time = _TIME_UNITS.get(unit_text)
    if reply_time is not None:
        if goal_time is not None:
            return reply_time / goal_time
        if goal and (goal_word in _UNIT_KINDS or not unit_text.startswith(goal[:3])):
            return AmountErrorReason.WRONG_UNIT
        return 1.0
    first_word = unit_text.split()[0]
    if not goal:
        return 1.0
    if goal_time is not None:
        time_word = _TIME_UNITS.get(first_word)
        if time_word is not None:
            return time_word / goal_time
        return 1.0 if first_word in _FILLER else AmountErrorReason.WRONG_UNIT
    reply_kind = _UNIT_KINDS.get(first_word)
    if reply_kind is None or _stem(first_word) == _stem(goal_word) or reply_kind == "count":
        return 1.0
    return 1.0 if reply_kind == _UNIT_KINDS.get(goal_word) else AmountErrorReason.WRONG_UNIT


def _fits_step(value: Decimal, step: Decimal) -> bool:
    return value % step == 0


def parse_amount(
    text: str,
    *,
    step: float | None = None,
    unit: str | None = None,
    allow_zero: bool = False,
    maximum: float | None = None,
) -> float | AmountError:
    """Read an amount: "10", "10 min", "about 10", "12.5", "~10 minutes", "10min", "1,000 words",
    "ten", "1.5 h" (→ 90 for a minutes goal).

    ``step`` is the goal's granularity (50 for words): an amount off the step is an error with
    the nearest fitting value as ``suggestion``. ``unit`` is the goal's unit, used to convert
    hours/seconds to minutes and to refuse "10 pages" for a minutes goal. ``allow_zero`` is for
    "how much did you do?" after a failure, where 0 is an honest answer.
    """
    cleaned = normalise(text).replace("\u2212", "-")
    if not cleaned:
        return AmountError(AmountErrorReason.EMPTY, text)
    cleaned = _HEDGES.sub("", cleaned)
    cleaned = _TRAILING_HEDGES.sub("", cleaned).strip()
    if _RANGE.match(cleaned):
        return AmountError(AmountErrorReason.RANGE_GIVEN, text)
    value: Decimal | None
    match = _NUMBER.match(cleaned)
    if match is not None:
        value = _to_decimal(match["number"], step)
        if value is not None and match["sign"] in ("-", "\u2212"):
            value = -value
        rest = cleaned[match.end() :]
    else:
        words = _parse_number_words(cleaned)
        if words is None:
            return AmountError(AmountErrorReason.NOT_A_NUMBER, text)
        value, rest = Decimal(str(words[0])), words[1]
    if value is None or not value.is_finite():
        return AmountError(AmountErrorReason.NOT_A_NUMBER, text)
    rest = _TRAILING_HEDGES.sub("", rest.strip()).strip()
    if rest and not re.fullmatch(r"[^\d]*", rest):
        return AmountError(AmountErrorReason.NOT_A_NUMBER, text)
    factor = _unit_factor(rest, unit)
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

_NO_TARGET = frozenset(
    {
        "skip", "no", "none", "no target", "no goal", "nope", "n/a", "na", "not sure", "later",
        "don't know", "dont know", "dunno", "idk", "no idea", "nothing", "not now", "pass",
    }
)


def parse_target(
    text: str,
    *,
    current: float | None = None,
    step: float | None = None,
    unit: str | None = None,
    maximum: float | None = None,
) -> float | AmountError | None:
    """Read the optional long-term target: None when the user skips ("skip", "no", "not sure").

    A target at or below today's ``current`` amount is refused: it would be reached on day one.
    """
    if normalise(text) in _NO_TARGET:
        return None
    amount = parse_amount(text, step=step, unit=unit, maximum=maximum)
    if isinstance(amount, AmountError):
        return amount
    if current is not None and amount <= current:
        return AmountError(AmountErrorReason.NOT_ABOVE_CURRENT, text, None)
    return amount


_EFFORT_WORDS = {
    "very easy": 1, "trivial": 1, "too easy": 1,
    "easy": 2, "fairly easy": 2,
    "just right": 3, "moderate": 3, "medium": 3, "ok": 3, "okay": 3, "fine": 3,
    "so so": 3, "so-so": 3,
    "hard": 4, "tough": 4, "difficult": 4, "quite hard": 4,
    "very hard": 5, "maximal": 5, "maximal effort": 5, "max": 5, "max effort": 5, "maximum": 5,
    "brutal": 5, "all out": 5,
}
_EFFORT_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
# "3", "3/5", "3 out of 5", then optionally the level's words: "3 just right", "4 - hard".
_EFFORT = re.compile(
    r"^(?:(?P<number>[1-5])(?:\s*(?:/|of|out of)\s*5)?)?\s*[-:=.)]?\s*(?P<words>[^\d]*)$"
)


def parse_effort(text: str) -> int | None:
    """Effort on the 1 (very easy) … 5 (maximal) scale: "3", "3/5", "3️⃣", "hard", "Just right",
    or a button's label typed out ("4 hard", "5 MAXIMAL 💪").

    Case, spacing and emoji do not matter. A number and words that name different levels
    ("2 hard") are None: the bot asks again rather than picks one.
    """
    words, _ = _split_symbols(text)
    match = _EFFORT.match(words)
    if match is None:
        return None
    number = int(match["number"]) if match["number"] else None
    named = match["words"].strip()
    level = _EFFORT_WORDS.get(named, _EFFORT_NUMBER_WORDS.get(named)) if named else None
    if named and level is None:
        return None
    if number is not None and level is not None and number != level:
        return None
    return number if number is not None else level


# --------------------------------------------------------------------------- doubt

_I_CAN = r"i(?:'ll| will| can| could| would|'m able| am able)"
# Phrases a negation just before turns around ("don't give up", "I don't doubt I can").
_NOT_AFTER = (r"(?<!don't )(?<!dont )(?<!do not )(?<!won't )(?<!wont )(?<!will not )"
              r"(?<!not going to )(?<!not gonna )(?<!no )")
_DOUBT_PATTERNS = (
    re.compile(r"\bi\s*(?:can'?t|cannot|can not)\b(?!\s+(?:wait|believe|stop))"),
    re.compile(r"\bcan'?t (?:do|manage|make) (?:it|this|that)\b"),
    re.compile(r"\btoo (?:hard|much|difficult|big|far|long|ambitious|steep)\b"),
    re.compile(r"\bno way\b"),
    re.compile(r"\b(?:impossible|hopeless)\b"),
    re.compile(r"\bnot (?:possible|able|doable|realistic)\b"),
    re.compile(r"\b(?:won'?t|will not|wouldn'?t|would not|never) be able\b"),
    re.compile(r"\bunable\b"),
    re.compile(r"\b(?:no|not a) chance\b"),
    re.compile(r"\bi doubt\b"),
    re.compile(r"\bout of (?:my )?reach\b"),
    # "I don't think I can", "not sure I can", "doubt I'll manage": belief about oneself,
    # not "not sure" alone (a skip word) nor "I don't doubt I can".
    re.compile(rf"\b(?:don'?t|do not) (?:think|believe|feel like) (?:that )?{_I_CAN}\b"),
    re.compile(rf"{_NOT_AFTER}\b(?:not sure|unsure|not certain|don'?t know|dunno|doubt)"
               rf"(?: (?:if|that|whether))? {_I_CAN}\b"),
    # "I give up", "giving up"; not "never give up", "I won't give up", "not going to give up".
    re.compile(rf"{_NOT_AFTER}\b(?:give|giving|gave) up\b"),
    re.compile(r"\bnever (?:going to |gonna )?(?:manage|make it|get there|do (?:it|this|that))\b"),
    re.compile(r"\b(?:won'?t|will not|not going to|not gonna) (?:manage|make it)\b"),
    re.compile(r"\bno hope\b"),
)
_NEGATORS = ("not", "isn't", "isnt", "wasn't", "wasnt", "never", "nothing", "hardly", "not that")


def expresses_doubt(text: str) -> bool:
    """True if the reply voices doubt about being able to do it ("I can't", "too hard",
    "no way", "impossible", "I don't think I can", "not sure I can", "I give up", "I'll never
    manage").

    A negated phrase ("it's not too hard", "nothing is impossible", "I won't give up") is not
    doubt, and neither is "not sure" alone (an answer that skips a question).
    """
    cleaned = normalise(text)
    for pattern in _DOUBT_PATTERNS:
        for match in pattern.finditer(cleaned):
            before = cleaned[: match.start()].split()[-2:]
            if not any(word in _NEGATORS for word in before):
                return True
    return False


# --------------------------------------------------------------------------- failure reason

# What got in the way, in words: each phrase names one reason. Matched anywhere in a short
# answer ("it was too hard", "I was sick"), not after a negation ("not too hard, just busy").
_REASON_PATTERNS: dict[FailureReason, re.Pattern[str]] = {
    FailureReason.TOO_HARD: re.compile(
        r"\b(?:too (?:hard|difficult|big|far|long|heavy|tough|ambitious|steep)"
        r"|hard|difficult|beyond me|couldn'?t manage|could not manage|over my head)\b"),
    FailureReason.NO_TIME: re.compile(
        r"\b(?:no time|not enough time|(?:didn'?t|did not|don'?t) have (?:the )?time"
        r"|ran out of time|out of time|(?:too )?busy)\b"),
    FailureReason.UNWELL: re.compile(
        r"\b(?:unwell|sick|ill(?:ness)?|not (?:feeling )?well|injur(?:ed|y)|hurt|pain"
        r"|headache|migraine|fever|flu|a cold)\b"),
    FailureReason.OTHER: re.compile(
        r"\b(?:other|something else|another reason|something came up|other reasons?)\b"),
}
_REASON_MAX_WORDS: Final = 12  # longer messages are about something else: not read as a reason


def parse_reason(text: str) -> FailureReason | None:
    """Why a challenge failed, in words: "too hard", "no time", "was sick", "other", or a
    button's label typed out ("😫 Too hard"). None unless exactly one reason is named, not
    negated ("not too hard") and in a short answer: the bot asks rather than guesses."""
    words, _ = _split_symbols(text)
    if not words or len(words.split()) > _REASON_MAX_WORDS:
        return None
    found: set[FailureReason] = set()
    for reason, pattern in _REASON_PATTERNS.items():
        for match in pattern.finditer(words):
            before = words[: match.start()].split()[-2:]
            if not any(word in _NEGATORS for word in before):
                found.add(reason)
    return found.pop() if len(found) == 1 else None


# --------------------------------------------------------------------------- confidence

# "70", "80%", "80 %", "about 70", "70/100", "70 percent", "I'm 70% sure", "70 sure".
_CONFIDENCE = re.compile(
    r"^(?:i'?m |i am )?(?:about |around |maybe |roughly |~)?(?P<n>\d{1,3})"
    r"(?P<pc>\s*(?:%|percent|per cent|/\s*100|out of 100))?(?: sure| confident)?$"
)


def parse_confidence(text: str) -> int | None:
    """How sure the person is, 0-100 (Bandura's scale): "70", "80%", "about 60", "70/100".

    A bare number below 10 is None: "3" reads as effort or a count, not "3 % sure"; with a
    percent sign it is a rating ("5%"). Above 100 is None.
    """
    match = _CONFIDENCE.match(normalise(text).replace("\u2009", " "))
    if match is None:
        return None
    value = int(match["n"])
    if value > 100 or (value < 10 and not match["pc"]):
        return None
    return value
