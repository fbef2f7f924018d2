"""Fixtures: a running emulator that must leave no task, thread or port behind, and a raw client
that speaks Telegram's wire format in each of its encodings."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import telegram

from sandbox.emulator import BotApiEmulator, EmulatedUser
from tests.support.wire import Api

TOKEN = "123456:TEST-TOKEN"


def _threads() -> set[str]:
    # asyncio's default executor threads belong to the test's loop, which pytest-asyncio closes.
    return {t.name for t in threading.enumerate() if not t.name.startswith("asyncio_")}


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    threads_before = _threads()
    emulator = BotApiEmulator(token=TOKEN, bot_username="notch_sandbox_bot", clock=lambda: 1.75e9)
    await emulator.start()
    port = emulator.port
    yield emulator
    await emulator.stop()
    await asyncio.sleep(0)
    stray = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert not stray, f"stray tasks after stop: {stray}"
    assert _threads() <= threads_before, f"stray threads: {_threads() - threads_before}"
    with pytest.raises(OSError):
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.close()


@pytest.fixture
def user(emu: BotApiEmulator) -> EmulatedUser:
    return emu.private_chat(user_id=1001, first_name="Ada", language_code="en")


@pytest.fixture
async def http(emu: BotApiEmulator) -> AsyncIterator[aiohttp.ClientSession]:
    """Closed before the emulator stops (it depends on it), so no connection outlives it."""
    async with aiohttp.ClientSession() as session:
        yield session


def _form_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


@pytest.fixture
def api(emu: BotApiEmulator, http: aiohttp.ClientSession) -> Api:
    """`await api("sendMessage", chat_id=1, text="x", via="form"|"multipart"|"json"|"get")`."""

    async def call(method: str, *, via: str = "form", token: str = TOKEN,
                   files: dict[str, tuple[str, bytes]] | None = None,
                   **params: Any) -> tuple[int, dict[str, Any]]:
        url = f"{emu.base_url.removesuffix('/bot')}/bot{token}/{method}"
        kwargs: dict[str, Any] = {}
        if via == "json":
            kwargs["json"] = params
        elif via == "get":
            kwargs["params"] = {k: _form_value(v) for k, v in params.items()}
        elif via == "multipart" or files:
            form = aiohttp.FormData()
            for key, value in params.items():
                form.add_field(key, _form_value(value))
            for key, (name, data) in (files or {}).items():
                form.add_field(key, data, filename=name, content_type="application/octet-stream")
            kwargs["data"] = form
        else:
            kwargs["data"] = {k: _form_value(v) for k, v in params.items()}
        verb = "GET" if via == "get" else "POST"
        async with http.request(verb, url, **kwargs) as response:
            return response.status, await response.json()

    return call


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[telegram.Bot]:
    """PTB's own client, to prove it understands every answer."""
    async with telegram.Bot(TOKEN, base_url=emu.base_url, base_file_url=emu.base_file_url) as b:
        yield b
