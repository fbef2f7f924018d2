"""Webhook delivery as Telegram does it: each queued update POSTed as JSON to the bot's URL,
several in flight but never two of one chat (so a chat's order holds), a failure retried with
back-off and given up after a bounded number of tries, the last error kept for getWebhookInfo.

Telegram documents only the outline ("in case of an unsuccessful request, we will give up after
a reasonable amount of attempts"); the delays here are short so tests run in seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from sandbox.emulator.errors import bad_request
from sandbox.emulator.state import EmulatorState, PendingUpdate

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
DEFAULT_MAX_CONNECTIONS = 40


@dataclass(frozen=True)
class RetryPolicy:
    """`delays[i]` seconds before try i + 2; after len(delays) + 1 failed tries, give up."""

    delays: tuple[float, ...] = (0.1, 0.2, 0.4, 0.8)
    timeout: float = 10.0  # one POST; longer counts as a failure, as at Telegram

    @property
    def max_tries(self) -> int:
        return len(self.delays) + 1


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None
    max_connections: int
    allowed_updates: list[str] | None


@dataclass
class WebhookStats:
    """What a test can check: deliveries, failed tries, updates given up, peak concurrency."""

    delivered: int = 0
    failed_tries: int = 0
    given_up: int = 0
    peak_in_flight: int = 0
    given_up_ids: list[int] = field(default_factory=list)


def chat_key(payload: dict[str, Any]) -> str:
    """The chat an update belongs to (its order unit); an update with none is its own unit."""
    for value in payload.values():
        if not isinstance(value, dict):
            continue
        chat = value.get("chat")
        if not isinstance(chat, dict):
            message = value.get("message")
            chat = message.get("chat") if isinstance(message, dict) else None
        if isinstance(chat, dict) and "id" in chat:
            return f"chat:{chat['id']}"
        sender = value.get("from")
        if isinstance(sender, dict) and "id" in sender:
            return f"chat:{sender['id']}"
    return f"update:{payload.get('update_id')}"


class WebhookDeliverer:
    """Runs while a webhook is set; owns one HTTP session and one scheduling task."""

    def __init__(self, state: EmulatorState, config: WebhookConfig, policy: RetryPolicy,
                 stats: WebhookStats) -> None:
        self.state = state
        self.config = config
        self.policy = policy
        self.stats = stats
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._attempts: dict[int, int] = {}
        self._not_before: dict[int, float] = {}
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    def start(self) -> None:
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.policy.timeout))
        self._task = asyncio.get_running_loop().create_task(self._run(), name="emulator-webhook")

    async def stop(self) -> None:
        """Stop delivering; updates in flight stay queued (for getUpdates or the next webhook)."""
        self._closing = True
        tasks = [t for t in [self._task, *self._in_flight.values()] if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._in_flight.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def busy(self) -> bool:
        return bool(self._in_flight)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._closing:
            wake = self.state.wake_event  # taken before the scan: nothing slips between
            pause = self._dispatch(loop.time())
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancel that comes
            # as the event fires, and stop() would then wait for this loop forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(pause):
                    await wake.wait()

    def _dispatch(self, now: float) -> float | None:
        """Start every update that may go now; the seconds until a retry is due (None: none)."""
        held: set[str] = set()  # chats with an earlier update not yet through
        next_due: float | None = None
        for update in self.state.deliverable(len(self.state.updates) or 1):
            key = chat_key(update.payload)
            if key in held:
                continue
            held.add(key)
            if update.update_id in self._in_flight:
                continue
            due = self._not_before.get(update.update_id, now)
            if due > now:
                next_due = due if next_due is None else min(next_due, due)
                continue
            if len(self._in_flight) >= self.config.max_connections:
                break
            self._in_flight[update.update_id] = asyncio.get_running_loop().create_task(
                self._post(update))
            self.stats.peak_in_flight = max(self.stats.peak_in_flight, len(self._in_flight))
        return None if next_due is None else max(next_due - now, 0.001)

    async def _post(self, update: PendingUpdate) -> None:
        assert self._session is not None
        headers = {SECRET_HEADER: self.config.secret_token} if self.config.secret_token else {}
        error: str | None = None
        try:
            async with self._session.post(self.config.url, json=update.payload,
                                          headers=headers) as response:
                await response.read()
                if not 200 <= response.status < 300:
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            error = f"Connection failed: {type(exc).__name__}"
        finally:
            self._in_flight.pop(update.update_id, None)
        if error is None:
            self._done(update)
            self.stats.delivered += 1
        else:
            self._failed(update, error)
        self.state.wake_polls()  # the chat is free again: let the scheduler look

    def _done(self, update: PendingUpdate) -> None:
        update.delivered = True
        self._attempts.pop(update.update_id, None)
        self._not_before.pop(update.update_id, None)
        with contextlib.suppress(ValueError):
            self.state.updates.remove(update)

    def _failed(self, update: PendingUpdate, error: str) -> None:
        self.stats.failed_tries += 1
        self.last_error_date = self.state.now()
        self.last_error_message = error
        tries = self._attempts.get(update.update_id, 0) + 1
        self._attempts[update.update_id] = tries
        if tries >= self.policy.max_tries:
            self.stats.given_up += 1
            self.stats.given_up_ids.append(update.update_id)
            self._done(update)
            return
        loop = asyncio.get_running_loop()
        self._not_before[update.update_id] = loop.time() + self.policy.delays[tries - 1]


def read_config(params: dict[str, Any]) -> WebhookConfig:
    """setWebhook's parameters, checked with Telegram's wording."""
    url = str(params.get("url") or "")
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.get("secret_token")
    if secret is not None and secret != "" and not _SECRET_SHAPE.match(str(secret)):
        raise bad_request("secret token contains unallowed characters")
    raw_max = params.get("max_connections")
    try:
        max_connections = int(raw_max) if raw_max not in (None, "") else DEFAULT_MAX_CONNECTIONS
    except (TypeError, ValueError):
        raise bad_request("invalid max_connections") from None
    if not 1 <= max_connections <= 100:
        raise bad_request("invalid max_connections")
    allowed = params.get("allowed_updates")
    return WebhookConfig(url, str(secret) if secret else None, max_connections,
                         list(allowed) if isinstance(allowed, list) else None)
