"""Property tests (hypothesis) of the calibrator's promises, over arbitrary histories."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calibration import (
    PRIORS_BOUNDS,
    Attempt,
    Goal,
    Priors,
    belief,
    beliefs,
    next_challenge,
)

D0 = date(2024, 1, 1)
STEPS = [1.0, 0.5, 5.0, 50.0]


@st.composite
def goals(draw: st.DrawFn) -> Goal:
    step = draw(st.sampled_from(STEPS))
    baseline = step * draw(st.integers(1, 40))
    return Goal(unit="units", baseline=baseline, step=step)


def priors_strategy() -> st.SearchStrategy[Priors | None]:
    """None (the built-in settings), the built-in ones as learned, or any fitted settings."""
    settings = {name: st.floats(lo, hi) for name, (lo, hi) in PRIORS_BOUNDS.items()}
    fitted = st.builds(Priors, **settings, users=st.integers(0, 5000),
                       attempts=st.integers(0, 10**6))
    return st.none() | st.just(Priors.builtin()) | fitted


@st.composite
def attempts_after(draw: st.DrawFn, goal: Goal, start: date) -> Attempt:
    when = start + timedelta(days=draw(st.integers(0, 9)))
    amount = goal.step * draw(st.integers(1, 80))
    outcome = draw(st.sampled_from(["done", "done", "failed", "missed", "skipped"]))
    if outcome == "done":
        effort = draw(st.none() | st.integers(1, 5))
        return Attempt(when, amount, "done", effort=effort)
    if outcome == "failed":
        reason = draw(st.none() | st.sampled_from(["too_hard", "no_time", "unwell", "other"]))
        achieved = draw(st.none() | st.floats(0, 1).map(lambda f: round(f * amount, 2)))
        return Attempt(when, amount, "failed", reason=reason, achieved=achieved)
    return Attempt(when, amount, outcome)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Goal, list[Attempt], date, Priors | None]:
    """A goal, a history (oldest first), a 'today' on or after its last day, and priors."""
    goal = draw(goals())
    history: list[Attempt] = []
    current = D0
    for _ in range(draw(st.integers(0, 25))):
        attempt = draw(attempts_after(goal, current))
        history.append(attempt)
        current = attempt.day
    today = current + timedelta(days=draw(st.integers(0, 40)))
    return goal, history, today, draw(priors_strategy())


Scenario = tuple[Goal, list[Attempt], date, Priors | None]


def last_attempted(history: list[Attempt]) -> Attempt | None:
    """The last attempt at an amount: a 'done' or a 'too_hard' failure (a failure whose reason
    was never given is not evidence, issue 12)."""
    for a in reversed(history):
        if a.outcome == "done" or (a.outcome == "failed" and a.reason == "too_hard"):
            return a
    return None


def is_multiple(x: float, step: float) -> bool:
    return math.isclose(x / step, round(x / step), abs_tol=1e-9)


@given(scenarios())
def test_deterministic(s: Scenario) -> None:
    goal, history, today, priors = s
    first = next_challenge(goal, history, today, priors=priors)
    assert first == next_challenge(goal, list(history), today, priors=priors)


@given(scenarios())
def test_amount_is_a_positive_multiple_of_the_step(s: Scenario) -> None:
    goal, history, today, priors = s
    plan = next_challenge(goal, history, today, priors=priors)
    assert plan.amount >= goal.step > 0
    assert is_multiple(plan.amount, goal.step)


@given(scenarios())
def test_p_success_is_a_probability(s: Scenario) -> None:
    goal, history, today, priors = s
    p = next_challenge(goal, history, today, priors=priors).p_success
    assert 0.0 <= p <= 1.0 and math.isfinite(p)


@given(scenarios())
def test_never_above_the_raise_cap(s: Scenario) -> None:
    goal, history, today, priors = s
    last = last_attempted(history)
    plan = next_challenge(goal, history, today, priors=priors)
    if last is not None:
        cap = max(last.amount * 1.25, last.amount + goal.step, goal.step)
        assert plan.amount <= cap + 1e-9


@given(scenarios(), st.data())
def test_never_raised_right_after_too_hard(
    s: Scenario, data: st.DataObject
) -> None:
    goal, history, today, priors = s
    amount = goal.step * data.draw(st.integers(1, 80))
    failed = Attempt(today, amount, "failed", reason="too_hard")
    plan = next_challenge(goal, [*history, failed], today + timedelta(days=1), priors=priors)
    assert plan.amount <= amount + 1e-9


@given(scenarios(), st.data())
def test_done_never_yields_less_than_too_hard(
    s: Scenario, data: st.DataObject
) -> None:
    goal, history, today, priors = s
    amount = goal.step * data.draw(st.integers(1, 80))
    effort = data.draw(st.none() | st.integers(1, 5))
    later = today + timedelta(days=data.draw(st.integers(0, 30)))
    done_attempt = Attempt(today, amount, "done", effort=effort)
    done = next_challenge(goal, [*history, done_attempt], later, priors=priors)
    achieved = data.draw(st.none() | st.floats(0, 1).map(lambda f: round(f * amount, 2)))
    failed_attempt = Attempt(today, amount, "failed", reason="too_hard", achieved=achieved)
    failed = next_challenge(goal, [*history, failed_attempt], later, priors=priors)
    assert done.amount >= failed.amount


@given(scenarios(), st.data())
def test_never_below_what_a_too_hard_failure_achieved(
    s: Scenario, data: st.DataObject
) -> None:
    """Did 15 of 20 and marked it too hard: tomorrow is at least 15 (rounded down to the step),
    whatever came before; later days off (missed, skipped, no time) change nothing."""
    goal, history, today, priors = s
    amount = goal.step * data.draw(st.integers(1, 80))
    achieved = round(data.draw(st.floats(0, 1)) * amount, 2)
    failed = Attempt(today, amount, "failed", reason="too_hard", achieved=achieved)
    later = [Attempt(today + timedelta(days=1), amount, data.draw(st.sampled_from(
        ["missed", "skipped"])))] if data.draw(st.booleans()) else []
    plan = next_challenge(goal, [*history, failed, *later],
                          today + timedelta(days=data.draw(st.integers(1, 3))), priors=priors)
    floor = max(goal.step, math.floor(achieved / goal.step + 1e-9) * goal.step)
    assert plan.amount >= floor - 1e-9


@given(scenarios(), st.data())
def test_a_missed_day_never_lowers_the_next_amount(
    s: Scenario, data: st.DataObject
) -> None:
    goal, history, today, priors = s
    amount = goal.step * data.draw(st.integers(1, 80))
    kind = data.draw(st.sampled_from(["missed", "skipped"]))
    before = next_challenge(goal, history, today, priors=priors)
    after = next_challenge(goal, [*history, Attempt(today, amount, kind)], today, priors=priors)
    assert after.amount >= before.amount


@given(scenarios(), st.data())
def test_a_no_time_failure_never_lowers_the_next_amount(
    s: Scenario, data: st.DataObject
) -> None:
    goal, history, today, priors = s
    amount = goal.step * data.draw(st.integers(1, 80))
    achieved = data.draw(st.none() | st.floats(0, 1).map(lambda f: round(f * amount, 2)))
    extra = Attempt(today, amount, "failed", reason="no_time", achieved=achieved)
    before = next_challenge(goal, history, today, priors=priors)
    after = next_challenge(goal, [*history, extra], today, priors=priors)
    assert after.amount >= before.amount


@settings(max_examples=100)
@given(goals(), priors_strategy())
def test_cold_start_at_or_just_above_the_baseline(goal: Goal, priors: Priors | None) -> None:
    plan = next_challenge(goal, [], D0, priors=priors)
    assert goal.baseline - 1e-9 <= plan.amount <= goal.baseline + goal.step + 1e-9
    if priors is None or priors == Priors.builtin():
        assert plan.p_success >= 0.85
    elif plan.amount > goal.baseline + 1e-9:  # one notch above only where it is very likely
        assert plan.p_success >= 0.80


@given(scenarios(), st.lists(st.integers(0, 120), max_size=12))
def test_one_pass_beliefs_equal_a_replay_per_day(
    s: Scenario, offsets: list[int]
) -> None:
    goal, history, _, priors = s
    days = sorted(D0 + timedelta(days=n) for n in offsets)
    walked = beliefs(goal, history, days, priors)
    for day, got in zip(days, walked, strict=True):
        assert got == belief(goal, [a for a in history if a.day < day], day, priors)


def test_one_pass_beliefs_want_days_in_order() -> None:
    with pytest.raises(ValueError, match="ascending"):
        beliefs(Goal("min", 10, 1), [], [D0 + timedelta(days=1), D0])
