"""Calibration benchmark: Notch's calibrator against its peers on simulated learners.

Run: ``make bench`` (= ``.venv/bin/python bench/calibration.py``); ``--quick`` for a smoke run.
Writes the table to docs/BENCHMARKS.md (only between the calibration markers) and the per-week
in-band chart to docs/img/calibration_inband.png.

Simulation assumptions (all of them; code in bench/learners.py and bench/_calib_sim.py)
-------------------------------------------------------------------------------------
People
* Four populations of 1,000 learners each (``--learners``), 90 daily sessions:
  minutes (step 1, comfortable 8-40), reps (step 1, comfortable 5-10, where rounding bites),
  words (step 50, comfortable 200-1500), and "other-model" (pages, step 1), whose learners
  follow a *different* model from the other three (an asymmetric complementary-log-log
  success curve, stingier effort reports, baselines misjudged by up to +-45 %, faster growth,
  more breaks). The calibrator's settings were chosen on the first three; the fourth is the
  check on "learners you did not write" within what one author can do.
* True comfortable amount log-uniform within the population's range; ability across people is
  therefore log-normal-like (log-uniform) in the amount.
* Ability a = log of the amount at which the noise-free success curve is 50 %. Success on a
  day: P = (1 - lapse) * F(slope * (a + day_noise - log amount)), F logistic (or cloglog for
  "other-model"); slope ~ U(4, 9) per log unit, lapse ~ U(0, 0.05), day_noise ~ N(0, sd),
  sd ~ U(0.04, 0.15) per person. p_true of a challenge = that probability with the day's noise
  integrated out (24-point Gauss-Hermite) - what an all-knowing coach could know in advance.
* "Comfortable" = the amount with p_true = 0.95 (done 19 days in 20). People state it with a
  multiplicative error U(0.7, 1.3) (U(0.55, 1.45) for other-model), rounded to the step.
* Growth: after a session, a += rate * value(p_true) * (ceiling - a); rate ~ U(0.02, 0.07)
  per session (U(0.03, 0.10) other-model), ceiling = a0 + U(0.2, 1.0) log units (U(0.3, 1.4)):
  diminishing returns toward a personal ceiling. value(p) = p^3.4 (1-p)^0.6, scaled to 1 at
  p = 0.85 (Wilson et al. 2019, the ~85 % rule): 0.8 at p = 0.70 or 0.95, 0.35 at 0.50, 0.3
  at 0.99. Under a growth model where harder is always better, the 50 % staircase would
  gain most by construction; this kernel is the assumption that makes "gain" comparable.
* Detraining: after more than 2 consecutive days without practice, each further idle day
  moves a toward (a0 - 0.1) by a fraction U(0.005, 0.02) of the distance.
* Days off: each day missed with a personal probability U(0, 0.2) (recorded "missed"),
  skipped with probability 0.03 ("skipped"); with probability 0.5 (0.7) one break of 7-21
  days starting between day 15 and 70, during which no challenge is planned at all.
* Failures for other reasons: on a personal U(0, 0.05) share of days the session fails
  for "no_time" (60 %) or "unwell" (40 %) regardless of the amount; no practice happens.
* Ability failures are labelled "too_hard" 80 %, "other" 10 %, "no_time" 10 % (people
  mislabel); half of them report ``achieved`` = floor(exp(a + noise) * U(0.6, 1.0)) if
  it is at least one step and below the amount.
* Effort after a success: latent = realised margin + bias + noise, bias ~ N(0, 0.1) per
  person, noise sd ~ U(0.05, 0.2); cut at 0.05/0.20/0.45/0.80 (other-model:
  0.15/0.35/0.70/1.20) into 5 "maximal" .. 1 "very easy"; not given 15 % of the time.
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
share with p_true in [0.70, 0.90]; mean |p_true - 0.80|; ability failures among the first
five attempts (mean per learner); ability gained (mean of exp(a90 - a0) - 1); for
controllers with a prediction, calibration RMSE over ten bins of the prediction
(count-weighted, against mean p_true in the bin) and log loss against actual outcomes; and
the time per decision after a 365-day history (median of repeated calls; for Notch the full
``next_challenge`` call over a 365-attempt history).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench._calib_peers import CONTROLLERS, D0, Notch, Oracle  # noqa: E402
from bench._calib_sim import DONE, FAILED, Run, live, simulate  # noqa: E402
from bench.learners import DAYS, POPULATIONS, make_learner  # noqa: E402
from core.calibration import next_challenge  # noqa: E402

START, END = "<!-- calibration:start -->", "<!-- calibration:end -->"
DOC = ROOT / "docs" / "BENCHMARKS.md"
PNG = ROOT / "docs" / "img" / "calibration_inband.png"
CHUNK = 125


@dataclass
class Metrics:
    in_band: float
    mean_dev: float
    early_fails: float
    gain: float
    rmse: float | None
    log_loss: float | None
    weekly: list[float]
    ms_per_decision: float = float("nan")


def _job(args: tuple[int, int, int, int]) -> tuple[int, int, int, Run]:
    pop, ctl, lo, hi = args
    return pop, ctl, lo, simulate(pop, CONTROLLERS[ctl], range(lo, hi))


def run_all(learners: int, workers: int, days: int = DAYS) -> dict[tuple[int, int], Run]:
    """Every (population, controller) over the same learners, spread over processes."""
    jobs = [
        (p, c, lo, min(lo + CHUNK, learners))
        for c in sorted(range(len(CONTROLLERS)), key=lambda c: CONTROLLERS[c].name != "QUEST+")
        for p in range(len(POPULATIONS))
        for lo in range(0, learners, CHUNK)
    ]
    parts: dict[tuple[int, int], list[tuple[int, Run]]] = {}
    with Pool(workers) as pool:
        for pop, ctl, lo, run in pool.imap_unordered(_job, jobs):
            parts.setdefault((pop, ctl), []).append((lo, run))
    out = {}
    for key, chunks in parts.items():
        runs = [r for _, r in sorted(chunks, key=lambda t: t[0])]
        out[key] = Run(
            *(np.concatenate([getattr(r, f) for r in runs]) for f in Run.__dataclass_fields__)
        )
    return out


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
    band = (run.p_true >= 0.70) & (run.p_true <= 0.90)
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
    return Metrics(
        in_band=float(band[planned].mean()),
        mean_dev=float(np.abs(p - 0.8).mean()),
        early_fails=float(run.early_fails.mean()),
        gain=float(np.mean(np.exp(run.gain) - 1.0)),
        rmse=rmse,
        log_loss=log_loss,
        weekly=weekly,
    )


def time_decisions(reps: int) -> dict[str, float]:
    """Milliseconds per decision for each controller after a 365-day history (minutes)."""
    out: dict[str, float] = {}
    learner = make_learner(0, 0, days=366)
    for cls in CONTROLLERS:
        ctl = cls(learner.baseline, learner.pop.step, learner.pop.unit)
        nan = np.full((1, 366), np.nan)
        scratch = Run(nan, nan.copy(), nan.copy(), np.zeros((1, 366), np.int8), nan[0], nan[0])
        live(learner, ctl, 365, 0, scratch)
        if isinstance(ctl, Oracle):
            ctl.learner, ctl.ability = learner, learner.start
        samples = []
        for _ in range(reps):
            t = time.perf_counter()
            if isinstance(ctl, Notch):
                next_challenge(ctl.goal, ctl.history, D0 + timedelta(days=365))
            else:
                amount, _ = ctl.plan(365)
                ctl.update(amount, True)
            samples.append(time.perf_counter() - t)
        out[cls.name] = statistics.median(samples) * 1e3
    return out


def chart(results: dict[tuple[int, int], Metrics], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cols = 2
    rows = math.ceil(len(POPULATIONS) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(12, 4.2 * rows), sharey=True)
    for p, pop in enumerate(POPULATIONS):
        ax = axes.flat[p]
        for c, cls in enumerate(CONTROLLERS):
            weekly = results[(p, c)].weekly
            style = {"linewidth": 2.6, "color": "black"} if cls.name == "Notch" else {}
            if cls.name == "Oracle":
                style = {"linestyle": "--", "color": "grey"}
            ax.plot(range(1, len(weekly) + 1), weekly, marker="o", markersize=3,
                    label=cls.name, **style)
        ax.set_title(f"{pop.name} ({pop.unit}, step {pop.step:g})")
        ax.set_xlabel("week")
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
        if p % cols == 0:
            ax.set_ylabel("share of challenges with p_true in [0.70, 0.90]")
    axes.flat[0].legend(fontsize=8, loc="lower right")
    fig.suptitle("Calibration: in-band share per week, by controller")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _fmt(x: float | None, spec: str) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, spec)


def render(results: dict[tuple[int, int], Metrics], command: str, learners: int,
           seconds: float, timings: dict[str, float]) -> str:
    lines = [
        START,
        "## Calibration",
        "",
        f"Command: `{command}` · date: {date.today().isoformat()} · {learners} learners per "
        f"population x {DAYS} days · {os.cpu_count()} CPUs · Python {platform.python_version()}"
        f" · wall time {seconds / 60:.1f} min.",
        "",
        "Simulated learners and every assumption: docstring of `bench/calibration.py`. "
        "Common random numbers: every controller meets the same people on the same days. "
        "Chart: `docs/img/calibration_inband.png`.",
        "",
    ]
    notch = CONTROLLERS.index(Notch)
    for p, pop in enumerate(POPULATIONS):
        lines += [
            f"### {pop.name} — {pop.note}",
            "",
            "| controller | in band [0.70, 0.90] | mean abs(p-0.80) | early failures (of 5) "
            "| ability gained | calibration RMSE | log loss | ms / decision (365) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for c, cls in enumerate(CONTROLLERS):
            m = results[(p, c)]
            name = f"**{cls.name}**" if c == notch else cls.name
            lines.append(
                f"| {name} | {m.in_band:.3f} | {m.mean_dev:.3f} | {m.early_fails:.2f} "
                f"| {m.gain * 100:+.1f} % | {_fmt(m.rmse, '.3f')} | {_fmt(m.log_loss, '.3f')} "
                f"| {_fmt(timings.get(cls.name), '.3f')} |"
            )
        lines.append("")
    lines += goals(results, timings)
    lines += ["", NOTES.strip(), END]
    return "\n".join(lines) + "\n"


PEERS_ADAPTIVE = ("1-up-1-down", "1-up-3-down", "Weighted up-down", "QUEST+", "Elo")


def goals(results: dict[tuple[int, int], Metrics], timings: dict[str, float]) -> list[str]:
    """The issue's goals, each checked on every population: met or not, with the figures."""
    notch = CONTROLLERS.index(Notch)
    peer_ids = [i for i, c in enumerate(CONTROLLERS) if c.name not in ("Notch", "Oracle")]
    adaptive = [i for i, c in enumerate(CONTROLLERS) if c.name in PEERS_ADAPTIVE]
    rows = ["### Goals", "", "| goal | " + " | ".join(p.name for p in POPULATIONS) + " |",
            "|---|" + "---|" * len(POPULATIONS)]

    def row(label: str, cells: Iterable[tuple[bool, str]]) -> None:
        rows.append(f"| {label} | " + " | ".join(
            f"{'met' if ok else '**not met**'} ({txt})" for ok, txt in cells) + " |")

    def each(fn: object) -> list[tuple[bool, str]]:
        return [fn(p) for p in range(len(POPULATIONS))]  # type: ignore[operator]

    def best_peer(p: int) -> float:
        return max(results[(p, i)].in_band for i in peer_ids)

    row("in band ≥ 0.75", each(lambda p: (results[(p, notch)].in_band >= 0.75,
                                           f"{results[(p, notch)].in_band:.3f}")))
    row("in band ≥ 1.25 x best peer", each(lambda p: (
        results[(p, notch)].in_band >= 1.25 * best_peer(p),
        f"{results[(p, notch)].in_band / best_peer(p):.2f}x")))
    row("early failures ≤ 0.5", each(lambda p: (results[(p, notch)].early_fails <= 0.5,
                                                f"{results[(p, notch)].early_fails:.2f}")))
    row("calibration RMSE ≤ 0.05", each(lambda p: ((results[(p, notch)].rmse or 1) <= 0.05,
                                                   f"{results[(p, notch)].rmse:.3f}")))
    row("gain ≥ best adaptive peer", each(lambda p: (
        results[(p, notch)].gain >= max(results[(p, i)].gain for i in adaptive) - 1e-12,
        f"{results[(p, notch)].gain * 100:.1f} vs "
        f"{max(results[(p, i)].gain for i in adaptive) * 100:.1f} %")))
    ms = timings.get("Notch", float("nan"))
    row("≤ 2 ms per decision (365 attempts)", [(ms <= 2.0, f"{ms:.2f} ms")] * len(POPULATIONS))
    return rows


NOTES = """
### Reading the results

* Scoring covers every plan a controller would send, including days that then went missed.
  Notch's p_success is its posterior-predictive P(done) at the rounded amount, the number a
  user sees; its calibration RMSE and log loss sit in the same table as QUEST+'s and Elo's.
* Targets: Notch aims at 0.93 for the first three attempts, 0.88 right after a too_hard
  failure and 0.83 in steady state. The issue's "0.80" is not the in-band optimum: the band's
  centre on the logit scale is ~0.82, and on the tuning runs 0.83 raised the steady-state
  in-band share by ~3 points with calibration unchanged; 0.90 right after every failure cost
  ~5 points of steady-state in-band share (a 0.90 plan is at the band's edge).
* Settings were chosen on minutes/reps/words with 150 learners each, drawn from the same
  generator as this run (so those three are tuned on their own distribution; the gap
  between tuning and this run is the learners beyond the first 150). "other-model" was not
  tuned on and shows the main limit: effort reports are read through fixed margins plus
  a per-person bias learned from outcomes; stingier reporters than the model expects make
  Notch under-confident (plans too easy, most misses are above 0.90) until the bias is
  learned, and its asymmetric success curve is not a probit.
* In-band share: Notch stays a little under the 0.75 goal on the three tuned populations;
  the cautious first attempts (0.93 sits above the band on purpose, for the early-failure
  goal) and the re-entry after breaks cost most, and its limits are a narrow band (0.70-0.90
  spans ~0.15-0.3 log units of amount for these learners), little information in a binary
  outcome at 80 %, ability that grows and drifts, and one assumed curve width for everybody.
* The 1.25x-best-peer margin is sensitive to one assumption, what "comfortable" means: in an
  earlier version of this simulation ("comfortable" = p_true 0.90 instead of 0.95, and growth
  that rewarded ever harder sessions) Elo and the 1-up-3-down staircase reached ~0.6-0.7 in
  band, and Notch (then with earlier settings) was no better than Elo. Every peer here starts
  at the stated baseline; Elo and QUEST+ assume a learner who does not change.
* Ability gained depends on the growth assumption (value of a session peaks at p = 0.85);
  controllers that aim harder fail more early and, under that assumption, do not gain more.
* QUEST+ uses a modest grid (see the docstring) because the package's xarray-based update is
  slow; it is also the only peer whose decision time is not negligible.
"""


def write_section(text: str, path: Path = DOC) -> None:
    """Replace only our marked section; create the file with a title if it is missing."""
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    if START in old and END in old:
        head, rest = old.split(START, 1)
        tail = rest.split(END, 1)[1]
        new = head + text.rstrip("\n") + tail
    else:
        new = old.rstrip("\n") + "\n\n" + text
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="250 learners, no doc update")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    learners = 250 if args.quick else args.learners
    t0 = time.perf_counter()
    runs = run_all(learners, args.workers)
    results = {key: metrics(run) for key, run in runs.items()}
    timings = time_decisions(50 if args.quick else 300)
    seconds = time.perf_counter() - t0
    command = "make bench  (.venv/bin/python bench/calibration.py" + (
        f" --learners {args.learners})" if args.learners != 1000 else ")")
    text = render(results, command, learners, seconds, timings)
    print(text)
    if not (args.quick or args.no_write):
        write_section(text)
        chart(results, PNG)
        print(f"wrote {DOC.relative_to(ROOT)} and {PNG.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
