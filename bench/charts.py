"""Chart benchmark: how long /progress takes for a year of history — the band, then the render.

Run: ``make bench`` (or ``.venv/bin/python bench/charts.py``; ``--runs N``, ``--no-write``).
The budget is 300 ms for a year (issue 5); /progress does both steps in one worker thread
(``bot.handlers.progress.draw``: the band, then ``render_progress``), so the two figures add up
to the time one /progress keeps a thread busy, not the event loop.

The history is generated (seeded): a person practising almost daily for 365 days, amounts
growing from 10 to ~30 minutes with day-to-day noise, ~78 % done, ~8 % failed, ~9 % missed,
~5 % skipped, confidence given on ~70 % of attempts, the calibrator's band every day and a
ladder rating every week. Timings: wall clock per render (``time.perf_counter``) and the
rendering thread's CPU time (``time.thread_time``: the cost without other work), after two
warm-up renders (font cache, imports), median and 95th percentile over ``--runs`` renders.

The band: ``bot.handlers.progress.band``, the function the bot calls (unchanged, with its own
thinning to at most ``MAX_BAND_POINTS`` days, each replaying the history before it through
``core.calibration.belief``), on the same generated year turned into the calibrator's attempts as
``storage.challenges.history`` would (oldest first, missed and skipped days included; failures
count as ``too_hard``, i.e. evidence — the filter's costlier path). Goal: minutes, baseline 10,
step 1, target 30. Same timing method: two warm-up calls, then ``--runs`` calls.
Writes the table into docs/BENCHMARKS.md between the charts markers, leaving the rest alone.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402

from bench._doc import DOC, markers, write_section  # noqa: E402
from bot.charts import HEIGHT_PX, WIDTH_PX, BandPoint, ProgressData, render_progress  # noqa: E402
from bot.handlers.progress import MAX_BAND_POINTS, band  # noqa: E402
from core import calibration  # noqa: E402
from core.evidence import Entry, Status  # noqa: E402

START, END = markers("charts")
BUDGET_MS = 300.0
D0 = date(2026, 1, 5)
GOAL = calibration.Goal(unit="min", baseline=10, step=1, target=30)


def year_of_history(seed: int = 7, days: int = 365) -> ProgressData:
    """A plausible year for one goal (see the module docstring), reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    entries: list[Entry] = []
    band: list[BandPoint] = []
    ladder: list[tuple[date, float]] = []
    level = 10.0
    for i in range(days):
        day = D0 + timedelta(days=i)
        level *= 1 + rng.uniform(0.0, 0.006)  # ~ x3 over a year
        amount = float(round(level * rng.uniform(0.95, 1.12)))
        band.append(BandPoint(day, round(level * 0.9, 1), round(level * 1.15, 1)))
        u = rng.random()
        status: Status = "done" if u < 0.78 else "failed" if u < 0.86 else (
            "missed" if u < 0.95 else "skipped")
        confidence = None
        if status in ("done", "failed") and rng.random() < 0.7:
            confidence = int(rng.choice([20, 40, 60, 60, 80, 80, 100]))
        entries.append(Entry(day, amount, status, effort=int(rng.integers(1, 6)) if
                             status == "done" else None, confidence=confidence))
        if i % 7 == 0:
            ladder.append((day, min(100.0, 35 + 50 * i / days + rng.normal(0, 5))))
    return ProgressData(unit="min", entries=entries, band=band, ladder=ladder,
                        baseline=10, target=30)


def attempts_of(entries: Sequence[Entry]) -> list[calibration.Attempt]:
    """The calibrator's view of the entries, as storage hands it over (failures: too hard)."""
    return [
        calibration.Attempt(
            day=e.day, amount=e.amount, outcome=e.status,
            effort=e.effort if e.status == "done" else None,
            reason="too_hard" if e.status == "failed" else None,
        )
        for e in entries
    ]


def _timed(call: Callable[[], object], runs: int) -> dict[str, float]:
    """Two warm-up calls, then wall and thread-CPU milliseconds of ``runs`` calls."""
    for _ in range(2):
        call()
    timings, cpu = [], []
    for _ in range(runs):
        c0, t0 = time.thread_time(), time.perf_counter()
        call()
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
    timings.sort()
    return {
        "runs": runs,
        "median": statistics.median(timings),
        "p95": timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))],
        "min": timings[0],
        "max": timings[-1],
        "cpu_median": statistics.median(cpu),
    }


def measure(runs: int, seed: int = 7) -> dict[str, float]:
    """The render: ``render_progress`` of the generated year."""
    data = year_of_history(seed)
    result = _timed(lambda: render_progress(data), runs)
    result["kb"] = len(render_progress(data)) / 1024
    return result


def measure_band(runs: int, seed: int = 7) -> dict[str, float]:
    """The band: ``bot.handlers.progress.band`` over the same year, as ``chart_data`` calls it."""
    entries = year_of_history(seed).entries
    attempts = attempts_of(entries)
    days = [e.day for e in entries]
    result = _timed(lambda: band(GOAL, attempts, days), runs)
    result["days"] = len(set(days))
    result["attempts"] = len(attempts)
    result["points"] = len(band(GOAL, attempts, days))
    return result


def band_table(result: dict[str, float]) -> str:
    return "\n".join([
        "| computation | history | points computed | runs | median ms | p95 ms | min ms "
        "| max ms | CPU ms (median) |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| band over {result['days']:.0f} days (`bot.handlers.progress.band`) "
        f"| {result['attempts']:.0f} attempts, 1 goal "
        f"| {result['points']:.0f} (at most {MAX_BAND_POINTS}) | {result['runs']:.0f} "
        f"| {result['median']:.1f} | {result['p95']:.1f} | {result['min']:.1f} "
        f"| {result['max']:.1f} | {result['cpu_median']:.1f} |",
    ])


def table(result: dict[str, float]) -> str:
    return "\n".join([
        "| history | image | runs | median ms | p95 ms | min ms | max ms | CPU ms (median) "
        "| PNG KiB | budget |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| 365 days, 1 goal | {WIDTH_PX}x{HEIGHT_PX} | {result['runs']:.0f} "
        f"| {result['median']:.1f} | {result['p95']:.1f} | {result['min']:.1f} "
        f"| {result['max']:.1f} | {result['cpu_median']:.1f} | {result['kb']:.0f} "
        f"| {BUDGET_MS:.0f} ms "
        f"({'met' if result['p95'] < BUDGET_MS else 'NOT met'} at p95) |",
    ])


def section(result: dict[str, float], band_result: dict[str, float], command: str) -> str:
    return "\n".join([
        START,
        "## Progress chart",
        "",
        f"Command: `{command}` · date: {date.today().isoformat()} · Python "
        f"{platform.python_version()} · matplotlib {matplotlib.__version__} · "
        f"{platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} "
        "at the end (other work on the machine shows in p95 and max; min is the render alone).",
        "",
        "Wall time of `bot.charts.render_progress` (Agg, PNG) for a generated year of history "
        "(assumptions: docstring of `bench/charts.py`), after two warm-up renders.",
        "",
        table(result),
        "",
        "The band the chart shows, computed before the render in the same thread: wall time of "
        "`bot.handlers.progress.band` (the calibrator's belief replayed up to each shown day) "
        "over the same year, after two warm-up calls. /progress costs the band plus the render.",
        "",
        band_table(band_result),
        END,
        "",
    ])




def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    result = measure(args.runs)
    band_result = measure_band(args.runs)
    print(table(result))
    print(band_table(band_result))
    if not args.no_write:
        write_section("charts", section(result, band_result,
                                        "make bench  (.venv/bin/python bench/charts.py)"))
        print(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
