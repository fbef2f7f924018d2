"""fit_priors: recovers known settings, shrinks toward the built-in ones, reads only evidence."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date, timedelta
from functools import cache

import numpy as np
import pytest

from core import calibration as cal
from core.calibration import Attempt, Goal, Priors, belief, fit_priors
from core.priors_fit import PARAMS, evidence, make_batch, run_filter

D0 = date(2025, 3, 3)
TRUE = Priors(width=0.40, baseline_p=0.80, baseline_sd=0.25, growth_mean=0.0, growth_sd=0.005,
              effort_offset=0.10, effort_scale=1.8, effort_noise=0.12, users=1, attempts=1)

History = tuple[Goal, list[Attempt]]


def _phi(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def synthetic(n_users: int, days: int, truth: Priors, seed: int) -> list[History]:
    """People who behave exactly as the model says under ``truth`` (no growth).

    Amounts are drawn around each person's ability, independently of their answers, so the
    fit sees the whole success curve. Effort answers come from the model's own likelihood:
    P(k) proportional to misreport floor + P(margin + bias + noise in interval k).
    """
    rng = random.Random(seed)
    out: list[History] = []
    for _ in range(n_users):
        goal = Goal("min", float(rng.choice([10, 15, 20, 30, 45])), 1.0)
        theta = rng.gauss(cal.prior_mean(goal, truth), truth.baseline_sd)
        bias = rng.gauss(0.0, cal.BIAS_SD)
        hist: list[Attempt] = []
        for d in range(days):
            amount = max(1.0, float(round(math.exp(theta + rng.gauss(-0.25, 0.25)))))
            margin = theta - math.log(amount)
            p = cal.GUESS + (1 - cal.GUESS - cal.LAPSE) * _phi(margin / truth.width)
            day = D0 + timedelta(days=d)
            if rng.random() >= p:
                hist.append(Attempt(day, amount, "failed", reason="too_hard"))
                continue
            weights = []
            for k in range(1, 6):
                lo, hi = truth.effort_margin(k)
                m = margin + bias
                pk = _phi((m - lo) / truth.effort_noise) - _phi((m - hi) / truth.effort_noise)
                weights.append(cal.EFFORT_MISREPORT + max(pk, 0.0))
            effort = rng.choices(range(1, 6), weights=weights)[0]
            hist.append(Attempt(day, amount, "done", effort=effort))
        out.append((goal, hist))
    return out


@cache
def population() -> list[History]:
    return synthetic(300, 60, TRUE, seed=7)


@cache
def fitted(n: int) -> Priors:
    return fit_priors(population()[:n])


def distance(p: Priors) -> float:
    """How far settings lie from the built-in ones, on the optimiser's own scales."""
    base = Priors.builtin()
    return math.sqrt(sum(((q.to_x(getattr(p, q.name)) - q.to_x(getattr(base, q.name))) / q.sd)
                         ** 2 for q in PARAMS))


def test_recovers_known_settings() -> None:
    got = fitted(300)
    assert got.users == 300 and got.attempts == 300 * 60
    # Measured: width 0.420, effort scale 1.864, baseline_p 0.802, baseline sd 0.243, effort
    # noise 0.121 (truth 0.40, 1.8, 0.80, 0.25, 0.12); the defaults are 0.22, 1.0, 0.92, 0.30.
    assert got.width == pytest.approx(TRUE.width, rel=0.10)
    assert got.effort_scale == pytest.approx(TRUE.effort_scale, rel=0.10)
    assert got.baseline_p == pytest.approx(TRUE.baseline_p, abs=0.03)
    assert got.baseline_sd == pytest.approx(TRUE.baseline_sd, abs=0.05)
    assert got.effort_noise == pytest.approx(TRUE.effort_noise, rel=0.25)
    assert got.growth_mean < cal.GROWTH_MEAN  # nobody grows: the prior comes down
    # Recalibration stays near identity when the model is right.
    assert abs(got.recal_a) < 0.15 and got.recal_b == pytest.approx(1.0, abs=0.15)


def test_shrinks_toward_the_built_in_settings_when_data_is_thin() -> None:
    assert fit_priors([]) == Priors.builtin()
    d1, d10, d300 = distance(fitted(1)), distance(fitted(10)), distance(fitted(300))
    assert d300 > 1.0  # the data speaks
    # Measured: 0.15, 0.80 and 2.74 on the optimiser's scales.
    assert d1 < 0.2 * d300  # one user: nearly the defaults
    assert d10 < 0.5 * d300
    assert fitted(1).users == 1 and fitted(10).users == 10


def test_deterministic() -> None:
    rows = population()[:20]
    assert fit_priors(rows) == fit_priors([(g, list(h)) for g, h in rows])


def test_ignores_what_is_not_evidence() -> None:
    rows = population()[:15]
    noisy: list[History] = []
    for goal, hist in rows:
        extra = []
        for a in hist[::4]:
            extra.append(Attempt(a.day, a.amount * 3, "missed"))
            extra.append(Attempt(a.day, a.amount * 3, "skipped"))
            extra.append(Attempt(a.day, a.amount * 3, "failed", reason="no_time"))
            extra.append(Attempt(a.day, a.amount * 3, "failed", reason="unwell", achieved=0.0))
        noisy.append((goal, sorted([*hist, *extra], key=lambda a: a.day)))
    assert fit_priors(noisy) == fit_priors(rows)
    only_noise = [(g, [a for a in h if not cal._informative(a)]) for g, h in noisy]
    assert fit_priors(only_noise) == Priors.builtin()


def test_fitted_priors_move_plans() -> None:
    goal, hist = population()[0]
    cold = cal.next_challenge(goal, hist[:30], hist[30].day)
    warm = cal.next_challenge(goal, hist[:30], hist[30].day, priors=fitted(300))
    assert cold.p_success != warm.p_success


def test_vectorised_filter_equals_the_scalar_one() -> None:
    rng = random.Random(3)
    rows: list[History] = []
    for u in range(12):
        goal = Goal("reps", float(rng.randint(3, 30)), float(rng.choice([1, 5])))
        hist, day = [], D0
        for _ in range(rng.randint(0, 40)):
            day += timedelta(days=rng.choice([0, 1, 1, 2, 6, 15]))
            amount = goal.step * rng.randint(1, 12)
            kind = rng.choice(["done", "done", "failed", "missed"])
            if kind == "done":
                hist.append(Attempt(day, amount, "done", effort=rng.choice([None, 1, 3, 5])))
            elif kind == "failed":
                achieved = rng.choice([None, goal.step * 0.5 * rng.randint(0, 2)])
                achieved = None if achieved is not None and achieved > amount else achieved
                reason = rng.choice([None, "too_hard", "no_time"])
                hist.append(Attempt(day, amount, "failed", reason=reason, achieved=achieved))
            else:
                hist.append(Attempt(day, amount, "missed"))
        rows.append((goal, evidence(hist)))
        del u
    pr = replace(TRUE, recal_a=0.0, recal_b=1.0)
    trace = run_filter(make_batch(rows, 1000), pr, keep_predictions=True)
    by_step: dict[int, list[float]] = {}
    for goal, hist in rows:
        for t, a in enumerate(hist):
            by_step.setdefault(t, []).append(belief(goal, hist[:t], a.day, pr).p_model(a.amount))
    scalar = np.concatenate([np.array(by_step[t]) for t in sorted(by_step)])
    assert scalar.shape == trace.p_model.shape
    assert np.max(np.abs(scalar - trace.p_model)) < 1e-9


def test_priors_round_trip_through_json() -> None:
    p = replace(fitted(10), users=10)
    assert Priors.from_json(p.to_json()) == p
    assert Priors.from_json(Priors.builtin().to_json()) == Priors.builtin()


@pytest.mark.parametrize(
    "text",
    ['{"version": 2}', "[]", '{"version": 1, "colour": "red"}', '{"version": 1, "width": -1}'],
)
def test_priors_refuse_what_they_do_not_know(text: str) -> None:
    with pytest.raises(ValueError):
        Priors.from_json(text)


def test_changes_name_what_moved() -> None:
    moved = replace(Priors.builtin(), width=0.3, users=5)
    assert moved.changes() == {"width": (cal.WIDTH, 0.3)}
    assert Priors.builtin().changes() == {}


def test_recalibration_and_its_inverse_agree() -> None:
    p = replace(Priors.builtin(), recal_a=0.3, recal_b=1.4)
    for x in (0.05, 0.5, 0.83, 0.97):
        assert p.uncalibrate(p.recalibrate(x)) == pytest.approx(x, abs=1e-9)
