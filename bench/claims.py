"""Claim benchmark: how fast, and how safely, several tick workers claim the same due challenges.

Run: ``make bench`` (or ``.venv/bin/python bench/claims.py``; ``--rows N``, ``--workers W``,
``--runs R``, ``--no-write``). PostgreSQL: ``--postgres-url``, else ``BENCH_DATABASE_URL``,
else ``TEST_DATABASE_URL``, else ``postgresql+asyncpg://postgres@127.0.0.1:5432/test``.

What is measured: ``storage.scheduling.claim_due_challenges``, unchanged — the claim the tick's
send step uses (``bot/scheduler.py``): on PostgreSQL ``SELECT … FOR UPDATE SKIP LOCKED`` then a
conditional ``UPDATE`` that sets a lease; on SQLite the same ``UPDATE`` acts as a compare-and-set.

Set-up (assumptions):

* N users (default 2,000), each with an active goal and one planned challenge due before NOW
  (spread over N seconds), seeded through the storage functions, as
  ``tests/storage/test_storage_claims.py`` does. On PostgreSQL they live in a throwaway schema
  ``notch_bench_<random>`` (migrated to head; dropped afterwards, also on error or Ctrl-C).
* W worker processes (default 8; ``spawn``), as production runs several worker processes against
  one database: each builds its own engine exactly as the bot does (``storage.db.create_engine``,
  default pool) and runs one query before a shared barrier, so start-up and connecting are not
  timed. After the barrier each loops: a session, ``claim_due_challenges(now, limit=100)`` (the
  tick's default batch), commit, until a claim returns nothing. The tick itself claims one batch
  per 30 s and then sends; draining the backlog back to back is the worst contention, and times
  the claim alone (no sending).
* R runs (default 5) on the same rows: between runs every lease is cleared, so each run starts
  with N claimable rows.

Reported per backend: wall time from the barrier to the last worker's empty claim (median and
min over runs; ``CLOCK_MONOTONIC``, which is system-wide, so the workers' clocks agree), rows/s
(N / median wall), and, summed over all runs, double claims (claims returned minus distinct rows:
every worker's returned ids are collected and compared, nothing is assumed), claimed ids that were
never seeded, rows left unclaimed (counted in the database after each run: no lease set), and
claim transactions the server aborted (deadlock or serialization failure: nothing was taken; the
worker counts it and claims again, as the next tick would; any other error stops the bench).

Control: the same workers with a naive select-then-update claim (no row lock, no re-check; bench
code, not Notch's) show that the counter does see double claims when a claim is unsafe (its
``UPDATE … WHERE id IN (…)`` also deadlocks now and then: counted, see above).

SQLite, for comparison: one worker in this process over a fresh database file (WAL) — Notch on
SQLite runs one process; SQLite has one writer at a time anyway.

If no PostgreSQL server answers, the script says so and the section says so: no figure.
Writes its table into docs/BENCHMARKS.md between the claims markers, leaving the rest alone.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import queue
import secrets
import statistics
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import Any, Final

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy  # noqa: E402
from sqlalchemy import func, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.exc import DBAPIError  # noqa: E402
from sqlalchemy.ext.asyncio import async_sessionmaker  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402
from sqlmodel import col, select, update  # noqa: E402
from sqlmodel.ext.asyncio.session import AsyncSession  # noqa: E402

from bench._doc import DOC, markers, write_section  # noqa: E402
from core.calibration import Plan  # noqa: E402
from storage.challenges import plan_challenge  # noqa: E402
from storage.db import create_engine, make_session_factory  # noqa: E402
from storage.goals import create_goal  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Challenge  # noqa: E402
from storage.scheduling import claim_due_challenges  # noqa: E402
from storage.users import upsert_telegram_user  # noqa: E402

START, END = markers("claims")
NOW: Final = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
DAY: Final = date(2026, 6, 1)
BATCH: Final = 100  # the tick's claim limit (claim_due_challenges' default)
DEFAULT_POSTGRES_URL: Final = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
CONNECT_TIMEOUT_S: Final = 5
WAIT_S: Final = 300.0  # a worker that has not answered by then is broken, not slow
ABORTED: Final = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure

Claim = Callable[[AsyncSession, datetime, int], Awaitable[list[int]]]


async def notch_claim(session: AsyncSession, now: datetime, limit: int) -> list[int]:
    """The real claim, exactly as the tick calls it (only the batch size is passed)."""
    return await claim_due_challenges(session, now, limit=limit)


async def naive_claim(session: AsyncSession, now: datetime, limit: int) -> list[int]:
    """Control, NOT Notch's claim: select due rows without a lock, then lease them unconditionally.

    Two workers that select at the same moment both get, and both "claim", the same rows.
    """
    free = sqlalchemy.or_(col(Challenge.claimed_until).is_(None),
                          col(Challenge.claimed_until) < now)
    ids = list((await session.exec(
        select(col(Challenge.id))
        .where(col(Challenge.status) == "planned", col(Challenge.due_at) <= now, free)
        .order_by(col(Challenge.due_at))
        .limit(limit)
    )).all())
    if not ids:
        return []
    result = await session.exec(
        update(Challenge)
        .where(col(Challenge.id).in_(ids))
        .values(claimed_until=now + timedelta(minutes=2))
        .returning(col(Challenge.id))
        .execution_options(synchronize_session=False)
    )
    return sorted(int(i) for i in result.scalars().all())


CLAIMS: Final[dict[str, Claim]] = {"notch": notch_claim, "naive": naive_claim}


# --------------------------------------------------------------------------- the core


async def seed(sessions: async_sessionmaker[AsyncSession], rows: int,
               first_telegram_id: int = 1) -> list[int]:
    """``rows`` active users, each with a goal and one planned challenge due by NOW; their ids."""
    ids: list[int] = []
    for start in range(0, rows, 200):
        async with sessions() as session:
            for n in range(start, min(rows, start + 200)):
                user = await upsert_telegram_user(
                    session, telegram_user_id=first_telegram_id + n,
                    chat_id=first_telegram_id + n, first_name="U", language_code=None, now=NOW)
                assert user.id is not None
                goal = await create_goal(session, user_id=user.id, behaviour="reading",
                                         unit="pages", step=1, baseline=5, target=None)
                assert goal.id is not None
                due = NOW - timedelta(seconds=n)
                row = await plan_challenge(
                    session, goal_id=goal.id, local_date=DAY,
                    plan=Plan(amount=5, p_success=0.9), due_at=due,
                    close_at=due + timedelta(hours=20))
                assert row.id is not None
                ids.append(row.id)
            await session.commit()
    return ids


async def clear_leases(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Every seeded row claimable again (the claim only sets ``claimed_until``)."""
    async with sessions() as session:
        await session.exec(update(Challenge).values(claimed_until=None)
                           .execution_options(synchronize_session=False))
        await session.commit()


async def count_unclaimed(sessions: async_sessionmaker[AsyncSession]) -> int:
    """Rows the database still shows claimable at NOW (no lease, or a lapsed one)."""
    async with sessions() as session:
        statement = select(func.count()).select_from(Challenge).where(
            col(Challenge.status) == "planned",
            sqlalchemy.or_(col(Challenge.claimed_until).is_(None),
                           col(Challenge.claimed_until) < NOW))
        return int((await session.exec(statement)).one())


def _aborted_by_server(exc: DBAPIError) -> bool:
    """A deadlock or serialization failure: the server rolled the claim back, nothing was taken."""
    return getattr(exc.orig, "sqlstate", None) in ABORTED


@dataclass(frozen=True)
class Drained:
    """What one worker got: every id it was handed (repeats kept: they are what is counted)."""

    ids: list[int]
    claims: int  # claim transactions committed, the final empty one included
    aborted: int  # claim transactions the server aborted (deadlock), retried


async def claim_until_empty(
    sessions: async_sessionmaker[AsyncSession], claim: Claim = notch_claim, limit: int = BATCH
) -> Drained:
    """One worker: claim a batch and commit (as the tick does), until nothing is left.

    A claim the server aborts (deadlock) took nothing; it is counted and the worker goes on, as
    the next tick would. Any other error ends the run.
    """
    got: list[int] = []
    claims = aborted = 0
    while True:
        try:
            async with sessions() as session:
                batch = await claim(session, NOW, limit)
                await session.commit()
        except DBAPIError as exc:
            if not _aborted_by_server(exc):
                raise
            aborted += 1
            continue
        claims += 1
        if not batch:
            return Drained(got, claims, aborted)
        got.extend(batch)


@dataclass(frozen=True)
class Tally:
    """What the workers were handed, against what was seeded and what the database shows."""

    rows: int  # seeded
    handed: int  # ids returned by claims, over all workers, repeats included
    distinct: int  # different rows among them
    double_claims: int  # handed - distinct: a row handed to a second worker (or twice) counts
    foreign: int  # ids handed out that were never seeded
    left: int  # seeded rows the database shows unclaimed afterwards
    busy_workers: int  # workers that got at least one row (was the work shared?)


def tally(seeded: Iterable[int], per_worker: Sequence[Sequence[int]], left: int) -> Tally:
    """Count double claims from the ids each worker was handed; nothing is assumed."""
    seeded_set = set(seeded)
    counts = Counter(i for ids in per_worker for i in ids)
    handed = sum(counts.values())
    return Tally(
        rows=len(seeded_set), handed=handed, distinct=len(counts),
        double_claims=handed - len(counts),
        foreign=sum(1 for i in counts if i not in seeded_set),
        left=left, busy_workers=sum(1 for ids in per_worker if ids),
    )


@dataclass(frozen=True)
class Run:
    tally: Tally
    wall_s: float
    claims: int  # claim transactions over all workers, the empty ones included
    aborted: int  # claim transactions the server aborted (deadlocks), over all workers


@dataclass(frozen=True)
class Outcome:
    """Several runs of one claim on one backend."""

    label: str
    workers: int
    runs: list[Run]

    @property
    def wall_median(self) -> float:
        return statistics.median(r.wall_s for r in self.runs)

    @property
    def wall_min(self) -> float:
        return min(r.wall_s for r in self.runs)

    def total(self, field: str) -> int:
        return sum(int(getattr(r.tally, field)) for r in self.runs)

    @property
    def aborted(self) -> int:
        return sum(r.aborted for r in self.runs)


def _monotonic() -> float:
    return time.clock_gettime(time.CLOCK_MONOTONIC)


# --------------------------------------------------------------------------- worker processes


@dataclass(frozen=True)
class WorkerRun:
    drained: Drained
    started: float
    finished: float


def _worker(url: str, connect_args: dict[str, Any], modes: list[str],
            barrier: Any, results: Any) -> None:
    """A worker process: connect, then for each run wait at the barrier and drain the rows."""
    try:
        asyncio.run(_worker_runs(url, connect_args, modes, barrier, results))
    except threading.BrokenBarrierError:
        pass  # the parent gave up (it reports why)
    except BaseException:
        results.put(traceback.format_exc())
        barrier.abort()
        raise


async def _worker_runs(url: str, connect_args: dict[str, Any], modes: list[str],
                       barrier: Any, results: Any) -> None:
    engine = create_engine(url, connect_args=connect_args)
    try:
        async with engine.connect() as connection:  # connect before the clock starts
            await connection.execute(text("SELECT 1"))
        sessions = make_session_factory(engine)
        for mode in modes:
            await asyncio.to_thread(barrier.wait, WAIT_S)
            started = _monotonic()
            drained = await claim_until_empty(sessions, CLAIMS[mode])
            results.put(WorkerRun(drained, started, _monotonic()))
    finally:
        await engine.dispose()


def _worker_error(results: Any) -> str:
    """Why the start barrier broke: a worker's traceback if one was sent, else a timeout."""
    try:
        item = results.get(True, 5)
    except queue.Empty:
        return f"the workers did not all reach the start within {WAIT_S:.0f} s"
    return f"a worker failed:\n{item}" if isinstance(item, str) else "the start barrier broke"


async def _collect(results: Any, workers: int) -> list[WorkerRun]:
    got: list[WorkerRun] = []
    for _ in range(workers):
        try:
            item = await asyncio.to_thread(results.get, True, WAIT_S)
        except queue.Empty:
            raise RuntimeError(f"a worker did not answer within {WAIT_S:.0f} s") from None
        if isinstance(item, str):
            raise RuntimeError(f"a worker failed:\n{item}")
        got.append(item)
    return got


async def run_processes(
    url: str, connect_args: dict[str, Any], sessions: async_sessionmaker[AsyncSession],
    seeded: list[int], workers: int, plan: list[str], before_start: Callable[[], Awaitable[None]]
    | None = None,
) -> list[Run]:
    """Start ``workers`` processes, one run per entry of ``plan`` (a claim name), and tally each.

    The processes start (imports, connecting) while ``before_start`` runs, e.g. the seeding.
    """
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(workers + 1)
    results = ctx.Queue()
    processes: list[SpawnProcess] = [
        ctx.Process(target=_worker, args=(url, connect_args, plan, barrier, results),
                    name=f"claims-worker-{n}", daemon=True)
        for n in range(workers)
    ]
    for process in processes:
        process.start()
    runs: list[Run] = []
    try:
        if before_start is not None:
            await before_start()
        for _ in plan:
            await clear_leases(sessions)
            try:
                await asyncio.to_thread(barrier.wait, WAIT_S)
            except threading.BrokenBarrierError:
                raise RuntimeError(_worker_error(results)) from None
            done = await _collect(results, workers)
            wall = max(w.finished for w in done) - min(w.started for w in done)
            left = await count_unclaimed(sessions)
            runs.append(Run(tally(seeded, [w.drained.ids for w in done], left), wall,
                            sum(w.drained.claims for w in done),
                            sum(w.drained.aborted for w in done)))
        return runs
    finally:
        barrier.abort()  # releases any worker still waiting (after an error)
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
        results.close()


# --------------------------------------------------------------------------- backends


def postgres_url(cli: str | None) -> str:
    return (cli or os.environ.get("BENCH_DATABASE_URL")
            or os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL)


def safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


async def _admin(url: str, *statements: str) -> list[Any]:
    """Administrative SQL (schemas) in one transaction; the first column of each result."""
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": CONNECT_TIMEOUT_S})
    try:
        async with engine.begin() as connection:
            found = []
            for sql in statements:
                result = await connection.execute(text(sql))
                found.append(result.scalar() if result.returns_rows else None)
            return found
    finally:
        await engine.dispose()


async def postgres_unreachable(url: str) -> str | None:
    """Why the PostgreSQL server cannot be used, or None when it answers."""
    try:
        await _admin(url, "SELECT 1")
    except (OSError, TimeoutError, DBAPIError) as exc:
        detail = (str(exc).splitlines() or [""])[0]
        return f"PostgreSQL not reachable at {safe(url)}: {type(exc).__name__}: {detail}"
    return None


@dataclass(frozen=True)
class PostgresResult:
    server: str
    outcomes: list[Outcome]


async def bench_postgres(url: str, rows: int, workers: int, runs: int,
                         control: bool) -> PostgresResult:
    """Seed a throwaway schema, run the workers (Notch's claim, then the control), drop it."""
    schema = f"notch_bench_{secrets.token_hex(6)}"
    (server,) = await _admin(url, "SHOW server_version")
    await _admin(url, f'CREATE SCHEMA "{schema}"')
    connect_args: dict[str, Any] = {"server_settings": {"search_path": schema}}
    engine = create_engine(url, connect_args=connect_args)
    try:
        await upgrade(engine)
        sessions = make_session_factory(engine)
        seeded: list[int] = []

        async def seed_rows() -> None:
            seeded.extend(await seed(sessions, rows))

        plan = ["notch"] * runs + (["naive"] * runs if control else [])
        done = await run_processes(url, connect_args, sessions, seeded, workers, plan, seed_rows)
        outcomes = [Outcome("PostgreSQL, `claim_due_challenges` (SKIP LOCKED)", workers,
                            done[:runs])]
        if control:
            outcomes.append(Outcome("PostgreSQL, naive select-then-update (control)", workers,
                                    done[runs:]))
        return PostgresResult(str(server), outcomes)
    finally:
        await engine.dispose()
        await _admin(url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


async def bench_sqlite(rows: int, runs: int) -> Outcome:
    """One worker in this process over a fresh SQLite file (WAL), same rows and runs."""
    with tempfile.TemporaryDirectory(prefix="notch-bench-") as tmp:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'claims.db'}")
        try:
            await upgrade(engine)
            sessions = make_session_factory(engine)
            seeded = await seed(sessions, rows)
            done: list[Run] = []
            for _ in range(runs):
                await clear_leases(sessions)
                started = _monotonic()
                drained = await claim_until_empty(sessions)
                wall = _monotonic() - started
                done.append(Run(tally(seeded, [drained.ids], await count_unclaimed(sessions)),
                                wall, drained.claims, drained.aborted))
            return Outcome("SQLite, `claim_due_challenges` (compare-and-set)", 1, done)
        finally:
            await engine.dispose()


# --------------------------------------------------------------------------- the section


def table(outcomes: Sequence[Outcome]) -> str:
    lines = [
        "| backend, claim | workers | rows | runs | wall s (median) | wall s (min) "
        "| rows/s (median) | double claims (all runs) | rows left unclaimed (all runs) "
        "| claimed, not seeded | claims aborted (deadlock) | workers with rows (min) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        rows = o.runs[0].tally.rows
        lines.append(
            f"| {o.label} | {o.workers} | {rows:,} | {len(o.runs)} | {o.wall_median:.3f} "
            f"| {o.wall_min:.3f} | {rows / o.wall_median:,.0f} | {o.total('double_claims'):,} "
            f"| {o.total('left'):,} | {o.total('foreign'):,} | {o.aborted:,} "
            f"| {min(r.tally.busy_workers for r in o.runs)} |")
    return "\n".join(lines)


def section(outcomes: Sequence[Outcome], postgres: str, command: str, rows: int,
            load: tuple[float, float]) -> str:
    return "\n".join([
        START,
        "## Scheduler claims",
        "",
        f"Command: `{command}` · date: {date.today().isoformat()} · Python "
        f"{platform.python_version()} · SQLAlchemy {sqlalchemy.__version__} · {postgres} · "
        f"{platform.machine()}, {os.cpu_count()} CPUs (the workers and the PostgreSQL server "
        f"share them), load average {load[0]:.1f} at the start, {load[1]:.1f} at the end.",
        "",
        f"{rows:,} due challenges (one per user with an active goal), drained by worker "
        "processes (SQLite: one worker, in the bench's process) that each loop "
        f"`storage.scheduling.claim_due_challenges` (batch {BATCH}, "
        "commit) until nothing is left; wall time from a shared start barrier (connecting is "
        "not timed) to the last empty claim. Double claims, rows left and foreign ids are "
        "summed over all runs and counted from the ids each worker was handed and from the "
        "database afterwards; a claim the server aborts (deadlock) took nothing and is retried. "
        "The naive control (bench code, not Notch's) shows the counter sees double claims when "
        "a claim is unsafe. Assumptions: docstring of `bench/claims.py`.",
        "",
        table(outcomes) if outcomes else "No figures.",
        END,
        "",
    ])


async def measure(args: argparse.Namespace) -> tuple[list[Outcome], str]:
    outcomes: list[Outcome] = []
    url = postgres_url(args.postgres_url)
    reason = await postgres_unreachable(url)
    if reason is None:
        result = await bench_postgres(url, args.rows, args.workers, args.runs, args.control)
        outcomes.extend(result.outcomes)
        postgres = f"PostgreSQL {result.server} on {make_url(url).host}"
    else:
        print(f"{reason}; skipping the PostgreSQL part (no figure).", file=sys.stderr)
        postgres = f"PostgreSQL part skipped ({reason})"
    if not args.no_sqlite:
        outcomes.append(await bench_sqlite(args.rows, args.runs))
    return outcomes, postgres


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres-url", default=None)
    parser.add_argument("--no-control", dest="control", action="store_false",
                        help="skip the naive select-then-update control")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    if args.rows < 1 or args.workers < 1 or args.runs < 1:
        parser.error("--rows, --workers and --runs must be at least 1")
    load_start = os.getloadavg()[0]
    outcomes, postgres = asyncio.run(measure(args))
    print(postgres)
    print(table(outcomes))
    if not args.no_write:
        write_section("claims", section(outcomes, postgres,
                                        "make bench  (.venv/bin/python bench/claims.py)",
                                        args.rows, (load_start, os.getloadavg()[0])))
        print(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
