"""Simulated learners for the calibration benchmark.

Every assumption of the simulation lives here and in the docstring of bench/calibration.py.
A learner is drawn from a seeded generator per (population, learner index), and every random
event of every day is drawn up front, so all controllers meet the same people on the same days
(common random numbers): only the amounts they choose differ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]

DAYS = 90
# Gauss-Hermite nodes (probabilists') for integrating the day-to-day noise out of p_true.
_GH_X, _GH_W = np.polynomial.hermite_e.hermegauss(24)
_GH_W = _GH_W / _GH_W.sum()
_MARGIN_GRID = np.linspace(-4.0, 4.0, 4001)


@dataclass(frozen=True)
class Population:
    """Who the learners are; one set of distributions per population."""

    name: str
    unit: str
    step: float
    comfortable_lo: float  # true comfortable amount, log-uniform in [lo, hi]
    comfortable_hi: float
    link: str = "logistic"  # success curve in the realised margin; "gumbel" is asymmetric
    misjudge: float = 0.30  # reported baseline = true comfortable x U(1 - m, 1 + m)
    effort_cuts: tuple[float, float, float, float] = (0.05, 0.20, 0.45, 0.80)
    growth_gap: tuple[float, float] = (0.2, 1.0)  # ceiling above start, log units
    growth_rate: tuple[float, float] = (0.02, 0.07)  # fraction of the gap closed per full session
    break_prob: float = 0.5
    comfortable_p: float = 0.95  # what "comfortable" means: p_true at the true comfortable amount
    growth: str = "85-rule"  # practice-value kernel (bench/_calib_sim.py): "85-rule" | "harder"
    note: str = ""
    day_sd: tuple[float, float] = (0.04, 0.15)  # day-to-day noise sd, per person U(lo, hi)


POPULATIONS: tuple[Population, ...] = (
    Population("minutes", "minutes", 1.0, 8.0, 40.0, note="minutes of practice, step 1"),
    Population("reps", "reps", 1.0, 5.0, 10.0, note="reps from 5-10, step 1: rounding bites"),
    Population("words", "words", 50.0, 200.0, 1500.0, note="words written, step 50"),
    Population(
        "other-model",
        "pages",
        1.0,
        4.0,
        30.0,
        link="gumbel",
        misjudge=0.45,
        effort_cuts=(0.15, 0.35, 0.70, 1.20),
        growth_gap=(0.3, 1.4),
        growth_rate=(0.03, 0.10),
        break_prob=0.7,
        note="a different learner model: asymmetric success curve, stingier effort reports, "
        "worse baselines, faster growth, more breaks",
    ),
    Population(
        "alt-assumptions",
        "minutes",
        1.0,
        8.0,
        40.0,
        comfortable_p=0.90,
        growth="harder",
        note="the earlier simulation's assumptions: 'comfortable' = p_true 0.90, and growth "
        "that rewards harder sessions",
    ),
    # Appended after the first five, so their seeds (population index) and figures stay put.
    Population(
        "plateau",
        "minutes",
        5.0,
        15.0,
        30.0,
        growth_gap=(0.0, 0.1),
        growth_rate=(0.0, 0.02),
        day_sd=(0.15, 0.30),
        note="adults who barely improve, with wide day-to-day noise; minutes in steps of 5",
    ),
    Population(
        "compressed-effort",
        "reps",
        1.0,
        8.0,
        25.0,
        effort_cuts=(-0.30, -0.15, 1.20, 1.60),
        note="people who call most successes 'just right', whatever the margin",
    ),
)


@dataclass
class Learner:
    """One simulated person: hidden parameters, and every random draw for every day."""

    pop: Population
    slope: float
    lapse: float
    day_sd: float
    start: float  # log ability (50 % point of the noise-free curve) on day 0
    ceiling: float
    rate: float
    detrain: float
    baseline: float  # what the person says is comfortable (rounded to the step)
    effort_bias: float
    effort_sd: float
    on_break: npt.NDArray[np.bool_]
    missed: npt.NDArray[np.bool_]
    skipped: npt.NDArray[np.bool_]
    other_fail: npt.NDArray[np.bool_]
    u_out: Array
    z_day: Array
    z_eff: Array
    u_eff_report: Array
    u_reason: Array
    u_achieved: Array
    u_unstated: Array  # a failure's reason is left unsaid when this is below the share asked
    p_table: Array = field(repr=False)
    m80: float = 0.0  # margin at which p_true = 0.80

    def p_true(self, ability: float, amount: float) -> float:
        """True P(done) at ``amount`` before the day's noise is known."""
        return float(np.interp(ability - math.log(amount), _MARGIN_GRID, self.p_table))

    def p_given_noise(self, margin: float) -> float:
        return (1.0 - self.lapse) * float(_curve(self.pop.link, self.slope * margin))

    def effort(self, margin: float, day: int) -> int | None:
        """Felt effort 1..5 from the realised margin, with a personal bias and noise."""
        if self.u_eff_report[day] > 0.85:
            return None
        latent = margin + self.effort_bias + self.effort_sd * self.z_eff[day]
        c1, c2, c3, c4 = self.pop.effort_cuts
        if latent < c1:
            return 5
        if latent < c2:
            return 4
        if latent < c3:
            return 3
        return 2 if latent < c4 else 1


def _curve(link: str, z: float | Array) -> Array:
    z = np.asarray(z, dtype=float)
    if link == "gumbel":  # complementary log-log: a long left tail, a sharp right one
        return np.asarray(1.0 - np.exp(-np.exp(np.clip(z - 0.37, -50, 50))), dtype=float)
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -50, 50))), dtype=float)


def make_learner(pop_index: int, index: int, days: int = DAYS) -> Learner:
    pop = POPULATIONS[pop_index]
    rng = np.random.default_rng([20250301, pop_index, index])
    slope = rng.uniform(4.0, 9.0)
    lapse = rng.uniform(0.0, 0.05)
    day_sd = rng.uniform(*pop.day_sd)  # one draw, as before: older populations unchanged
    table = (1.0 - lapse) * (
        _curve(pop.link, slope * (_MARGIN_GRID[:, None] + day_sd * _GH_X[None, :])) @ _GH_W
    )
    m_comf = float(np.interp(pop.comfortable_p, table, _MARGIN_GRID))
    m80 = float(np.interp(0.80, table, _MARGIN_GRID))
    comfortable = math.exp(rng.uniform(math.log(pop.comfortable_lo), math.log(pop.comfortable_hi)))
    start = math.log(comfortable) + m_comf
    said = comfortable * rng.uniform(1.0 - pop.misjudge, 1.0 + pop.misjudge)
    baseline = max(pop.step, round(said / pop.step) * pop.step)
    on_break = np.zeros(days, dtype=bool)
    if rng.uniform() < pop.break_prob:
        first = int(rng.integers(15, 70))
        on_break[first : first + int(rng.integers(7, 22))] = True
    miss_rate = rng.uniform(0.0, 0.20)
    return Learner(
        pop=pop,
        slope=slope,
        lapse=lapse,
        day_sd=day_sd,
        start=start,
        ceiling=start + rng.uniform(*pop.growth_gap),
        rate=rng.uniform(*pop.growth_rate),
        detrain=rng.uniform(0.005, 0.02),
        baseline=float(baseline),
        effort_bias=rng.normal(0.0, 0.10),
        effort_sd=rng.uniform(0.05, 0.20),
        on_break=on_break,
        missed=rng.uniform(size=days) < miss_rate,
        skipped=rng.uniform(size=days) < 0.03,
        other_fail=rng.uniform(size=days) < rng.uniform(0.0, 0.05),
        u_out=rng.uniform(size=days),
        z_day=rng.normal(size=days),
        z_eff=rng.normal(size=days),
        u_eff_report=rng.uniform(size=days),
        u_reason=rng.uniform(size=days),
        u_achieved=rng.uniform(size=days),
        u_unstated=rng.uniform(size=days),  # drawn last: every earlier draw is unchanged
        p_table=table,
        m80=m80,
    )
