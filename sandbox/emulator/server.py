"""The HTTP face of the emulator: Telegram's wire format on 127.0.0.1 and the long poll."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from sandbox.emulator.errors import CONFLICT, WEBHOOK_ACTIVE, ApiError, bad_request
from sandbox.emulator.faults import Fault, FaultBook
from sandbox.emulator.limits import FloodGate, Limits
from sandbox.emulator.methods import BotApi, as_int, flag
from sandbox.emulator.state import EmulatorState, Upload
from sandbox.emulator.user import EmulatedChat, EmulatedUser
from sandbox.emulator.webhook import RetryPolicy, WebhookDeliverer, WebhookStats, read_config

# Parameters that travel as JSON strings in form and multipart bodies.
JSON_FIELDS = frozenset({
    "reply_markup", "entities", "caption_entities", "commands", "scope", "menu_button",
    "reaction", "link_preview_options", "reply_parameters", "allowed_updates",
})


class BotApiEmulator:
    """A local stand-in for api.telegram.org that the bot reaches through PTB's base_url."""

    def __init__(self, token: str = "123456:TEST-TOKEN", bot_username: str = "notch_sandbox_bot",
                 clock: Callable[[], float] = time.time, *, port: int = 0,
                 host: str = "127.0.0.1", bot_first_name: str = "Notch",
                 callback_query_ttl: float | None = None, limits: Limits | None = None,
                 webhook_retry: RetryPolicy | None = None) -> None:
        """`callback_query_ttl`: seconds after a press when answerCallbackQuery starts failing
        with "query is too old" (Telegram allows about 15; None = never). `limits`: answer
        sends beyond Telegram's flood limits with 429 (off by default). `webhook_retry`: how
        often and how soon a failed webhook delivery is tried again."""
        self.token = token
        self.host, self.port = host, port
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 123456
        bot_user = {"id": bot_id, "is_bot": True, "first_name": bot_first_name,
                    "username": bot_username, "can_join_groups": True,
                    "can_read_all_group_messages": False, "supports_inline_queries": False,
                    "can_connect_to_business": False, "has_main_web_app": False}
        self.state = EmulatorState(clock, bot_user)
        self.api = BotApi(self.state, callback_query_ttl)
        self.faults = FaultBook()
        self.flood = FloodGate(limits, limits.clock or clock) if limits is not None else None
        self.webhook_stats = WebhookStats()
        self._webhook_retry = webhook_retry or RetryPolicy()
        self._webhook: WebhookDeliverer | None = None
        self.api.handlers.update({"setWebhook": self._set_webhook,
                                  "deleteWebhook": self._delete_webhook,
                                  "getWebhookInfo": self._get_webhook_info})
        self.calls: list[tuple[str, dict[str, Any]]] = []
        # A test's lens on the bot's requests: each method's parameters pass through it before
        # the method runs (the pseudo-locale run records sentences and takes their marks off).
        self.rewrite: Callable[[str, dict[str, Any]], dict[str, Any]] | None = None
        self._methods = {name.lower(): name for name in [*self.api.handlers, "getUpdates"]}
        self._runner: web.AppRunner | None = None
        self._stopping = asyncio.Event()
        self._poll_generation = 0
        self._inflight = 0
        self._busy: list[Callable[[], bool]] = []
        self._last_activity = 0.0
        self._users: dict[int, EmulatedUser] = {}
        self._groups: dict[int, EmulatedChat] = {}

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> BotApiEmulator:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self._stopping.clear()
        self._last_activity = asyncio.get_running_loop().time()
        return self

    async def stop(self) -> None:
        """Release every waiting long poll with an empty answer, then close the port."""
        self._stopping.set()
        self.state.wake_polls()
        await self._drop_webhook()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiEmulator:
        return await self.start()

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        return self.state.bot_user

    @property
    def commands(self) -> list[dict[str, str]] | None:
        return self.state.commands

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return [update.payload for update in self.state.updates]

    # ------------------------------------------------------------ test-side API

    def private_chat(self, user_id: int = 1001, first_name: str = "Ada",
                     language_code: str | None = "en", *, last_name: str | None = None,
                     username: str | None = None) -> EmulatedUser:
        """The user (and their private chat with the bot; its id equals the user id)."""
        if user_id not in self._users:
            self._users[user_id] = EmulatedUser(self.state, user_id, first_name, language_code,
                                                last_name=last_name, username=username)
        return self._users[user_id]

    def group_chat(self, chat_id: int = -1001, title: str = "Friends") -> EmulatedChat:
        if chat_id not in self._groups:
            kind = "supergroup" if chat_id <= -1_000_000_000_000 else "group"
            self._groups[chat_id] = EmulatedChat.create(self.state, {
                "id": chat_id, "type": kind, "title": title})
        return self._groups[chat_id]

    def inject_fault(self, method: str | None = "sendMessage", *, status: int | None = 429,
                     retry_after: int | None = None, description: str | None = None,
                     delay: float = 0.0, times: int = 1, chat_id: int | str | None = None) -> Fault:
        """The next `times` calls of `method` (None = any) for `chat_id` (None = any) fail with
        `status`, or only answer after `delay` seconds when status is None."""
        return self.faults.add(Fault(method, status, retry_after, description, delay, times,
                                     chat_id))

    def inject_update(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue `payload` as an update exactly as given (any shape, even one PTB cannot parse),
        for getUpdates and the webhook alike; an `update_id` is added when it has none, and a
        given one is kept (a duplicate delivery is one injected twice)."""
        return self.state.push_raw(payload)

    @property
    def too_many_requests(self) -> int:
        """429s the flood limits gave (0 without `limits`)."""
        return self.flood.too_many if self.flood is not None else 0

    def too_many_requests_to(self, chat_id: int) -> int:
        return self.flood.too_many_by_chat[chat_id] if self.flood is not None else 0

    @property
    def webhook_url(self) -> str | None:
        return self._webhook.config.url if self._webhook is not None else None

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    def busy_while(self, check: Callable[[], bool]) -> None:
        """Make `settle` also wait while `check()` says the client is still at work (a bot still
        handling an update it fetched): quiet on the wire alone can come between a handler's
        first call and its last, when its database work takes longer than `quiet`."""
        self._busy.append(check)

    async def settle(self, quiet: float = 0.2, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until every queued update was fetched, the client is not at work (`busy_while`)
        and no API call came for `quiet` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        # Always suspend once: a caller that settles in a loop (waiting for the bot's first call)
        # must let the bot's tasks run even when the emulator is already quiet.
        await asyncio.sleep(0)
        while True:
            now = loop.time()
            fetched = all(update.delivered for update in self.state.updates)
            posting = self._webhook is not None and self._webhook.busy
            idle = (fetched and self._inflight == 0 and not posting
                    and not any(busy() for busy in self._busy))
            if idle and now - self._last_activity >= quiet:
                return
            if now >= deadline:
                waiting = [u.payload for u in self.state.updates if not u.delivered]
                raise AssertionError(
                    f"emulator did not settle within {timeout}s: {len(waiting)} updates never "
                    f"fetched, {self._inflight} calls in flight; last calls: {self.calls[-5:]}")
            await asyncio.sleep(min(0.02, quiet / 4 or 0.01))

    # ------------------------------------------------------------ HTTP

    async def _not_found(self, request: web.Request) -> web.Response:
        return _answer(ApiError(404, "Not Found").body(), 404)

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _answer(ApiError(401, "Unauthorized").body(), 401)
        path = request.match_info["path"]
        for stored in self.state.files.values():
            if stored.file_path == path:
                return web.Response(body=stored.data,
                                    content_type=stored.mime_type or "application/octet-stream")
        return _answer(ApiError(404, "Not Found").body(), 404)

    async def _handle(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        method = self._methods.get(name.lower(), name)
        polling = method == "getUpdates"
        if not polling:
            self._inflight += 1
        try:
            try:
                params = await _read_params(request)
            except ApiError:
                self.calls.append((method, {}))
                raise
            self.calls.append((method, params))
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            if name.lower() not in self._methods:
                raise ApiError(404, "Not Found")
            fault = self.faults.take(method, params)
            if fault is not None:
                await self._sleep(fault.delay)
                error = fault.error()
                if error is not None:
                    raise error
            if self.flood is not None:
                self.flood.admit(method, params)
            if polling:
                result = await self._get_updates(params, request)
            else:
                if self.rewrite is not None:
                    params = self.rewrite(method, params)
                result = await self.api.handlers[method](params)
            return _answer({"ok": True, "result": result}, 200)
        except ApiError as error:
            return _answer(error.body(), error.status)
        finally:
            if not polling:
                self._inflight -= 1
                self._last_activity = asyncio.get_running_loop().time()

    async def _sleep(self, seconds: float) -> None:
        """A delay that ends early at shutdown, so a slow answer never holds up stop()."""
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _get_updates(self, params: dict[str, Any], request: web.Request) -> Any:
        """A real long poll: a newer poll terminates this one (409), stop() releases it."""
        if self._webhook is not None:
            raise ApiError(409, WEBHOOK_ACTIVE)
        offset = as_int(params.get("offset", 0), "offset is invalid")
        limit = min(max(as_int(params.get("limit", 100), "limit is invalid"), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        if isinstance(params.get("allowed_updates"), list):
            self.state.allowed_updates = params["allowed_updates"] or None
        self._poll_generation += 1
        generation = self._poll_generation
        self.state.wake_polls()  # an older poll still waiting learns it was superseded
        self.state.confirm(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT)
            if self._stopping.is_set():
                return []
            batch = self.state.deliverable(limit)
            if batch:
                if request.transport is None or request.transport.is_closing():
                    return []  # the client is gone; keep the updates for the next poll
                for update in batch:
                    update.delivered = True
                self._last_activity = loop.time()
                return [update.payload for update in batch]
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.state.wake_event.wait(), remaining)


    # ------------------------------------------------------------ webhook

    async def _set_webhook(self, params: dict[str, Any]) -> Any:
        config = read_config(params)
        await self._drop_webhook()
        if flag(params.get("drop_pending_updates")):
            self.state.updates.clear()
        if config.allowed_updates is not None:
            self.state.allowed_updates = config.allowed_updates or None
        self._webhook = WebhookDeliverer(self.state, config, self._webhook_retry,
                                         self.webhook_stats)
        self._webhook.start()
        self.state.wake_polls()  # a waiting long poll learns it lost to the webhook
        return True

    async def _delete_webhook(self, params: dict[str, Any]) -> Any:
        await self._drop_webhook()
        if flag(params.get("drop_pending_updates")):
            self.state.updates.clear()
        return True

    async def _drop_webhook(self) -> None:
        webhook, self._webhook = self._webhook, None
        if webhook is not None:
            await webhook.stop()

    async def _get_webhook_info(self, params: dict[str, Any]) -> Any:
        info: dict[str, Any] = {"url": "", "has_custom_certificate": False,
                                "pending_update_count": len(self.state.updates)}
        webhook = self._webhook
        if webhook is not None:
            info["url"] = webhook.config.url
            info["max_connections"] = webhook.config.max_connections
            if webhook.config.allowed_updates is not None:
                info["allowed_updates"] = webhook.config.allowed_updates
            if webhook.last_error_date is not None:
                info["last_error_date"] = webhook.last_error_date
                info["last_error_message"] = webhook.last_error_message
        return info


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Query string, form, multipart or JSON, with nested JSON-string fields decoded."""
    params: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON") from None
            if not isinstance(body, dict):
                raise bad_request("can't parse JSON object")
            params.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded",
                                      "multipart/form-data"):
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    params[key] = Upload(value.file.read(), value.filename, value.content_type)
                else:
                    params[key] = value
    for key, value in list(params.items()):
        if key in JSON_FIELDS and isinstance(value, str | bytes):
            try:
                params[key] = json.loads(value)
            except ValueError:
                if key == "reply_markup":
                    raise bad_request("can't parse reply keyboard markup JSON object") from None
                raise bad_request(f"can't parse {key} JSON object") from None
        elif isinstance(value, str) and value.startswith("attach://"):
            params[key] = params.get(value.removeprefix("attach://"), value)
    return params


def _answer(body: dict[str, Any], status: int) -> web.Response:
    return web.json_response(body, status=status)



