"""Bandura's ladder, its strength and level, and belief set against evidence."""

from __future__ import annotations

import math
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core.efficacy import (
    LADDER_SIZE,
    LadderRating,
    Verdict,
    belief_by_week,
    belief_vs_evidence,
    change,
    ladder_levels,
    rolling_success_rate,
    round_to_step,
)


def test_ladder_runs_from_current_to_target_on_the_step() -> None:
    assert ladder_levels(10, 30, 1) == [10, 13, 17, 23, 30]


def test_ladder_without_target_goes_to_twice_the_baseline() -> None:
    assert ladder_levels(10, None, 1) == [10, 12, 14, 17, 20]
    # Later in the goal: from the current level, still up to twice the baseline.
    assert ladder_levels(14, None, 1, baseline=10) == [14, 15, 17, 18, 20]  # sqrt(14·20) ≈ 16.7


def test_ladder_with_target_reached_or_baseline_passed_still_climbs() -> None:
    assert ladder_levels(30, 30, 1) == [30, 36, 42, 50, 60]
    assert ladder_levels(25, None, 1, baseline=10)[-1] == 50


def test_narrow_range_gives_every_step_multiple_once() -> None:
    assert ladder_levels(3, 5, 1) == [3, 4, 5]
    assert ladder_levels(300, 400, 50) == [300, 350, 400]
    assert ladder_levels(1, 1.2, 1) == [1, 2]  # never a single rung


def test_ladder_rounds_to_fractional_steps_cleanly() -> None:
    assert ladder_levels(0.5, 2.0, 0.1) == [0.5, 0.7, 1.0, 1.4, 2.0]
    assert round_to_step(0.30000000000000004, 0.1) == 0.3
    assert round_to_step(0.01, 5) == 5  # never rounds down to nothing


@pytest.mark.parametrize("bad", [0, -1, math.nan, math.inf])
def test_ladder_rejects_nonsense(bad: float) -> None:
    with pytest.raises(ValueError):
        ladder_levels(bad, 10, 1)
    with pytest.raises(ValueError):
        ladder_levels(5, 10, bad)


@given(
    current=st.floats(0.1, 5000),
    target=st.one_of(st.none(), st.floats(0.1, 20000)),
    step=st.sampled_from([0.1, 0.5, 1, 5, 50, 100]),
)
@example(current=0.25, target=0.5, step=0.5)  # current rounds to no step: the bottom is one
def test_ladder_properties(current: float, target: float | None, step: float) -> None:
    levels = ladder_levels(current, target, step)
    assert 2 <= len(levels) <= LADDER_SIZE
    assert all(b > a for a, b in pairwise(levels))
    assert all(abs(x / step - round(x / step)) < 1e-6 and x > 0 for x in levels)
    assert levels[0] == round_to_step(current, step)
    # The bottom rung is at least one step (current may round to none), and a ladder has two
    # rungs at least: so the target tops it when it is above that bottom rung.
    bottom = max(1, round(current / step))
    if target is not None and target > current and round(target / step) > bottom:
        assert levels[-1] == round_to_step(target, step)
    if len(levels) < LADDER_SIZE:  # narrow: consecutive multiples, nothing skipped
        assert all(round((b - a) / step) == 1 for a, b in pairwise(levels))


def test_strength_is_the_mean_and_level_counts_ratings_of_50_or_more() -> None:
    rating = LadderRating(levels=(10, 12, 14, 17, 20), ratings=(100, 80, 50, 45, 0))
    assert rating.strength == 55
    assert rating.level == 3


def test_rating_validates_its_items() -> None:
    with pytest.raises(ValueError, match="one rating per level"):
        LadderRating(levels=(1, 2), ratings=(50,))
    with pytest.raises(ValueError, match=r"0\.\.100"):
        LadderRating(levels=(1, 2), ratings=(50, 101))
    with pytest.raises(ValueError, match="strictly increasing"):
        LadderRating(levels=(2, 2), ratings=(50, 50))
    assert LadderRating(levels=(1, 2), ratings=(37, 63)).strength == 50  # off-button values


def test_change_between_two_ladders() -> None:
    before = LadderRating(levels=(10, 12, 14, 17, 20), ratings=(100, 60, 40, 20, 0))
    after = LadderRating(levels=(10, 12, 14, 17, 20), ratings=(100, 100, 80, 60, 20))
    moved = change(before, after)
    assert (moved.strength_delta, moved.level_delta, moved.same_ladder) == (28, 2, True)
    higher = LadderRating(levels=(14, 15, 17, 18, 20), ratings=(100, 60, 40, 20, 0))
    assert change(before, higher).same_ladder is False
    assert change(before, higher).strength_delta == 0


def test_under_confident_when_success_far_exceeds_belief() -> None:
    check = belief_vs_evidence([(40, True)] * 6 + [(40, False)])
    assert check.n == 7 and check.mean_confidence == 40
    assert check.success_rate == pytest.approx(600 / 7)
    assert check.gap > check.margin
    assert check.verdict is Verdict.UNDER_CONFIDENT


def test_over_confident_and_calibrated() -> None:
    assert belief_vs_evidence([(100, False)] * 3 + [(100, True)] * 2).verdict is (
        Verdict.OVER_CONFIDENT
    )
    assert belief_vs_evidence([(80, True)] * 4 + [(80, False)]).verdict is Verdict.CALIBRATED


def test_margin_shrinks_with_more_evidence_but_not_below_ten_points() -> None:
    # 20 points of gap: chance over 5 attempts, a real pattern over 40.
    few = belief_vs_evidence([(60, True)] * 4 + [(60, False)])
    many = belief_vs_evidence([(60, True)] * 32 + [(60, False)] * 8)
    assert few.gap == many.gap == 20
    assert few.verdict is Verdict.CALIBRATED
    assert many.verdict is Verdict.UNDER_CONFIDENT
    assert belief_vs_evidence([(0, True)] * 10_000).margin == 10


def test_too_few_attempts_give_no_verdict() -> None:
    assert belief_vs_evidence([]).verdict is Verdict.TOO_FEW
    assert belief_vs_evidence([(0, True), (0, True)]).verdict is Verdict.TOO_FEW
    with pytest.raises(ValueError):
        belief_vs_evidence([(120, True)])


def test_belief_by_week_groups_on_the_chosen_weekday() -> None:
    wednesday = date(2026, 3, 4)
    attempts = [(wednesday + timedelta(days=i), 40, True) for i in range(10)]
    weeks = belief_by_week(attempts, first_weekday=2)
    assert [w.week_start for w in weeks] == [date(2026, 3, 4), date(2026, 3, 11)]
    assert [w.check.n for w in weeks] == [7, 3]
    mondays = belief_by_week(attempts)
    assert [w.week_start for w in mondays] == [date(2026, 3, 2), date(2026, 3, 9)]
    assert [w.check.n for w in mondays] == [5, 5]


def test_rolling_success_rate_uses_a_window_of_days() -> None:
    start = date(2026, 1, 1)
    outcomes = [(start, True), (start + timedelta(days=1), False),
                (start + timedelta(days=2), True), (start + timedelta(days=20), False)]
    rates = rolling_success_rate(outcomes, window_days=14)
    assert [r for _, r in rates] == [100, 50, pytest.approx(200 / 3), 0]
    with pytest.raises(ValueError, match="sorted"):
        rolling_success_rate(list(reversed(outcomes)))
