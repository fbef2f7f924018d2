"""`notch run` as a process: polling with a token, graceful SIGTERM/SIGINT, no token in output."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot import texts
from sandbox.emulator import BotApiEmulator

SECRET = "555000111:AAHsecretSECRETsecretSECRETsecret99"


def _env(tmp_path: Path, base_url: str, token: str = SECRET) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_BASE_URL=base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'notch.db'}",
        LOG_LEVEL="DEBUG",
    )
    return env


async def _run_notch(tmp_path: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
async def test_polls_answers_and_stops_gracefully_without_leaking_the_token(
    tmp_path: Path, stop_signal: signal.Signals
) -> None:
    async with BotApiEmulator(token=SECRET) as emulator:
        process = await _run_notch(tmp_path, _env(tmp_path, emulator.base_url))
        try:
            ada = emulator.private_chat(user_id=42, first_name="Ada")
            await ada.send_text("/start")
            assert (await ada.next_message(timeout=30)).text == texts.greeting("Ada")
            process.send_signal(stop_signal)
            stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    assert process.returncode == 0, stderr.decode()
    output = stdout.decode() + stderr.decode()
    assert "getUpdates" in output or "get_updates" in output.lower()  # DEBUG logging was on
    assert SECRET not in output
    assert SECRET.split(":")[1] not in output


async def test_wrong_token_fails_in_one_line_without_the_token(tmp_path: Path) -> None:
    async with BotApiEmulator(token="111:the-token-the-server-knows") as emulator:
        process = await _run_notch(tmp_path, _env(tmp_path, emulator.base_url))
        stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1
    last_line = stderr.decode().strip().splitlines()[-1]
    assert last_line.startswith("notch: InvalidToken"), stderr.decode()
    assert SECRET not in stdout.decode() + stderr.decode()
    assert SECRET.split(":")[1] not in stderr.decode()


@pytest.mark.parametrize("bot_database_url", ["postgres"], indirect=True)
async def test_a_poller_and_a_worker_share_one_inbox_on_postgres(
    tmp_path: Path, bot_database_url: str
) -> None:
    """Two processes on one PostgreSQL database, one fetching and one only handling: every
    update answered exactly once, each chat's in the order sent, and both stop on SIGTERM
    within 10 s (the drain's promise)."""
    async with BotApiEmulator(token=SECRET) as emulator:
        env = {**_env(tmp_path, emulator.base_url), "DATABASE_URL": bot_database_url,
               "LOG_LEVEL": "WARNING"}
        poller = await _run_notch(tmp_path, env)
        worker = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", "--worker", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        processes = [poller, worker]
        try:
            people = [emulator.private_chat(user_id=3000 + n, first_name=f"P{n}")
                      for n in range(8)]
            for command in ["/help", "/privacy", "/help"]:
                for person in people:
                    await person.send_text(command)
            for person in people:
                for _ in range(3):
                    await person.next_message(timeout=60)
            await asyncio.sleep(1.0)  # a second answer to anything would have come by now
            for person in people:
                seen = [m.text for m in person.messages]
                assert len(seen) == 3 and seen[0] == seen[2] != seen[1], seen
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                await asyncio.wait_for(process.wait(), 10)
        finally:
            for process in processes:
                if process.returncode is None:
                    process.kill()
                    await process.wait()
    outputs = [(await p.stderr.read()).decode() for p in processes if p.stderr is not None]
    assert [p.returncode for p in processes] == [0, 0], outputs
