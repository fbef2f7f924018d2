"""Where the calibrator misses a goal, is the miss its settings' or the problem's?

Run: ``make bench`` (= ``.venv/bin/python bench/calibration_limits.py``); ``--configs N`` sets the
size of the search in study 3. Writes the "calibration-limits" section of docs/BENCHMARKS.md.

Same simulated learners as bench/calibration.py (bench/learners.py, bench/_calib_sim.py). Three
studies, each answering one question the main table raises:

1. Early failures against the band. "Notch, no raise in first 5" is the shipped calibrator,
   except that it never plans above the last attempted amount until five attempts have shown
   the level; "Stated baseline" plans exactly what the person called comfortable, every day.
   Together they show what the <= 0.5 early-failure goal costs in band where "comfortable" is
   itself a 90 % day (alt-assumptions).
2. "One notch above comfortable" at the cold start. The README promises the first challenge
   "one notch above comfortable"; the cold calibrator plans at the baseline instead. "Notch, notch
   start" is the shipped calibrator except that the first plan is one step above the baseline
   (when that step is at most +25 %, i.e. still within reach). This measures what the product
   promise costs in early failures and gains in band.
3. The self-tuned ceiling. A seeded random search over the calibrator's settings (curve width,
   effort margins' scale and offset, growth prior, band, prior at the baseline, prior widths, the
   first-attempt target), tuned ON the population where a goal is missed (its learners 0-199),
   then the best setting re-measured on fresh learners (100000-100199) beside the shipped
   settings. If even a setting chosen on that population misses the goal, the shortfall belongs
   to the model family and the information in the answers, not to how it was tuned elsewhere.
   (The shipped settings were tuned on all populations at once; nothing here changes them.)

Studies 1-2 run on the tuning learners 0-199 of the five original populations (``STUDIED``),
because they inform choices; the populations added with the learning-from-users mode
("plateau", "compressed-effort") are not part of this study.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from multiprocessing import Pool
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


import core.calibration as calibration  # noqa: E402
from bench._calib_peers import D0, Controller, Notch  # noqa: E402
from bench._calib_sim import Run, simulate  # noqa: E402
from bench._doc import markers, write_section  # noqa: E402
from bench.calibration import Metrics, metrics  # noqa: E402
from bench.learners import POPULATIONS  # noqa: E402

NAME = "calibration-limits"
START, END = markers(NAME)
TUNING = range(0, 200)
FRESH = range(100_000, 100_200)
CHUNK = 50
SEED = 20261124
NOTCH_START_MAX = 0.25  # the first plan goes one step up only if that step is at most +25 %
EARLY = 5  # the goal counts failures among the first five attempts
STUDIED = range(5)  # minutes, reps, words, other-model, alt-assumptions


class StatedBaseline(Controller):
    """The stated comfortable amount, every day: the early-failure floor of study 1."""

    name = "Stated baseline"

    def plan(self, day: int) -> tuple[float, float | None]:
        return self.baseline, None


class NotchNoEarlyRaise(Notch):
    """The shipped calibrator, but never above the last attempted amount in the first five.

    What the <= 0.5 early-failure goal asks on people whose "comfortable" fails one day in ten:
    no raise at all until five attempts have shown the level. Study 1 measures its price.
    """

    name = "Notch, no raise in first 5"

    def plan(self, day: int) -> tuple[float, float | None]:
        b = calibration.belief(self.goal, self.history, D0 + timedelta(days=day))
        amount, p = super().plan(day)
        if b.attempts < EARLY and b.anchor is not None and amount > b.anchor.amount:
            return b.anchor.amount, b.p_done(b.anchor.amount)
        return amount, p


class NotchNotchStart(Notch):
    """The shipped calibrator, but the cold start is one step above the stated baseline."""

    name = "Notch, notch start"

    def plan(self, day: int) -> tuple[float, float | None]:
        today = D0 + timedelta(days=day)
        b = calibration.belief(self.goal, self.history, today)
        if b.anchor is None and self.step <= NOTCH_START_MAX * self.baseline + 1e-9:
            amount = self.baseline + self.step
            return amount, b.p_done(amount)
        return super().plan(day)


CONTROLLERS: dict[str, type[Controller]] = {
    c.name: c for c in (Notch, NotchNoEarlyRaise, NotchNotchStart, StatedBaseline)
}

# --- Running with overridden settings ------------------------------------------------------


def _apply(settings: dict[str, Any]) -> None:
    for key, value in settings.items():
        if not hasattr(calibration, key):
            raise KeyError(f"core.calibration has no setting {key}")
        setattr(calibration, key, value)


def _job(args: tuple[int, str, int, int]) -> tuple[int, Run]:
    pop, ctl, lo, hi = args
    return lo, simulate(pop, CONTROLLERS[ctl], range(lo, hi))


def run(pop: int, ctl: str, learners: range, workers: int,
        settings: dict[str, Any] | None = None) -> Metrics:
    """One controller on one population, with ``settings`` patched into core.calibration."""
    jobs = [(pop, ctl, lo, min(lo + CHUNK, learners.stop))
            for lo in range(learners.start, learners.stop, CHUNK)]
    with Pool(workers, initializer=_apply, initargs=(settings or {},)) as pool:
        return metrics(Run.joined(list(pool.imap_unordered(_job, jobs))))


def random_settings(rng: random.Random) -> dict[str, Any]:
    """One draw from the search space around the shipped settings (wide on every axis)."""
    scale = rng.choice([1.0, 1.3, 1.6, 2.0])
    offset = rng.choice([-0.05, 0.0, 0.05, 0.10])
    margins = {k: (lo * scale + offset, hi * scale + offset)
               for k, (lo, hi) in calibration.EFFORT_MARGIN.items()}
    growth = rng.choice([0.012, 0.02, 0.03, 0.045])
    return {
        "WIDTH": rng.choice([0.10, 0.12, 0.15, 0.18, 0.22, 0.26]),
        "EFFORT_MARGIN": margins,
        "GROWTH_MEAN": growth,
        "GROWTH_SD": growth,
        "BAND_STEADY": (rng.choice([0.70, 0.725, 0.75, 0.78]), rng.choice([0.90, 0.925, 0.95])),
        "PRIOR_P_AT_BASELINE": rng.choice([0.85, 0.88, 0.92, 0.95]),
        "PRIOR_SD": rng.choice([0.3, 0.4, 0.5]),
        "BIAS_SD": rng.choice([0.10, 0.15, 0.25]),
        "TARGET_FIRST": rng.choice([0.93, 0.95, 0.97]),
    }


def describe(settings: dict[str, Any]) -> str:
    parts = []
    for key, value in settings.items():
        if key == "EFFORT_MARGIN":
            ref = calibration.EFFORT_MARGIN[3]
            lo, hi = value[3]
            scale = (hi - lo) / (ref[1] - ref[0])
            parts.append(f"effort margins x{scale:.1f} {lo - ref[0] * scale:+.2f}")
        elif key != "GROWTH_SD":
            parts.append(f"{key}={value}")
    return ", ".join(parts)


@dataclass
class Search:
    population: str
    objective: str
    configs: int
    best: dict[str, Any]
    tuned: Metrics  # best setting, tuning learners
    fresh_best: Metrics  # best setting, fresh learners
    fresh_shipped: Metrics  # shipped settings, fresh learners
    tuned_range: tuple[float, float]  # objective over all configs, tuning learners


def search(pop: int, objective: str, configs: int, workers: int) -> Search:
    """Tune on the population's own learners; re-measure the winner on fresh ones."""
    rng = random.Random(SEED + pop)
    shipped = run(pop, "Notch", TUNING, workers)
    candidates = [({}, shipped)]
    for _ in range(configs):
        settings = random_settings(rng)
        candidates.append((settings, run(pop, "Notch", TUNING, workers, settings)))

    def score(m: Metrics) -> float:
        return m.in_band if objective == "in band" else -m.early_fails

    values = [score(m) for _, m in candidates]
    best, tuned = max(candidates, key=lambda c: score(c[1]))
    return Search(
        population=POPULATIONS[pop].name,
        objective=objective,
        configs=configs,
        best=best,
        tuned=tuned,
        fresh_best=run(pop, "Notch", FRESH, workers, best),
        fresh_shipped=run(pop, "Notch", FRESH, workers),
        tuned_range=(abs(min(values)), abs(max(values))),
    )


# --- Report --------------------------------------------------------------------------------


def render(floor: dict[tuple[int, str], Metrics], searches: list[Search], command: str,
           seconds: float) -> str:
    names = [POPULATIONS[p].name for p in STUDIED]
    lines = [
        START,
        "## Calibration: what limits it",
        "",
        f"Command: `{command}` · date: {date.today().isoformat()} · {os.cpu_count()} CPUs · "
        f"Python {platform.python_version()} · wall time {seconds / 60:.1f} min. Learners and "
        "studies: docstring of `bench/calibration_limits.py`.",
        "",
        f"### Early failures and the cold start (tuning learners {TUNING.start}-"
        f"{TUNING.stop - 1})",
        "",
        "| | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]

    def row(label: str, cell: Any) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(p) for p in STUDIED) + " |")

    for ctl in CONTROLLERS:
        row(f"early failures (of 5): {ctl}", lambda p, c=ctl: f"{floor[(p, c)].early_fails:.2f}")
    for ctl in ("Notch", "Notch, no raise in first 5", "Notch, notch start"):
        row(f"in band: {ctl}", lambda p, c=ctl: f"{floor[(p, c)].in_band:.3f}")
        row(f"in band, week 1: {ctl}", lambda p, c=ctl: f"{floor[(p, c)].weekly[0]:.2f}")
    lines += ["", "### Self-tuned ceiling", "",
              "| population | tuned for | settings tried | objective over all settings (tuning) "
              "| best (tuning) | best (fresh) | shipped (fresh) |",
              "|---|---|---|---|---|---|---|"]

    def fmt(m: Metrics) -> str:
        return f"in band {m.in_band:.3f}, early {m.early_fails:.2f}"

    for s in searches:
        lo, hi = sorted(s.tuned_range)
        lines.append(
            f"| {s.population} | {s.objective} | {s.configs} + shipped | {lo:.3f}-{hi:.3f} "
            f"| {fmt(s.tuned)} | {fmt(s.fresh_best)} | {fmt(s.fresh_shipped)} |")
    lines += [""] + [f"* Best for {s.population} ({s.objective}): {describe(s.best) or 'shipped'}."
                     for s in searches]
    lines += ["", NOTES.strip(), END]
    return "\n".join(lines) + "\n"


NOTES = """
### Reading it (figures as of the commit that added this study)

* Early failures against the band. On alt-assumptions, where "comfortable" means a 90 % day,
  the stated baseline every day already makes 0.55 failures among the first five attempts. The
  shipped calibrator makes 0.74 there, because it raises after early successes (step 4 of the
  method). Forbidding any raise in the first five attempts ("Notch, no raise in first 5")
  meets the <= 0.5 goal on every population (0.25-0.47), but costs 0.03-0.04 in band on
  minutes, reps and words (0.734-0.746, below the 0.75 goal), because the first weeks sit even
  further above the band. With one setting for all populations the two goals pull against each
  other there, and Notch keeps the band: its early failures on minutes, reps and words
  (0.41-0.49) already meet the goal.
* One notch above at the cold start (the README's promise): +0.03 to +0.18 early failures on every
  population, which takes minutes, reps and words to 0.52-0.54, past the 0.5 goal, for
  +0.003 to +0.011 in band on four populations (-0.012 on other-model; week 1 moves toward
  the band). Notch therefore starts at the stated comfortable amount, says so in the first
  plan's sentence, and moves up a notch once an answer says it is within reach. Were more
  early failures acceptable, the notch start would be the better product.
* Self-tuned ceiling. The best of 40 random settings chosen on other-model's own learners
  reaches 0.574 in band on them and 0.579 on fresh ones (shipped settings: 0.454 on the same
  fresh learners), with early failures 0.54-0.63. Within that wide search the 0.75 goal is out
  of reach for this model family on these people, however it is tuned. Their success curve is
  about twice as steep around 0.8 (the band is ~0.11 log units of margin wide), they report
  effort on another scale and grow up to 0.14 log units a session; one answer a day, whose
  outcome near 0.8 says little, cannot track that. Closing the gap needs more information per
  day or real users' effort reports to set the mapping, not more tuning on simulated people.
  On alt-assumptions the setting with the fewest early failures (0.62-0.69) gives up 0.07 in
  band: tuning the shipped rules does not reach the goal there either.
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--configs", type=int, default=40, help="settings tried per search")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    floor = {(p, c): run(p, c, TUNING, args.workers)
             for p in STUDIED for c in CONTROLLERS}
    index = {p.name: i for i, p in enumerate(POPULATIONS)}
    searches = [search(index["other-model"], "in band", args.configs, args.workers),
                search(index["alt-assumptions"], "early failures", args.configs, args.workers)]
    extra = f" --configs {args.configs}" if args.configs != 40 else ""
    command = f"make bench  (.venv/bin/python bench/calibration_limits.py{extra})"
    text = render(floor, searches, command, time.perf_counter() - t0)
    print(text)
    if not args.no_write:
        write_section(NAME, text)


if __name__ == "__main__":
    main()
