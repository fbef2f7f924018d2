"""bot.http.AiohttpRequest against the emulator: the same contract as PTB's HTTPXRequest."""

from __future__ import annotations

import socket

import pytest
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot

from bot.http import AiohttpRequest
from sandbox.emulator import BotApiEmulator


def _bot(emulator: BotApiEmulator, request: AiohttpRequest) -> ExtBot[None]:
    return ExtBot(emulator.token, base_url=emulator.base_url, request=request)


async def test_sends_forms_and_files_and_maps_telegrams_refusals() -> None:
    async with BotApiEmulator() as emulator:
        ada = emulator.private_chat(1001)
        async with _bot(emulator, AiohttpRequest(connections=4)) as bot:
            sent = await bot.send_message(ada.chat_id, "Today's challenge: 12 minutes")
            assert sent.text == "Today's challenge: 12 minutes" and sent.message_id > 0
            document = await bot.send_document(ada.chat_id, b"a,b\n1,2\n", filename="log.csv",
                                               caption="your log")
            assert document.document is not None
            assert document.document.file_name == "log.csv"
            assert document.caption == "your log"
            emulator.inject_fault(status=403, description="Forbidden: bot was blocked by the user")
            with pytest.raises(Forbidden):
                await bot.send_message(ada.chat_id, "hello")
            emulator.inject_fault(status=429, retry_after=7)
            with pytest.raises(RetryAfter):
                await bot.send_message(ada.chat_id, "hello")


async def test_a_slow_answer_is_a_timeout_and_a_closed_port_a_network_error() -> None:
    async with BotApiEmulator() as emulator:
        ada = emulator.private_chat(1001)
        async with _bot(emulator, AiohttpRequest(connections=2, timeout=0.3)) as bot:
            emulator.inject_fault(status=None, delay=2.0)
            with pytest.raises(TimedOut):
                await bot.send_message(ada.chat_id, "hello")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest(connections=2, timeout=1.0)
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.do_request(f"http://127.0.0.1:{port}/bot123456:TEST-TOKEN/getMe",
                                     "POST")
    finally:
        await request.shutdown()
