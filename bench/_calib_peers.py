"""The controllers compared in bench/calibration.py: Notch and its peers.

Each controller sees what a coach would see: the stated baseline, the step, and each day's
outcome. Peers count a 'failed' as a failure only when the reason is 'too_hard' (or none was
given), and ignore missed/skipped days - the same information Notch uses, minus effort.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any, ClassVar

import numpy as np

from core.calibration import Attempt, Goal, Priors, next_challenge

D0 = date(2025, 1, 6)
LOGIT_08 = math.log(0.8 / 0.2)
LOGIT_09 = math.log(0.9 / 0.1)


def round_step(x: float, step: float) -> float:
    return max(1, round(x / step)) * step


class Controller:
    """plan(day) -> (amount, predicted P(done) or None); observe(...) after the day."""

    name: ClassVar[str] = ""

    def __init__(self, baseline: float, step: float, unit: str) -> None:
        self.baseline, self.step, self.unit = baseline, step, unit

    def plan(self, day: int) -> tuple[float, float | None]:
        raise NotImplementedError

    def observe(
        self,
        day: int,
        amount: float,
        outcome: str,
        effort: int | None = None,
        reason: str | None = None,
        achieved: float | None = None,
    ) -> None:
        if outcome == "done":
            self.update(amount, True)
        elif outcome == "failed" and reason in (None, "too_hard"):
            self.update(amount, False)

    def update(self, amount: float, success: bool) -> None:
        pass


class Notch(Controller):
    """The product: core.calibration.next_challenge over the whole history, every day.

    ``priors`` None plans with the built-in settings, as a new install would ("cold");
    :meth:`with_priors` gives a class that plans under settings learned from earlier users
    ("warm"). Its ``goal`` and ``history`` are exactly what the bot stores about a person.
    """

    name = "Notch"
    priors: ClassVar[Priors | None] = None

    def __init__(self, baseline: float, step: float, unit: str) -> None:
        super().__init__(baseline, step, unit)
        self.goal = Goal(unit=unit, baseline=baseline, step=step)
        self.history: list[Attempt] = []

    @classmethod
    def with_priors(cls, priors: Priors | None, name: str = "Notch (warm)") -> type[Notch]:
        """A Notch class planning under ``priors`` (built where it is used: not picklable)."""
        return type(cls.__name__ + "Warm", (cls,), {"name": name, "priors": priors})

    def plan(self, day: int) -> tuple[float, float | None]:
        p = next_challenge(self.goal, self.history, D0 + timedelta(days=day), priors=self.priors)
        return p.amount, p.p_success

    def observe(
        self,
        day: int,
        amount: float,
        outcome: str,
        effort: int | None = None,
        reason: str | None = None,
        achieved: float | None = None,
    ) -> None:
        self.history.append(
            Attempt(D0 + timedelta(days=day), amount, outcome, effort, reason, achieved)  # type: ignore[arg-type]
        )


class Fixed(Controller):
    """A fixed plan: the baseline, +10 % a week, whatever happens."""

    name = "Fixed +10%/wk"

    def plan(self, day: int) -> tuple[float, float | None]:
        return round_step(self.baseline * 1.1 ** (day // 7), self.step), None


class Staircase(Controller):
    """Levitt (1971) transformed up-down on the log amount: n successes up, one failure down."""

    n_down: ClassVar[int] = 1
    up: ClassVar[float] = math.log(1.10)  # harder after n successes
    down: ClassVar[float] = math.log(1.10)  # easier after a failure

    def __init__(self, baseline: float, step: float, unit: str) -> None:
        super().__init__(baseline, step, unit)
        self.level = math.log(baseline)
        self.run = 0

    def plan(self, day: int) -> tuple[float, float | None]:
        return round_step(math.exp(self.level), self.step), None

    def update(self, amount: float, success: bool) -> None:
        if success:
            self.run += 1
            if self.run >= self.n_down:
                self.level += self.up
                self.run = 0
        else:
            self.level -= self.down
            self.run = 0


class UpDown11(Staircase):
    name = "1-up-1-down"


class UpDown13(Staircase):
    name = "1-up-3-down"
    n_down = 3


class Weighted(Staircase):
    """Kaernbach (1991): easier/harder step ratio p/(1-p) = 4 for p = 0.8."""

    name = "Weighted up-down"
    up = math.log(1.04)
    down = 4 * math.log(1.04)


class Elo(Controller):
    """Pelánek (2016): skill += K(n)(outcome - p), K(n) = 0.8/(1 + 0.05 n); place at p = 0.8."""

    name = "Elo"
    slope = 5.0  # logit per log-amount unit, assumed for everyone

    def __init__(self, baseline: float, step: float, unit: str) -> None:
        super().__init__(baseline, step, unit)
        self.skill = math.log(baseline) + LOGIT_09 / self.slope
        self.n = 0

    def p(self, amount: float) -> float:
        return 1.0 / (1.0 + math.exp(-self.slope * (self.skill - math.log(amount))))

    def plan(self, day: int) -> tuple[float, float | None]:
        amount = round_step(math.exp(self.skill - LOGIT_08 / self.slope), self.step)
        return amount, self.p(amount)

    def update(self, amount: float, success: bool) -> None:
        k = 0.8 / (1.0 + 0.05 * self.n)
        self.skill += k * (float(success) - self.p(amount)) / self.slope
        self.n += 1


class QuestPlusPeer(Controller):
    """QUEST+ (Watson 2017) via the `questplus` package, placed at predictive P(done) = 0.8.

    Stimulus = easiness = -log(amount / baseline) on a 0.05 grid; the presented (rounded)
    amount is snapped to the nearest grid stimulus. Cumulative-normal psychometric function
    with a modest parameter grid (threshold x 4 widths x 2 lapse rates), because the package's
    xarray likelihoods are slow. Like the original, it assumes a learner who does not change.
    """

    name = "QUEST+"
    _templates: ClassVar[dict[str, Any]] = {}
    stims = np.round(np.arange(-1.9, 0.9001, 0.05), 4)

    def __init__(self, baseline: float, step: float, unit: str) -> None:
        super().__init__(baseline, step, unit)
        self.qp = self._template()
        self.qp.posterior = self.qp.prior.copy()
        self.qp.stim_history, self.qp.resp_history = [], []

    @classmethod
    def _template(cls) -> Any:
        key = "qp"
        if key not in cls._templates:
            import questplus

            means = np.round(np.arange(-2.3, 0.6001, 0.05), 4)
            sds = np.array([0.08, 0.15, 0.25, 0.4])
            prior_mean = np.exp(-0.5 * ((means + 0.35) / 0.45) ** 2)
            qp = questplus.QuestPlus(
                stim_domain={"intensity": cls.stims},
                param_domain={
                    "mean": means,
                    "sd": sds,
                    "lower_asymptote": np.array([0.0]),
                    "lapse_rate": np.array([0.01, 0.04]),
                },
                outcome_domain={"response": ["Correct", "Incorrect"]},
                prior={
                    "mean": prior_mean / prior_mean.sum(),
                    "sd": np.ones(len(sds)) / len(sds),
                    "lower_asymptote": np.array([1.0]),
                    "lapse_rate": np.array([0.5, 0.5]),
                },
                func="norm_cdf",
                stim_scale="linear",
            )
            correct = qp.likelihoods.sel(response="Correct").transpose("intensity", ...)
            cls._templates[key] = qp
            cls._templates["correct"] = np.asarray(correct.values).reshape(len(cls.stims), -1)
        return cls._templates[key]

    def predictive(self) -> np.ndarray[Any, np.dtype[np.float64]]:
        post = np.asarray(self.qp.posterior.values).reshape(-1)
        return np.asarray(self._templates["correct"] @ post, dtype=float)

    def plan(self, day: int) -> tuple[float, float | None]:
        pred = self.predictive()
        i = int(np.argmin(np.abs(pred - 0.8)))
        amount = round_step(self.baseline * math.exp(-float(self.stims[i])), self.step)
        j = self._snap(amount)
        return amount, float(pred[j])

    def _snap(self, amount: float) -> int:
        return int(np.argmin(np.abs(self.stims + math.log(amount / self.baseline))))

    def update(self, amount: float, success: bool) -> None:
        stim = float(self.stims[self._snap(amount)])
        self.qp.update(
            stim={"intensity": stim},
            outcome={"response": "Correct" if success else "Incorrect"},
        )


class Oracle(Controller):
    """Knows the learner's true ability and curve: the step multiple with p_true closest to 0.8."""

    name = "Oracle"

    def __init__(self, baseline: float, step: float, unit: str) -> None:
        super().__init__(baseline, step, unit)
        self.learner: Any = None
        self.ability = 0.0

    def plan(self, day: int) -> tuple[float, float | None]:
        ideal = math.exp(self.ability - self.learner.m80) / self.step
        best: tuple[float, float] | None = None
        for k in (math.floor(ideal), math.floor(ideal) + 1):
            amount = max(1, k) * self.step
            p = self.learner.p_true(self.ability, amount)
            if best is None or abs(p - 0.8) < abs(best[1] - 0.8):
                best = (amount, p)
        assert best is not None
        return best[0], best[1]


CONTROLLERS: tuple[type[Controller], ...] = (
    Notch,
    Fixed,
    UpDown11,
    UpDown13,
    Weighted,
    QuestPlusPeer,
    Elo,
    Oracle,
)
