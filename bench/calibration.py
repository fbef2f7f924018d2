"""Calibration benchmark: Notch's calibrator against its peers on simulated learners.

Run: ``make bench`` (= ``.venv/bin/python bench/calibration.py``); ``--quick`` for a smoke run.
Writes the table to docs/BENCHMARKS.md (only between the calibration markers) and the per-week
in-band chart to docs/img/calibration_inband.png. For tuning: ``--first 0 --learners 200``
(the tuning learners; the cohort is then 200-1199), ``--only-notch`` to run Notch cold and warm
only (no peers, no oracle, nothing written): a few minutes for all populations.

Learning from users (Notch cold and warm)
-----------------------------------------
"Notch (cold)" plans with the built-in settings (``priors=None``), as a new install would.
"Notch (warm)" plans with settings learned from earlier users: for each population an earlier
cohort of 1,000 learners (seeds 50000-50999, ``--cohort``/``--cohort-first``; disjoint from
the tuning and the fresh learners) is planned cold by Notch, and ``fit_priors`` runs on exactly
what the bot would have stored about them, ``[(goal, history)]``: stated baseline, step, unit,
and each day's amount, outcome, effort answer, failure reason and achieved amount - never the
simulator's truth. The warm Notch then plans the same fresh learners as every other
controller. The fit is one per population (one behaviour's users), timed on its own core.

Simulation assumptions (all of them; code in bench/learners.py and bench/_calib_sim.py)
-------------------------------------------------------------------------------------
People
* Seven populations of 1,000 learners each (``--learners``), 90 daily sessions:
  minutes (step 1, comfortable 8-40), reps (step 1, comfortable 5-10, where rounding bites),
  words (step 50, comfortable 200-1500), and "other-model" (pages, step 1), whose learners
  follow a *different* model from the other three (an asymmetric complementary-log-log
  success curve, stingier effort reports, baselines misjudged by up to +-45 %, faster growth,
  more breaks), and "alt-assumptions" (minutes, step 1), which keeps the simulation's
  *earlier* assumptions: "comfortable" = p_true 0.90 and growth that rewards harder sessions
  (value(p) = min((1 - p) / 0.15, 2.5)), so the table shows Notch without the two assumptions
  that favour it. Two more, added with the learning mode (after the first five, so their
  seeds and figures are unchanged): "plateau" (minutes, step 5, comfortable 15-30), adults
  who barely improve (ceiling a0 + U(0, 0.1), rate U(0, 0.02)) with wide day-to-day noise
  (sd U(0.15, 0.30)); and "compressed-effort" (reps, step 1, comfortable 8-25), people who
  call most successes "just right" whatever the margin (effort cuts -0.30/-0.15/1.20/1.60:
  "just right" covers margins from about -0.15 to 1.2). The calibrator's settings were chosen
  on learners 0-199 of the first five populations; the reported run uses learners
  100000-100999 (``--first``), people the settings never met.
* True comfortable amount log-uniform within the population's range; ability across people is
  therefore log-normal-like (log-uniform) in the amount.
* Ability a = log of the amount at which the noise-free success curve is 50 %. Success on a
  day: P = (1 - lapse) * F(slope * (a + day_noise - log amount)), F logistic (or cloglog for
  "other-model"); slope ~ U(4, 9) per log unit, lapse ~ U(0, 0.05), day_noise ~ N(0, sd),
  sd ~ U(0.04, 0.15) per person (U(0.15, 0.30) in "plateau"). p_true of a challenge = that
  probability with the day's noise integrated out (24-point Gauss-Hermite) - what an
  all-knowing coach could know in advance.
* "Comfortable" = the amount with p_true = 0.95 (done 19 days in 20; 0.90 in
  "alt-assumptions"). People state it with a
  multiplicative error U(0.7, 1.3) (U(0.55, 1.45) for other-model), rounded to the step.
* Growth: after a session, a += rate * value(p_true) * (ceiling - a); rate ~ U(0.02, 0.07)
  per session (U(0.03, 0.10) other-model, U(0, 0.02) plateau), ceiling = a0 + U(0.2, 1.0)
  log units (U(0.3, 1.4) other-model, U(0, 0.1) plateau):
  diminishing returns toward a personal ceiling. value(p) = p^3.4 (1-p)^0.6, scaled to 1 at
  p = 0.85 (Wilson et al. 2019, the ~85 % rule): 0.8 at p = 0.70 or 0.95, 0.35 at 0.50, 0.3
  at 0.99. Under a growth model where harder is always better, the 50 % staircase would
  gain most by construction ("alt-assumptions" shows exactly that).
* Detraining: after more than 2 consecutive days without practice, each further idle day
  moves a toward (a0 - 0.1) by a fraction U(0.005, 0.02) of the distance.
* Days off: each day missed with a personal probability U(0, 0.2) (recorded "missed"),
  skipped with probability 0.03 ("skipped"); with probability 0.5 (0.7) one break of 7-21
  days starting between day 15 and 70, during which no challenge is planned at all.
* Failures for other reasons: on a personal U(0, 0.05) share of days the session fails
  for "no_time" (60 %) or "unwell" (40 %) regardless of the amount; no practice happens.
* Ability failures are labelled "too_hard" 80 %, "other" 10 %, "no_time" 10 % (people
  mislabel); half of them report ``achieved`` = floor(exp(a + noise) * U(0.6, 1.0)) if
  it is at least one step and below the amount. ``--unstated-reasons S`` leaves a share S
  of all failures with no reason and no ``achieved`` (the question ignored; 0 by default).
* Effort after a success: latent = realised margin + bias + noise, bias ~ N(0, 0.1) per
  person, noise sd ~ U(0.05, 0.2); cut at 0.05/0.20/0.45/0.80 (other-model:
  0.15/0.35/0.70/1.20, compressed-effort: -0.30/-0.15/1.20/1.60) into 5 "maximal" ..
  1 "very easy"; not given 15 % of the time.
* Common random numbers: every learner's parameters and every day's random draws come from a
  generator seeded by (population, learner); controllers differ only in the amounts chosen.

Peers (bench/_calib_peers.py): a fixed plan (+10 % a week); 1-up-1-down and 1-up-3-down
staircases (Levitt 1971) with 10 % steps; weighted up-down for p = 0.8 (Kaernbach 1991),
+4 % after a success and -15 % after a failure; QUEST+ via the ``questplus`` package
(cumulative normal, modest grid: 57 thresholds x 4 widths x 2 lapse rates, 56 stimuli),
placed at posterior-predictive 0.8; Elo with K = 0.8 / (1 + 0.05 n) (Pelanek 2016), placed
at 0.8; and an oracle that knows the true ability and curve (the ceiling). All start at the
stated baseline; peers treat only "too_hard" (or reasonless) failures as failures.

Metrics, per controller and population, over every planned challenge (missed ones included):
share with p_true in [0.70, 0.90], below it ("too hard", < 0.70) and above it ("too easy",
> 0.90); the too-easy share of each learner's first five attempts (the days the person
practised, done or failed at the amount: the same days as early failures); mean
|p_true - 0.80|; ability failures among the first five attempts (mean per learner); ability
gained (mean of exp(a90 - a0) - 1); for controllers with a prediction, calibration RMSE over
ten bins of the prediction (count-weighted, against mean p_true in the bin) and log loss
against actual outcomes; and the time per decision after a 365-day history (median of
repeated calls; for Notch the full ``next_challenge`` call over a 365-attempt history, cold
and with the priors fitted on the minutes cohort). The goals table checks the calibrator's
goals (each named in its rows) on the warm Notch, and the cold Notch against its figures
before learning from users (``TODAY_COLD``).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from multiprocessing import Pool
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench._calib_peers import CONTROLLERS, D0, Controller, Notch, Oracle  # noqa: E402
from bench._calib_sim import DONE, FAILED, UNSTATED_ENV, Run, live, simulate  # noqa: E402
from bench._doc import DOC, markers, write_section  # noqa: E402
from bench.learners import DAYS, POPULATIONS, make_learner  # noqa: E402
from core.calibration import Attempt, Goal, Priors, fit_priors, next_challenge  # noqa: E402

START, END = markers("calibration")
PNG = ROOT / "docs" / "img" / "calibration_inband.png"
CHUNK = 125
# Learner indices seed the generator. Settings were tuned on indices 0-199 of each population;
# the reported run uses a disjoint range, so the table is on people the settings never met.
TUNED_ON = range(0, 200)
FIRST_LEARNER = 100_000
# The earlier users whose stored answers the priors are learned from (planned cold, as by a
# new install). Disjoint from the tuning range and from the fresh learners.
COHORT_FIRST = 50_000
COHORT = 1000
COLD, WARM = "Notch (cold)", "Notch (warm)"
BAND = (0.70, 0.90)
EARLY = 5  # early failures and the early too-easy share count the first five attempts

History = list[tuple[Goal, list[Attempt]]]


@dataclass
class Metrics:
    in_band: float
    mean_dev: float
    early_fails: float
    gain: float
    rmse: float | None
    log_loss: float | None
    weekly: list[float]
    too_hard: float = float("nan")  # share of planned challenges with p_true < 0.70
    too_easy: float = float("nan")  # ... with p_true > 0.90
    early_easy: float = float("nan")  # too-easy share of each learner's first five attempts
    ms_per_decision: float = float("nan")


@dataclass
class Learned:
    """What one population's earlier cohort taught: the fitted priors and what the fit cost."""

    priors: Priors
    seconds: float
    cohort: range


def lineup(only_notch: bool = False) -> list[str]:
    """Row labels of a table: Notch cold and warm, then (unless only_notch) peers and oracle."""
    labels = [COLD, WARM]
    if not only_notch:
        labels += [c.name for c in CONTROLLERS if c is not Notch]
    return labels


def controller(label: str, priors: Priors | None = None) -> type[Controller]:
    if label == COLD:
        return Notch
    if label == WARM:
        if priors is None:
            raise ValueError("the warm Notch needs fitted priors")
        return Notch.with_priors(priors)
    return next(c for c in CONTROLLERS if c.name == label)


# A job: (population, label, first learner, end, days, priors or None). The label COHORT_JOB
# plans the cohort cold and sends back what the bot would have stored about each person.
COHORT_JOB = "cohort"
Job = tuple[int, str, int, int, int, Priors | None]


def _job(args: Job) -> tuple[int, str, int, Run, History | None]:
    pop, label, lo, hi, days, priors = args
    if label == COHORT_JOB:
        kept: list[Controller] = []
        run = simulate(pop, Notch, range(lo, hi), days, keep=kept)
        stored = [(c.goal, list(c.history)) for c in kept if isinstance(c, Notch)]
        return pop, label, lo, run, stored
    return pop, label, lo, simulate(pop, controller(label, priors), range(lo, hi), days), None


def _fit_job(args: tuple[int, History]) -> tuple[int, Priors, float]:
    """fit_priors on one population's stored goals and histories, timed on its own core."""
    pop, stored = args
    t = time.perf_counter()
    priors = fit_priors(stored)
    return pop, priors, time.perf_counter() - t


def _chunks(first: int, n: int) -> Iterator[tuple[int, int]]:
    for lo in range(first, first + n, CHUNK):
        yield lo, min(lo + CHUNK, first + n)


def run_all(
    learners: int,
    workers: int,
    days: int = DAYS,
    first: int = FIRST_LEARNER,
    cohort: range = range(COHORT_FIRST, COHORT_FIRST + COHORT),
    only_notch: bool = False,
    populations: Iterable[int] | None = None,
) -> tuple[dict[tuple[int, str], Run], dict[int, Learned]]:
    """Every (population, row of the table) over the same fresh learners, spread over processes.

    Three phases: (1) the earlier cohort planned cold, and every controller that needs no
    learned priors on the fresh learners; (2) fit_priors per population on the cohort's stored
    goals and histories; (3) the warm Notch on the fresh learners. ``workers`` <= 1 runs
    everything in this process (tests).
    """
    pops = list(range(len(POPULATIONS)) if populations is None else populations)
    labels = [x for x in lineup(only_notch) if x != WARM]
    labels.sort(key=lambda x: x != "QUEST+")  # the slowest first: no long tail
    jobs: list[Job] = [(p, COHORT_JOB, lo, hi, days, None)
                       for p in pops for lo, hi in _chunks(cohort.start, len(cohort))]
    jobs += [(p, x, lo, hi, days, None)
             for x in labels for p in pops for lo, hi in _chunks(first, learners)]
    pool = Pool(workers) if workers > 1 else None
    mapper: Callable[..., Iterable[Any]] = pool.imap_unordered if pool else map
    try:
        parts: dict[tuple[int, str], list[tuple[int, Run]]] = {}
        stored: dict[int, list[tuple[int, History]]] = {}
        for pop, label, lo, run, hist in mapper(_job, jobs):
            parts.setdefault((pop, label), []).append((lo, run))
            if hist is not None:
                stored.setdefault(pop, []).append((lo, hist))
        fit_jobs = [(p, [h for _, chunk in sorted(stored[p], key=lambda t: t[0]) for h in chunk])
                    for p in pops]
        learned = {p: Learned(priors, secs, cohort)
                   for p, priors, secs in mapper(_fit_job, fit_jobs)}
        warm: list[Job] = [(p, WARM, lo, hi, days, learned[p].priors)
                           for p in pops for lo, hi in _chunks(first, learners)]
        for pop, label, lo, run, _ in mapper(_job, warm):
            parts.setdefault((pop, label), []).append((lo, run))
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    runs = {key: Run.joined(chunks) for key, chunks in parts.items() if key[1] != COHORT_JOB}
    return runs, learned


def _overlap(a: range, b: range) -> bool:
    return a.start < b.stop and b.start < a.stop


def cohort_range(fresh: range, size: int, first: int | None = None) -> range:
    """The earlier cohort's seeds: from ``first``, else 50000, else (for a run on the tuning
    learners) right after the tuning range. Never overlapping the fresh or tuning learners."""
    if first is None:
        first = max(fresh.stop, TUNED_ON.stop) if _overlap(fresh, TUNED_ON) else COHORT_FIRST
    cohort = range(first, first + size)
    for other, what in ((fresh, "the learners planned"), (TUNED_ON, "the tuning range")):
        if _overlap(cohort, other):
            raise ValueError(f"the cohort {cohort.start}-{cohort.stop - 1} overlaps {what} "
                             f"{other.start}-{other.stop - 1}")
    return cohort


def calibration(pred: np.ndarray, truth: np.ndarray) -> float:
    """Count-weighted RMSE between mean prediction and mean truth over ten equal-width bins."""
    bins = np.clip((pred * 10).astype(int), 0, 9)
    num = 0.0
    for b in range(10):
        sel = bins == b
        if sel.any():
            num += sel.sum() * (pred[sel].mean() - truth[sel].mean()) ** 2
    return math.sqrt(num / len(pred))


def metrics(run: Run) -> Metrics:
    planned = ~np.isnan(run.p_true)
    p = run.p_true[planned]
    with np.errstate(invalid="ignore"):  # NaN (no plan) compares False
        band = (run.p_true >= BAND[0]) & (run.p_true <= BAND[1])
        easy = run.p_true > BAND[1]
    weekly = []
    for w in range(math.ceil(run.p_true.shape[1] / 7)):
        sl = slice(7 * w, 7 * w + 7)
        weekly.append(float(band[:, sl][planned[:, sl]].mean()))
    rmse = log_loss = None
    has_pred = planned & ~np.isnan(run.p_pred)
    if has_pred.sum() > 0.9 * planned.sum():
        rmse = calibration(run.p_pred[has_pred], run.p_true[has_pred])
        answered = has_pred & ((run.outcome == DONE) | (run.outcome == FAILED))
        q = np.clip(run.p_pred[answered], 1e-4, 1 - 1e-4)
        y = run.outcome[answered] == DONE
        log_loss = float(-np.mean(np.where(y, np.log(q), np.log(1 - q))))
    # The first five attempts (days the person practised: done, or failed at the amount),
    # the same days the early-failure count looks at.
    attempted = (run.outcome == DONE) | (run.outcome == FAILED)
    first = attempted & (np.cumsum(attempted, axis=1) <= EARLY)
    return Metrics(
        in_band=float(band[planned].mean()),
        mean_dev=float(np.abs(p - 0.8).mean()),
        early_fails=float(run.early_fails.mean()),
        gain=float(np.mean(np.exp(run.gain) - 1.0)),
        rmse=rmse,
        log_loss=log_loss,
        weekly=weekly,
        too_hard=float((p < BAND[0]).mean()),
        too_easy=float((p > BAND[1]).mean()),
        early_easy=float(easy[first].mean()) if first.any() else float("nan"),
    )


def time_decisions(
    reps: int, priors: Priors | None = None, only_notch: bool = False
) -> dict[str, float]:
    """Milliseconds per decision for each row after a 365-day history (minutes).

    For Notch the full ``next_challenge`` call over the history, cold (priors=None) and warm
    (with ``priors``, fitted on the minutes cohort; skipped when None).
    """
    out: dict[str, float] = {}
    learner = make_learner(0, 0, days=366)
    for label in lineup(only_notch):
        if label == WARM and priors is None:
            continue
        ctl = controller(label, priors)(learner.baseline, learner.pop.step, learner.pop.unit)
        nan = np.full((1, 366), np.nan)
        scratch = Run(nan, nan.copy(), nan.copy(), np.zeros((1, 366), np.int8), nan[0], nan[0])
        live(learner, ctl, 365, 0, scratch)
        if isinstance(ctl, Oracle):
            ctl.learner, ctl.ability = learner, learner.start
        samples = []
        for _ in range(reps):
            t = time.perf_counter()
            if isinstance(ctl, Notch):
                next_challenge(ctl.goal, ctl.history, D0 + timedelta(days=365), priors=ctl.priors)
            else:
                amount, _ = ctl.plan(365)
                ctl.update(amount, True)
            samples.append(time.perf_counter() - t)
        out[label] = statistics.median(samples) * 1e3
    return out


def chart(results: dict[tuple[int, str], Metrics], path: Path,
          labels: list[str] | None = None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = labels or lineup()
    cols = 2
    rows = math.ceil(len(POPULATIONS) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(12, 4.2 * rows), sharey=True)
    styles: dict[str, dict[str, Any]] = {
        WARM: {"linewidth": 2.6, "color": "black"},
        COLD: {"linewidth": 1.8, "color": "black", "linestyle": ":"},
        "Oracle": {"linestyle": "--", "color": "grey"},
    }
    for p, pop in enumerate(POPULATIONS):
        ax = axes.flat[p]
        for label in labels:
            if (p, label) not in results:
                continue
            weekly = results[(p, label)].weekly
            ax.plot(range(1, len(weekly) + 1), weekly, marker="o", markersize=3,
                    label=label, **styles.get(label, {}))
        ax.set_title(f"{pop.name} ({pop.unit}, step {pop.step:g})")
        ax.set_xlabel("week")
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
        if p % cols == 0:
            ax.set_ylabel("share of challenges with p_true in [0.70, 0.90]")
    for ax in list(axes.flat)[len(POPULATIONS):]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=8, loc="lower right")
    fig.suptitle("Calibration: in-band share per week, by controller")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _fmt(x: float | None, spec: str) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, spec)


def describe(learned: Learned) -> str:
    """One line: what the fit learned (name: built-in -> fitted) and what it cost."""
    pr = learned.priors
    changes = ", ".join(f"{name} {a:.3g} -> {b:.3g}" for name, (a, b) in pr.changes().items())
    return (f"Learned from {len(learned.cohort)} earlier learners (seeds {learned.cohort.start}-"
            f"{learned.cohort.stop - 1}, planned cold): `fit_priors` took "
            f"{learned.seconds:.1f} s on {pr.users} users / {pr.attempts} attempts; "
            f"{changes or 'no change from the built-in settings'}.")


HEADER = (
    "| controller | in band [0.70, 0.90] | too hard (< 0.70) | too easy (> 0.90) "
    "| too easy, first 5 attempts | mean abs(p-0.80) | early failures (of 5) | ability gained "
    "| calibration RMSE | log loss | ms / decision (365) |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
)


def render(results: dict[tuple[int, str], Metrics], command: str, learners: int,
           seconds: float, timings: dict[str, float], first: int = FIRST_LEARNER,
           learned: dict[int, Learned] | None = None, labels: list[str] | None = None) -> str:
    labels = labels or lineup()
    learned = learned or {}
    lines = [
        START,
        "## Calibration",
        "",
        f"Command: `{command}` · date: {date.today().isoformat()} · {learners} learners per "
        f"population (learner seeds {first}-{first + learners - 1}; settings were tuned on "
        f"{TUNED_ON.start}-{TUNED_ON.stop - 1}) x {DAYS} days · {os.cpu_count()} CPUs · "
        f"Python {platform.python_version()} · wall time {seconds / 60:.1f} min.",
        "",
        "Simulated learners and every assumption: docstring of `bench/calibration.py`. "
        "Common random numbers: every controller meets the same people on the same days. "
        f"{COLD}: the built-in settings, as a new install. {WARM}: settings `fit_priors` "
        "learned from an earlier cohort's stored answers (that cohort planned cold). "
        "Chart: `docs/img/calibration_inband.png`.",
        "",
    ]
    for p, pop in enumerate(POPULATIONS):
        rows = [x for x in labels if (p, x) in results]
        if not rows:
            continue
        lines += [f"### {pop.name} — {pop.note}", "", *HEADER]
        for label in rows:
            m = results[(p, label)]
            name = f"**{label}**" if label in (COLD, WARM) else label
            lines.append(
                f"| {name} | {m.in_band:.3f} | {m.too_hard:.3f} | {m.too_easy:.3f} "
                f"| {_fmt(m.early_easy, '.2f')} | {m.mean_dev:.3f} | {m.early_fails:.2f} "
                f"| {m.gain * 100:+.1f} % | {_fmt(m.rmse, '.3f')} | {_fmt(m.log_loss, '.3f')} "
                f"| {_fmt(timings.get(label), '.3f')} |"
            )
        if p in learned:
            lines += ["", describe(learned[p])]
        lines.append("")
    lines += goals(results, timings, first, learners)
    lines += ["", NOTES.strip(), END]
    return "\n".join(lines) + "\n"


PEERS_ADAPTIVE = ("1-up-1-down", "1-up-3-down", "Weighted up-down", "QUEST+", "Elo")
Cell = tuple[bool | None, str]  # met / not met / not applicable (None), and the figures
# The cold figures before learning from users (built-in settings, priors=None), so the goals
# table can say whether the cold start got worse: (in band, too hard, early failures of 5).
# Measured on the calibrator of commit 35880e1 (Notch alone, the five original populations;
# in band and early failures equal docs/BENCHMARKS.md's table of that commit). Keyed by
# (first learner, learners); other ranges and the two newer populations have none.
TODAY_COLD: dict[tuple[int, int], dict[str, tuple[float, float, float]]] = {
    (FIRST_LEARNER, 1000): {
        "minutes": (0.7699, 0.0917, 0.4390),
        "reps": (0.7578, 0.0938, 0.3730),
        "words": (0.7551, 0.1033, 0.4090),
        "other-model": (0.4682, 0.0716, 0.4810),
        "alt-assumptions": (0.8074, 0.1117, 0.6800),
    },
    (TUNED_ON.start, len(TUNED_ON)): {
        "minutes": (0.7735, 0.0894, 0.4900),
        "reps": (0.7760, 0.0934, 0.4150),
        "words": (0.7718, 0.0807, 0.4600),
        "other-model": (0.4670, 0.0776, 0.5400),
        "alt-assumptions": (0.8029, 0.1228, 0.7400),
    },
}


def goals(results: dict[tuple[int, str], Metrics], timings: dict[str, float],
          first: int = FIRST_LEARNER, learners: int = 1000) -> list[str]:
    """The calibrator's goals on the warm Notch, every population: met or not, with the figures."""
    pops = [p for p in range(len(POPULATIONS)) if (p, WARM) in results]
    peers = [c.name for c in CONTROLLERS if c.name not in ("Notch", "Oracle")]
    rows = ["### Goals (Notch warm, fresh learners)", "",
            "| goal | " + " | ".join(POPULATIONS[p].name for p in pops) + " |",
            "|---|" + "---|" * len(pops)]

    def row(label: str, cells: Iterable[Cell]) -> None:
        rows.append(f"| {label} | " + " | ".join(
            txt if ok is None else f"{'met' if ok else '**not met**'} ({txt})"
            for ok, txt in cells) + " |")

    def each(fn: Callable[[int, Metrics], Cell]) -> list[Cell]:
        return [fn(p, results[(p, WARM)]) for p in pops]

    def best(p: int, names: Iterable[str], key: Callable[[Metrics], float]) -> float | None:
        values = [key(results[(p, x)]) for x in names if (p, x) in results]
        return max(values) if values else None

    def vs_peer(p: int, m: Metrics) -> Cell:
        b = best(p, peers, lambda r: r.in_band)
        return (None, "no peers run") if b is None else (
            m.in_band >= 1.25 * b, f"{m.in_band / b:.2f}x")

    def vs_gain(p: int, m: Metrics) -> Cell:
        b = best(p, PEERS_ADAPTIVE, lambda r: r.gain)
        return (None, "no peers run") if b is None else (
            m.gain >= b - 1e-12, f"{m.gain * 100:.1f} vs {b * 100:.1f} %")

    row("in band ≥ 0.75", each(lambda p, m: (m.in_band >= 0.75, f"{m.in_band:.3f}")))
    row("in band ≥ 1.25 x best peer", each(vs_peer))
    row("too hard ≤ 0.10", each(lambda p, m: (m.too_hard <= 0.10, f"{m.too_hard:.3f}")))
    row("early failures ≤ 0.5 (of 5)", each(lambda p, m: (m.early_fails <= 0.5,
                                                          f"{m.early_fails:.2f}")))
    row("calibration RMSE ≤ 0.05", each(lambda p, m: (
        m.rmse is not None and m.rmse <= 0.05, _fmt(m.rmse, ".3f"))))
    row("gain ≥ best adaptive peer", each(vs_gain))
    today = TODAY_COLD.get((first, learners), {})

    def cold(p: int, m: Metrics) -> Cell:
        c = results.get((p, COLD))
        ref = today.get(POPULATIONS[p].name)
        if c is None:
            return None, "not run"
        now = f"{c.in_band:.3f} / {c.too_hard:.3f} / {c.early_fails:.2f}"
        if ref is None:
            return None, (f"new: {now}" if POPULATIONS[p].name not in _OLD_POPS
                          else f"no earlier figure for these learners: {now}")
        # Rounded to 4 decimals when stored; the simulation is deterministic.
        ok = (c.in_band >= ref[0] - 1e-4 and c.too_hard <= ref[1] + 1e-4
              and c.early_fails <= ref[2] + 1e-4)
        return ok, f"{now} vs {ref[0]:.3f} / {ref[1]:.3f} / {ref[2]:.2f}"

    row("cold no worse than before (in band / too hard / early failures)", each(cold))
    warm, cold_ms = timings.get(WARM), timings.get(COLD)
    timed: Cell = (None, "not timed") if warm is None else (
        warm <= 2.0, f"{warm:.2f} ms; cold {_fmt(cold_ms, '.2f')} ms")
    row("≤ 2 ms per decision (365 attempts, with priors)", [timed] * len(pops))
    return rows


_OLD_POPS = ("minutes", "reps", "words", "other-model", "alt-assumptions")


NOTES = """
### Reading the results

* Two Notch rows per population. "Notch (cold)" is a new install: the built-in settings.
  "Notch (warm)" runs under settings `fit_priors` learned from 1,000 earlier learners of the
  same population, who were planned cold; the fit sees only what the bot stores (goal,
  amounts, outcomes, effort answers, reasons, achieved), and the line under each table says
  what it changed. The goals table is about the warm Notch; its "cold no worse" row compares
  the cold Notch with its figures before learning from users existed (`TODAY_COLD`).
  "plateau" and "compressed-effort" came with the learning mode: no setting was ever tuned on
  them, and they have no earlier figures.
* Learning from users (warm), what it buys and what it costs. Under learned settings the
  choice weighs too hard above too easy (`TOO_HARD_WEIGHT` 1: it subtracts the chance that the
  true P(done) lies below the band), the first five attempts aim at 0.95, and the first
  challenge is one notch above the stated baseline where that notch is >= 0.90 likely under
  the fitted settings (the README's "one notch above comfortable"; it fires for nearly
  everyone on minutes/reps/words, for ~3 in 4 on plateau, and for almost nobody on other-model
  and alt-assumptions, whose stated baselines the fit found less honest). 15 settings were
  tried on the tuning learners (early target 0.90/0.93/0.95, notch threshold 0.80/0.90/0.95,
  weight 0/0.5/0.75/1/1.5/3, bands [0.70, 0.90]/[0.725, 0.925]/[0.75, 0.95]);
  `core/calibration.py` gives the figures.
  The trade: too hard falls to about half (and from 0.22-0.26 to 0.05-0.08 on plateau and
  compressed-effort), early failures fall under 0.5 everywhere, alt-assumptions included,
  and in band rises wherever the built-in settings were wrong; where they were already right
  (minutes/reps/words, the populations they were tuned on) in band moves by about -0.01 to
  +0.01 and too easy rises by ~0.04: the price of the weight. Weight 0.5 gave those back
  within noise but left too hard at 0.12-0.13 on other-model and compressed-effort.
* What limits the warm Notch where a goal is missed. other-model: its success curve is
  asymmetric (cloglog), which no setting of this probit model reproduces; the limits study
  (bench/calibration_limits.py, "Calibration: what limits it") found ~0.58 in band even
  with settings tuned on those very learners, and the fit reaches ~0.56 from stored answers
  alone; its too-hard share sits at ~0.11 because the
  curve's long lower tail makes near-band plans fail more often than any probit predicts.
  compressed-effort: most successes are reported "just right" whatever the margin, so the
  effort answer, which carries most of the calibrator's information (without effort answers
  Notch reaches 0.54-0.59 in band on minutes/reps/words), says little; the fit learns that
  (a wide middle category: effort scale ~2.6), which stops the over-challenging (too hard
  0.22 -> 0.08) but cannot restore the information. plateau: the band is met, but its best
  peer is a staircase that does well when nobody grows, so 1.25x the best peer is not.
* Scoring covers every plan a controller would send, including days that then went missed.
  Notch's p_success is its posterior-predictive P(done) at the rounded amount, the number a
  user sees; its calibration RMSE and log loss sit in the same table as QUEST+'s and Elo's.
* Tuning and reporting are separate: every setting was chosen on learners 0-199 of each
  population (200 per population, `--first 0 --learners 200`); this table is learners
  100000-100999, which no setting was chosen on.
* Fresh versus tuning learners: on the tuning learners minutes/reps/words were in band
  0.774/0.776/0.772; on the fresh learners of this run (at the time of writing) 0.770/0.758/
  0.755. So the >= 0.75 goal holds on all three, by 0.005-0.02 on reps and words, about the
  size of the tuning set's noise: the margin is real but thin.
  Weeks 9-13 sit near 0.85-0.9 in band; the first week (three plans aimed at 0.95, in band
  ~0.3) costs about 0.04 of the total and weeks 2-3 (~0.65-0.7, still learning the person)
  about as much again.
* Targets: 0.95 for the first three attempts, 0.86 right after a too_hard failure, 0.83 for
  attempts four and five; from the sixth, the band choice below. A target of "about 0.90
  for the first three attempts" is honest about the trade-off but not about the
  early-failure goal: on the tuning learners 0.90 made 0.62-0.69 early failures (goal
  <= 0.5), 0.93 with two cautious attempts 0.57-0.66, 0.95 for three 0.41-0.49. The cost
  is the first week, which sits mostly above the band (in band ~0.3). 0.83 rather than
  0.80 because the band's centre on the logit scale is ~0.82.
* Band choice (latest round): from the sixth evidence-bearing attempt the amount is the step
  multiple where the belief says the TRUE P(done) most likely lies in a band, not the one
  whose predictive P(done) is closest to 0.83. Under the Gaussian belief the band is an
  interval of ability, so that probability is a difference of two normal cdfs (closed form,
  no measurable cost). A point target eases the plan off whenever the belief is wide; the
  band choice keeps it where being in band is likeliest. Aimed at the promised [0.70,
  0.90] it LOST 0.03-0.06 in band on minutes/reps/words/alt-assumptions (tuning learners:
  0.720/0.721/0.727/0.737, other-model +0.04): the model's p is a simplification, just as
  0.83 beat 0.80 as a point target. Aimed at [0.725, 0.925] ([0.74, 0.92] right after a
  too_hard failure), with the first five attempts on the point targets (a band from the
  fourth attempt raised early failures on other-model 0.54 -> 0.60; a band [0.85-0.90,
  0.97-0.99] for the first three lowered them on minutes/alt but raised other-model), the
  tuning learners went 0.766/0.757/0.761, 0.444, 0.801 -> 0.774/0.776/0.772, 0.467, 0.803
  with early failures unchanged; a higher point target instead (0.85/0.86) lost on every
  population but alt-assumptions. On this run's fresh learners, against the point-target
  calibrator on the same learners: in band +0.010/+0.015/+0.010, +0.027, +0.007; early
  failures identical; calibration RMSE within +-0.002; gain -0.1 points on minutes/reps/words,
  +0.3 on the other two; log loss 0.01 higher (0.466-0.495 -> 0.478-0.506). About 15 band
  settings were tried on the tuning learners, so part of the tuning-set gain is selection.
* Previous round (tuning learners, in band minutes/reps/words, other-model,
  alt-assumptions): the assumed curve width 0.30 -> 0.22 log units with the targets above
  took 0.733/0.734/0.732, 0.365, 0.788 to 0.766/0.757/0.761, 0.444, 0.801, early failures
  unchanged (<= 0.49) and calibration RMSE 0.02-0.04. A probit of width 0.30 was wider than
  these learners' curves (logistic slope 4-9 plus day-to-day noise), so plans sat too low.
* Levers measured on the tuning learners and dropped, because none held on every population:
  a running calibration offset learned from outcomes (a QUEST+-style extra parameter on the
  probit scale): other-model 0.41-0.42 but minutes/reps/words fell to 0.59-0.68 (outcomes at
  ~0.8 are weak evidence, so the offset mostly adds noise); a wider prior on the per-person
  effort bias (sd 0.2-0.5) or a two-model mixture over it: other-model 0.46-0.48, the others
  0.64-0.73; a mixture over curve widths (0.15/0.30) or effort scales (x1.0/x1.6), weighted by
  evidence: +0.01 to +0.03 on other-model, no gain elsewhere, twice the decision time; a
  faster growth prior: other-model 0.49 but the others over-challenged (RMSE 0.037); a faster
  prior that fades faster (0.02/session, 96 % -> 94 % kept): +0.01 on minutes/reps/words, none
  on other-model, early failures at the 0.50 limit; effort read through wider margins that
  cover both reporting scales: +0.015 on other-model, none elsewhere, more early failures.
  (The offset and bias figures were measured before the width change, from in band 0.73.)
* The main limit is the effort reading. Without effort reports Notch reaches only 0.54-0.59
  in band on minutes/reps/words: how hard a success felt is most of its information. On
  "other-model" people report effort on a stingier scale and the success curve is asymmetric
  and half as wide around 0.8; the per-person effort bias is learned from outcomes, and
  outcomes near 0.8 say little (ten attempts at 0.83 vs 0.92 differ by about one success).
  Week by week Notch predicts 0.83 while the truth is ~0.92 in weeks 2-5, then converges
  (true 0.81-0.83 from week 9, in band ~0.7 by week 13). Reviewers' learners that report
  effort unlike ours will see this slow start; what would fix it is data from real users
  to set the effort mapping, not more tuning on simulated people. "Calibration: what
  limits it" below measures this: settings tuned on other-model's own learners reach only
  ~0.58 in band there.
* "alt-assumptions" removes the two assumptions that favour Notch. Its early failures are
  high for every controller because the stated baseline itself fails one day in ten; and
  under growth that rewards harder sessions the 1-up-1-down staircase (aiming at ~0.5)
  gains most, by construction. Not raising at all in the first five attempts would meet
  the early-failure goal there, but costs minutes, reps and words their 0.75 in band ("what
  limits it" below). Its in-band margin over the best peer is the honest figure for "better
  than the peers" without the 0.95 assumption.
* Every peer starts at the stated baseline; Elo and QUEST+ assume a learner who does not
  change. QUEST+ uses a modest grid (see the docstring) because the package's xarray-based
  update is slow; it is also the only peer whose decision time is not negligible.
"""






def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--quick", action="store_true",
                        help="250 fresh learners and a 250-learner cohort, no doc update")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--first", type=int, default=FIRST_LEARNER,
                        help="first learner index (seed); 0-199 is the tuning range")
    parser.add_argument("--cohort", type=int, default=COHORT,
                        help="earlier learners per population that the priors are learned from")
    parser.add_argument("--cohort-first", type=int, default=None,
                        help=f"their first seed (default {COHORT_FIRST}; right after the "
                        "tuning range when --first is in it)")
    parser.add_argument("--only-notch", action="store_true",
                        help="Notch cold and warm only (no peers, no oracle, no doc update)")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--unstated-reasons", type=float, default=0.0,
                        help="share of failures whose reason is never given (0..1; no doc "
                        "update unless 0)")
    args = parser.parse_args(argv)
    if not 0.0 <= args.unstated_reasons <= 1.0:
        parser.error("--unstated-reasons is a share, 0..1")
    os.environ[UNSTATED_ENV] = str(args.unstated_reasons)
    learners = 250 if args.quick else args.learners
    size = 250 if args.quick else args.cohort
    try:
        cohort = cohort_range(range(args.first, args.first + learners), size, args.cohort_first)
    except ValueError as e:
        parser.error(str(e))
    labels = lineup(args.only_notch)
    t0 = time.perf_counter()
    runs, learned = run_all(learners, args.workers, first=args.first, cohort=cohort,
                            only_notch=args.only_notch)
    results = {key: metrics(run) for key, run in runs.items()}
    timings = time_decisions(50 if args.quick else 300, learned[0].priors, args.only_notch)
    seconds = time.perf_counter() - t0
    extra = (f" --learners {args.learners}" if args.learners != 1000 else "") + (
        f" --first {args.first}" if args.first != FIRST_LEARNER else "") + (
        f" --cohort {args.cohort}" if args.cohort != COHORT else "") + (
        f" --cohort-first {args.cohort_first}" if args.cohort_first is not None else "") + (
        " --only-notch" if args.only_notch else "") + (" --quick" if args.quick else "") + (
        f" --unstated-reasons {args.unstated_reasons}" if args.unstated_reasons else "")
    command = f"make bench  (.venv/bin/python bench/calibration.py{extra})"
    text = render(results, command, learners, seconds, timings, args.first, learned, labels)
    print(text)
    if not (args.quick or args.no_write or args.only_notch or args.unstated_reasons):
        write_section("calibration", text)
        chart(results, PNG, labels)
        print(f"wrote {DOC.relative_to(ROOT)} and {PNG.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
