"""One controller meets simulated learners, day by day (see bench/calibration.py for the why)."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bench._calib_peers import Controller, Oracle
from bench.learners import DAYS, Learner, make_learner

NONE, DONE, FAILED, OTHER_FAIL, MISSED, SKIPPED = range(6)
# The share of failures whose reason the learner never gives (the reason question ignored):
# set by ``bench/calibration.py --unstated-reasons`` (an environment variable, so worker
# processes see it too). 0 by default: every failure has a reason, as in the reported runs.
UNSTATED_ENV = "NOTCH_BENCH_UNSTATED_REASONS"


def unstated_share() -> float:
    return float(os.environ.get(UNSTATED_ENV, "0"))


@dataclass
class Run:
    """Per learner x day records of one controller on one population."""

    p_true: npt.NDArray[np.float64]  # NaN where no challenge was planned (break)
    p_pred: npt.NDArray[np.float64]  # the controller's own P(done), NaN if it has none
    amount: npt.NDArray[np.float64]
    outcome: npt.NDArray[np.int8]
    gain: npt.NDArray[np.float64]  # log ability, last day minus first day
    early_fails: npt.NDArray[np.float64]  # ability failures among the first five attempts

    @classmethod
    def joined(cls, chunks: list[tuple[int, Run]]) -> Run:
        """One run from chunks of learners simulated apart, each keyed by its first learner."""
        runs = [r for _, r in sorted(chunks, key=lambda t: t[0])]
        fields = cls.__dataclass_fields__
        return cls(*(np.concatenate([getattr(r, f) for r in runs]) for f in fields))


def practice_value(p: float) -> float:
    """How much a session at true success probability p teaches: 1.0 at p = 0.85.

    Wilson et al. (2019): the learning-rate-optimal success rate is about 85 %. A Beta-shaped
    kernel p^3.4 (1 - p)^0.6 peaks there; sessions at 0.70 or 0.95 teach ~0.8, at 0.50 ~0.35,
    at 0.99 ~0.3 (too easy).
    """
    return float((p**3.4 * (1.0 - p) ** 0.6) / (0.85**3.4 * 0.15**0.6))


def practice_value_harder(p: float) -> float:
    """The earlier assumption: the harder the session, the more it teaches (1.0 at p = 0.85).

    Linear in the failure probability, (1 - p) / 0.15, capped at 2.5: 2.0 at p = 0.70, 0.33
    at 0.95. Under it, controllers that aim below 0.80 gain more by construction; it is kept
    as the "alt-assumptions" population so the table shows Notch without the 85 % kernel.
    """
    return float(min((1.0 - p) / 0.15, 2.5))


def live(learner: Learner, ctl: Controller, day_rows: int, row: int, run: Run) -> None:
    """Simulate one learner under one controller; write into ``run`` at ``row``."""
    pop = learner.pop
    step = pop.step
    ability = learner.start
    idle = 0  # days since the last practice
    attempts = 0
    early = 0
    floor = learner.start - 0.1
    unstated = unstated_share()
    for day in range(day_rows):
        practised = False
        if not learner.on_break[day]:
            if isinstance(ctl, Oracle):
                ctl.learner, ctl.ability = learner, ability
            amount, pred = ctl.plan(day)
            p = learner.p_true(ability, amount)
            run.p_true[row, day] = p
            run.amount[row, day] = amount
            if pred is not None:
                run.p_pred[row, day] = pred
            if learner.missed[day]:
                ctl.observe(day, amount, "missed")
                run.outcome[row, day] = MISSED
            elif learner.skipped[day]:
                ctl.observe(day, amount, "skipped")
                run.outcome[row, day] = SKIPPED
            elif learner.other_fail[day]:
                why: str | None = "no_time" if learner.u_reason[day] < 0.6 else "unwell"
                if learner.u_unstated[day] < unstated:
                    why = None
                ctl.observe(day, amount, "failed", reason=why)
                run.outcome[row, day] = OTHER_FAIL
            else:
                noise = learner.day_sd * learner.z_day[day]
                margin = ability + noise - math.log(amount)
                success = learner.u_out[day] < float(learner.p_given_noise(margin))
                attempts += 1
                practised = True
                if success:
                    ctl.observe(day, amount, "done", effort=learner.effort(margin, day))
                    run.outcome[row, day] = DONE
                else:
                    early += attempts <= 5
                    u = learner.u_reason[day]
                    reason: str | None = (
                        "too_hard" if u < 0.8 else ("other" if u < 0.9 else "no_time"))
                    achieved = None
                    if learner.u_unstated[day] < unstated:
                        reason = None  # no reason, so no "how much did you do?" either
                    elif learner.u_achieved[day] < 0.5:
                        part = math.exp(ability + noise) * (0.6 + 0.4 * learner.u_achieved[day])
                        part = math.floor(part / step) * step
                        if step <= part < amount:
                            achieved = part
                    ctl.observe(day, amount, "failed", reason=reason, achieved=achieved)
                    run.outcome[row, day] = FAILED
                stimulus = practice_value(p) if pop.growth == "85-rule" else (
                    practice_value_harder(p))
                ability += learner.rate * stimulus * max(learner.ceiling - ability, 0.0)
        if practised:
            idle = 0
        else:
            idle += 1
            if idle > 2 and ability > floor:
                ability -= learner.detrain * (ability - floor)
    run.gain[row] = ability - learner.start
    run.early_fails[row] = early


def simulate(
    pop_index: int,
    ctl_cls: type[Controller],
    indices: range,
    days: int = DAYS,
    keep: list[Controller] | None = None,
) -> Run:
    """``ctl_cls`` on the learners ``indices``; ``keep`` receives each controller afterwards
    (for Notch: the goal and history the bot would have stored about that person)."""
    n = len(indices)
    run = Run(
        p_true=np.full((n, days), np.nan),
        p_pred=np.full((n, days), np.nan),
        amount=np.full((n, days), np.nan),
        outcome=np.zeros((n, days), dtype=np.int8),
        gain=np.zeros(n),
        early_fails=np.zeros(n),
    )
    for row, index in enumerate(indices):
        learner = make_learner(pop_index, index, days)
        ctl = ctl_cls(learner.baseline, learner.pop.step, learner.pop.unit)
        live(learner, ctl, days, row, run)
        if keep is not None:
            keep.append(ctl)
    return run
