"""The webhook's HTTP face: Telegram posts updates here, load balancers probe here.

Shaped like python-telegram-bot's custom-webhook example (Starlette; the `Application` runs
without its updater), with one difference that matters: the example puts each update on an
in-memory queue and answers 200 at once, so a process that dies afterwards loses it. Here an
update is answered 200 only after the inbox committed it to the database; anything that keeps
it from being stored answers 503, and Telegram delivers it again.

An update Telegram should never send again answers 4xx: a wrong secret (403), a body over the
limit (413), a body that is not a JSON object with an integer `update_id` (400). A well-formed
update whose shape python-telegram-bot cannot parse is not this layer's business: it is stored
and answered 200 like any other, and the inbox sets it aside later, so no update is asked for
forever.

`create_app` takes the routes of later features (the dashboard) as `routes`; the app also
stays an ordinary Starlette app whose router can be extended.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import socket
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

log = logging.getLogger(__name__)

# A fixed path (the secret travels in a header, not in the URL, so the path need not be secret
# and never lands in a proxy's access log); `PUBLIC_URL` + this is what setWebhook registers.
WEBHOOK_PATH = "/telegram"
SECRET_HEADER = "x-telegram-bot-api-secret-token"
# Telegram's largest updates (a long message with entities, a poll, a payment) are a few KiB;
# 1 MiB leaves room for any real one and bounds what a request may make this process hold.
MAX_BODY_BYTES = 1024 * 1024
# update_id is stored as a signed 64-bit key: a larger number could never be inserted, and a
# 503 for it would have Telegram (or whoever sent it) retry forever.
_MAX_UPDATE_ID = 2**63 - 1
# Telegram opens at most max_connections (default 40) at once per bot; a load balancer's
# bursts queue here rather than being refused.
_BACKLOG = 2048


class ServeError(RuntimeError):
    """Webhook mode cannot start or stopped on its own; the message is one printable line."""


class UpdateSink(Protocol):
    """Where accepted updates go: `bot.inbox.Inbox` (commits, then wakes the workers)."""

    async def accept(self, payloads: Sequence[Mapping[str, Any]]) -> int: ...


Readiness = Callable[[], Awaitable[str | None]]
"""None when this process can take traffic, else one line saying why not."""


class _TooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused as soon as it passes `limit`: Content-Length may be absent (chunked)
    or wrong, so the stream itself is counted."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _update_of(body: bytes) -> dict[str, Any] | str:
    """The update as a dict, or why it is not one (for the log line; never echoed back)."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return "the body is not JSON"
    if not isinstance(payload, dict):
        return "the body is not a JSON object"
    update_id = payload.get("update_id")
    # bool is an int subclass: `true` is not an update_id.
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        return "the update has no integer update_id"
    if not 0 <= update_id <= _MAX_UPDATE_ID:
        return f"update_id {update_id} is out of range"
    return payload


def create_app(
    *,
    inbox: UpdateSink,
    secret: str,
    ready: Readiness,
    routes: Sequence[BaseRoute] = (),
    max_body_bytes: int = MAX_BODY_BYTES,
) -> Starlette:
    """The ASGI app `notch serve` runs: the webhook, /healthz, /readyz and `routes`."""
    expected = secret.encode()

    async def webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        # compare_digest: the time taken does not tell how much of a guess was right.
        if not hmac.compare_digest(given, expected):
            # DEBUG only: anyone on the internet can send these, and each must not cost a line.
            log.debug("webhook: refused a request without the right secret")
            return Response(status_code=403)
        try:
            body = await _read_body(request, max_body_bytes)
        except _TooLarge:
            log.warning("webhook: refused a body over %d bytes", max_body_bytes)
            return Response(status_code=413)
        update = _update_of(body)
        if isinstance(update, str):
            log.warning("webhook: refused a malformed update (%s)", update)
            return Response(status_code=400)
        try:
            await inbox.accept([update])
        except Exception:
            # Not stored, so not acknowledged: Telegram sends it again later.
            log.exception("webhook: could not store update %s; answered 503", update["update_id"])
            return Response(status_code=503)
        return Response(status_code=200)

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("alive\n")

    async def readyz(request: Request) -> Response:
        reason = await ready()
        if reason is not None:
            return PlainTextResponse(f"not ready: {reason}\n", status_code=503)
        return PlainTextResponse("ready\n")

    return Starlette(
        routes=[
            Route(WEBHOOK_PATH, webhook, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            *routes,
        ]
    )


class WebServer(uvicorn.Server):
    """uvicorn's server with its signal handling left to `serve`.

    uvicorn's own handlers re-raise the signal once it has shut down, which would end the
    process before the inbox drained and the application stopped.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound here so a taken port is one clear line, not uvicorn's exit."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    listener.listen(_BACKLOG)
    return listener
