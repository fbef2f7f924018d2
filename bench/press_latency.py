"""Press latency: how long a tap on Done waits for its answer while a big fan-out runs.

Run: ``make bench`` (or ``.venv/bin/python bench/press_latency.py``; ``--due N``, ``--presses P``,
``--postgres-url``; ``--quick``: 1,000 due, 50 presses).

Set-up: PostgreSQL (a throwaway role and schema); the project's Bot API emulator in this
process; the bot as one real process (`python -m bot.cli run`, long polling through the inbox).
P people (default 200) get their daily message first and keep it unanswered. Then, for the
measured phase, N more people (default 10,000) are made due at once, and the bot's next tick
fans their challenges out; during that fan-out, the P people press Done, one every
`--gap` seconds (default 0.1). The time measured is the emulator's: from the callback_query
update being queued to the bot's answerCallbackQuery for it (what the phone's spinner shows).
The same P presses with no fan-out (a fresh set of people, nothing else due) are the control.
Goals (issue 13): p95 ≤ 0.3 s during the fan-out, and ≤ 1.5x the p95 without it.

Writes its table into docs/BENCHMARKS.md between the press-latency markers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import col, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._doc import markers, write_section
from bench._live import ROOT, Bots, drop_postgres, postgres_database, seed
from bench.claims import postgres_unreachable, postgres_url
from bot.texts.checkin import DONE_BUTTON
from sandbox.emulator import BotApiEmulator, EmulatedUser
from storage.db import create_engine, make_session_factory
from storage.models import User

TOKEN = "654321:PRESS-BENCH-token"
PRESSERS_FROM = 70_000
DUE_FROM = 100_000
WARM_UP = 5.0  # seconds: start-up's place index is built in a thread that holds the GIL ~2 s


@dataclass
class Latencies:
    label: str
    seconds: list[float]
    sent_during: int  # daily messages the fan-out sent while the presses were answered

    def pct(self, q: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    def row(self) -> str:
        return (f"| {self.label} | {len(self.seconds)} | {self.pct(0.5) * 1000:.0f} ms | "
                f"{self.pct(0.95) * 1000:.0f} ms | {max(self.seconds) * 1000:.0f} ms | "
                f"{statistics.fmean(self.seconds) * 1000:.0f} ms | {self.sent_during:,} |")


async def _wait_for_dailies(users: list[EmulatedUser], timeout: float) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(any(m.inline_button(DONE_BUTTON) for m in user.messages) for user in users):
            return
        await asyncio.sleep(0.2)
    missing = sum(1 for user in users
                  if not any(m.inline_button(DONE_BUTTON) for m in user.messages))
    raise RuntimeError(f"{missing} pressers never got their daily message")


async def _make_due(url: str, first: int, count: int) -> None:
    """Seeded with next_send_at far ahead, then due at once: one tick sees all of them."""
    engine = create_engine(url)
    try:
        async with make_session_factory(engine)() as session:
            await session.exec(update(User).where(  # type: ignore[call-overload]
                col(User.telegram_user_id) >= first,
                col(User.telegram_user_id) < first + count).values(
                next_send_at=datetime.now(UTC)))
            await session.commit()
    finally:
        await engine.dispose()


def _daily_sends(emulator: BotApiEmulator) -> int:
    return sum(1 for params in emulator.calls_of("sendMessage")
               if DONE_BUTTON in str(params.get("reply_markup", "")))


async def measure(emulator: BotApiEmulator, url: str, env: dict[str, str], label: str,
                  due: int, presses: int, gap: float, log_dir: Path) -> Latencies:
    rng = random.Random(7)
    now = datetime.now(UTC)
    await seed(url, presses, PRESSERS_FROM, now)
    if due:
        await seed(url, due, DUE_FROM, now)
        # Not due yet: only the pressers' messages go out first.
        await _park(url, DUE_FROM, due)
    pressers = [emulator.private_chat(user_id=PRESSERS_FROM + i, first_name=f"P{i}")
                for i in range(presses)]
    for i in range(due):
        emulator.private_chat(user_id=DUE_FROM + i, first_name=f"D{i}")
    bots = Bots({**env, "DATABASE_URL": url}, 1, log_dir)
    await bots.start_all()
    try:
        await _wait_for_dailies(pressers, timeout=300)
        await asyncio.sleep(WARM_UP)
        before = _daily_sends(emulator)
        if due:
            await _make_due(url, DUE_FROM, due)
            # The tick runs every 30 s: wait until the fan-out has begun sending.
            deadline = time.monotonic() + 60
            while _daily_sends(emulator) == before and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        started_sends = _daily_sends(emulator)
        loop = asyncio.get_running_loop()
        answered: list[float] = []
        waiting = []
        for user in pressers:
            target = next(m for m in user.messages if m.inline_button(DONE_BUTTON))
            press = await user.press(DONE_BUTTON, target)
            query = press.query
            # The emulator's own clock: from the update being queued to the answer's arrival.
            query.answer.add_done_callback(
                lambda _f, q=query: answered.append(loop.time() - q.pressed_at))
            waiting.append(press.answered(timeout=60))
            await asyncio.sleep(gap * rng.uniform(0.5, 1.5))
        await asyncio.gather(*waiting)
        sent_during = _daily_sends(emulator) - started_sends
    finally:
        await bots.stop_all()
    return Latencies(label, answered, sent_during)


async def _park(url: str, first: int, count: int) -> None:
    engine = create_engine(url)
    try:
        async with make_session_factory(engine)() as session:
            await session.exec(update(User).where(  # type: ignore[call-overload]
                col(User.telegram_user_id) >= first,
                col(User.telegram_user_id) < first + count).values(next_send_at=None))
            await session.commit()
    finally:
        await engine.dispose()


async def bench(args: argparse.Namespace) -> list[Latencies]:
    base = postgres_url(args.postgres_url)
    why = await postgres_unreachable(base)
    if why:
        print(why)
        return []
    log_dir = Path(tempfile.mkdtemp(prefix="notch-press-"))
    print(f"bot logs: {log_dir}")
    found = []
    for label, due in (("no fan-out", 0), (f"fan-out of {args.due:,} due", args.due)):
        async with BotApiEmulator(token=TOKEN) as emulator:
            env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "LOG_LEVEL": "WARNING",
                   "TELEGRAM_API_BASE_URL": emulator.base_url, "PYTHONPATH": str(ROOT)}
            name, url = await postgres_database(base)
            try:
                latencies = await measure(emulator, url, env, label, due, args.presses,
                                          args.gap, log_dir)
            finally:
                await drop_postgres(base, name)
        print(latencies.row(), flush=True)
        found.append(latencies)
    return found


def section(found: list[Latencies], command: str) -> str:
    start, end = markers("press-latency")
    control = found[0].pct(0.95) if found else 0.0
    ratio = found[-1].pct(0.95) / control if len(found) == 2 and control else float("nan")
    return "\n".join([
        start, "## A press during the daily fan-out", "",
        f"Command: `{command}` (bench/press_latency.py; its docstring has the set-up). Goals "
        "(issue 13): p95 ≤ 0.3 s during a fan-out of 10,000, and ≤ 1.5x the p95 without one.",
        "", "| phase | presses | p50 | p95 | max | mean | daily messages sent meanwhile |",
        "|---|---|---|---|---|---|---|", *(f.row() for f in found), "",
        f"p95 during the fan-out / p95 without: **{ratio:.2f}x**.", end]) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--gap", type=float, default=0.1)
    parser.add_argument("--postgres-url")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.due, args.presses = 1000, 50
    command = "python bench/press_latency.py " + " ".join(
        argv if argv is not None else sys.argv[1:])
    found = asyncio.run(bench(args))
    if found and not args.no_write and not args.quick:
        write_section("press-latency", section(found, command.strip()))


if __name__ == "__main__":
    main()
