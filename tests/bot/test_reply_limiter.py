"""The reply lane's rate limiter over real HTTP: a reply's 429 is retried after its retry_after,
a bounded number of times; a broadcast's 429 goes straight back to deliver(); replies to one
chat keep Telegram's per-chat pace (no 429 from an emulator that enforces it)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from telegram.error import RetryAfter
from telegram.ext import ExtBot

from bot.lanes import ReplyRateLimiter, broadcasting
from sandbox.emulator import BotApiEmulator, Limits

TOKEN = "123456:TEST-TOKEN-limiter"


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, limits=Limits(per_chat_burst=3,
                                                         clock=time.monotonic)) as found:
        yield found


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[ExtBot[None]]:
    async with ExtBot(TOKEN, base_url=emulator.base_url,
                      rate_limiter=ReplyRateLimiter(max_retries=2)) as found:
        yield found


async def test_a_replys_429_is_retried_after_retry_after(emulator: BotApiEmulator,
                                                         bot: ExtBot[None]) -> None:
    ada = emulator.private_chat(1001)
    emulator.inject_fault("sendMessage", status=429, retry_after=1, times=2)
    started = time.monotonic()
    await bot.send_message(ada.id, "hi")
    assert time.monotonic() - started >= 2.0  # waited retry_after before each retry
    assert [m.text for m in ada.messages] == ["hi"]
    assert len(emulator.calls_of("sendMessage")) == 3


async def test_retries_are_bounded(emulator: BotApiEmulator, bot: ExtBot[None]) -> None:
    ada = emulator.private_chat(1001)
    emulator.inject_fault("sendMessage", status=429, retry_after=1, times=3)
    with pytest.raises(RetryAfter):
        await bot.send_message(ada.id, "hi")
    assert len(emulator.calls_of("sendMessage")) == 3  # the try and two retries
    assert ada.messages == []


async def test_a_broadcasts_429_is_not_retried(emulator: BotApiEmulator,
                                               bot: ExtBot[None]) -> None:
    ada = emulator.private_chat(1001)
    emulator.inject_fault("sendMessage", status=429, retry_after=5)
    with broadcasting(), pytest.raises(RetryAfter):
        await bot.send_message(ada.id, "daily")
    assert len(emulator.calls_of("sendMessage")) == 1
    await bot.send_message(ada.id, "a reply is not held by it")
    assert [m.text for m in ada.messages] == ["a reply is not held by it"]


async def test_replies_keep_the_per_chat_pace_and_other_chats_do_not_wait(
        emulator: BotApiEmulator, bot: ExtBot[None]) -> None:
    ada, bo = emulator.private_chat(1001), emulator.private_chat(1002)
    await asyncio.gather(*(bot.send_message(ada.id, f"{n}") for n in range(5)),
                         bot.send_message(bo.id, "bo"))
    assert emulator.too_many_requests == 0
    assert sorted(m.text or "" for m in ada.messages) == [f"{n}" for n in range(5)]
    assert [m.text for m in bo.messages] == ["bo"]
