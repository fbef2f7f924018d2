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
