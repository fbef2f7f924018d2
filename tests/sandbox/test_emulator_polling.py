"""getUpdates is a real long poll: offset confirms, limit caps, timeout waits, stop releases,
and a second poll terminates the first with 409 like Telegram."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from sandbox.emulator import BotApiEmulator, EmulatedUser

Api = Any


async def test_offset_confirms_earlier_updates(user: EmulatedUser, api: Api) -> None:
    for text in ("one", "two", "three"):
        await user.send_text(text)
    _, body = await api("getUpdates")
    ids = [u["update_id"] for u in body["result"]]
    assert [u["message"]["text"] for u in body["result"]] == ["one", "two", "three"]
    _, again = await api("getUpdates")
    assert [u["update_id"] for u in again["result"]] == ids  # not confirmed: delivered again
    _, body = await api("getUpdates", offset=ids[1] + 1)
    assert [u["message"]["text"] for u in body["result"]] == ["three"]
    _, body = await api("getUpdates", offset=ids[0])  # confirmed updates are gone for good
    assert [u["message"]["text"] for u in body["result"]] == ["three"]


async def test_negative_offset_keeps_only_the_newest(user: EmulatedUser, api: Api) -> None:
    for text in ("a", "b", "c"):
        await user.send_text(text)
    _, body = await api("getUpdates", offset=-1)
    assert [u["message"]["text"] for u in body["result"]] == ["c"]


async def test_limit_caps_the_batch(user: EmulatedUser, api: Api) -> None:
    for n in range(5):
        await user.send_text(f"m{n}")
    _, body = await api("getUpdates", limit=2)
    assert [u["message"]["text"] for u in body["result"]] == ["m0", "m1"]


async def test_timeout_waits_then_answers_empty(api: Api) -> None:
    started = time.monotonic()
    status, body = await api("getUpdates", timeout=0.3)
    assert (status, body["result"]) == (200, [])
    assert time.monotonic() - started >= 0.29
    started = time.monotonic()
    await api("getUpdates", timeout=0)
    assert time.monotonic() - started < 0.25


async def test_long_poll_returns_as_soon_as_an_update_arrives(user: EmulatedUser,
                                                              api: Api) -> None:
    poll = asyncio.create_task(api("getUpdates", timeout=10))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    await user.send_text("hello")
    status, body = await poll
    assert status == 200 and body["result"][0]["message"]["text"] == "hello"
    assert time.monotonic() - started < 1.0


async def test_stop_releases_a_waiting_poll_at_once(emu: BotApiEmulator, api: Api) -> None:
    poll = asyncio.create_task(api("getUpdates", timeout=30))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    await emu.stop()
    status, body = await asyncio.wait_for(poll, 2)
    assert (status, body) == (200, {"ok": True, "result": []})
    assert time.monotonic() - started < 1.0


async def test_second_poll_terminates_the_first_with_409(api: Api) -> None:
    first = asyncio.create_task(api("getUpdates", timeout=10))
    await asyncio.sleep(0.05)
    second = await api("getUpdates", timeout=0)
    status, body = await asyncio.wait_for(first, 2)
    assert (status, body["description"]) == (
        409, "Conflict: terminated by other getUpdates request; make sure that only one bot "
             "instance is running")
    assert second == (200, {"ok": True, "result": []})


async def test_delete_webhook_can_drop_pending_updates(user: EmulatedUser, api: Api) -> None:
    await user.send_text("old")
    await api("deleteWebhook")
    _, body = await api("getUpdates")
    assert len(body["result"]) == 1
    await api("deleteWebhook", drop_pending_updates=True)
    _, body = await api("getUpdates")
    assert body["result"] == []


async def test_allowed_updates_filters_kinds(user: EmulatedUser, api: Api) -> None:
    await user.send_text("msg")
    await user.block()
    _, body = await api("getUpdates", allowed_updates=["my_chat_member"])
    assert [next(k for k in u if k != "update_id") for u in body["result"]] == ["my_chat_member"]


async def test_update_ids_increase_and_dates_come_from_the_clock(
        user: EmulatedUser, api: Api) -> None:
    await user.send_text("a")
    await user.send_sticker()
    _, body = await api("getUpdates")
    first, second = body["result"]
    assert second["update_id"] == first["update_id"] + 1
    assert first["message"]["date"] == 1_750_000_000


async def test_settle_lets_other_tasks_run_even_when_already_quiet(emu: BotApiEmulator) -> None:
    # A test waiting for the bot's first getUpdates settles in a loop; if a quiet emulator
    # returned without suspending, that loop would starve the polling task forever.
    await asyncio.sleep(0.05)  # quiet for longer than quiet=0.01
    ran = asyncio.Event()
    task = asyncio.create_task(asyncio.sleep(0, result=None))
    task.add_done_callback(lambda _: ran.set())
    for _ in range(3):
        await emu.settle(quiet=0.01, timeout=1)
        if ran.is_set():
            break
    assert ran.is_set()


async def test_settle_waits_while_the_client_says_it_is_at_work(emu: BotApiEmulator) -> None:
    # Quiet on the wire is not done: a handler can be between its first call and its last.
    await asyncio.sleep(0.05)
    working = True
    emu.busy_while(lambda: working)
    with pytest.raises(AssertionError, match="did not settle"):
        await emu.settle(quiet=0.01, timeout=0.2)

    async def finish() -> None:
        nonlocal working
        await asyncio.sleep(0.1)
        working = False

    done = asyncio.create_task(finish())
    await emu.settle(quiet=0.01, timeout=2)
    assert not working
    await done
