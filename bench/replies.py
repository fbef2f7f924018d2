"""Replies benchmark: `/help` answered per second through the webhook, Notch against PTB's echo bot.

Run: ``make bench`` (or ``.venv/bin/python bench/replies.py``; ``--updates N``, ``--runs R``,
``--chats C``, ``--concurrency K``, ``--no-write``). PostgreSQL: ``--postgres-url``, else
``BENCH_DATABASE_URL``, else ``TEST_DATABASE_URL``, else ``postgresql://postgres@127.0.0.1:5432/test``.

What is measured, each in its own processes, all in one run on one emulator:

* **echo**: python-telegram-bot's echo bot in the shape of its custom-webhook example
  (bench/_echo_bot.py: Starlette + uvicorn, updates put on an in-memory queue, 200 at once).
* **notch x1**: one ``notch serve`` on PostgreSQL: each update committed to the inbox before
  its 200, claimed by a worker, answered, marked handled.
* **notch x2**: two ``notch serve`` processes on the same database; the bench posts round robin,
  as a load balancer would (a process may answer an update the other stored).

Set-up: the Bot API emulator (sandbox/emulator) in its own process (bench/_replies_emulator.py)
makes N real ``/help`` message updates from C people (default C = N: one message per person per
run, as when many people write at once; a person's second message within a second waits for
Telegram's per-chat pace, which Notch keeps and the echo bot ignores); the load generator
(bench/_replies_load.py, its own process, aiohttp) posts them with the secret header, at most K
requests in flight (Telegram's ``max_connections`` default is 40), re-posting any non-200 as
Telegram would. A run is timed from the first POST to the emulator's N-th ``sendMessage`` of
that run (CLOCK_MONOTONIC, system-wide). Each bot first answers a warm-up batch (not timed).
Reported: median replies/s over R runs, and the bot processes' CPU (user + system, from /proc)
per reply over the timed runs. PostgreSQL lives in a throwaway role and schema, dropped
afterwards.

The machine has 2 cores shared by the bots, PostgreSQL, the emulator and the load generator
(and, here, other developers' work): the ratios between rows of one run are the result; the
absolute rates move with the machine's load. Writes its table into docs/BENCHMARKS.md between
the replies markers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._doc import markers, write_section

HERE = Path(__file__).resolve().parent
TOKEN = "424242:BENCH-replies-token"
SECRET = "bench_replies_" + secrets.token_hex(8)
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
GOAL_ONE, GOAL_TWO = 0.8, 1.4


def _postgres_url(given: str | None) -> str:
    url = (given or os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
           or DEFAULT_POSTGRES)
    return url.replace("postgresql+asyncpg://", "postgresql://")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_http(url: str, timeout: float, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode} at start")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} was not ready within {timeout:g} s")


def _wait_idle(pids: Sequence[int], timeout: float = 60) -> None:
    """Until the processes use under 10 % of a core over half a second: start-up work (the
    time-zone index preloads in a thread, ~2 s of CPU) must not be counted as replies' CPU."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = sum(_cpu_seconds(pid) for pid in pids)
        time.sleep(0.5)
        if sum(_cpu_seconds(pid) for pid in pids) - before < 0.05 * len(pids):
            return
    raise RuntimeError(f"the bots were still busy {timeout:g} s after start")


class Emulator:
    """The emulator process and its line protocol (bench/_replies_emulator.py)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "_replies_emulator.py"), TOKEN],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        self.port = int(self._read())

    def _read(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the emulator process ended")
        return line.strip()

    def ask(self, command: str) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._read()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def sent(self) -> tuple[int, float]:
        count, last = self.ask("count").split()
        return int(count), float(last)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.ask_quietly("quit")
            self.process.wait(10)

    def ask_quietly(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()


@dataclass
class Result:
    name: str
    processes: int
    rates: list[float] = field(default_factory=list)
    cpu_ms: float = 0.0
    refused: int = 0

    @property
    def rate(self) -> float:
        return statistics.median(self.rates)


def _run_once(emulator: Emulator, urls: Sequence[str], pids: Sequence[int], n: int, chats: int,
              concurrency: int, workdir: Path) -> tuple[float, float, int]:
    """(replies/s, bot CPU seconds, non-200 answers) for n updates posted to `urls`."""
    payloads = workdir / "payloads.json"
    emulator.ask(f"make {n} {chats} {payloads}")
    before_count, _ = emulator.sent()
    cpu_before = sum(_cpu_seconds(pid) for pid in pids)
    load = subprocess.run(
        [sys.executable, str(HERE / "_replies_load.py"), str(payloads), SECRET, str(concurrency),
         *urls], capture_output=True, text=True, check=True, timeout=600,
    )
    report = json.loads(load.stdout.strip().splitlines()[-1])
    deadline = time.monotonic() + 300
    while True:
        count, last = emulator.sent()
        if count >= before_count + n:
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {count - before_count} of {n} replies within 300 s")
        time.sleep(0.05)
    cpu = sum(_cpu_seconds(pid) for pid in pids) - cpu_before
    refused = sum(v for k, v in report["statuses"].items() if k != "200")
    return n / (last - report["started"]), cpu, refused


def _measure(result: Result, emulator: Emulator, urls: Sequence[str], pids: Sequence[int],
             args: argparse.Namespace, workdir: Path) -> Result:
    _run_once(emulator, urls, pids, args.warmup, args.chats, args.concurrency, workdir)
    cpu_total = 0.0
    for _ in range(args.runs):
        rate, cpu, refused = _run_once(emulator, urls, pids, args.updates, args.chats,
                                       args.concurrency, workdir)
        result.rates.append(rate)
        cpu_total += cpu
        result.refused += refused
    result.cpu_ms = cpu_total * 1000 / (args.updates * args.runs)
    print(f"{result.name}: {result.rate:.0f}/s (runs {[round(r) for r in result.rates]}), "
          f"{result.cpu_ms:.2f} ms CPU per reply", flush=True)
    return result


def _stop(processes: Sequence[subprocess.Popen[bytes]]) -> list[float]:
    """SIGTERM each; the seconds each took to exit (a notch serve must drain within 10 s)."""
    started = time.monotonic()
    for process in processes:
        process.send_signal(signal.SIGTERM)
    took = []
    for process in processes:
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        took.append(time.monotonic() - started)
    return took


def echo(emulator: Emulator, args: argparse.Namespace, workdir: Path) -> Result:
    port = _free_port()
    process = subprocess.Popen([sys.executable, str(HERE / "_echo_bot.py"), emulator.base_url,
                                TOKEN, str(port), SECRET], cwd=workdir)
    try:
        _wait_http(f"http://127.0.0.1:{port}/healthcheck", 60, process)
        return _measure(Result("PTB echo bot (custom-webhook example)", 1), emulator,
                        [f"http://127.0.0.1:{port}/telegram"], [process.pid], args, workdir)
    finally:
        _stop([process])


def notch(emulator: Emulator, count: int, database_url: str, args: argparse.Namespace,
          workdir: Path) -> tuple[Result, list[float]]:
    ports = [_free_port() for _ in range(count)]
    processes = []
    for port in ports:
        env = {k: v for k, v in os.environ.items()
               if k not in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "PUBLIC_URL", "WEBHOOK_SECRET")}
        env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=emulator.base_url,
                   DATABASE_URL=database_url, PUBLIC_URL=f"http://127.0.0.1:{port}",
                   WEBHOOK_SECRET=SECRET, HOST="127.0.0.1", PORT=str(port), LOG_LEVEL="WARNING")
        processes.append(subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], env=env,
                                          cwd=workdir))
    stopped: list[float] = []
    try:
        for port, process in zip(ports, processes, strict=True):
            _wait_http(f"http://127.0.0.1:{port}/readyz", 120, process)
        _wait_idle([p.pid for p in processes])
        result = _measure(Result(f"notch serve x{count} (PostgreSQL)", count), emulator,
                          [f"http://127.0.0.1:{port}/telegram" for port in ports],
                          [p.pid for p in processes], args, workdir)
    finally:
        stopped = _stop(processes)
    codes = [p.returncode for p in processes]
    if any(code != 0 for code in codes):
        raise RuntimeError(f"notch serve exited with {codes} after SIGTERM")
    return result, stopped


async def _database(admin_url: str, name: str, create: bool) -> None:
    connection = await asyncpg.connect(admin_url, timeout=5)
    try:
        if create:
            await connection.execute(f'CREATE ROLE "{name}" LOGIN')
            await connection.execute(f'CREATE SCHEMA "{name}" AUTHORIZATION "{name}"')
            await connection.execute(f'ALTER ROLE "{name}" SET search_path = "{name}"')
        else:
            await connection.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
            await connection.execute(f'DROP ROLE IF EXISTS "{name}"')
    finally:
        await connection.close()


def _section(results: list[Result], stopped: list[float], args: argparse.Namespace,
             command: str) -> str:
    start, end = markers("replies")
    echo_rate = results[0].rate
    lines = [
        start,
        "## Replies through the webhook (`bench/replies.py`)",
        "",
        f"`{command}` — {args.runs} timed runs of {args.updates:,} `/help` updates from "
        f"{args.chats} people (after {args.warmup} warm-up), at most {args.concurrency} "
        "requests in flight, posted round robin; each bot, the emulator and the load generator "
        f"in their own processes; {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} cores shared by all of them, PostgreSQL "
        "and other work on the machine (absolute rates move with that load; compare rows).",
        "",
        "| bot | replies/s (median) | runs | x echo bot | goal | bot CPU ms per reply |",
        "|---|---:|---|---:|---|---:|",
    ]
    goals = {0: "", 1: f"≥ {GOAL_ONE}x", 2: f"≥ {GOAL_TWO}x"}
    for index, result in enumerate(results):
        ratio = result.rate / echo_rate
        lines.append(
            f"| {result.name} | {result.rate:,.0f} | {', '.join(f'{r:,.0f}' for r in result.rates)}"
            f" | {ratio:.2f}x | {goals.get(index, '')} | {result.cpu_ms:.2f} |"
        )
    refused = sum(r.refused for r in results)
    lines += [
        "",
        f"Non-200 answers during the runs (re-posted, as Telegram would): {refused}. "
        f"SIGTERM to exit of the `notch serve` processes: "
        f"{', '.join(f'{s:.1f} s' for s in stopped)} (limit 10 s).",
        "",
        "A reply costs Notch more than the echo bot by design: the update is committed to the "
        "inbox before the 200, claimed by a worker, and marked handled (three transactions, "
        "grouped across concurrent updates), where the echo bot keeps it in memory and loses it "
        "if the process dies. CPU per reply is the figure to size machines with: the webhook, "
        "handler and database client of one reply, not PostgreSQL's own share.",
        end,
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chats", type=int, default=0,
                        help="people sending (default: as many as updates, one each per run)")
    parser.add_argument("--concurrency", type=int, default=40)
    parser.add_argument("--postgres-url")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    # One /help per person per run by default: a person's second message within a second waits
    # for Telegram's per-chat pace (about 1 a second), which Notch keeps and the echo bot does not.
    args.chats = args.chats or args.updates
    admin = _postgres_url(args.postgres_url)
    name = f"notch_bench_replies_{secrets.token_hex(4)}"
    command = ".venv/bin/python bench/replies.py"
    try:
        asyncio.run(_database(admin, name, create=True))
    except (OSError, asyncpg.PostgresError) as error:
        print(f"PostgreSQL not reachable ({type(error).__name__}): no figure", file=sys.stderr)
        return 1
    database_url = make_url(admin).set(username=name, password=None).render_as_string(
        hide_password=False
    )
    emulator = Emulator()
    try:
        with tempfile.TemporaryDirectory() as temporary:
            workdir = Path(temporary)
            results = [echo(emulator, args, workdir)]
            one, stopped_one = notch(emulator, 1, database_url, args, workdir)
            two, stopped_two = notch(emulator, 2, database_url, args, workdir)
            results += [one, two]
    finally:
        emulator.stop()
        asyncio.run(_database(admin, name, create=False))
    section = _section(results, stopped_one + stopped_two, args, command)
    print(section)
    if not args.no_write:
        write_section("replies", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
