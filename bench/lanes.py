"""Broadcast lane benchmark: the send rate at a budget against the budget, and lateness against
the N/B limit, through Notch's real send path, against an emulator enforcing Telegram's limits.

Run: ``make bench`` (or ``.venv/bin/python bench/lanes.py``; ``--people N``, ``--budget B``,
``--no-write``). PostgreSQL: ``--postgres-url``, else ``BENCH_DATABASE_URL``, else
``TEST_DATABASE_URL``, else ``postgresql+asyncpg://postgres@127.0.0.1:5432/test``.

What is measured: N messages (default 500) all due at the same instant t0, each sent by
``bot.sender.deliver`` (unchanged: it takes a slot of the broadcast lane, ``bot/lanes.py``, then
sends through the bot's real ``ReplyRateLimiter`` and PTB's HTTP client) to N distinct chats of
the local emulator, which answers Telegram's 429 beyond 30 a second in total or 1 a second to
one chat (``sandbox.emulator.Limits``, real time). Each process sends its share one after the
other, as the tick does. Set-up, not timed: the emulator runs in this process; P sender
processes (``spawn``) each build the Application and a database engine as the bot does, the
lane row is reset, and all start at one signal (t0).

Reported per case: the send rate (N / seconds from t0 to the last answer) against the budget B
(goal ≥ 0.9 B), 429s (goal 0), the lateness of the median and the last message (seconds after
t0) against the limit N/B, lane round trips to the database, and the senders' CPU per message.
Cases: SQLite, one process (Notch on SQLite runs one); PostgreSQL, one process; PostgreSQL, two
processes sharing the one budget (the sum must stay at B, not 2 B). Control (``--no-control``
skips it): the same sends with no broadcast lane, which must draw 429s from the emulator.

If no PostgreSQL server answers, its cases are skipped and the section says so.
Writes its table into docs/BENCHMARKS.md between the lanes markers, leaving the rest alone.
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
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("PTB_TIMEDELTA", "true")

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.exc import DBAPIError  # noqa: E402

from bench._doc import DOC, markers, write_section  # noqa: E402
from bench.claims import _admin  # noqa: E402
from sandbox.emulator import BotApiEmulator, Limits  # noqa: E402
from storage.db import create_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

START, END = markers("lanes")
TOKEN: Final = "123456:BENCH-lanes"
DEFAULT_POSTGRES_URL: Final = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
FIRST_CHAT: Final = 500_000
WAIT_S: Final = 600.0
TELEGRAM = Limits(total_per_second=30, per_chat_per_second=1, per_chat_burst=3,
                  clock=time.monotonic)


@dataclass(frozen=True)
class Case:
    label: str
    people: int
    budget: float
    processes: int
    rate: float  # messages a second, t0 to the last answer
    too_many: int
    late_median: float
    late_last: float
    round_trips: int
    cpu_ms: float  # senders' CPU per message
    results: dict[str, int]

    @property
    def limit(self) -> float:
        return self.people / self.budget


def _sender(url: str, connect_args: dict[str, Any], base_url: str, chats: list[int],
            budget: float, lane: bool, ready: Any, go: Any, out: Any) -> None:
    try:
        asyncio.run(_send_all(url, connect_args, base_url, chats, budget, lane, ready, go, out))
    except BaseException as exc:  # reported to the parent, which stops the bench
        out.put(("error", f"{type(exc).__name__}: {exc}"))
        raise


async def _send_all(url: str, connect_args: dict[str, Any], base_url: str, chats: list[int],
                    budget: float, use_lane: bool, ready: Any, go: Any, out: Any) -> None:
    from bot.app import build_application
    from bot.lanes import BroadcastLane
    from bot.sender import Outbound, deliver
    from bot.services import Services
    from bot.settings import load_settings
    from storage.db import make_session_factory

    settings = load_settings(telegram_bot_token=TOKEN, telegram_api_base_url=base_url,
                             database_url=url, broadcast_per_second=budget)
    application = build_application(settings)
    found = application.bot_data["services"]
    assert isinstance(found, Services)
    # What post_init does for sending, without the tick's job or the command menu.
    found.engine = create_engine(url, connect_args=connect_args)
    found.sessions = make_session_factory(found.engine)
    lane = BroadcastLane(found.session, budget)
    found.broadcast = lane if use_lane else None  # the control sends with no lane
    async with application:
        async with found.session() as session:
            await session.exec(text("SELECT 1"))  # type: ignore[call-overload]
        ready.put(os.getpid())
        await asyncio.get_running_loop().run_in_executor(None, go.wait)
        cpu = time.process_time()
        stamps: list[float] = []
        results: dict[str, int] = {}
        now = datetime.now(UTC)
        for chat in chats:
            sent = await deliver(found, application.bot, Outbound(user_id=0, chat_id=chat),
                                 "Today's challenge: 10 minutes.", now)
            stamps.append(time.time())
            results[sent.result.value] = results.get(sent.result.value, 0) + 1
        out.put(("done", stamps, results, time.process_time() - cpu, lane.taken))
    await found.engine.dispose()


async def _run_case(label: str, url: str, connect_args: dict[str, Any], people: int,
                    budget: float, processes: int, *, lane: bool = True) -> Case:
    engine = create_engine(url, connect_args=connect_args)
    try:
        await upgrade(engine)
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM send_lanes"))
    finally:
        await engine.dispose()
    async with BotApiEmulator(token=TOKEN, limits=TELEGRAM) as emulator:
        ids = [FIRST_CHAT + n for n in range(people)]
        for chat in ids:
            emulator.private_chat(chat)
        spawn = multiprocessing.get_context("spawn")
        ready, out, go = spawn.Queue(), spawn.Queue(), spawn.Event()
        workers = [spawn.Process(target=_sender, args=(url, connect_args, emulator.base_url,
                                                       ids[n::processes], budget, lane, ready,
                                                       go, out), daemon=True)
                   for n in range(processes)]
        for worker in workers:
            worker.start()
        loop = asyncio.get_running_loop()
        try:
            for _ in workers:
                await loop.run_in_executor(None, ready.get, True, WAIT_S)
            t0 = time.time()
            go.set()
            answers = [await loop.run_in_executor(None, out.get, True, WAIT_S) for _ in workers]
        except queue.Empty:
            raise RuntimeError(f"{label}: a sender did not answer in {WAIT_S:.0f} s") from None
        finally:
            for worker in workers:
                worker.join(timeout=10)
                if worker.is_alive():
                    worker.kill()
        errors = [a[1] for a in answers if a[0] == "error"]
        if errors:
            raise RuntimeError(f"{label}: {errors[0]}")
        stamps = sorted(s - t0 for a in answers for s in a[1])
        results: dict[str, int] = {}
        for answer in answers:
            for key, count in answer[2].items():
                results[key] = results.get(key, 0) + count
        return Case(label, people, budget, processes, people / stamps[-1],
                    emulator.too_many_requests, statistics.median(stamps), stamps[-1],
                    sum(a[4] for a in answers), 1000 * sum(a[3] for a in answers) / people,
                    results)


def postgres_url(cli: str | None) -> str:
    return (cli or os.environ.get("BENCH_DATABASE_URL")
            or os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL)




async def measure(args: argparse.Namespace) -> tuple[list[Case], str]:
    cases: list[Case] = []
    with tempfile.TemporaryDirectory(prefix="notch-bench-lanes-") as tmp:
        sqlite = f"sqlite:///{Path(tmp) / 'lanes.db'}"
        cases.append(await _run_case("SQLite, 1 process", sqlite, {}, args.people, args.budget, 1))
        if args.control:
            cases.append(await _run_case("control: SQLite, 1 process, no broadcast lane", sqlite,
                                         {}, args.people, args.budget, 1, lane=False))
    url = postgres_url(args.postgres_url)
    try:
        await _admin(url, "SELECT 1")
    except (OSError, TimeoutError, DBAPIError) as exc:
        reason = f"PostgreSQL not reachable: {type(exc).__name__}"
        print(f"{reason}; skipping its cases (no figure).", file=sys.stderr)
        return cases, reason
    schema = f"notch_bench_{secrets.token_hex(6)}"
    await _admin(url, f'CREATE SCHEMA "{schema}"')
    connect_args: dict[str, Any] = {"server_settings": {"search_path": schema}}
    try:
        for processes in (1, 2):
            cases.append(await _run_case(f"PostgreSQL, {processes} process"
                                         f"{'es' if processes > 1 else ''}", url, connect_args,
                                         args.people, args.budget, processes))
    finally:
        await _admin(url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    host = make_url(url).host
    return cases, f"PostgreSQL on {host}"


def table(cases: list[Case]) -> str:
    lines = [
        "| case | N | budget B | send rate (goal ≥ 0.9 B) | 429s (goal 0) | median late "
        "| last late | N/B limit | lane round trips | sender CPU / message | results |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for c in cases:
        results = ", ".join(f"{k} {v}" for k, v in sorted(c.results.items()))
        lines.append(
            f"| {c.label} | {c.people} | {c.budget:g}/s | {c.rate:.1f}/s "
            f"({c.rate / c.budget:.2f} B) | {c.too_many} | {c.late_median:.1f} s "
            f"| {c.late_last:.1f} s | {c.limit:.1f} s | {c.round_trips} | {c.cpu_ms:.1f} ms "
            f"| {results} |")
    return "\n".join(lines)


def section(cases: list[Case], postgres: str, command: str, load: tuple[float, float]) -> str:
    return "\n".join([
        START,
        "## Send lanes: the broadcast budget (issue 13)",
        "",
        f"Command: `{command}` · date: {datetime.now(UTC).date().isoformat()} · Python "
        f"{platform.python_version()} · {postgres} · {platform.machine()}, {os.cpu_count()} "
        f"CPUs shared by the senders, the emulator and PostgreSQL; load average {load[0]:.1f} "
        f"at the start, {load[1]:.1f} at the end.",
        "",
        "N messages due at one instant t0, each through `bot.sender.deliver` (a slot of the "
        "shared broadcast lane, then the bot's rate limiter and HTTP client) to its own chat of "
        "the emulator, which enforces Telegram's limits (30 a second in total, 1 a second per "
        "chat: `sandbox.emulator.Limits`) and answers 429 beyond them. Rate = N / seconds from "
        "t0 to the last answer; lateness is seconds after t0; N/B is the least lateness the "
        "last message can have at budget B. With two processes the budget is still one: the "
        "sum stays at B. Lane round trips: batches of slots taken from the database (B/5 per "
        "trip). The control sends the same messages with no broadcast lane (the per-chat pace "
        "only): its 429s show the emulator does refuse what exceeds Telegram's limits, so the "
        "lanes' zero is not vacuous (its refused sends are `retry`: a row would be postponed). "
        "Assumptions: docstring of `bench/lanes.py`.",
        "",
        table(cases) if cases else "No figures.",
        "",
        "Reading it: the last message is N/B late by construction — the budget, not Notch, "
        "sets that floor (500 people due at one minute at 25 a second: the last 20 s late); "
        "what Notch adds is the distance from it (last late minus N/B). Planning is not in these "
        "figures (it happens before the send minute, the fan-out's part of issue 13); only the "
        "send waits. A pause (a 429) is shared through the database at once, but slots a "
        "process already holds (a fifth of a second's worth) may still be spent into it: each "
        "such send gets its own 429 and its row is postponed, nothing is lost.",
        END,
        "",
    ])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--budget", type=float, default=25.0)
    parser.add_argument("--postgres-url", default=None)
    parser.add_argument("--no-control", dest="control", action="store_false",
                        help="skip the control run without the broadcast lane")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    if args.people < 2 or not 0 < args.budget <= 1000:
        parser.error("--people must be at least 2 and --budget in (0, 1000]")
    load_start = os.getloadavg()[0]
    cases, postgres = asyncio.run(measure(args))
    print(postgres)
    print(table(cases))
    if not args.no_write:
        write_section("lanes", section(cases, postgres,
                                       "make bench  (.venv/bin/python bench/lanes.py)",
                                       (load_start, os.getloadavg()[0])))
        print(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
