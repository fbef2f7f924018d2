"""The router's whole table: every case the routing end-to-end tests exercise (a check-in during
a setup or a /settings question, a start-over's activity question, typed effort, doubt, bad
input), as one row each, plus properties that must hold for any text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.router import LONG_TEXT, Action, Intent, OpenState, check_in_words, route
from core.vocabulary import FailureReason, Outcome, Topic
from tests.support.words import EN

NEW = OpenState()  # never wrote /start
SETTING_UP = OpenState(registered=True, topic=Topic.ONBOARDING, step="behaviour")
IDLE = OpenState(registered=True, onboarded=True)
WAITING = OpenState(registered=True, onboarded=True, challenge_waiting=True)
EFFORT_ASKED = OpenState(registered=True, onboarded=True, effort_asked=True)
REASON_ASKED = OpenState(registered=True, onboarded=True, reason_asked=True)


def setup(step: str, *, waiting: bool = True, onboarded: bool = True) -> OpenState:
    return OpenState(registered=True, onboarded=onboarded, topic=Topic.ONBOARDING, step=step,
                     challenge_waiting=waiting)


def settings(step: str, *, waiting: bool = True, onboarded: bool = True) -> OpenState:
    return OpenState(registered=True, onboarded=onboarded, topic=Topic.SETTINGS, step=step,
                     challenge_waiting=waiting)


def follow_up(step: str, *, current: bool = True, effort_asked: bool = False) -> OpenState:
    return OpenState(registered=True, onboarded=True, topic=Topic.CHECKIN, step=step,
                     follow_up_current=current, effort_asked=effort_asked)


ANSWER_SETUP = Intent(Action.ANSWER, topic=Topic.ONBOARDING)
ANSWER_SETTINGS = Intent(Action.ANSWER, topic=Topic.SETTINGS)
ANSWER_FOLLOW_UP = Intent(Action.ANSWER, topic=Topic.CHECKIN)


def check_in(outcome: Outcome, resume: Topic | None = None, **kw: bool) -> Intent:
    return Intent(Action.CHECK_IN, outcome=outcome, resume=resume, **kw)


CASES: list[tuple[str, str | None, OpenState, Intent]] = [
    # --- a setup started over while today's challenge waits (test_start_over_checkin.py)
    ("done at the activity question", "done", setup("behaviour"),
     check_in(Outcome.DONE, Topic.ONBOARDING)),
    ("symbols at the name question", "Did it ✅", setup("name"),
     check_in(Outcome.DONE, Topic.ONBOARDING)),
    ("failed at the baseline", "failed", setup("baseline"),
     check_in(Outcome.FAILED, Topic.ONBOARDING)),
    ("skip at the time question", "skip", setup("time"),
     check_in(Outcome.SKIPPED, Topic.ONBOARDING)),
    ("failed at the target question", "failed", setup("target"),
     check_in(Outcome.FAILED, Topic.ONBOARDING)),
    ("done at the first-challenge question", "done", setup("first"),
     check_in(Outcome.DONE, Topic.ONBOARDING)),
    ("an activity's name", "Juggling", setup("behaviour"), ANSWER_SETUP),
    ("a bare yes at the activity question points at the waiting challenge", "yes",
     setup("behaviour"), Intent(Action.NOT_A_NAME, resume=Topic.ONBOARDING)),
    ("a bare no at the summary", "no", setup("confirm"), ANSWER_SETUP),
    ("a thumbs-up at the summary", "👍", setup("confirm"), ANSWER_SETUP),
    ("skip means no target", "skip", setup("target"), ANSWER_SETUP),
    ("pass means no target", "pass", setup("target"), ANSWER_SETUP),
    ("not today means tomorrow", "not today", setup("first"), ANSWER_SETUP),
    ("a shared location at the zone question", None, setup("zone"), ANSWER_SETUP),
    ("a number at the baseline", "12", setup("baseline"), ANSWER_SETUP),
    ("effort words at the baseline stay the setup's", "3", setup("baseline"), ANSWER_SETUP),
    ("doubt at a setup question stays the setup's", "I can't", setup("baseline"),
     ANSWER_SETUP),
    # --- a start-over with nothing waiting: outcome words are not an activity's name
    ("done with nothing waiting", "done", setup("behaviour", waiting=False),
     Intent(Action.NOT_A_NAME, resume=Topic.ONBOARDING)),
    ("failed at the name question, nothing waiting", "failed", setup("name", waiting=False),
     Intent(Action.NOT_A_NAME, resume=Topic.ONBOARDING)),
    ("done at the baseline, nothing waiting", "done", setup("baseline", waiting=False),
     ANSWER_SETUP),
    # --- a first setup (no goal yet) reads any name as a name
    ("a first setup takes 'done' as a name", "done", SETTING_UP, ANSWER_SETUP),
    ("a first setup takes a long text to its question", "x" * (LONG_TEXT + 1), SETTING_UP,
     ANSWER_SETUP),
    ("a first setup takes a sticker to its question", None, SETTING_UP, ANSWER_SETUP),
    # --- a /settings question (test_checkin_during_questions.py)
    ("Done! at the time question", "Done!", settings("time"),
     check_in(Outcome.DONE, Topic.SETTINGS)),
    ("❌ at the zone question", "❌", settings("zone"), check_in(Outcome.FAILED, Topic.SETTINGS)),
    ("skip at the step question", "skip", settings("step"),
     check_in(Outcome.SKIPPED, Topic.SETTINGS)),
    ("rest is a rest day, not Rasht", "rest", settings("zone"),
     check_in(Outcome.SKIPPED, Topic.SETTINGS)),
    ("a bare yes stays the question's", "yes", settings("time"), ANSWER_SETTINGS),
    ("a bare no stays the question's", "no", settings("zone"), ANSWER_SETTINGS),
    ("a time", "18:15", settings("time"), ANSWER_SETTINGS),
    ("a city", "Berlin", settings("zone"), ANSWER_SETTINGS),
    ("a step", "2", settings("step"), ANSWER_SETTINGS),
    ("done with nothing waiting is the question's", "done", settings("time", waiting=False),
     ANSWER_SETTINGS),
    ("a location at the zone question", None, settings("zone"), ANSWER_SETTINGS),
    ("the goal is gone", "18:15", settings("time", onboarded=False),
     Intent(Action.NEED_SETUP, topic=Topic.SETTINGS)),
    # --- a check-in follow-up ("what made it work?", "how much did you do?")
    ("a reflection", "slept early", follow_up("reflection"), ANSWER_FOLLOW_UP),
    ("an amount achieved", "7", follow_up("achieved"), ANSWER_FOLLOW_UP),
    ("skip at how much", "skip", follow_up("achieved"), ANSWER_FOLLOW_UP),
    ("a sticker at a follow-up", None, follow_up("reflection"), Intent(Action.NOT_TEXT)),
    ("an undone answer's follow-up is stale: effort goes on", "3",
     follow_up("reflection", current=False, effort_asked=True),
     Intent(Action.EFFORT, effort=3, clear_stale=True)),
    ("a stale follow-up and free text", "hello there", follow_up("achieved", current=False),
     Intent(Action.UNKNOWN, clear_stale=True)),
    # issue 12, item 4: doubt is not a reflection; it is replayed and the question closed
    ("doubt at what made it work", "I can't do more than this tomorrow",
     follow_up("reflection"), Intent(Action.DOUBT, close_follow_up=True)),
    ("doubt overcome is a reflection", "it felt too hard but I kept going",
     follow_up("reflection"), ANSWER_FOLLOW_UP),
    ("doubt at how much stays its answer", "I can't", follow_up("achieved"), ANSWER_FOLLOW_UP),
    # --- no question open
    ("done answers today's challenge", "done", WAITING, check_in(Outcome.DONE)),
    ("a bare yes answers today's challenge", "yes", WAITING, check_in(Outcome.DONE)),
    ("no answers it too", "no", WAITING, check_in(Outcome.FAILED)),
    ("skip", "skip", WAITING, check_in(Outcome.SKIPPED)),
    ("done with nothing open", "done", IDLE, Intent(Action.NOTHING_OPEN, outcome=Outcome.DONE)),
    ("typed effort", "hard", EFFORT_ASKED, Intent(Action.EFFORT, effort=4)),
    ("typed effort label", "5 MAXIMAL", EFFORT_ASKED, Intent(Action.EFFORT, effort=5)),
    ("a digit", "1", EFFORT_ASKED, Intent(Action.EFFORT, effort=1)),
    ("effort words without the question", "hard", IDLE, Intent(Action.UNKNOWN)),
    # issue 12, item 1: "what got in the way?" answered in words
    ("typed too hard", "too hard", REASON_ASKED,
     Intent(Action.REASON, reason=FailureReason.TOO_HARD)),
    ("typed no time", "no time", REASON_ASKED,
     Intent(Action.REASON, reason=FailureReason.NO_TIME)),
    ("typed was sick", "was sick", REASON_ASKED,
     Intent(Action.REASON, reason=FailureReason.UNWELL)),
    ("typed other", "Other", REASON_ASKED, Intent(Action.REASON, reason=FailureReason.OTHER)),
    ("a reason label typed out", "😫 Too hard", REASON_ASKED,
     Intent(Action.REASON, reason=FailureReason.TOO_HARD)),
    ("too hard without the question is doubt", "too hard", IDLE, Intent(Action.DOUBT)),
    ("no time without the question", "no time", IDLE, Intent(Action.UNKNOWN)),
    ("two reasons at once are asked again by the buttons", "too hard and no time",
     REASON_ASKED, Intent(Action.DOUBT)),
    ("doubt at the reason question", "I give up", REASON_ASKED, Intent(Action.DOUBT)),
    # issue 12, item 6: a typed confidence while today's challenge waits
    ("a typed confidence", "70", WAITING, Intent(Action.CONFIDENCE, confidence=70)),
    ("a typed percentage", "80%", WAITING, Intent(Action.CONFIDENCE, confidence=80)),
    ("about 60 percent", "about 60 percent", WAITING,
     Intent(Action.CONFIDENCE, confidence=60)),
    ("a confidence with nothing waiting", "70", IDLE, Intent(Action.UNKNOWN)),
    ("a bare digit is not a confidence", "3", WAITING, Intent(Action.UNKNOWN)),
    ("over 100 is not a confidence", "150", WAITING, Intent(Action.UNKNOWN)),
    ("effort owns numbers while it is asked", "80", OpenState(
        registered=True, onboarded=True, effort_asked=True, challenge_waiting=True),
     Intent(Action.UNKNOWN)),
    ("a number at a setup question stays the setup's", "70", setup("baseline"),
     ANSWER_SETUP),
    ("a number at how much stays its answer", "70", follow_up("achieved"), ANSWER_FOLLOW_UP),
    ("doubt with a goal", "I can't do this", IDLE, Intent(Action.DOUBT)),
    ("doubt before any goal", "I can't do this", NEW, Intent(Action.UNKNOWN)),
    ("done before any goal", "done", NEW, Intent(Action.UNKNOWN)),
    ("free text", "hello there", IDLE, Intent(Action.UNKNOWN)),
    ("very long text", "x" * (LONG_TEXT + 1), IDLE, Intent(Action.LONG_TEXT)),
    ("a sticker", None, IDLE, Intent(Action.NOT_TEXT)),
    ("a sticker from a stranger", None, NEW, Intent(Action.NOT_TEXT)),
]


@pytest.mark.parametrize(("text", "state", "expected"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_route(text: str | None, state: OpenState, expected: Intent) -> None:
    assert route(text, state, EN) == expected


@pytest.mark.parametrize(("step", "text", "expected"), [
    ("behaviour", "done", Outcome.DONE),
    ("name", "Did it ✅", Outcome.DONE),
    ("target", "skip", None),
    ("target", "pass", None),
    ("first", "not today", None),
    ("first", "done", Outcome.DONE),
    ("confirm", "👍", None),
    (None, "yes", None),
    (None, "rest", Outcome.SKIPPED),
    (None, None, None),
])
def test_check_in_words(step: str | None, text: str | None, expected: Outcome | None) -> None:
    assert check_in_words(text, EN, step=step) == expected


STATES = st.builds(
    OpenState, registered=st.booleans(), onboarded=st.booleans(),
    topic=st.none() | st.sampled_from(Topic), step=st.none() | st.sampled_from(
        ["behaviour", "name", "unit", "step", "baseline", "target", "time", "zone", "confirm",
         "first", "reflection", "achieved"]),
    follow_up_current=st.booleans(), challenge_waiting=st.booleans(),
    effort_asked=st.booleans(), reason_asked=st.booleans(),
)


@given(st.none() | st.text(max_size=40), STATES)
def test_an_open_setup_or_settings_question_always_keeps_or_resumes(
        text: str | None, state: OpenState) -> None:
    """A setup or /settings question is never dropped: its topic answers, or it is asked again
    after the interruption (nothing else may take a message while it is open)."""
    intent = route(text, state, EN)
    if state.topic in (Topic.ONBOARDING, Topic.SETTINGS):
        assert intent.topic == state.topic or intent.resume == state.topic
    if intent.action is Action.CHECK_IN:
        assert state.challenge_waiting and intent.outcome is not None
    if intent.action in (Action.EFFORT, Action.DOUBT, Action.NOTHING_OPEN, Action.REASON,
                         Action.CONFIDENCE):
        assert state.onboarded
    if intent.action is Action.REASON:
        assert state.reason_asked and intent.reason is not None
    if intent.action is Action.CONFIDENCE:
        assert state.challenge_waiting and not state.effort_asked
    if intent.close_follow_up:
        assert state.topic is Topic.CHECKIN and state.step == "reflection"
    assert intent.clear_stale == (state.topic is Topic.CHECKIN and not state.follow_up_current)
