"""Why today's amount, in words: the calibrator's reason key and facts rendered at send time."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.texts.checkin import FEELINGS, LEGACY_REASON, REASONS, plan_reason
from bot.texts.format import format_amount
from core.calibration import REASON_KEYS, Attempt, Goal, next_challenge

D0 = date(2025, 3, 1)
MINUTES = Goal(unit="minutes", baseline=10.0, step=1.0, target=30.0)


def test_every_reason_key_and_feeling_has_words() -> None:
    assert set(REASONS) == {*REASON_KEYS, LEGACY_REASON}
    assert set(FEELINGS) == {1, 2, 3, 4, 5, None}


def test_reason_is_one_plain_sentence_naming_the_amount() -> None:
    # Moved from tests/core/test_calibration.py when the sentences left core.
    history: list[Attempt] = []
    for i in range(6):
        plan = next_challenge(MINUTES, history, D0 + timedelta(days=i))
        history.append(Attempt(D0 + timedelta(days=i), plan.amount, "done", effort=2))
    plan = next_challenge(MINUTES, history, D0 + timedelta(days=6))
    reason = plan_reason(plan.reason_key, plan.facts, MINUTES.unit)
    assert reason.count(".") == 1 and reason.endswith(".")
    assert f"{plan.amount:.0f} minutes" in reason


def test_amounts_in_a_reason_come_from_the_one_formatter() -> None:
    facts = {"amount": 1100.0, "last": 1050.0, "days": 1, "effort": 4, "streak": 3}
    assert plan_reason("up", facts, "words") == (
        "You did 1,050 words 3 times and it felt hard; 1,100 words is one notch up.")
    assert plan_reason("ease", {**facts, "effort": None}, "words").startswith(
        "You did 1,050 words but it felt fine")


def test_a_legacy_sentence_is_shown_verbatim_and_an_unknown_key_says_nothing() -> None:
    assert plan_reason(LEGACY_REASON, {"text": "Keep going."}, "minutes") == "Keep going."
    assert plan_reason("from_the_future", {"amount": 3}, "minutes") == ""
    assert plan_reason("up", {"amount": 3}, "minutes") == ""  # facts missing


# --- issue 12 item 7: a reason never contradicts its facts ---------------------------------------
# Each key's claim about the amount against the last one: drop, equal, rise (None: no claim).
_RELATION = {
    "start": None, "start_up": "up", "up": "up", "hold": "same", "ease": "down",
    "after_fail": "down", "after_fail_floor": None, "after_fail_hold": "same",
    "after_gap": "down",
}


def _holds(relation: str | None, amount: float, last: float) -> bool:
    return {None: True, "up": amount > last, "same": amount == last,
            "down": amount < last}[relation]


def test_every_reason_key_claims_a_relation() -> None:
    assert set(_RELATION) == set(REASON_KEYS)


_GOALS = (
    Goal(unit="minutes", baseline=5.0, step=5.0),
    Goal(unit="minutes", baseline=10.0, step=1.0),
    Goal(unit="push-ups", baseline=3.0, step=1.0),
    Goal(unit="words", baseline=300.0, step=50.0),
)
_ANSWERS = (("done", 1), ("done", 3), ("done", 5), ("failed", "too_hard"), ("failed", None),
            ("failed", "no_time"), ("skipped", None))


@given(goal=st.sampled_from(_GOALS),
       answers=st.lists(st.tuples(st.sampled_from(_ANSWERS), st.integers(1, 6)), max_size=14))
@settings(max_examples=300, deadline=None)
def test_a_rendered_reason_never_contradicts_its_facts(
    goal: Goal, answers: list[tuple[tuple[str, object], int]]
) -> None:
    """Drive the calibrator over generated histories: every plan's key matches how its amount
    relates to the last one, and no sentence calls one amount both too hard and very likely."""
    history: list[Attempt] = []
    today = D0
    for (outcome, detail), gap in [*answers, (("done", 3), 1)]:
        plan = next_challenge(goal, history, today)
        facts = plan.facts
        if "last" in facts and plan.reason_key != "start":
            assert _holds(_RELATION[plan.reason_key], plan.amount, facts["last"]), plan
        text = plan_reason(plan.reason_key, facts, goal.unit)
        assert text, plan
        if "too hard" in text and "last" in facts:
            said_last = f"{format_amount(facts['last'], goal.unit)} was too hard"
            assert said_last in text
            if "very likely" in text:  # never the amount just called too hard
                assert f"{format_amount(plan.amount, goal.unit)} is one you can very" in text
                assert format_amount(plan.amount, goal.unit) != format_amount(
                    facts["last"], goal.unit)
        if outcome == "done":
            history.append(Attempt(today, plan.amount, "done", effort=detail))
        elif outcome == "failed":
            history.append(Attempt(today, plan.amount, "failed", reason=detail))
        else:
            history.append(Attempt(today, plan.amount, outcome))
        today += timedelta(days=gap)


def test_a_failure_at_the_smallest_step_does_not_promise_it_is_now_easy() -> None:
    goal = Goal(unit="minutes", baseline=5.0, step=5.0)
    history = [Attempt(D0, 5.0, "failed", reason="too_hard")]
    plan = next_challenge(goal, history, D0 + timedelta(days=1))
    assert (plan.amount, plan.reason_key) == (5.0, "after_fail_floor")
    text = plan_reason(plan.reason_key, plan.facts, goal.unit)
    assert text == ("5 minutes was too hard this time; 5 minutes is the smallest step there is, "
                    "so we try it on a fresh day.")
    assert "very likely" not in text


def test_the_introduction_promises_what_the_first_plans_do() -> None:
    """Issue 12 item 9: METHOD said each day's challenge is "one notch above" the comfortable
    amount, but under the built-in settings the first challenges are that amount."""
    from bot.texts import METHOD

    history: list[Attempt] = []
    for i in range(3):
        plan = next_challenge(MINUTES, history, D0 + timedelta(days=i))
        assert plan.amount == MINUTES.baseline
        history.append(Attempt(D0 + timedelta(days=i), plan.amount, "done", effort=3))
    assert "one notch above that" not in METHOD
    assert "We start from there" in METHOD
