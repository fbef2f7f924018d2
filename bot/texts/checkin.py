"""The daily challenge and its answers: what the coach says, button labels, registrations.

Short sentences; success named with its evidence, failure treated as information.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from bot.i18n import N_, _
from bot.texts import efficacy
from bot.texts.format import format_amount, format_day, ordinal, percent, plural
from core.calibration import LEGACY_REASON
from core.vocabulary import ChallengeStatus, FailureReason

log = logging.getLogger(__name__)

# --- the daily message ----------------------------------------------------------------------
DONE_BUTTON: Final = N_("✅ Done")
FAIL_BUTTON: Final = N_("❌ Not today")
SKIP_BUTTON: Final = N_("Skip today")
LATER_BUTTON: Final = N_("⏰ Later")

# Why today's amount: core.calibration's Plan.reason_key → sentence, filled from Plan.facts.
REASONS: Final[dict[str, str]] = {
    "start": N_("We start at {amount}, the level you said is comfortable today."),
    "start_up": N_("We start one notch above the {last} you said is comfortable today: {amount}."),
    "up": N_("You did {last} {times} and it felt {feel}; {amount} is one notch up."),
    "hold": N_("You did {last} {times} and it felt {feel}; {amount} again lets that level settle."),
    "ease": N_("You did {last} but it felt {feel}, so {amount} keeps the next one within reach."),
    "after_fail": N_(
        "{last} was too hard this time, so {amount} is one you can very likely finish."
    ),
    "after_fail_floor": N_(
        "{last} was too hard this time; {amount} is the smallest step there is, so we try it "
        "on a fresh day."
    ),
    "after_fail_hold": N_(
        "{last} was too hard this time, but your record says it is within reach: {amount} again."
    ),
    "after_gap": N_("After {days} away, {amount} eases you back in."),
    LEGACY_REASON: "{text}",  # a sentence stored before migration 0005 matched none of these
}
# How the last success felt, inside a reason ("it felt hard"); None: the effort was not given.
FEELINGS: Final[dict[int | None, str]] = {
    1: N_("very easy"),
    2: N_("easy"),
    3: N_("just right"),
    4: N_("hard"),
    5: N_("like maximal effort"),
    None: N_("fine"),
}

DAILY = N_(
    "Today's challenge: {amount}.\n{reason}\n"
    "Tap below when you know how it went, or reply done, failed or skip."
)
FOLLOWUP = N_("A reminder, no pressure: today's {amount} is still open. How did it go?")

LATE_QUESTION = N_("Yesterday's {amount} went unanswered — did you do it?")
LATE_DID_BUTTON: Final = N_("Did it")
LATE_DIDNT_BUTTON: Final = N_("Didn't")

# --- done → effort → registered ---------------------------------------------------------------
EFFORT_QUESTION = N_("Done: {amount}. How hard did it feel?")
EFFORT_BUTTONS: Final[dict[int, str]] = {
    1: N_("1 very easy"),
    2: N_("2 easy"),
    3: N_("3 just right"),
    4: N_("4 hard"),
    5: N_("5 maximal"),
}
# The same five levels as words inside a sentence ("11 minutes (hard)"), for the log and replays.
EFFORT_WORDS: Final[dict[int, str]] = {
    1: N_("very easy"),
    2: N_("easy"),
    3: N_("just right"),
    4: N_("hard"),
    5: N_("maximal effort"),
}
REGISTERED = N_(
    "Registered: {amount} on {day}. Your {at_level} success at this level, {total} in all "
    "— you started at {baseline}."
)
UNDO_BUTTON: Final = N_("Undo")
REFLECTION_INVITE = N_("If you like, reply with one line: what made it work?")
REFLECTION_KEPT = N_("Kept with that success. See you tomorrow.")
UNDONE = N_("Undone. Nothing is recorded for that day yet:")
UNDO_TOO_LATE = N_("Too late to undo: answers can be taken back for 10 minutes.")
UNDONE_ABOVE = N_("Undone. The challenge is open again on its message above.")
# The daily message once its day is answered elsewhere (typed, or on the reminder): its buttons
# no longer invite an answer; it says what was recorded and keeps Undo.
ANSWERED_ELSEWHERE = N_("{day}: {amount}. Answered below: {outcome}.")
OUTCOME_WORDS: Final[dict[str, str]] = {
    ChallengeStatus.DONE: N_("done"),
    ChallengeStatus.FAILED: N_("not done"),
    ChallengeStatus.SKIPPED: N_("rest day"),
}

# --- failed → reason → how much → what next ---------------------------------------------------
REASON_QUESTION = N_("Logged as not done: {amount}. What got in the way?")
# The reasons themselves are core.vocabulary.FailureReason; only their words live here.
REASON_BUTTONS: Final[dict[FailureReason, str]] = {
    FailureReason.TOO_HARD: N_("Too hard"),
    FailureReason.NO_TIME: N_("No time"),
    FailureReason.UNWELL: N_("Unwell"),
    FailureReason.OTHER: N_("Other"),
}
REASON_LOGGED = N_("Logged: {reason}.")
# The reasons inside a sentence ("Logged: too hard."), not capitalised as on their buttons.
REASON_WORDS: Final[dict[FailureReason, str]] = {
    FailureReason.TOO_HARD: N_("too hard"),
    FailureReason.NO_TIME: N_("no time"),
    FailureReason.UNWELL: N_("unwell"),
    FailureReason.OTHER: N_("other"),
}
ACHIEVED_QUESTION = N_("How many {unit} did you do? A number (0 is fine), or skip.")
ACHIEVED_INVALID = N_("I need a number of {unit} between 0 and {amount}, like 5, or skip.")
FAILED_NEXT: Final[dict[FailureReason, str]] = {
    FailureReason.TOO_HARD: N_("Logged — that step was too big."),
    FailureReason.NO_TIME: N_("Logged — a day without time says nothing about what you can do."),
    FailureReason.UNWELL: N_(
        "Logged — get well first; a day unwell says nothing about what you can do."
    ),
    FailureReason.OTHER: N_("Logged — thanks for saying."),
}
# Too hard at or below the amount the person called comfortable: no step was taken, so not
# "that step was too big".
TOO_HARD_AT_OWN_LEVEL: Final = N_(
    "Logged — today even the amount you called comfortable was too much. That happens: it is "
    "one day, not a verdict."
)
NEXT_AMOUNT = N_("Tomorrow: {amount}.")
NEXT_AMOUNT_DONE_BEFORE = N_("Tomorrow: {amount}, which you have done before.")

# --- later (snooze) -----------------------------------------------------------------------------
# core.clock.SnoozeChoice → its button; {time} is when it comes back, local.
SNOOZE_BUTTONS: Final[dict[str, str]] = {
    "1h": N_("In 1 hour ({time})"),
    "3h": N_("In 3 hours ({time})"),
    "eve": N_("This evening ({time})"),
}
SNOOZE_BACK_BUTTON: Final = N_("« Back")
SNOOZED = N_("Later, then: {amount} comes back at {time}. Nothing is recorded until you answer.")
SNOOZE_TOO_LATE = N_(
    "It's too late today to bring it back later. Answer when you know how it went."
)
SNOOZE_CLOSED = N_("That challenge is no longer waiting, so there's nothing to bring back later.")
SNOOZE_RETURN = N_("Back, as you asked.")

# --- skipping ---------------------------------------------------------------------------------
SKIPPED = N_("Rest day noted: nothing is lost. See you tomorrow.")
SKIP_TODAY = N_("Today is a rest day: {amount} skipped. See you tomorrow.")
SKIP_TOMORROW = N_("Today is already answered, so tomorrow ({day}) will be your rest day.")
SKIP_ALREADY = N_("Today and tomorrow are already settled; nothing to skip.")

# --- buttons from the past, someone else's, twice ---------------------------------------------
NOT_YOURS = N_("That button isn't yours, or it is out of date. Nothing changed.")
ALREADY_ANSWERED = N_("Already recorded — nothing changed.")

# --- typed outcomes and /today ----------------------------------------------------------------
NOTHING_OPEN = N_(
    "There's no challenge waiting for an answer right now. /today shows where you are."
)
TODAY_UPCOMING = N_("Today's challenge comes at {time} your time.")
TODAY_NEXT = N_("Your next challenge comes on {day} at {time} your time.")
TODAY_PAUSED = N_("Challenges are paused. Send /resume to restart them.")
TODAY_STOPPED = N_("Challenges are stopped. Send /start to restart them.")
TODAY_STATE: Final[dict[str, str]] = {
    ChallengeStatus.PLANNED: N_("Today's challenge: {amount}. It is on its way."),
    ChallengeStatus.SENT: N_(
        "Today's challenge: {amount}. Still open: tap a button on it, or reply done, failed or "
        "skip."
    ),
    ChallengeStatus.DONE: N_("Today's challenge: {amount}. Done and registered."),
    ChallengeStatus.FAILED: N_("Today's challenge: {amount}. Not done today; that's logged."),
    ChallengeStatus.SKIPPED: N_("Today is a rest day ({amount} skipped)."),
    ChallengeStatus.MISSED: N_("Today's challenge: {amount}. It went unanswered."),
}


def times(n: int) -> str:
    """How many successes in a row, inside a reason: "once", "twice", "3 times"."""
    if n == 1:
        return _("once")
    if n == 2:
        return _("twice")
    return plural(n, "{n} time", "{n} times")


def plan_reason(key: str, facts: Mapping[str, Any], unit: str, locale: str | None = None) -> str:
    """The reason of a plan in words: amounts with the goal's unit, the feeling, the streak.

    A key or fact this version does not know gives "" (the message goes out without it)."""
    if key == _(LEGACY_REASON):
        return str(facts.get("text", ""))
    values: dict[str, str] = {}
    for name in ("amount", "last"):
        value = facts.get(name)
        if isinstance(value, int | float):
            values[name] = format_amount(value, unit, locale)
    if isinstance(facts.get("days"), int):
        values["days"] = plural(facts["days"], "{n} day", "{n} days", locale)
    if "effort" in facts:
        values["feel"] = _(FEELINGS.get(facts["effort"], FEELINGS[None]))
    if isinstance(facts.get("streak"), int):
        values["times"] = times(facts["streak"])
    try:
        return _(REASONS[key]).format(**values)
    except (KeyError, IndexError, ValueError):
        log.warning("no words for plan reason %r with facts %r", key, dict(facts))
        return ""


def daily(amount: str, reason: str, confidence: int | None = None) -> str:
    """The daily message; its last line asks how sure the user is, or says what they said."""
    asked = (_(efficacy.CONFIDENCE_QUESTION) if confidence is None
             else _(efficacy.CONFIDENCE_KEPT).format(value=percent(confidence)))
    return f"{_(DAILY).format(amount=amount, reason=reason)}\n{asked}"


def registered(amount: str, day: date, at_level: int, total: int, baseline: str,
               confidence: int | None = None, *, beat_doubt: bool = False) -> str:
    """The registration; `beat_doubt` adds "You were 40 % sure. You did it." (belief vs fact)."""
    text = _(REGISTERED).format(amount=amount, day=format_day(day), at_level=ordinal(at_level),
                             total=ordinal(total), baseline=baseline)
    if beat_doubt and confidence is not None:
        text += "\n" + _(efficacy.BEAT_DOUBT).format(value=percent(confidence))
    return text


def answered_elsewhere(day: date, amount: str, outcome: str) -> str:
    return _(ANSWERED_ELSEWHERE).format(day=format_day(day), amount=amount,
                                     outcome=_(OUTCOME_WORDS[outcome]))


def failed_next(reason: str | None, next_amount: str | None, done_before: bool, *,
                own_level: bool = False) -> str:
    """The note after a failure; ``own_level``: the failed amount was at or below the person's
    stated comfortable amount (no step up was taken)."""
    said = FailureReason(reason) if reason else FailureReason.OTHER
    head = (_(TOO_HARD_AT_OWN_LEVEL) if said is FailureReason.TOO_HARD and own_level
            else _(FAILED_NEXT[said]))
    if next_amount is None:
        return head
    tail = _(NEXT_AMOUNT_DONE_BEFORE) if done_before else _(NEXT_AMOUNT)
    return f"{head} {tail.format(amount=next_amount)}"
