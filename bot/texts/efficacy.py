"""Belief and evidence: confidence, the efficacy ladder, the mastery log replayed, the review.

Numbers are facts from core; these functions only put them into sentences. Plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

from bot.i18n import N_, _
from bot.texts.format import format_day_month, percent, plural

# --- confidence before the challenge ------------------------------------------------------------
CONFIDENCE_QUESTION: Final = N_("How sure are you that you can do this today? (optional, 0-100)")
CONFIDENCE_KEPT: Final = N_("You said {value} sure.")
CONFIDENCE_CLOSED: Final = N_("That day is already answered, so its rating stays as it was.")
BEAT_DOUBT: Final = N_("You were {value} sure. You did it.")


def confidence_label(value: int, chosen: bool) -> str:
    return f"✓{value}" if chosen else str(value)


# --- the mastery log, replayed -------------------------------------------------------------------
REPLAY_INTRO: Final[dict[str, str]] = {
    "low_confidence": N_("Not so sure today? Here is what you have already done:"),
    "doubt": N_("It can feel that way. Here is what you have already done:"),
    "two_failures": N_(
        "Two hard days in a row say something about those days, not about what you can do. "
        "What you have done:"
    ),
    "back_after_break": N_("Welcome back. What you did before the break is still yours:"),
}
DOUBT_NO_LOG: Final = N_(
    "It can feel that way. There's no success on record yet, so your first challenge is set "
    "well within reach: one small step is all it asks."
)
# The same with a challenge already tried and not done: "your first challenge is set well within
# reach" would be a promise already broken.
DOUBT_NO_SUCCESS_YET: Final = N_(
    "It can feel that way. There's no success on record yet, and a hard start says little about "
    "what you can do: the next challenge is set within reach, one small step at a time."
)


def replay(reason: str, lines: Sequence[str]) -> str:
    intro = _(REPLAY_INTRO.get(reason, REPLAY_INTRO["doubt"]))
    return "\n".join([intro, *(f"• {line}" for line in lines)])


# --- the efficacy ladder -------------------------------------------------------------------------
LADDER_INTRO: Final = N_(
    "One more thing, for the record of your belief. For each amount: how sure are you that you "
    "could do it today? 0 = not at all, 100 = certain. Tap one number per row."
)
LADDER_REVIEW_INTRO: Final = N_("Rate the ladder again: how sure are you today, for each amount?")
LADDER_DONE: Final = N_("Ladder saved: strength {strength:.0f} of 100, level {level} of {total}.")
LADDER_FIRST: Final = N_("This is your first rating; the next one shows how your belief moves.")
LADDER_UP: Final = N_("Since last time: strength {before:.0f} → {after:.0f} (+{delta:.0f})")
LADDER_DOWN: Final = N_("Since last time: strength {before:.0f} → {after:.0f} ({delta:.0f})")
LADDER_SAME: Final = N_("Since last time: strength unchanged at {after:.0f}")
LADDER_LEVEL: Final = N_(", level {before} → {after}.")
LADDER_MOVED_UP: Final = N_(
    " The rungs moved up with your level, so the same sureness now covers more."
)
LADDER_ALREADY: Final = N_("That ladder is already saved; nothing changed.")
LADDER_STALE: Final = N_("That button is out of date. Nothing changed.")


def ladder_done(strength: float, level: int, total: int) -> str:
    return _(LADDER_DONE).format(strength=strength, level=level, total=total)


def ladder_change(before: float, after: float, level_before: int, level_after: int,
                  same_ladder: bool) -> str:
    delta = after - before
    if round(delta) > 0:
        head = _(LADDER_UP).format(before=before, after=after, delta=delta)
    elif round(delta) < 0:
        head = _(LADDER_DOWN).format(before=before, after=after, delta=delta)
    else:
        head = _(LADDER_SAME).format(after=after)
    text = head + _(LADDER_LEVEL).format(before=level_before, after=level_after)
    return text + ("" if same_ladder else _(LADDER_MOVED_UP))


# --- belief against evidence ----------------------------------------------------------------------
BELIEF: Final[dict[str, str]] = {
    "under_confident": N_(
        "Over {period} you were on average {confidence} sure and succeeded "
        "{rate} of the time ({n} rated days): you are under-confident — you can do more "
        "than you believe."
    ),
    "calibrated": N_(
        "Over {period} you were on average {confidence} sure and succeeded "
        "{rate} of the time ({n} rated days): your belief matches the evidence."
    ),
    "over_confident": N_(
        "Over {period} you were on average {confidence} sure and succeeded "
        "{rate} of the time ({n} rated days): a little less than you expected. The "
        "challenges adjust to that."
    ),
    "too_few": N_(
        "Rate how sure you are on the daily message (0-100) on a few more days and the review "
        "will show how your belief compares with what you do."
    ),
}
BELIEF_LAST_WEEK: Final = N_("the last week")
BELIEF_LAST_WEEKS: Final = N_("the last {weeks}")
BELIEF_WEEKS_TITLE: Final = N_("Week by week (sure → done):")


def belief(verdict: str, weeks: int, confidence: float, rate: float, n: int) -> str:
    period = _(BELIEF_LAST_WEEK) if weeks == 1 else _(BELIEF_LAST_WEEKS).format(
        weeks=plural(weeks, "{n} week", "{n} weeks"))
    return _(BELIEF[verdict]).format(period=period, confidence=percent(confidence),
                                     rate=percent(rate), n=n)


def belief_week(start: date, confidence: float, rate: float) -> str:
    return f"{format_day_month(start)}: {percent(confidence)} → {percent(rate)}"


# --- the weekly review ----------------------------------------------------------------------
REVIEW_TITLE: Final = N_("Your week, {start} - {end}.")
REVIEW_NO_SUCCESS: Final = N_("No success recorded this week.")
REVIEW_LEVEL_UP: Final = N_("Your level rose from {before} to {after} (you started at {start}).")
REVIEW_LEVEL_SAME: Final = N_("Your level holds at {after} (you started at {start}).")
REVIEW_LEVEL_DOWN: Final = N_(
    "A harder week: your level is {after}, down from {before} (you started at {start}). The "
    "challenges step back to where success is likely again."
)
REVIEW_HIGHLIGHT: Final = N_("Highlight: {line}")
REVIEW_EVIDENCE: Final = N_("From your record: {line}")
REVIEW_QUIET: Final = N_(
    "A quiet week: nothing was answered. That's fine — your record stays yours, and "
    "tomorrow's challenge is set within reach."
)


def review_title(start: date, end: date) -> str:
    return _(REVIEW_TITLE).format(start=format_day_month(start), end=format_day_month(end))


def review_successes(count: int, total: int) -> str:
    if count == 0:
        return _(REVIEW_NO_SUCCESS)
    return plural(count, "{n} success this week, {total} in all.",
                  "{n} successes this week, {total} in all.", total=total)


def review_level(before: str, after: str, start: str, rose: bool, fell: bool = False) -> str:
    template = _(REVIEW_LEVEL_UP if rose else REVIEW_LEVEL_DOWN if fell else REVIEW_LEVEL_SAME)
    return template.format(before=before, after=after, start=start)
