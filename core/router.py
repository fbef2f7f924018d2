"""Who owns a typed message: one pure decision, `route(text, state, lexicon) -> Intent`.

A user has at most one open question (the `conversations` row: a setup, a /settings answer, a
check-in follow-up). Every rule about when a message is that question's answer and when it
interrupts it lives here, so the adapter routes once and each topic only carries out its intent:

1. A setup question (onboarding) or a /settings question owns the message, except a check-in
   that clearly answers today's waiting challenge ("done", "failed", "skip", "✅"; not a bare
   yes/no, and not an answer the question takes as its own: "skip" means "no target" at the
   target question, "not today" chooses tomorrow at the first-challenge question). That check-in
   is recorded and the question asked again.
2. At a restarted setup's activity question, outcome words are not a new activity called "done":
   the bot says what it says outside a setup, then asks again.
3. A check-in follow-up ("how much did you do?", "what made it work?") owns text while its
   challenge still has the answer it asked about; an undone answer makes the row stale. Doubt
   typed where "what made it work?" is asked is not a reflection: it gets the person's own
   record replayed, and the reflection question is closed (the next message, likely a reply
   to the replay, must not be stored as what made the success work).
4. With no question open: outcome words answer today's challenge; a number or "hard" answers
   "how hard did it feel?" while that is the newest question; "too hard", "no time", "was
   sick", "other" answer "why not today?" while that is the newest question; a rating ("70",
   "80%") is today's confidence while today's challenge waits and no other question owns
   numbers; doubt in words gets the person's own record replayed; anything else gets the
   fallback's help.

Words are read in the writer's language with English as a fallback (`core.lexicon.Lexicon`).
Commands never come here: each is its topic's `CommandHandler`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from core.lexicon import Lexicon, fold
from core.replies import (
    Outcome,
    expresses_doubt,
    normalise,
    parse_confidence,
    parse_effort,
    parse_outcome,
    parse_reason,
    parse_target,
)
from core.vocabulary import ChallengeStatus, FailureReason, Topic

__all__ = [
    "LONG_TEXT",
    "Action",
    "Intent",
    "OpenState",
    "check_in_words",
    "route",
]

LONG_TEXT: Final = 1000  # characters: no answer Notch asks for is anywhere near this long

# A bare yes or no answers the question just asked: while another topic's is open, that one's.
# The words are the language's (`Lexicon.yes_no`: "yes", "sí", "да", "sim", "ja"); these symbols
# are everyone's.
BARE_YES_NO: Final = frozenset({"\U0001f44d", "\U0001f44e"})  # 👍 👎

# The setup's own answers that also read as a check-in: "skip"/"pass" (no target) at the target
# question, "not today" (so: tomorrow) when asked when the first challenge comes.
OWN_ANSWERS: Final[Mapping[str, Callable[[str, Lexicon], bool]]] = {
    "target": lambda text, lexicon: parse_target(text, lexicon) is None,
    "first": lambda text, lexicon: not lexicon.today.isdisjoint(_words(text)),
}

# The setup questions that ask for the activity's name.
NAME_STEPS: Final = frozenset({"behaviour", "name"})
# What a check-in follow-up asks about: the answer its challenge must still have.
FOLLOW_UP_WANTS: Final = {"reflection": ChallengeStatus.DONE, "achieved": ChallengeStatus.FAILED}


class Action(StrEnum):
    """What the adapter does with a typed message."""

    ANSWER = "answer"  # the open question's topic reads it (text, or a location for a zone)
    CHECK_IN = "check_in"  # record the outcome on today's waiting challenge
    NOTHING_OPEN = "nothing_open"  # outcome words, but no challenge waits for an answer
    NOT_A_NAME = "not_a_name"  # outcome words at a restarted setup's activity question
    NEED_SETUP = "need_setup"  # a /settings question is open but the goal is gone
    EFFORT = "effort"  # "how hard did it feel?" answered in words
    REASON = "reason"  # "why not today?" answered in words
    CONFIDENCE = "confidence"  # "how sure are you?" answered with a number: today's rating
    DOUBT = "doubt"  # doubt in words: replay the person's own record
    NOT_TEXT = "not_text"  # a sticker, photo, … where nothing asked for one
    LONG_TEXT = "long_text"
    UNKNOWN = "unknown"  # free text nobody asked for: the fallback's help


@dataclass(frozen=True)
class OpenState:
    """What the router needs to know about the writer, loaded in one transaction.

    `challenge_waiting`: the active goal has today's challenge sent and unanswered.
    `effort_asked`: "how hard did it feel?" about a recent success is the newest question.
    `reason_asked`: "what got in the way?" about a recent failure is the newest question.
    `follow_up_current`: the open check-in follow-up's challenge still has the answer it asked
    about (False once that answer was undone; the row is then stale).
    """

    registered: bool = False
    onboarded: bool = False
    topic: Topic | None = None
    step: str | None = None
    follow_up_current: bool = True
    challenge_waiting: bool = False
    effort_asked: bool = False
    reason_asked: bool = False


@dataclass(frozen=True)
class Intent:
    """The decision: `action`, plus what it needs.

    `resume`: the open question to ask again after an interruption (CHECK_IN, NOT_A_NAME).
    `topic`: who answers, for ANSWER. `clear_stale`: drop a stale check-in follow-up row.
    `close_follow_up`: drop the current check-in follow-up row (doubt typed at "what made it
    work?").
    """

    action: Action
    topic: Topic | None = None
    outcome: Outcome | None = None
    effort: int | None = None
    reason: FailureReason | None = None
    confidence: int | None = None
    resume: Topic | None = None
    clear_stale: bool = False
    close_follow_up: bool = False


def _words(text: str) -> list[str]:
    return fold(normalise(text)).replace(",", " ").split()


def check_in_words(text: str | None, lexicon: Lexicon, *,
                   step: str | None = None) -> Outcome | None:
    """The outcome `text` states if it clearly answers the day's challenge even while a question
    is open: an outcome in words or symbols, not a bare yes/no, and not an answer the question
    at setup `step` takes as its own. None: the open question keeps the text."""
    if text is None:
        return None
    outcome = parse_outcome(text, lexicon)
    cleaned = normalise(text)
    if outcome is None or cleaned in BARE_YES_NO or fold(cleaned) in lexicon.yes_no:
        return None
    theirs = OWN_ANSWERS.get(step) if step is not None else None
    if theirs is not None and theirs(text, lexicon):
        return None
    return outcome


def route(text: str | None, state: OpenState, lexicon: Lexicon) -> Intent:
    """Decide who answers a private, non-command message (`text` None: not a text message),
    reading words in `lexicon`'s language."""
    if state.topic is Topic.ONBOARDING:
        return _in_setup(text, state, lexicon)
    if state.topic is Topic.SETTINGS:
        return _in_settings(text, state, lexicon)
    stale = state.topic is Topic.CHECKIN and not state.follow_up_current
    if state.topic is Topic.CHECKIN and not stale and text is not None:
        if state.step == "reflection" and state.onboarded and _doubt_now(text, lexicon):
            return Intent(Action.DOUBT, close_follow_up=True)
        return Intent(Action.ANSWER, topic=Topic.CHECKIN)
    return _no_question(text, state, lexicon, clear_stale=stale)


def _doubt_now(text: str, lexicon: Lexicon) -> bool:
    """Doubt voiced, not doubt overcome: a reflection that tells of doubt overcome ("it felt too
    hard but I kept going", "pero", "но", "mas", "aber": `Lexicon.contrast`) is a reflection."""
    return expresses_doubt(text, lexicon) and lexicon.contrast.isdisjoint(_words(text))


def _in_setup(text: str | None, state: OpenState, lexicon: Lexicon) -> Intent:
    outcome = check_in_words(text, lexicon, step=state.step)
    if outcome is not None and state.challenge_waiting:
        return Intent(Action.CHECK_IN, outcome=outcome, resume=Topic.ONBOARDING)
    # A first setup (no goal yet) reads any name as a name: nothing can be waiting.
    if (state.step in NAME_STEPS and state.onboarded and text is not None
            and parse_outcome(text, lexicon) is not None):
        return Intent(Action.NOT_A_NAME, resume=Topic.ONBOARDING)
    return Intent(Action.ANSWER, topic=Topic.ONBOARDING)


def _in_settings(text: str | None, state: OpenState, lexicon: Lexicon) -> Intent:
    if not state.onboarded:
        return Intent(Action.NEED_SETUP, topic=Topic.SETTINGS)
    outcome = check_in_words(text, lexicon)
    if outcome is not None and state.challenge_waiting:
        return Intent(Action.CHECK_IN, outcome=outcome, resume=Topic.SETTINGS)
    return Intent(Action.ANSWER, topic=Topic.SETTINGS)


def _no_question(text: str | None, state: OpenState, lexicon: Lexicon, *,
                 clear_stale: bool) -> Intent:
    if text is None:
        return Intent(Action.NOT_TEXT, clear_stale=clear_stale)
    if state.onboarded:
        outcome = parse_outcome(text, lexicon)
        if outcome is not None:
            action = Action.CHECK_IN if state.challenge_waiting else Action.NOTHING_OPEN
            return Intent(action, outcome=outcome, clear_stale=clear_stale)
        effort = parse_effort(text, lexicon)
        if effort is not None and state.effort_asked:
            return Intent(Action.EFFORT, effort=effort, clear_stale=clear_stale)
        reason = parse_reason(text, lexicon) if state.reason_asked else None
        if reason is not None:
            return Intent(Action.REASON, reason=reason, clear_stale=clear_stale)
        confidence = parse_confidence(text, lexicon)
        if confidence is not None and state.challenge_waiting and not state.effort_asked:
            return Intent(Action.CONFIDENCE, confidence=confidence, clear_stale=clear_stale)
        if expresses_doubt(text, lexicon):
            return Intent(Action.DOUBT, clear_stale=clear_stale)
    action = Action.LONG_TEXT if len(text) > LONG_TEXT else Action.UNKNOWN
    return Intent(action, clear_stale=clear_stale)
