"""Poison updates: shapes the bot cannot read, between good ones, through a real bot process.

Run: ``make bench`` (or ``.venv/bin/python bench/poison.py``; ``--good N``, ``--poison P``).

Set-up: the project's Bot API emulator in this process, the bot as one real process
(`python -m bot.cli run`, SQLite, long polling through the inbox). N people (default 200) each
send /help; after every N/P of them, one poison update is queued: a message without chat or date,
a callback query without its sender, a reaction update whose body is a list, and an update
whose `message` is a string, in turn. Measured: good updates answered (goal: all),
poison updates set aside (goal: each once), and the bot's log lines about them (goal: one per
poison update, no loop). Writes its table into docs/BENCHMARKS.md between the poison markers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._doc import markers, write_section
from bench._live import ROOT, Bots
from sandbox.emulator import BotApiEmulator

TOKEN = "654321:POISON-BENCH-token"
POISONS: list[tuple[str, Any]] = [
    ("message", {"message_id": 1, "text": "no chat, no date"}),
    ("callback_query", {"id": "1", "chat_instance": "x", "data": "done:1"}),
    ("message_reaction", [1, 2, 3]),
    ("message", "just a string"),
]


async def run(good: int, poison: int) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="notch-poison-"))
    url = f"sqlite:///{workdir / 'poison.db'}"
    async with BotApiEmulator(token=TOKEN) as emulator:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN,
               "TELEGRAM_API_BASE_URL": emulator.base_url, "PYTHONPATH": str(ROOT),
               "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
        bots = Bots(env, 1, workdir)
        await bots.start_all()
        try:
            people = [emulator.private_chat(user_id=80_000 + i, first_name=f"P{i}")
                      for i in range(good)]
            every = max(1, good // max(poison, 1))
            pushed = 0
            for i, person in enumerate(people):
                await person.send_text("/help")
                if poison and i % every == every - 1 and pushed < poison:
                    kind, body = POISONS[pushed % len(POISONS)]
                    emulator.state.push_update(kind, body)
                    pushed += 1
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                answered = sum(1 for person in people if person.messages)
                if answered == good:
                    break
                await asyncio.sleep(0.2)
            # Until nothing waits for a retry, then a little longer: time for a loop to show.
            while time.monotonic() < deadline and _pending(workdir / "poison.db"):  # noqa: ASYNC110
                await asyncio.sleep(0.5)
            await asyncio.sleep(3)
        finally:
            await bots.stop_all()
    log = (workdir / "bot0.log").read_text(errors="replace")
    with sqlite3.connect(workdir / "poison.db") as db:
        statuses = dict(db.execute(
            "SELECT status, count(*) FROM update_inbox GROUP BY status").fetchall())
        set_aside_failures = db.execute(
            "SELECT coalesce(sum(failures), 0) FROM update_inbox WHERE status = 'set_aside'"
        ).fetchone()[0]
    return {
        "good": good, "answered": sum(1 for person in people if person.messages),
        "poison": pushed, "set_aside": statuses.get("set_aside", 0),
        "tries": set_aside_failures,
        "log_lines": sum(1 for line in log.splitlines()
                         if " WARNING " in line or " ERROR " in line),
        "tracebacks": log.count("Traceback"), "pending": statuses.get("pending", 0),
    }


def _pending(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute(
            "SELECT count(*) FROM update_inbox WHERE status = 'pending'").fetchone()[0])


def section(found: dict[str, Any], command: str) -> str:
    start, end = markers("poison")
    return "\n".join([
        start, "## Poison updates between good ones", "",
        f"Command: `{command}` (bench/poison.py; its docstring has the set-up). Goals (issue "
        "13): every good update answered; each poison update set aside once, with one log "
        "line, not a loop.", "",
        "| good sent | good answered | poison sent | set aside | tries of the set-aside | "
        "warning and error lines in the log | tracebacks | left pending |",
        "|---|---|---|---|---|---|---|---|",
        f"| {found['good']} | **{found['answered']}** | {found['poison']} | "
        f"**{found['set_aside']}** | {found['tries']} | "
        f"{found['log_lines']} | {found['tracebacks']} | {found['pending']} |", "",
        "An update that can be "
        "read but makes its handler fail is tried three times (two seconds apart; the tries "
        "are logged at INFO), then set aside with one ERROR line and its traceback; one that "
        "cannot be read is set aside at once with one ERROR line.", end]) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--good", type=int, default=200)
    parser.add_argument("--poison", type=int, default=20)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    command = "python bench/poison.py " + " ".join(argv if argv is not None else sys.argv[1:])
    found = asyncio.run(run(args.good, args.poison))
    print(found)
    if not args.no_write:
        write_section("poison", section(found, command.strip()))


if __name__ == "__main__":
    main()
