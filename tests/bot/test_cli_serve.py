"""`notch serve` as a process against the emulator: it registers the webhook with its secret,
answers what is posted to it (once per update_id), refuses the rest, and drains on SIGTERM; a
second Notch process on the same SQLite file stops at once with one clear line."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot import texts
from bot.web import SECRET_HEADER, WEBHOOK_PATH
from sandbox.emulator import BotApiEmulator

TOKEN = "555000222:AAHserveSERVEserveSERVEserve42"
WEBHOOK_SECRET = "serve_test-Secret_0123456789"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(tmp_path: Path, base_url: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "DATABASE_"))
           and k not in ("PUBLIC_URL", "WEBHOOK_SECRET", "HOST", "PORT")}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'notch.db'}",
        PUBLIC_URL=f"http://127.0.0.1:{port}",
        WEBHOOK_SECRET=WEBHOOK_SECRET,
        PORT=str(port),
        LOG_LEVEL="INFO",
    )
    return env


async def _notch(tmp_path: Path, env: dict[str, str], command: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", command, cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def _until(check: Any, timeout: float, what: str,  # noqa: ASYNC109
                 process: asyncio.subprocess.Process) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if process.returncode is not None:
            _, stderr = await process.communicate()
            raise AssertionError(f"notch exited with {process.returncode}: {stderr.decode()}")
        if loop.time() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        await asyncio.sleep(0.05)


async def test_serve_registers_answers_once_refuses_and_drains_on_sigterm(
    tmp_path: Path,
) -> None:
    port = _free_port()
    async with BotApiEmulator(token=TOKEN) as emulator:
        env = _env(tmp_path, emulator.base_url, port)
        process = await _notch(tmp_path, env, "serve")
        try:
            await _until(lambda: emulator.webhook_url is not None, 60, "setWebhook", process)
            registered = emulator.calls_of("setWebhook")[0]
            assert registered["url"] == f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
            assert registered["secret_token"] == WEBHOOK_SECRET
            assert "callback_query" in registered["allowed_updates"]

            # Telegram's side: the emulator posts the update to the webhook with the secret.
            ada = emulator.private_chat(user_id=42, first_name="Ada")
            await ada.send_text("/help")
            assert (await ada.next_message(timeout=30)).text == texts.help_text()
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                assert (await http.get("/readyz")).status_code == 200
                update = {"update_id": 7_000_001, "message": {
                    "message_id": 99, "from": ada.user, "date": 0, "text": "/help",
                    "chat": {"id": 42, "type": "private", "first_name": "Ada"},
                    "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}
                refused = await http.post(WEBHOOK_PATH, json=update,
                                          headers={SECRET_HEADER: "not-the-secret"})
                assert refused.status_code == 403
                # Telegram redelivers when it did not see the 200: answered once all the same.
                for _ in range(2):
                    answer = await http.post(WEBHOOK_PATH, json=update,
                                             headers={SECRET_HEADER: WEBHOOK_SECRET})
                    assert answer.status_code == 200
                assert (await ada.next_message(timeout=30)).text == texts.help_text()
                await ada.expect_no_message(within=1.0)
            assert emulator.webhook_stats.delivered >= 1 and emulator.webhook_stats.given_up == 0

            second = await _notch(tmp_path, env | {"PORT": str(_free_port())}, "run")
            _, second_err = await asyncio.wait_for(second.communicate(), 60)
            assert second.returncode == 1
            assert second_err.decode().strip().splitlines()[-1] == (
                f"notch: {tmp_path / 'notch.db'} is already used by another Notch process; SQLite"
                " serves one process — set DATABASE_URL to PostgreSQL to run several"
            )

            loop = asyncio.get_running_loop()
            signalled = loop.time()
            process.send_signal(signal.SIGTERM)
            stdout, stderr = await asyncio.wait_for(process.communicate(), 10)
            took = loop.time() - signalled
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        # The webhook stays registered: other processes behind it may still serve it.
        assert emulator.webhook_url == f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
    output = stdout.decode() + stderr.decode()
    assert process.returncode == 0, output
    assert took < 10
    assert not emulator.calls_of("deleteWebhook")
    assert not emulator.calls_of("getUpdates")  # webhook mode never polls
    assert WEBHOOK_SECRET not in output and TOKEN.split(":")[1] not in output


@pytest.mark.parametrize("missing", ["PUBLIC_URL", "WEBHOOK_SECRET"])
async def test_serve_without_its_settings_says_what_is_missing_in_one_line(
    tmp_path: Path, missing: str
) -> None:
    env = _env(tmp_path, "http://127.0.0.1:9/bot", _free_port())
    del env[missing]
    process = await _notch(tmp_path, env, "serve")
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    lines = stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("notch: configuration error: notch serve needs")
    assert missing in lines[0]
    assert not (tmp_path / "notch.db").exists()  # refused before the database was touched


async def test_serve_on_a_taken_port_says_so_in_one_line(tmp_path: Path) -> None:
    async with BotApiEmulator(token=TOKEN) as emulator:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            process = await _notch(tmp_path, _env(tmp_path, emulator.base_url, port), "serve")
            _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1
    last = stderr.decode().strip().splitlines()[-1]
    assert last.startswith(f"notch: cannot listen on 127.0.0.1:{port}: "), stderr.decode()
    assert not emulator.calls_of("setWebhook")  # nothing was registered for a server not there
