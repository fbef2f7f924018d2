"""Belief and evidence: confidence, the efficacy ladder, the mastery log replayed, the review.

Numbers are facts from core; these functions only put them into sentences. Plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

from bot.texts.format import format_day_month, plural

# --- confidence before the challenge ------------------------------------------------------------
CONFIDENCE_QUESTION: Final = "How sure are you that you can do this today? (optional, 0-100)"
CONFIDENCE_KEPT: Final = "You said {value} % sure."
CONFIDENCE_CLOSED: Final = "That day is already answered, so its rating stays as it was."
BEAT_DOUBT: Final = "You were {value} % sure. You did it."


def confidence_label(value: int, chosen: bool) -> str:
    return f"✓{value}" if chosen else str(value)


# --- the mastery log, replayed -------------------------------------------------------------------
REPLAY_INTRO: Final[dict[str, str]] = {
    "low_confidence": "Not so sure today? Here is what you have already done:",
    "doubt": "It can feel that way. Here is what you have already done:",
    "two_failures": (
        "Two hard days in a row say something about those days, not about what you can do. "
        "What you have done:"
    ),
    "back_after_break": "Welcome back. What you did before the break is still yours:",
}
DOUBT_NO_LOG: Final = (
    "It can feel that way. There's no success on record yet, so your first challenge is set "
    "well within reach: one small step is all it asks."
)
# The same with a challenge already tried and not done: "your first challenge is set well within
# reach" would be a promise already broken.
DOUBT_NO_SUCCESS_YET: Final = (
    "It can feel that way. There's no success on record yet, and a hard start says little about "
    "what you can do: the next challenge is set within reach, one small step at a time."
)


def replay(reason: str, lines: Sequence[str]) -> str:
    intro = REPLAY_INTRO.get(reason, REPLAY_INTRO["doubt"])
    return "\n".join([intro, *(f"• {line}" for line in lines)])


# --- the efficacy ladder -------------------------------------------------------------------------
LADDER_INTRO: Final = (
    "One more thing, for the record of your belief. For each amount: how sure are you that you "
    "could do it today? 0 = not at all, 100 = certain. Tap one number per row."
)
LADDER_REVIEW_INTRO: Final = "Rate the ladder again: how sure are you today, for each amount?"
LADDER_DONE: Final = "Ladder saved: strength {strength:.0f} of 100, level {level} of {total}."
LADDER_FIRST: Final = "This is your first rating; the next one shows how your belief moves."
LADDER_UP: Final = "Since last time: strength {before:.0f} → {after:.0f} (+{delta:.0f})"
LADDER_DOWN: Final = "Since last time: strength {before:.0f} → {after:.0f} ({delta:.0f})"
LADDER_SAME: Final = "Since last time: strength unchanged at {after:.0f}"
LADDER_LEVEL: Final = ", level {before} → {after}."
LADDER_MOVED_UP: Final = (
    " The rungs moved up with your level, so the same sureness now covers more."
)
LADDER_ALREADY: Final = "That ladder is already saved; nothing changed."
LADDER_STALE: Final = "That button is out of date. Nothing changed."


def ladder_done(strength: float, level: int, total: int) -> str:
    return LADDER_DONE.format(strength=strength, level=level, total=total)


def ladder_change(before: float, after: float, level_before: int, level_after: int,
                  same_ladder: bool) -> str:
    delta = after - before
    if round(delta) > 0:
        head = LADDER_UP.format(before=before, after=after, delta=delta)
    elif round(delta) < 0:
        head = LADDER_DOWN.format(before=before, after=after, delta=delta)
    else:
        head = LADDER_SAME.format(after=after)
    text = head + LADDER_LEVEL.format(before=level_before, after=level_after)
    return text + ("" if same_ladder else LADDER_MOVED_UP)


# --- belief against evidence ----------------------------------------------------------------------
BELIEF: Final[dict[str, str]] = {
    "under_confident": (
        "Over {period} you were on average {confidence:.0f} % sure and succeeded "
        "{rate:.0f} % of the time ({n} rated days): you are under-confident — you can do more "
        "than you believe."
    ),
    "calibrated": (
        "Over {period} you were on average {confidence:.0f} % sure and succeeded "
        "{rate:.0f} % of the time ({n} rated days): your belief matches the evidence."
    ),
    "over_confident": (
        "Over {period} you were on average {confidence:.0f} % sure and succeeded "
        "{rate:.0f} % of the time ({n} rated days): a little less than you expected. The "
        "challenges adjust to that."
    ),
    "too_few": (
        "Rate how sure you are on the daily message (0-100) on a few more days and the review "
        "will show how your belief compares with what you do."
    ),
}
BELIEF_LAST_WEEK: Final = "the last week"
BELIEF_LAST_WEEKS: Final = "the last {weeks}"
BELIEF_WEEKS_TITLE: Final = "Week by week (sure → done):"


def belief(verdict: str, weeks: int, confidence: float, rate: float, n: int) -> str:
    period = BELIEF_LAST_WEEK if weeks == 1 else BELIEF_LAST_WEEKS.format(
        weeks=plural(weeks, "week", "weeks"))
    return BELIEF[verdict].format(period=period, confidence=confidence, rate=rate, n=n)


def belief_week(start: date, confidence: float, rate: float) -> str:
    return f"{format_day_month(start)}: {confidence:.0f} % → {rate:.0f} %"


# --- the weekly review ----------------------------------------------------------------------
REVIEW_TITLE: Final = "Your week, {start} - {end}."
REVIEW_SUCCESSES: Final[dict[int, str]] = {
    0: "No success recorded this week.",
    1: "1 success this week, {total} in all.",
}
REVIEW_SUCCESSES_MANY: Final = "{count} this week, {total} in all."
REVIEW_LEVEL_UP: Final = "Your level rose from {before} to {after} (you started at {start})."
REVIEW_LEVEL_SAME: Final = "Your level holds at {after} (you started at {start})."
REVIEW_LEVEL_DOWN: Final = (
    "A harder week: your level is {after}, down from {before} (you started at {start}). The "
    "challenges step back to where success is likely again."
)
REVIEW_HIGHLIGHT: Final = "Highlight: {line}"
REVIEW_EVIDENCE: Final = "From your record: {line}"
REVIEW_QUIET: Final = (
    "A quiet week: nothing was answered. That's fine — your record stays yours, and "
    "tomorrow's challenge is set within reach."
)


def review_title(start: date, end: date) -> str:
    return REVIEW_TITLE.format(start=format_day_month(start), end=format_day_month(end))


def review_successes(count: int, total: int) -> str:
    template = REVIEW_SUCCESSES.get(count, REVIEW_SUCCESSES_MANY)
    return template.format(count=plural(count, "success", "successes"), total=total)


def review_level(before: str, after: str, start: str, rose: bool, fell: bool = False) -> str:
    template = REVIEW_LEVEL_UP if rose else REVIEW_LEVEL_DOWN if fell else REVIEW_LEVEL_SAME
    return template.format(before=before, after=after, start=start)
