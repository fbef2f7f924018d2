"""How long the daily fit takes: ``fit_priors`` over 10,000 users x 365 attempts, one core.

Run: ``make bench`` (or ``.venv/bin/python bench/priors_fit.py``; ``--users``, ``--days``,
``--no-write``). The budget: <= 60 s on one core for 10,000 users with 365 attempts.

The histories are synthetic and cheap to make (the fit's cost depends on their count and
length, not on who made them): each user has a stated baseline of 10-45 and one attempt a day,
done with probability 0.8 (effort 1-5 at random) or a too_hard failure, the amount moving one
step up after a success and one down after a failure; one day in ten is missed. Reported:
process CPU time (``time.process_time``, what "one core" means; the fit is single-threaded
unless numpy's BLAS threads kick in, which this workload does not use), wall time, and what
the fit read: every user enters the counts; a seeded subsample of ``MAX_USERS`` users and
their first ``MAX_ATTEMPTS`` evidence-bearing attempts enter the likelihood.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._doc import markers, write_section  # noqa: E402
from core.calibration import Attempt, Goal, fit_priors  # noqa: E402
from core.priors_fit import MAX_ATTEMPTS, MAX_ITER, MAX_USERS  # noqa: E402

START, END = markers("priors-fit")


def histories(users: int, days: int, seed: int = 1) -> list[tuple[Goal, list[Attempt]]]:
    rng = random.Random(seed)
    out = []
    d0 = date(2025, 1, 1)
    for _ in range(users):
        goal = Goal("minutes", float(rng.choice([10, 15, 20, 30, 45])), 1.0)
        amount, hist = goal.baseline, []
        for d in range(days):
            day = d0 + timedelta(days=d)
            if rng.random() < 0.1:
                hist.append(Attempt(day, amount, "missed"))
            elif rng.random() < 0.8:
                hist.append(Attempt(day, amount, "done", effort=rng.randint(1, 5)))
                amount += 1
            else:
                hist.append(Attempt(day, amount, "failed", reason="too_hard"))
                amount = max(1.0, amount - 1)
        out.append((goal, hist))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    data = histories(args.users, args.days)
    cpu, wall = time.process_time(), time.perf_counter()
    priors = fit_priors(data)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    extra = "" if (args.users, args.days) == (10_000, 365) else (
        f" --users {args.users} --days {args.days}")
    text = "\n".join([
        START,
        "## Fitting the priors (the daily fit)",
        "",
        f"Command: `make bench` (`.venv/bin/python bench/priors_fit.py{extra}`) · date: "
        f"{date.today().isoformat()} · {os.cpu_count()} CPUs · Python "
        f"{platform.python_version()}.",
        "",
        "| users | days each | attempts read | evidence used by the likelihood "
        "| CPU time | wall time | budget |",
        "|---|---|---|---|---|---|---|",
        f"| {priors.users:,} | {args.days} | {priors.attempts:,} | {MAX_USERS} users x first "
        f"{MAX_ATTEMPTS} attempts, {MAX_ITER} L-BFGS-B iterations at most "
        f"| {cpu:.1f} s | {wall:.1f} s | 60 s on one core |",
        "",
        "Subsampling: every user enters the counts and the shrinkage (the hyper-prior weighs "
        "40 users against all of them); the likelihood is read on a seeded subsample, which "
        "estimates the per-user mean. Synthetic histories: docstring of `bench/priors_fit.py`.",
        END,
    ])
    print(text)
    if not args.no_write:
        write_section("priors-fit", text)


if __name__ == "__main__":
    main()
