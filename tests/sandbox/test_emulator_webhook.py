"""Webhook delivery as Telegram does it: JSON POSTs with the secret header, getUpdates refused
while a webhook is set, bounded concurrency that never runs two updates of one chat at once,
retries with back-off that give up and report the last error; raw payloads for poison tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import telegram
from aiohttp import web

from sandbox.emulator import SECRET_HEADER, BotApiEmulator, RetryPolicy
from sandbox.emulator.webhook import chat_key
from tests.support.wire import Api

TOKEN = "123456:TEST-TOKEN"


@dataclass
class Receiver:
    """A webhook endpoint: records every POST; answers `statuses` in turn (then 200)."""

    url: str = ""
    bodies: list[dict[str, Any]] = field(default_factory=list)
    secrets: list[str | None] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0
    in_flight: dict[str, int] = field(default_factory=dict)  # chat -> requests now
    overlap: list[str] = field(default_factory=list)  # chats seen twice at once

    async def handle(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        chat = chat_key(body)
        self.in_flight[chat] = self.in_flight.get(chat, 0) + 1
        if self.in_flight[chat] > 1:
            self.overlap.append(chat)
        try:
            await asyncio.sleep(self.delay)
            self.bodies.append(body)
            self.secrets.append(request.headers.get(SECRET_HEADER))
            return web.Response(status=self.statuses.pop(0) if self.statuses else 200)
        finally:
            self.in_flight[chat] -= 1


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    app = web.Application()
    app.router.add_post("/hook", found.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    found.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield found
    await runner.cleanup()


async def _until(check: Any, timeout: float = 5.0) -> None:  # noqa: ASYNC109
    async with asyncio.timeout(timeout):
        while not check():  # noqa: ASYNC110 (the condition lives in another server)
            await asyncio.sleep(0.01)


async def test_updates_are_posted_with_the_secret_and_polling_is_refused(
        emu: BotApiEmulator, api: Api, receiver: Receiver) -> None:
    user = emu.private_chat(1001)
    await user.send_text("before the webhook")
    assert (await api("setWebhook", url=receiver.url, secret_token="s3cr-et_"))[0] == 200
    await user.send_text("after")
    await _until(lambda: len(receiver.bodies) == 2)
    assert [b["message"]["text"] for b in receiver.bodies] == ["before the webhook", "after"]
    assert receiver.secrets == ["s3cr-et_", "s3cr-et_"]
    status, body = await api("getUpdates")
    assert status == 409 and "webhook is active" in body["description"]
    _, info = await api("getWebhookInfo")
    assert info["result"]["url"] == receiver.url
    assert info["result"]["pending_update_count"] == 0
    assert "last_error_date" not in info["result"]
    assert emu.webhook_stats.delivered == 2
    assert (await api("deleteWebhook"))[0] == 200
    await user.send_text("polling again")
    _, body = await api("getUpdates")
    assert [u["message"]["text"] for u in body["result"]] == ["polling again"]


async def test_set_webhook_checks_its_parameters(emu: BotApiEmulator, api: Api) -> None:
    assert (await api("setWebhook", url="ftp://x"))[0] == 400
    assert (await api("setWebhook", url="http://x", secret_token="no spaces"))[0] == 400
    assert (await api("setWebhook", url="http://x", max_connections=101))[0] == 400


async def test_drop_pending_updates_on_set(emu: BotApiEmulator, api: Api,
                                           receiver: Receiver) -> None:
    user = emu.private_chat(1001)
    await user.send_text("old")
    await api("setWebhook", url=receiver.url, drop_pending_updates=True)
    await user.send_text("new")
    await _until(lambda: len(receiver.bodies) == 1)
    await emu.settle(quiet=0.05)
    assert [b["message"]["text"] for b in receiver.bodies] == ["new"]


async def test_parallel_across_chats_but_one_at_a_time_per_chat_in_order(
        emu: BotApiEmulator, api: Api, receiver: Receiver) -> None:
    receiver.delay = 0.05
    users = [emu.private_chat(5000 + n) for n in range(6)]
    for n in range(4):
        for user in users:
            await user.send_text(f"{user.id}:{n}")
    await api("setWebhook", url=receiver.url, max_connections=4)
    await _until(lambda: len(receiver.bodies) == 24)
    assert receiver.overlap == []
    assert emu.webhook_stats.peak_in_flight == 4  # parallel, up to max_connections
    for user in users:
        mine = [b["message"]["text"] for b in receiver.bodies
                if b["message"]["chat"]["id"] == user.id]
        assert mine == [f"{user.id}:{n}" for n in range(4)]


async def test_failures_are_retried_then_given_up_and_reported(
        receiver: Receiver) -> None:
    emu = await BotApiEmulator(token=TOKEN, clock=lambda: 1.75e9,
                               webhook_retry=RetryPolicy(delays=(0.02, 0.02))).start()
    try:
        user = emu.private_chat(1001)
        receiver.statuses = [500, 502]  # the first update fails twice, then gets through
        await user.send_text("one")
        await user.send_text("two")
        async with telegram.Bot(TOKEN, base_url=emu.base_url) as bot:
            await bot.set_webhook(receiver.url)
            await _until(lambda: len(receiver.bodies) == 4)
            # "two" waited behind "one" (same chat) through both failures
            assert [b["message"]["text"] for b in receiver.bodies] == ["one", "one", "one",
                                                                      "two"]
            info = await bot.get_webhook_info()
            assert info.last_error_message == "Wrong response from the webhook: 502 Bad Gateway"
            assert info.last_error_date is not None
            receiver.statuses = [500, 500, 500]  # three tries is the bound here: given up
            await user.send_text("three")
            await user.send_text("four")
            await _until(lambda: len(receiver.bodies) == 8)
            await emu.settle(quiet=0.05)
        stats = emu.webhook_stats
        assert (stats.delivered, stats.failed_tries, stats.given_up) == (3, 5, 1)
        assert [b["message"]["text"] for b in receiver.bodies[4:]] == ["three"] * 3 + ["four"]
    finally:
        await emu.stop()


async def test_connection_errors_count_as_failures(emu: BotApiEmulator, api: Api) -> None:
    user = emu.private_chat(1001)
    await api("setWebhook", url="http://127.0.0.1:9/nobody-listens")
    await user.send_text("lost")
    await _until(lambda: emu.webhook_stats.failed_tries >= 1)
    _, info = await api("getWebhookInfo")
    assert info["result"]["last_error_message"].startswith("Connection failed")
    assert info["result"]["pending_update_count"] == 1  # still queued, waiting for its retry


async def test_a_raw_payload_reaches_both_streams(emu: BotApiEmulator, api: Api,
                                                  receiver: Receiver) -> None:
    poison = {"message": {"message_id": "not-a-number", "chat": "nope"}}
    injected = emu.inject_update(poison)
    assert injected["update_id"] > 0 and injected["message"] == poison["message"]
    _, body = await api("getUpdates")
    assert body["result"] == [injected]
    again = emu.inject_update({"update_id": injected["update_id"], "weird": True})
    await api("setWebhook", url=receiver.url)
    await _until(lambda: len(receiver.bodies) == 2)
    assert receiver.bodies == [injected, again]  # the duplicate id is delivered as given
