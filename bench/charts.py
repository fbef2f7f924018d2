"""Chart benchmark: how long /progress takes for a year of history — the band, then the render.

Run: ``make bench`` (or ``.venv/bin/python bench/charts.py``; ``--runs N``, ``--no-write``).
The budget is 300 ms for a year for what one /progress does in its worker thread
(``bot.handlers.progress.draw``: the band, then ``render_progress``): the time it keeps a
thread busy, not the event loop. Each part is timed too.

The history is generated (seeded): a person practising almost daily for 365 days, amounts
growing from 10 to ~30 minutes with day-to-day noise, ~78 % done, ~8 % failed, ~9 % missed,
~5 % skipped, confidence given on ~70 % of attempts, the calibrator's band every day and a
ladder rating every week. Timings: wall clock per render (``time.perf_counter``) and the
rendering thread's CPU time (``time.thread_time``: the cost without other work), after two
warm-up renders (font cache, imports), median and 95th percentile over ``--runs`` renders.

The band: ``bot.handlers.progress.band``, the function the bot calls (with its own thinning
to at most ``MAX_BAND_POINTS`` days, the belief on each walked in one pass by
``core.calibration.beliefs``), on the same generated year turned into the calibrator's attempts
as ``storage.challenges.history`` would (oldest first, missed and skipped days included;
failures count as ``too_hard``, i.e. evidence: the filter's costlier path). Goal: minutes,
baseline 10, step 1, target 30.
Writes the table into docs/BENCHMARKS.md between the charts markers, leaving the rest alone.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
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


def measure(runs: int, seed: int = 7) -> dict[str, dict[str, float]]:
    """The band, the render, and both as /progress's worker thread does them (``draw``)."""
    data = year_of_history(seed)
    attempts = attempts_of(data.entries)
    days = [e.day for e in data.entries]
    out = {
        "band": _timed(lambda: band(GOAL, attempts, days), runs),
        "render": _timed(lambda: render_progress(data), runs),
        # bot.handlers.progress.draw = render_progress(chart_data(facts)); chart_data computes
        # the band and copies fields, so this is its work on the same year.
        "whole": _timed(lambda: render_progress(replace(data, band=band(GOAL, attempts, days))),
                        runs),
    }
    out["band"]["points"] = len(band(GOAL, attempts, days))
    out["band"]["attempts"] = len(attempts)
    out["render"]["kb"] = len(render_progress(data)) / 1024
    return out


def bot_sized_heap() -> dict[str, float]:
    """Make this process's heap the bot's, then settle it as the bot does after start-up.

    Imports the whole bot and builds the place index (what post_init preloads), times full
    garbage-collection passes, then calls ``bot.app.settle_heap`` (gc.freeze) and times them
    again. The chart timings that follow run on the settled heap, like /progress in the bot.
    """
    import bot.app
    from bot import timezone_lookup

    timezone_lookup.preload()

    def full_passes() -> float:
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            gc.collect()
            times.append((time.perf_counter() - t0) * 1000)
        return statistics.median(times)

    tracked = len(gc.get_objects())
    before = full_passes()
    bot.app.settle_heap()
    return {"tracked": tracked, "before": before, "after": full_passes(),
            "frozen": gc.get_freeze_count()}


def gc_table(heap: dict[str, float]) -> str:
    return "\n".join([
        "| full garbage-collection pass (`gc.collect()`, median of 5) | objects scanned | ms |",
        "|---|---|---|",
        f"| after start-up (the bot imported, place index built) | {heap['tracked']:,.0f} "
        f"| {heap['before']:.1f} |",
        f"| after `bot.app.settle_heap` (gc.freeze: {heap['frozen']:,.0f} objects set aside) "
        f"| only those made since | {heap['after']:.1f} |",
    ])


def table(result: dict[str, dict[str, float]]) -> str:
    rows = [
        "| work (365 days of history, 1 goal) | runs | median ms | p95 ms | min ms | max ms "
        "| CPU ms (median) | budget |",
        "|---|---|---|---|---|---|---|---|",
    ]
    labels = {
        "band": f"the band: `bot.handlers.progress.band`, {result['band']['attempts']:.0f} "
                f"attempts, {result['band']['points']:.0f} days shown (at most {MAX_BAND_POINTS})",
        "render": f"the picture: `bot.charts.render_progress`, {WIDTH_PX}x{HEIGHT_PX} PNG, "
                  f"{result['render']['kb']:.0f} KiB",
        "whole": "both, as /progress's worker thread does them (`bot.handlers.progress.draw`)",
    }
    for key, label in labels.items():
        r = result[key]
        budget = "-"
        if key == "whole":
            budget = f"{BUDGET_MS:.0f} ms ({'met' if r['p95'] < BUDGET_MS else 'NOT met'} at p95)"
        rows.append(f"| {label} | {r['runs']:.0f} | {r['median']:.1f} | {r['p95']:.1f} "
                    f"| {r['min']:.1f} | {r['max']:.1f} | {r['cpu_median']:.1f} | {budget} |")
    return "\n".join(rows)


def section(result: dict[str, dict[str, float]], heap: dict[str, float], command: str) -> str:
    return "\n".join([
        START,
        "## Progress chart",
        "",
        f"Command: `{command}` · date: {date.today().isoformat()} · Python "
        f"{platform.python_version()} · matplotlib {matplotlib.__version__} · "
        f"{platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} "
        "at the end (other work on the machine shows in p95 and max; min is the work alone).",
        "",
        "Wall time of what one /progress does off the event loop, for a generated year of "
        "history (assumptions: docstring of `bench/charts.py`), each after two warm-up calls. "
        "The band is the calibrator's belief on each shown day, walked in one pass "
        "(`core.calibration.beliefs`).",
        "",
        table(result),
        "",
        "Those timings run on a heap like the bot's after start-up. A full garbage-collection "
        "pass holds the GIL (it stalls the event loop too) and scans every tracked object; "
        "each render leaves matplotlib objects in reference cycles, so without the freeze a "
        "full pass (~100-160 ms) landed in every eighth to tenth render (p95 266-285 ms "
        "before, median unchanged).",
        "",
        gc_table(heap),
        END,
        "",
    ])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    heap = bot_sized_heap()
    result = measure(args.runs)
    print(table(result))
    print(gc_table(heap))
    if not args.no_write:
        write_section("charts", section(result, heap,
                                        "make bench  (.venv/bin/python bench/charts.py)"))
        print(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
