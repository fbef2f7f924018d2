"""Opt-in flood limits: sends beyond Telegram's per-chat and total rates get Telegram's 429, with
a retry_after that is really enough, counted per chat; without limits nothing changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp
import pytest
import telegram
from telegram.error import RetryAfter

from sandbox.emulator import BotApiEmulator, Limits
from tests.support.wire import Api

TOKEN = "123456:TEST-TOKEN"


class Ticks:
    """A clock the test moves by hand (seconds)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _limited(limits: Limits) -> BotApiEmulator:
    return await BotApiEmulator(token=TOKEN, limits=limits).start()


async def test_per_chat_burst_then_429_with_retry_after() -> None:
    ticks = Ticks()
    emu = await _limited(Limits(per_chat_per_second=1, per_chat_burst=3, clock=ticks))
    try:
        user = emu.private_chat(1001)
        other = emu.private_chat(2002)
        url = f"{emu.base_url}{TOKEN}/sendMessage"
        async with aiohttp.ClientSession() as session:
            async def send(chat: int) -> tuple[int, dict[str, object]]:
                async with session.post(url, data={"chat_id": chat, "text": "x"}) as r:
                    return r.status, await r.json()

            assert [(await send(user.id))[0] for _ in range(3)] == [200, 200, 200]
            status, body = await send(user.id)
            assert (status, body) == (429, {"ok": False, "error_code": 429,
                                            "description": "Too Many Requests: retry after 1",
                                            "parameters": {"retry_after": 1}})
            assert (await send(other.id))[0] == 200  # another chat has its own budget
            ticks.now += 1.0  # one second later, one more message to the first chat
            assert (await send(user.id))[0] == 200
            assert (await send(user.id))[0] == 429
        assert len(user.messages) == 4  # a refused send leaves nothing in the chat
        assert (emu.too_many_requests, emu.too_many_requests_to(user.id),
                emu.too_many_requests_to(other.id)) == (2, 2, 0)
    finally:
        await emu.stop()


async def test_total_rate_counts_every_chat_and_ptb_reads_retry_after() -> None:
    ticks = Ticks()
    emu = await _limited(Limits(total_per_second=5, per_chat_burst=10, clock=ticks))
    try:
        chats = [emu.private_chat(3000 + n).id for n in range(6)]
        async with telegram.Bot(TOKEN, base_url=emu.base_url) as bot:
            for chat in chats[:5]:
                await bot.send_message(chat, "x")
            with pytest.raises(RetryAfter) as refused:
                await bot.send_message(chats[5], "x")
            wait: Any = refused.value.retry_after  # an int or a timedelta (PTB_TIMEDELTA)
            assert (wait.total_seconds() if isinstance(wait, timedelta) else wait) == 1
            await bot.get_me()  # not a send: never limited
            ticks.now += 0.2  # a fifth of a second refills one of 5 a second
            await bot.send_message(chats[5], "x")
        assert emu.too_many_requests == 1 and emu.flood is not None
        assert emu.flood.accepted == 6
    finally:
        await emu.stop()


async def test_paid_broadcasts_have_their_own_total_budget() -> None:
    ticks = Ticks()
    emu = await _limited(Limits(total_per_second=2, clock=ticks))
    try:
        chats = [emu.private_chat(3000 + n).id for n in range(5)]
        async with telegram.Bot(TOKEN, base_url=emu.base_url) as bot:
            for chat in chats[:2]:
                await bot.send_message(chat, "x")
            with pytest.raises(RetryAfter):
                await bot.send_message(chats[2], "x")
            for chat in chats[2:]:  # 0.1 Stars each lifts the total limit (not the chat's)
                await bot.send_message(chat, "x", allow_paid_broadcast=True)
        assert emu.too_many_requests == 1
    finally:
        await emu.stop()


async def test_retry_after_covers_the_wait() -> None:
    ticks = Ticks()
    emu = await _limited(Limits(per_chat_per_second=0.25, per_chat_burst=1, clock=ticks))
    try:
        user = emu.private_chat(1001)
        url = f"{emu.base_url}{TOKEN}/sendMessage"
        async with aiohttp.ClientSession() as session:
            async with session.post(url, data={"chat_id": user.id, "text": "x"}) as r:
                assert r.status == 200
            async with session.post(url, data={"chat_id": user.id, "text": "x"}) as r:
                body = await r.json()
            retry_after = body["parameters"]["retry_after"]
            assert retry_after == 4  # one message per 4 s
            ticks.now += retry_after
            async with session.post(url, data={"chat_id": user.id, "text": "x"}) as r:
                assert r.status == 200
    finally:
        await emu.stop()


async def test_without_limits_nothing_is_refused(emu: BotApiEmulator, api: Api) -> None:
    user = emu.private_chat(1001)
    statuses = [(await api("sendMessage", chat_id=user.id, text="x"))[0] for _ in range(50)]
    assert set(statuses) == {200} and emu.too_many_requests == 0


def test_limits_are_checked() -> None:
    with pytest.raises(ValueError):
        Limits(total_per_second=0)
    with pytest.raises(ValueError):
        Limits(per_chat_burst=0)
