"""Measuring the belief: Bandura's efficacy ladder, and belief set against evidence.

Why this shape: Bandura's "Guide for constructing self-efficacy scales" (2006) asks for 0-100
confidence on *graded levels* of the task, so the ladder's items are amounts of the user's own
behaviour, from what they do now up to where they want to be. Strength (mean rating) and level
(items the person is at least half sure of) are the guide's two summaries. Comparing confidence
given before a challenge with what then happened shows where belief lags behind the evidence;
under-confidence is the pattern the coach exists to correct.

Pure: no clock, no I/O; dates are passed in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Final

__all__ = [
    "LADDER_SIZE",
    "LEVEL_THRESHOLD",
    "UI_RATINGS",
    "BeliefCheck",
    "EfficacyChange",
    "LadderRating",
    "Verdict",
    "WeekBelief",
    "belief_by_week",
    "belief_vs_evidence",
    "change",
    "ladder_levels",
    "rolling_success_rate",
    "round_to_step",
]

LADDER_SIZE: Final = 5
UI_RATINGS: Final = (0, 20, 40, 60, 80, 100)  # what the buttons offer; any 0..100 is accepted
LEVEL_THRESHOLD: Final = 50  # an item counts toward the level when rated at least this
MIN_VERDICT_N: Final = 3  # fewer rated attempts than this say nothing about calibration
MIN_MARGIN_PP: Final = 10.0  # a gap smaller than this (percentage points) is "calibrated"


def _finite_positive(value: float, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")


def round_to_step(value: float, step: float) -> float:
    """The nearest positive multiple of ``step`` (never 0: a ladder rung of nothing is no rung)."""
    _finite_positive(step, "step")
    multiples = max(1, round(value / step))
    return _clean(multiples * step)


def _clean(value: float) -> float:
    # 3 * 0.1 is 0.30000000000000004; shown to a person it must read 0.3.
    return float(f"{value:.10g}")


def ladder_levels(
    current: float, target: float | None, step: float, *, baseline: float | None = None
) -> list[float]:
    """Five graded amounts from ``current`` up to the target (or twice the baseline).

    The rungs are spaced evenly on the log scale (the calibrator's scale: going from 10 to 12
    minutes is as big a move as 50 to 60), rounded to the goal's step and strictly increasing.
    When the range holds fewer than five step multiples the ladder is every multiple in it
    (at least two rungs). Without a target, or with a target already reached, the top is
    twice the baseline (``current`` when no baseline is given), or twice ``current`` when
    that is still not above it.
    """
    _finite_positive(current, "current")
    _finite_positive(step, "step")
    if baseline is not None:
        _finite_positive(baseline, "baseline")
    if target is not None:
        _finite_positive(target, "target")
    lo = max(1, round(current / step))
    if target is not None and target > current:
        top_value = target
    else:
        top_value = 2 * (baseline if baseline is not None else current)
        if top_value <= current:
            top_value = 2 * current
    hi = max(lo + 1, round(top_value / step))
    if hi - lo + 1 <= LADDER_SIZE:
        return [_clean(i * step) for i in range(lo, hi + 1)]
    ratio = math.log(hi / lo)
    rungs = [lo]
    for k in range(1, LADDER_SIZE - 1):
        ideal = round(lo * math.exp(ratio * k / (LADDER_SIZE - 1)))
        # Keep room above for the remaining rungs and stay above the one below.
        rungs.append(min(max(ideal, rungs[-1] + 1), hi - (LADDER_SIZE - 1 - k)))
    rungs.append(hi)
    return [_clean(i * step) for i in rungs]


@dataclass(frozen=True)
class LadderRating:
    """One completed ladder: the amounts asked about and the 0-100 confidence for each."""

    levels: tuple[float, ...]
    ratings: tuple[int, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "levels", tuple(self.levels))
        object.__setattr__(self, "ratings", tuple(self.ratings))
        if not self.levels:
            raise ValueError("a ladder needs at least one level")
        if len(self.levels) != len(self.ratings):
            raise ValueError(
                f"{len(self.levels)} levels but {len(self.ratings)} ratings: one rating per level"
            )
        for level in self.levels:
            _finite_positive(level, "a level")
        if any(b <= a for a, b in pairwise(self.levels)):
            raise ValueError(f"levels must be strictly increasing, got {self.levels!r}")
        for rating in self.ratings:
            if isinstance(rating, bool) or not isinstance(rating, int) or not 0 <= rating <= 100:
                raise ValueError(f"a rating is an integer 0..100, got {rating!r}")

    @property
    def strength(self) -> float:
        """Bandura's strength: the mean confidence over the items."""
        return sum(self.ratings) / len(self.ratings)

    @property
    def level(self) -> int:
        """Bandura's level (magnitude): how many items the person is at least half sure of."""
        return sum(1 for rating in self.ratings if rating >= LEVEL_THRESHOLD)


@dataclass(frozen=True)
class EfficacyChange:
    """How the belief moved between two ladders (``same_ladder``: the same amounts were asked).

    On a different ladder (the person's level rose, so the rungs moved up) an unchanged strength
    is itself progress: the same confidence now covers bigger amounts.
    """

    strength_before: float
    strength_after: float
    level_before: int
    level_after: int
    same_ladder: bool

    @property
    def strength_delta(self) -> float:
        return self.strength_after - self.strength_before

    @property
    def level_delta(self) -> int:
        return self.level_after - self.level_before


def change(previous: LadderRating, current: LadderRating) -> EfficacyChange:
    return EfficacyChange(
        strength_before=previous.strength,
        strength_after=current.strength,
        level_before=previous.level,
        level_after=current.level,
        same_ladder=previous.levels == current.levels,
    )


class Verdict(StrEnum):
    UNDER_CONFIDENT = "under_confident"  # did better than they believed: the common pattern
    CALIBRATED = "calibrated"
    OVER_CONFIDENT = "over_confident"
    TOO_FEW = "too_few"  # not enough rated attempts to say


@dataclass(frozen=True)
class BeliefCheck:
    """Mean confidence against the success rate, both in percent, over ``n`` rated attempts."""

    n: int
    mean_confidence: float
    success_rate: float
    margin: float  # percentage points a gap must exceed to be a verdict other than calibrated
    verdict: Verdict

    @property
    def gap(self) -> float:
        """Success rate minus confidence: positive means under-confident."""
        return self.success_rate - self.mean_confidence


def _margin(n: int) -> float:
    # One binomial standard error at p = 0.5, in percentage points, never below 10: a week of
    # seven attempts can be off by ~19 points by chance alone, so only a clear gap is named.
    return max(MIN_MARGIN_PP, 100 * math.sqrt(0.25 / n)) if n else math.inf


def belief_vs_evidence(pairs: Iterable[tuple[int, bool]]) -> BeliefCheck:
    """Confidence (0-100 given before) against outcomes (True = done) for rated attempts.

    The caller passes attempts that were actually made (done or failed); missed and skipped
    days say nothing about what the person could do.
    """
    items = list(pairs)
    for confidence, _ in items:
        if isinstance(confidence, bool) or not 0 <= confidence <= 100:
            raise ValueError(f"confidence is 0..100, got {confidence!r}")
    n = len(items)
    if n == 0:
        return BeliefCheck(0, math.nan, math.nan, math.inf, Verdict.TOO_FEW)
    mean_confidence = sum(c for c, _ in items) / n
    success_rate = 100 * sum(1 for _, ok in items if ok) / n
    margin = _margin(n)
    gap = success_rate - mean_confidence
    if n < MIN_VERDICT_N:
        verdict = Verdict.TOO_FEW
    elif gap > margin:
        verdict = Verdict.UNDER_CONFIDENT
    elif gap < -margin:
        verdict = Verdict.OVER_CONFIDENT
    else:
        verdict = Verdict.CALIBRATED
    return BeliefCheck(n, mean_confidence, success_rate, margin, verdict)


@dataclass(frozen=True)
class WeekBelief:
    week_start: date
    check: BeliefCheck


def belief_by_week(
    attempts: Iterable[tuple[date, int, bool]], *, first_weekday: int = 0
) -> list[WeekBelief]:
    """:func:`belief_vs_evidence` per week (weeks start on ``first_weekday``, 0 = Monday),
    oldest first, only weeks with at least one rated attempt."""
    if not 0 <= first_weekday <= 6:
        raise ValueError(f"first_weekday is 0..6, got {first_weekday!r}")
    weeks: dict[date, list[tuple[int, bool]]] = {}
    for day, confidence, ok in attempts:
        start = day - timedelta(days=(day.weekday() - first_weekday) % 7)
        weeks.setdefault(start, []).append((confidence, ok))
    return [WeekBelief(start, belief_vs_evidence(weeks[start])) for start in sorted(weeks)]


def rolling_success_rate(
    outcomes: Sequence[tuple[date, bool]], *, window_days: int = 14
) -> list[tuple[date, float]]:
    """For each attempt day, the share (percent) of attempts done in the ``window_days`` up to it.

    A window in days, not attempts, so a break does not keep an old rate alive on the chart.
    ``outcomes`` must be sorted by day (attempts that were made: done or failed).
    """
    if window_days < 1:
        raise ValueError("window_days must be at least 1")
    result: list[tuple[date, float]] = []
    left = 0
    done_in_window = 0
    for right, (day, ok) in enumerate(outcomes):
        if right and day < outcomes[right - 1][0]:
            raise ValueError("outcomes must be sorted by day")
        done_in_window += ok
        while outcomes[left][0] <= day - timedelta(days=window_days):
            done_in_window -= outcomes[left][1]
            left += 1
        result.append((day, 100 * done_in_window / (right - left + 1)))
    return result
