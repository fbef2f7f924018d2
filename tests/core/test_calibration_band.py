"""The band choice: after the first attempts, where the true P(done) is likeliest in band."""

from __future__ import annotations

import math
from datetime import date, timedelta
from statistics import NormalDist

import pytest

from core.calibration import (
    BAND_FROM,
    BAND_STEADY,
    GUESS,
    LAPSE,
    MAX_RAISE,
    TARGET_FIRST,
    WIDTH,
    Attempt,
    Belief,
    Goal,
    belief,
    next_challenge,
)

D0 = date(2025, 3, 1)


def day(i: int) -> date:
    return D0 + timedelta(days=i)


def in_band_mass(b: Belief, amount: float, band: tuple[float, float]) -> float:
    """P(lo <= p_true(amount) <= hi) under the belief, by brute-force quadrature over ability."""
    n, total = 4000, 0.0
    sd = math.sqrt(b.var)
    for i in range(n):
        theta = b.mean + sd * NormalDist().inv_cdf((i + 0.5) / n)
        p = GUESS + (1 - GUESS - LAPSE) * NormalDist().cdf((theta - math.log(amount)) / WIDTH)
        total += band[0] <= p <= band[1]
    return total / n


def history(goal: Goal, days: int, effort: int) -> list[Attempt]:
    out: list[Attempt] = []
    for i in range(days):
        plan = next_challenge(goal, out, day(i))
        out.append(Attempt(day(i), plan.amount, "done", effort=effort))
    return out


@pytest.mark.parametrize(
    ("goal", "days", "effort"),
    [
        (Goal(unit="reps", baseline=6, step=1), 8, 3),
        (Goal(unit="reps", baseline=9, step=1), 12, 4),
        (Goal(unit="minutes", baseline=20, step=1), 10, 2),
        (Goal(unit="words", baseline=600, step=50), 9, 3),
    ],
)
def test_steady_choice_maximises_the_in_band_probability(
    goal: Goal, days: int, effort: int
) -> None:
    past = history(goal, days, effort)
    today = day(days)
    b = belief(goal, past, today)
    assert b.attempts >= BAND_FROM
    plan = next_challenge(goal, past, today)
    last = past[-1].amount
    # Every multiple the guardrails allow after a 'done' (no time away): last .. +25 % / +1 step.
    top = max(last * MAX_RAISE, last + goal.step)
    allowed = [
        k * goal.step
        for k in range(1, int(top / goal.step + 1e-9) + 1)
        if k * goal.step >= last - 1e-9
    ]
    best = max(in_band_mass(b, a, BAND_STEADY) for a in allowed)
    assert plan.amount in allowed
    assert in_band_mass(b, plan.amount, BAND_STEADY) >= best - 0.005
    # p_success stays the honest posterior-predictive P(done) at the chosen amount.
    assert plan.p_success == pytest.approx(b.p_done(plan.amount), abs=1e-12)


def test_first_attempts_keep_the_cautious_point_target() -> None:
    goal = Goal(unit="minutes", baseline=12, step=1)
    past = [Attempt(day(0), 12, "done", effort=3)]
    plan = next_challenge(goal, past, day(1))
    assert plan.target == TARGET_FIRST
    # The cautious target: P(done) near 0.95, well above the band's centre.
    assert plan.p_success > BAND_STEADY[1] - 0.05
