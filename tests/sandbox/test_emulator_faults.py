"""Injected faults answer with Telegram's real errors, and only where they were aimed."""

from __future__ import annotations

import time
from typing import Any

import pytest

from sandbox.emulator import BotApiEmulator, EmulatedUser

Api = Any


async def test_429_carries_retry_after(emu: BotApiEmulator, user: EmulatedUser,
                                       api: Api) -> None:
    emu.inject_fault("sendMessage", status=429, retry_after=7)
    status, body = await api("sendMessage", chat_id=user.id, text="hi")
    assert (status, body) == (429, {"ok": False, "error_code": 429,
                                    "description": "Too Many Requests: retry after 7",
                                    "parameters": {"retry_after": 7}})
    assert user.messages == []  # a failed call has no effect
    status, _ = await api("sendMessage", chat_id=user.id, text="hi")
    assert status == 200


async def test_5xx_fault(emu: BotApiEmulator, user: EmulatedUser, api: Api) -> None:
    emu.inject_fault("sendMessage", status=502)
    status, body = await api("sendMessage", chat_id=user.id, text="hi")
    assert (status, body["description"]) == (502, "Bad Gateway")


async def test_403_fault_reads_blocked(emu: BotApiEmulator, user: EmulatedUser, api: Api) -> None:
    emu.inject_fault("sendPhoto", status=403)
    status, body = await api("sendPhoto", chat_id=user.id, files={"photo": ("p.png", b"x")})
    assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")


async def test_slow_answer_without_status_still_succeeds(
        emu: BotApiEmulator, user: EmulatedUser, api: Api) -> None:
    emu.inject_fault("sendMessage", status=None, delay=0.3)
    started = time.monotonic()
    status, _ = await api("sendMessage", chat_id=user.id, text="late")
    assert status == 200 and time.monotonic() - started >= 0.29
    assert user.messages[0].text == "late"


async def test_fault_counts_down_and_targets_one_chat(
        emu: BotApiEmulator, user: EmulatedUser, api: Api) -> None:
    other = emu.private_chat(user_id=2002, first_name="Bo")
    fault = emu.inject_fault("sendMessage", status=500, times=2, chat_id=user.id)
    assert (await api("sendMessage", chat_id=other.id, text="x"))[0] == 200
    assert fault.remaining == 2
    assert (await api("sendMessage", chat_id=user.id, text="x"))[0] == 500
    assert fault.remaining == 1
    assert (await api("getMe"))[0] == 200  # another method is untouched
    assert (await api("sendMessage", chat_id=user.id, text="x"))[0] == 500
    assert fault.remaining == 0
    assert (await api("sendMessage", chat_id=user.id, text="x"))[0] == 200


async def test_fault_for_any_method(emu: BotApiEmulator, api: Api) -> None:
    emu.inject_fault(None, status=500, description="Internal Server Error: restart")
    status, body = await api("getMe")
    assert (status, body["description"]) == (500, "Internal Server Error: restart")


def test_fault_arguments_are_checked(emu: BotApiEmulator) -> None:
    with pytest.raises(ValueError):
        emu.inject_fault("sendMessage", status=200)
    with pytest.raises(ValueError):
        emu.inject_fault("sendMessage", times=0)
