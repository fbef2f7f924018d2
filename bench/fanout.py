"""Fan-out benchmark: how fast the daily tick plans and sends N people due in the same minute.

Run: ``make bench`` (or ``.venv/bin/python bench/fanout.py``; ``--quick`` for a small run,
``--sizes 1000,10000``, ``--procs 1,2``, ``--history-users 2000``, ``--no-write``,
``--profile`` for a cProfile of one process's tick). PostgreSQL: ``--postgres-url``, else
``BENCH_DATABASE_URL``, else ``TEST_DATABASE_URL``, else the local test server.

What is measured: ``bot.scheduler.tick(services, bot, now)``, unchanged, called back to back by
P worker processes (``spawn``) on one PostgreSQL database, against the local Bot API emulator
(``sandbox.emulator.BotApiEmulator``) in its own process, so its CPU is not counted as the
bot's (its share is reported). The bot is a plain ``telegram.ext.ExtBot`` with no rate limiter
(the broadcast lane and its budget live in bot/sender.py on another branch; a budget of 1,000
a second is above what is measured here, so it would not bind) and an HTTP pool as large as the
tick's concurrency.

Set-up (assumptions):

* N users in a throwaway schema ``notch_bench_fanout_<random>`` (migrated to head, dropped
  afterwards), inserted in bulk by SQL: each active, with one active goal ("running", minutes,
  baseline 10-29, step 1), due in the same minute T0 … T0+59 s (T0 = 2026-06-01 08:00 UTC), in
  four zones (UTC 08:00, Europe/Berlin 10:00, Asia/Kolkata 13:30, Asia/Tokyo 17:00 local,
  seconds spread over the minute). No weekly review is due.
* "a year of history": the first H users (``--history-users``) get 365 settled past days each
  (done 60 % with an effort 1-5, too_hard failures 15 % with what was achieved, skipped 5 %,
  missed after sending 20 %, amounts moving in steps; yesterday always done, so every user gets
  one message, no late question). Run as its own case with N = H.
* Phase "plan": every process ticks at T0 - 1 s until a tick plans nothing: everyone is within
  the planning window (bot.fanout.PLAN_AHEAD), so all days are planned ahead, nothing is sent.
* Phase "send": every process ticks at T0 + 60 s (the whole minute is due) until a tick sends
  nothing. "Time until the last is sent" is from the phase's start barrier to the last
  process's last send: the wall time a burst of N takes once its minute has come.
* CPU: each process's user + system time (``getrusage``) in each phase; "bot CPU per message"
  is the sum over processes of both phases, divided by N. Peak RSS: each process's
  ``ru_maxrss`` at the end (it includes the interpreter and imports, ~100 MB).
* PostgreSQL's own CPU is not measured (other work shares the server); the machine has 2 cores
  shared by the bot processes, the emulator and PostgreSQL, so wall-time rates are ratios on
  this machine, and CPU per message is the figure to scale from.

Writes its table into docs/BENCHMARKS.md between the fanout markers, leaving the rest alone.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import multiprocessing
import os
import platform
import pstats
import resource
import secrets
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Final

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from bench._doc import markers, write_section  # noqa: E402
from bench.claims import _admin  # noqa: E402

START, END = markers("fanout")
T0: Final = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
TOKEN: Final = "123456:BENCH-TOKEN"
DEFAULT_POSTGRES_URL: Final = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
ZONES: Final = (("UTC", "08:00"), ("Europe/Berlin", "10:00"), ("Asia/Kolkata", "13:30"),
                ("Asia/Tokyo", "17:00"))
HISTORY_DAYS: Final = 365
WAIT_S: Final = 3600.0


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --------------------------------------------------------------------------- the database




def _connect_args(schema: str) -> dict[str, Any]:
    return {"server_settings": {"search_path": schema}}


async def seed(url: str, schema: str, users: int, history_users: int) -> None:
    """Migrate the schema and insert the users, goals and history in a few SQL statements."""
    from storage.db import create_engine
    from storage.migrate import upgrade

    engine = create_engine(url, connect_args=_connect_args(schema), poolclass=NullPool)
    try:
        await upgrade(engine)
        zones = "ARRAY[" + ",".join(f"'{zone}'" for zone, _ in ZONES) + "]"
        times = "ARRAY[" + ",".join(f"'{at}'" for _, at in ZONES) + "]"
        t0 = T0.isoformat()
        async with engine.begin() as connection:
            await connection.execute(text(f"""
                INSERT INTO users (id, telegram_user_id, chat_id, first_name, language_code,
                    timezone, send_time, status, next_send_at, celebrate, created_at, updated_at)
                SELECT i, i, i, 'U', NULL, ({zones})[1 + i % 4],
                    (({times})[1 + i % 4] || ':' || lpad(((i / 4) % 60)::text, 2, '0'))::time,
                    'active', TIMESTAMPTZ '{t0}' + ((i / 4) % 60) * INTERVAL '1 second', true,
                    TIMESTAMPTZ '{t0}' - INTERVAL '400 days', TIMESTAMPTZ '{t0}'
                FROM generate_series(1, {users}) AS i"""))
            await connection.execute(text(f"""
                INSERT INTO goals (id, user_id, behaviour, unit, step, baseline, target, active,
                    created_at)
                SELECT i, i, 'running', 'minutes', 1, 10 + i % 20, NULL, true,
                    TIMESTAMPTZ '{t0}' - INTERVAL '400 days'
                FROM generate_series(1, {users}) AS i"""))
            if history_users:
                # k = days ago (365 … 1); outcome from a hash of (goal, day); yesterday done.
                await connection.execute(text(f"""
                    INSERT INTO challenges (goal_id, local_date, amount, p_success,
                        plan_reason_key, plan_facts, status, due_at, sent_at, answered_at,
                        effort, failure_reason, achieved, close_at, send_attempts, created_at)
                    SELECT g, day, amount, 0.8, 'hold', '{{}}', status,
                        TIMESTAMPTZ '{t0}' - k * INTERVAL '1 day',
                        TIMESTAMPTZ '{t0}' - k * INTERVAL '1 day',
                        CASE WHEN status IN ('done', 'failed', 'skipped')
                             THEN TIMESTAMPTZ '{t0}' - k * INTERVAL '1 day' + INTERVAL '9 hours'
                        END,
                        CASE WHEN status = 'done' THEN 1 + (h / 7) % 5 END,
                        CASE WHEN status = 'failed' THEN 'too_hard' END,
                        CASE WHEN status = 'failed' THEN floor(amount * 0.6) END,
                        TIMESTAMPTZ '{t0}' - k * INTERVAL '1 day' + INTERVAL '20 hours', 1,
                        TIMESTAMPTZ '{t0}' - k * INTERVAL '1 day'
                    FROM (
                        SELECT g, k, DATE '{T0.date().isoformat()}' - k AS day,
                            10 + g % 20 + ((365 - k) / 30) % 8 AS amount,
                            h,
                            CASE WHEN k = 1 THEN 'done'
                                 WHEN h % 100 < 60 THEN 'done'
                                 WHEN h % 100 < 75 THEN 'failed'
                                 WHEN h % 100 < 80 THEN 'skipped'
                                 ELSE 'missed' END AS status
                        FROM generate_series(1, {history_users}) AS g,
                             generate_series(1, {HISTORY_DAYS}) AS k,
                             LATERAL (SELECT abs(hashint4(g * 1000 + k)) AS h) AS hashed
                    ) AS days"""))
            await connection.execute(text("ANALYZE"))
    finally:
        await engine.dispose()


# --------------------------------------------------------------------------- the emulator


def _emulator_main(users: int, port_out: Connection, control: Connection) -> None:
    """The emulator in its own process: starts, says its port, answers CPU queries until told
    to stop ("cpu" → its CPU seconds so far and sendMessage calls; "stop" → exit)."""
    from sandbox.emulator import BotApiEmulator

    async def run() -> None:
        emulator = BotApiEmulator(token=TOKEN)
        for user_id in range(1, users + 1):
            emulator.private_chat(user_id, first_name="U")
        await emulator.start()
        emulator.calls = _Forgetful()  # the list of every call would grow with N
        port_out.send(emulator.port)
        loop = asyncio.get_running_loop()
        while True:
            command = await loop.run_in_executor(None, control.recv)
            if command == "stop":
                break
            control.send((_cpu(), emulator.calls.sends, _rss_mb()))
        await emulator.stop()

    asyncio.run(run())


class _Forgetful(list[tuple[str, dict[str, Any]]]):
    """The emulator's call log, counting sendMessage instead of keeping every call."""

    sends = 0

    def append(self, item: tuple[str, dict[str, Any]]) -> None:
        if item[0] == "sendMessage":
            self.sends += 1


# --------------------------------------------------------------------------- the workers


@dataclass(frozen=True)
class Phase:
    wall_end: float  # CLOCK_MONOTONIC at the last useful tick's end (system-wide)
    cpu: float
    count: int
    ticks: int
    late_s: float | None


def _worker(url: str, schema: str, port: int, barrier: Any, out: Any, profile: bool,
            transport: str) -> None:
    try:
        out.put(("ok", asyncio.run(
            _worker_async(url, schema, port, barrier, profile, transport))))
    except BaseException:  # report it: the parent waits for every worker
        out.put(("error", traceback.format_exc()))


async def _worker_async(url: str, schema: str, port: int, barrier: Any,
                        profile: bool, transport: str) -> dict[str, Any]:
    from telegram.ext import ExtBot
    from telegram.request import HTTPXRequest

    from bot.fanout import SEND_CONCURRENCY
    from bot.http import AiohttpRequest
    from bot.scheduler import tick
    from bot.services import Services
    from bot.settings import Settings
    from storage.db import create_engine, make_session_factory

    engine = create_engine(url, connect_args=_connect_args(schema))
    services = Services(settings=Settings(database_url=url, _env_file=None),  # type: ignore[call-arg]
                        clock=lambda: T0, engine=engine, sessions=make_session_factory(engine))
    request = (HTTPXRequest(connection_pool_size=SEND_CONCURRENCY + 8) if transport == "httpx"
               else AiohttpRequest(SEND_CONCURRENCY + 8))
    bot = ExtBot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=request)
    loop = asyncio.get_running_loop()
    profiler = cProfile.Profile() if profile else None
    async with bot:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        result: dict[str, Any] = {"pid": os.getpid()}
        for name, now, field in (("plan", T0 - timedelta(seconds=1), "planned"),
                                 ("send", T0 + timedelta(seconds=60), "sent")):
            await loop.run_in_executor(None, barrier.wait)
            cpu, count, ticks, late = _cpu(), 0, 0, None
            end = time.monotonic()
            if profiler is not None:
                profiler.enable()
            while True:
                report = await tick(services, bot, now)
                ticks += 1
                done = getattr(report, field)
                if not done and not report.unsent:
                    break
                count += done
                late = report.late_s if report.late_s is not None else late
                end = time.monotonic()
            if profiler is not None:
                profiler.disable()
            result[name] = Phase(end, _cpu() - cpu, count, ticks, late)
        result["rss_mb"] = _rss_mb()
    await engine.dispose()
    if profiler is not None:
        buffer = io.StringIO()
        stats = pstats.Stats(profiler, stream=buffer)
        stats.sort_stats("tottime").print_stats(18)
        stats.sort_stats("cumulative").print_stats(30)
        result["profile"] = buffer.getvalue()
    return result


@dataclass(frozen=True)
class Case:
    users: int
    procs: int
    history: bool
    transport: str
    planned: int
    sent: int
    plan_s: float
    send_s: float
    plan_cpu_ms: float  # per message, all processes
    send_cpu_ms: float
    emulator_cpu_ms: float  # per message, send phase
    rss_mb: tuple[float, ...]
    emulator_rss_mb: float
    late_s: float | None
    profile: str = ""


def run_case(url: str, users: int, procs: int, history: bool, profile: bool = False,
             transport: str = "aiohttp") -> Case:
    schema = f"notch_bench_fanout_{secrets.token_hex(5)}"
    asyncio.run(_admin(url, f'CREATE SCHEMA "{schema}"'))
    ctx = multiprocessing.get_context("spawn")
    port_in, port_out = ctx.Pipe(duplex=False)
    control, control_child = ctx.Pipe()
    emulator = ctx.Process(target=_emulator_main, args=(users, port_out, control_child))
    workers = []
    try:
        asyncio.run(seed(url, schema, users, users if history else 0))
        emulator.start()
        port = port_in.recv()
        barrier = ctx.Barrier(procs + 1)
        out = ctx.Queue()
        for n in range(procs):
            worker = ctx.Process(target=_worker,
                                 args=(url, schema, port, barrier, out, profile and n == 0,
                                       transport))
            worker.start()
            workers.append(worker)
        barrier.wait(timeout=120)  # plan phase starts
        plan_start = time.monotonic()
        barrier.wait(timeout=WAIT_S)  # send phase starts
        send_start = time.monotonic()
        control.send("cpu")
        emulator_cpu_before, _, _ = control.recv()
        results = []
        for _ in range(procs):
            status, value = out.get(timeout=WAIT_S)
            if status != "ok":
                raise RuntimeError(f"a worker failed:\n{value}")
            results.append(value)
        control.send("cpu")
        emulator_cpu_after, emulator_sends, emulator_rss = control.recv()
        plan: list[Phase] = [r["plan"] for r in results]
        send: list[Phase] = [r["send"] for r in results]
        sent = sum(p.count for p in send)
        lates = [p.late_s for p in send if p.late_s is not None]
        if emulator_sends != sent:
            print(f"  note: the emulator saw {emulator_sends} sendMessage, the ticks {sent}")
        return Case(
            users=users, procs=procs, history=history, transport=transport,
            planned=sum(p.count for p in plan), sent=sent,
            plan_s=max(p.wall_end for p in plan) - plan_start,
            send_s=max(p.wall_end for p in send) - send_start,
            plan_cpu_ms=1000 * sum(p.cpu for p in plan) / users,
            send_cpu_ms=1000 * sum(p.cpu for p in send) / users,
            emulator_cpu_ms=1000 * (emulator_cpu_after - emulator_cpu_before) / users,
            rss_mb=tuple(r["rss_mb"] for r in results), emulator_rss_mb=emulator_rss,
            late_s=max(lates) if lates else None,
            profile=next((r["profile"] for r in results if "profile" in r), ""),
        )
    finally:
        for worker in workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.kill()
        if emulator.is_alive():
            control.send("stop")
            emulator.join(timeout=10)
            if emulator.is_alive():
                emulator.kill()
        asyncio.run(_admin(url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


# --------------------------------------------------------------------------- the transports


def transport_floor(sends: int = 2000) -> list[tuple[str, int, float, float]]:
    """PTB's ``send_message`` alone, to the emulator (its own process), for each transport and
    number in flight: (transport, in flight, bot CPU ms per send, sends per second)."""
    ctx = multiprocessing.get_context("spawn")
    port_in, port_out = ctx.Pipe(duplex=False)
    control, control_child = ctx.Pipe()
    emulator = ctx.Process(target=_emulator_main, args=(sends, port_out, control_child))
    emulator.start()
    try:
        port = port_in.recv()
        rows = []
        for in_flight in (8, 32, 100):
            for transport in ("httpx", "aiohttp"):
                cpu_ms, rate = asyncio.run(_floor(port, transport, in_flight, sends))
                rows.append((transport, in_flight, cpu_ms, rate))
        return rows
    finally:
        control.send("stop")
        emulator.join(timeout=10)


async def _floor(port: int, transport: str, in_flight: int, sends: int) -> tuple[float, float]:
    from telegram.ext import ExtBot
    from telegram.request import HTTPXRequest

    from bot.http import AiohttpRequest

    request = (HTTPXRequest(connection_pool_size=in_flight) if transport == "httpx"
               else AiohttpRequest(in_flight))
    async with ExtBot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=request) as bot:
        gate = asyncio.Semaphore(in_flight)

        async def one(chat_id: int) -> None:
            async with gate:
                await bot.send_message(chat_id, "Today's challenge: 12 minutes.")

        cpu, wall = _cpu(), time.monotonic()
        await asyncio.gather(*(one(n) for n in range(1, sends + 1)))
        return 1000 * (_cpu() - cpu) / sends, sends / (time.monotonic() - wall)


# --------------------------------------------------------------------------- the report


def _row(case: Case) -> str:
    total_cpu = case.plan_cpu_ms + case.send_cpu_ms
    rss = " / ".join(f"{value:.0f}" for value in case.rss_mb)
    history = "365 days" if case.history else "none"
    late = "-" if case.late_s is None else f"{case.late_s:.1f}"
    return (f"| {case.users:,} | {history} | {case.procs} | {case.transport} | "
            f"{case.planned:,} in "
            f"{case.plan_s:.1f} s ({case.planned / case.plan_s:,.0f}/s) | {case.sent:,} in "
            f"{case.send_s:.1f} s (**{case.sent / case.send_s:,.0f}/s**) | "
            f"{case.plan_cpu_ms:.2f} + {case.send_cpu_ms:.2f} = **{total_cpu:.2f}** | "
            f"{case.emulator_cpu_ms:.2f} | {rss} | {late} |")


def render(cases: list[Case], command: str, wall_s: float,
           floor: list[tuple[str, int, float, float]]) -> str:
    load = os.getloadavg()
    lines = [
        START,
        "## Fan-out: the daily tick's throughput (issue 13)",
        "",
        f"Command: `{command}` · date: {datetime.now(UTC).date().isoformat()} · Python "
        f"{platform.python_version()} · {platform.machine()}, {os.cpu_count()} CPUs shared by "
        f"the bot processes, the emulator and PostgreSQL (load average {load[0]:.1f} at the "
        f"end; other engineers' work runs on the same machine) · wall time {wall_s / 60:.1f} min.",
        "",
        "N users due in the same minute, planned ahead by ticks at T0 - 1 s, then sent by ticks "
        "at T0 + 60 s (the whole minute due), P processes on one PostgreSQL database, no rate "
        "limiter, against the emulator in its own process. Time to the last send is from the "
        "moment the minute is due. CPU per message: all bot processes, user + system, plan + "
        "send, divided by N (PostgreSQL's own CPU not included). Assumptions: docstring of "
        "`bench/fanout.py`.",
        "",
        "| N | history per user | processes | HTTP transport | planned (ahead) | "
        "sent after the minute | "
        "bot CPU ms/message (plan + send) | emulator CPU ms/message | peak RSS MB per process "
        "| lateness of the last send (s, as logged) |",
        "|---:|---|---:|---|---|---|---|---:|---|---:|",
        *(_row(case) for case in cases),
        "",
        "PTB's `send_message` alone to the emulator (2,000 sends; process CPU of the bot side), "
        "per HTTP transport: PTB's default `HTTPXRequest` and `bot.http.AiohttpRequest`.",
        "",
        "| transport | in flight | bot CPU ms/send | sends/s |",
        "|---|---:|---:|---:|",
        *(f"| {name} | {flight} | {cpu:.2f} | {rate:,.0f} |" for name, flight, cpu, rate in floor),
        END,
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--cases", default="",
                        help="NxP pairs instead of sizes x procs, e.g. 1000x1,100000x2")
    parser.add_argument("--procs", default="1,2")
    parser.add_argument("--history-users", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="N = 1,000, one process; "
                        "200 users with history")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the first process of a 1,000-user run and print it")
    parser.add_argument("--profile-history", action="store_true",
                        help="with --profile: the 1,000 users have a year of history each")
    parser.add_argument("--transport", default="aiohttp", choices=("aiohttp", "httpx"),
                        help="PTB's HTTP transport: bot.http.AiohttpRequest or PTB's HTTPXRequest")
    parser.add_argument("--httpx-control", action="store_true",
                        help="also run the first size with PTB's default HTTPXRequest")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--postgres-url", default=os.environ.get(
        "BENCH_DATABASE_URL", os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES_URL)))
    args = parser.parse_args(argv)
    started = time.monotonic()
    url = args.postgres_url
    try:
        asyncio.run(_admin(url, "SELECT 1"))
    except Exception as exc:  # no server: say so, no figure
        print(f"PostgreSQL not reachable ({type(exc).__name__}); no fan-out figures")
        return
    if args.profile:
        case = run_case(url, 1000, 1, history=args.profile_history, profile=True,
                        transport=args.transport)
        print(_row(case))
        print(case.profile)
        return
    sizes = [1000] if args.quick else [int(n) for n in args.sizes.split(",")]
    procs = [1] if args.quick else [int(p) for p in args.procs.split(",")]
    history_users = 200 if args.quick else args.history_users
    cases: list[Case] = []
    plan = [(n, p, False, args.transport) for n in sizes for p in procs]
    if args.cases:
        plan = [(int(n), int(p), False, args.transport)
                for n, p in (case.split("x") for case in args.cases.split(","))]
    if args.httpx_control:
        plan.insert(0, (sizes[0], 1, False, "httpx"))
    if history_users:
        plan += [(history_users, p, True, args.transport) for p in procs]
    for n, p, history, transport in plan:
        print(f"N={n:,} P={p} history={history} {transport} …", flush=True)
        case = run_case(url, n, p, history, transport=transport)
        print(_row(case), flush=True)
        cases.append(case)
    given = argv if argv is not None else sys.argv[1:]
    command = " ".join([".venv/bin/python bench/fanout.py", *given])
    if not given:
        command = f"make bench ({command})"
    floor = transport_floor()
    text_out = render(cases, command, time.monotonic() - started, floor)
    print(text_out)
    if not args.no_write and not args.quick:
        write_section("fanout", text_out)


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    # A terminated run still drops its schema and stops its processes (the finally blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    main()
