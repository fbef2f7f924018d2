"""Crash benchmark: `kill -9` at random moments while people press buttons and a fan-out runs.

Run: ``make bench`` (or ``.venv/bin/python bench/crash.py``; ``--users N``, ``--kills K``,
``--backend sqlite|postgres|both``, ``--graceful G``, ``--quick``). PostgreSQL: ``--postgres-url``,
else ``BENCH_DATABASE_URL``, else ``TEST_DATABASE_URL``, else the local server.

Set-up: N people (default 2,000) with a goal each, all due now (their local time is around
noon), seeded straight into a fresh database; the project's Bot API emulator in this process on
127.0.0.1; the bot as real processes, `python -m bot.cli run` with the emulator as its API base
URL: one process on SQLite (the embedded default), three on PostgreSQL (one `notch run` that
polls and two `notch run --worker`). Each person presses "Done" on their daily message a random
0-3 s after it arrives.

While that runs, a killer sends SIGKILL to a random bot process every 1-5 s (uniform) and starts
it again at once, K times (default 50). Then, with no more kills, everything is given up to three
minutes to settle. A second phase restarts processes gracefully (SIGTERM, then start again) G
times under the same load (default 10) with a fresh set of people.

Measured, from the emulator's record and the database (nothing assumed):
* presses lost: people who pressed Done whose challenge is not 'done' in the database at the end;
* daily messages lost: people due who never got a daily message (one with the Done button);
* duplicates: daily messages beyond one per person (goal: at most one per kill, 0 graceful);
* half-written state: a challenge 'done' without answered_at, 'sent' without sent_at or message
  id, an update left pending in the inbox, an update set aside.
Writes its table into docs/BENCHMARKS.md between the crash markers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._doc import markers, write_section
from bench._live import Bots, drop_postgres, postgres_database, seed
from bench.claims import postgres_unreachable, postgres_url
from bot.texts.checkin import DONE_BUTTON
from core.vocabulary import ChallengeStatus, InboxStatus
from sandbox.emulator import BotApiEmulator, EmulatedUser
from storage.db import create_engine, make_session_factory
from storage.models import Challenge, Goal, InboxUpdate, User

TOKEN = "654321:CRASH-BENCH-token"
ROOT = Path(__file__).resolve().parents[1]
FIRST_USER = 50_000
SETTLE_S = 180.0


@dataclass
class Phase:
    name: str
    backend: str
    processes: int
    users: int
    stops: int = 0
    stop_signal: str = "SIGKILL"
    pressed: int = 0
    presses_lost: int = 0
    daily_lost: int = 0
    duplicates: int = 0
    half_written: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    settled: bool = False

    def row(self) -> str:
        half = "none" if not self.half_written else "; ".join(self.half_written)
        per_stop = self.duplicates / self.stops if self.stops else 0.0
        return (f"| {self.backend} | {self.processes} | {self.name} | {self.stop_signal} x "
                f"{self.stops} | {self.users:,} | {self.pressed:,} | **{self.presses_lost}** | "
                f"**{self.daily_lost}** | {self.duplicates} ({per_stop:.2f} per stop) | {half} | "
                f"{self.wall_s:.0f} s |")


def daily_sends(emulator: BotApiEmulator) -> dict[int, int]:
    """sendMessage calls carrying the Done button, per chat: the daily messages as sent (the
    buttons are edited away once pressed, so the chats' current state cannot tell)."""
    counts: dict[int, int] = {}
    for params in emulator.calls_of("sendMessage"):
        if DONE_BUTTON in str(params.get("reply_markup", "")):
            chat = int(params["chat_id"])
            counts[chat] = counts.get(chat, 0) + 1
    return counts


async def press_when_asked(users: list[EmulatedUser], pressed: set[int],
                           stop: asyncio.Event, rng: random.Random) -> None:
    """Each person presses Done once, 0-3 s after their first daily message arrives."""
    seen: dict[int, float] = {}
    while not stop.is_set():
        now = time.monotonic()
        for user in users:
            if user.id in pressed:
                continue
            if user.id not in seen:
                if any(m.inline_button(DONE_BUTTON) for m in user.messages):
                    seen[user.id] = now + rng.uniform(0, 3)
                continue
            if now >= seen[user.id]:
                target = next((m for m in user.messages if m.inline_button(DONE_BUTTON)), None)
                if target is not None:
                    await user.press(DONE_BUTTON, target)
                    pressed.add(user.id)
        await asyncio.sleep(0.05)


async def recorded(url: str) -> dict[str, Any]:
    engine = create_engine(url)
    try:
        async with make_session_factory(engine)() as session:
            statuses = (await session.exec(
                select(User.telegram_user_id, Challenge.status, Challenge.answered_at,
                       Challenge.sent_at, Challenge.telegram_message_id)
                .join(Goal, col(Goal.user_id) == col(User.id))
                .join(Challenge, col(Challenge.goal_id) == col(Goal.id)))).all()
            inbox = dict((await session.exec(
                select(InboxUpdate.status, func.count()).group_by(InboxUpdate.status))).all())
    finally:
        await engine.dispose()
    return {"challenges": statuses, "inbox": inbox}


async def run_phase(phase: Phase, url: str, emulator: BotApiEmulator, env: dict[str, str],
                    first_user: int, stops: int, how: signal.Signals, log_dir: Path,
                    rng: random.Random) -> Phase:
    now = datetime.now(UTC)
    await seed(url, phase.users, first_user, now)
    users = [emulator.private_chat(user_id=first_user + i, first_name=f"P{i}")
             for i in range(phase.users)]
    bots = Bots({**env, "DATABASE_URL": url}, phase.processes, log_dir)
    started = time.monotonic()
    await bots.start_all()
    pressed: set[int] = set()
    stop_pressing = asyncio.Event()
    presser = asyncio.create_task(press_when_asked(users, pressed, stop_pressing, rng))
    try:
        for _ in range(stops):
            await asyncio.sleep(rng.uniform(1, 5))
            index = rng.randrange(phase.processes)
            await bots.stop(index, how)
            phase.stops += 1
            await bots.start(index)
        deadline = time.monotonic() + SETTLE_S
        while time.monotonic() < deadline:
            state = await recorded(url)
            done = {row[0] for row in state["challenges"] if row[1] == ChallengeStatus.DONE}
            if len(pressed) == phase.users and pressed <= done and not state["inbox"].get(
                    InboxStatus.PENDING):
                phase.settled = True
                break
            await asyncio.sleep(2)
    finally:
        stop_pressing.set()
        await asyncio.gather(presser, return_exceptions=True)
        await bots.stop_all()
    phase.wall_s = time.monotonic() - started
    state = await recorded(url)
    done = {row[0] for row in state["challenges"] if row[1] == ChallengeStatus.DONE}
    phase.pressed = len(pressed)
    phase.presses_lost = len(pressed - done)
    sends = daily_sends(emulator)
    dailies = {user.id: sends.get(user.chat_id, 0) for user in users}
    phase.daily_lost = sum(1 for count in dailies.values() if count == 0)
    phase.duplicates = sum(max(0, count - 1) for count in dailies.values())
    for telegram_id, status, answered_at, sent_at, message_id in state["challenges"]:
        if status == ChallengeStatus.DONE and answered_at is None:
            phase.half_written.append(f"user {telegram_id}: done without answered_at")
        if status == ChallengeStatus.SENT and (sent_at is None or message_id is None):
            phase.half_written.append(f"user {telegram_id}: sent without its message")
    for status in (InboxStatus.PENDING, InboxStatus.SET_ASIDE):
        if state["inbox"].get(status):
            phase.half_written.append(f"{state['inbox'][status]} updates {status}")
    return phase


async def bench(args: argparse.Namespace) -> list[Phase]:
    rng = random.Random(args.seed)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    phases: list[Phase] = []
    log_dir = Path(tempfile.mkdtemp(prefix="notch-crash-"))
    print(f"bot logs: {log_dir}")
    async with BotApiEmulator(token=TOKEN) as emulator:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "LOG_LEVEL": "WARNING",
               "TELEGRAM_API_BASE_URL": emulator.base_url, "PYTHONPATH": str(ROOT)}
        first = FIRST_USER
        for backend in backends:
            for name, stops, how in (("kill -9", args.kills, signal.SIGKILL),
                                     ("graceful restart", args.graceful, signal.SIGTERM)):
                if backend == "sqlite":
                    url = f"sqlite:///{log_dir / f'crash-{len(phases)}.db'}"
                    cleanup = None
                    processes = 1
                else:
                    base = postgres_url(args.postgres_url)
                    why = await postgres_unreachable(base)
                    if why:
                        print(why)
                        continue
                    cleanup, url = await postgres_database(base)
                    processes = 3
                phase = Phase(name, backend, processes, args.users,
                              stop_signal="SIGKILL" if how == signal.SIGKILL else "SIGTERM")
                try:
                    await run_phase(phase, url, emulator, env, first, stops, how, log_dir, rng)
                finally:
                    if cleanup is not None:
                        await drop_postgres(postgres_url(args.postgres_url), cleanup)
                print(phase.row(), flush=True)
                phases.append(phase)
                first += args.users
    return phases


def section(phases: list[Phase], command: str) -> str:
    start, end = markers("crash")
    lines = [start, "## Crash safety: kill -9 and graceful restarts under load", "",
             f"Command: `{command}` (bench/crash.py; its docstring has the set-up). "
             "Goals (issue 13): 0 presses lost, 0 daily messages lost, at most one duplicate "
             "per kill, no half-written state; graceful restarts: 0 lost, 0 duplicates.", "",
             "| backend | processes | phase | stops | people | pressed | presses lost | "
             "dailies lost | duplicate dailies | half-written | wall |",
             "|---|---|---|---|---|---|---|---|---|---|---|",
             *(phase.row() for phase in phases), "",
             "A phase that did not settle within three minutes after its last stop says so "
             "here: " + (", ".join(f"{p.backend} {p.name}" for p in phases if not p.settled)
                         or "none."), end]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--graceful", type=int, default=10)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--postgres-url")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--quick", action="store_true", help="200 people, 5 kills, 2 restarts")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.users, args.kills, args.graceful = 200, 5, 2
    command = "python bench/crash.py " + " ".join(argv if argv is not None else sys.argv[1:])
    phases = asyncio.run(bench(args))
    if not args.no_write and not args.quick:
        write_section("crash", section(phases, command.strip()))
    failed = [p for p in phases if p.presses_lost or p.daily_lost or p.half_written
              or (p.stop_signal == "SIGTERM" and p.duplicates) or p.duplicates > p.stops]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
