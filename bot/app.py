"""The Telegram `Application`, built in one place: PTB's builder, `post_init`, `post_shutdown`."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, Final

from telegram import MenuButtonCommands, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    ContextTypes,
)

from bot import handlers, scheduler, texts, timezone_lookup
from bot.context import NotchContext
from bot.http import AiohttpRequest
from bot.i18n import DEFAULT_LOCALE, _, available_locales
from bot.inbox import Inbox
from bot.keyboards import command_menu
from bot.lanes import BroadcastLane, ReplyRateLimiter
from bot.services import Clock, Services, attach, of_application, utc_now
from bot.settings import Settings
from storage.db import create_engine, make_session_factory
from storage.migrate import upgrade

# Opt in to PTB's timedelta API: RetryAfter.retry_after as an int is deprecated since 22.2.
os.environ.setdefault("PTB_TIMEDELTA", "true")

log = logging.getLogger(__name__)

NotchApp = Application[Any, Any, Any, Any, Any, Any]


def build_application(
    settings: Settings,
    *,
    token: str | None = None,
    clock: Clock = utc_now,
    pace_replies: bool = True,
) -> NotchApp:
    """Build the bot; `token` overrides the settings' (the sandbox uses the emulator's);
    `pace_replies=False` drops Telegram's per-chat pace (a local Bot API that has none)."""
    bot_token = token or settings.token
    if not bot_token:
        raise ValueError("a bot token is needed to build the application")
    transports = (AiohttpRequest(connections=SEND_CONNECTIONS), AiohttpRequest(connections=1))
    application = (
        ApplicationBuilder()
        .token(bot_token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_file_base_url)
        .context_types(ContextTypes(context=NotchContext))
        # Replies go out at once (per-chat pace only); scheduled sends take the shared
        # broadcast budget in bot.sender.deliver (bot/lanes.py).
        .rate_limiter(ReplyRateLimiter(pace=pace_replies))
        # PTB's own transport interface on aiohttp: a quarter of httpx's CPU per request
        # (docs/BENCHMARKS.md, "Fan-out: where a tick's time goes").
        .request(transports[0])
        .get_updates_request(transports[1])
        .updater(None)  # updates come in through the inbox (bot.inbox), stored before handled
        .post_init(_open)
        .post_shutdown(_close)
        .build()
    )
    found = Services(settings=settings, clock=clock)
    found.inbox = Inbox(found)
    found.transports = transports
    attach(application.bot_data, found)
    handlers.register(application)
    application.add_error_handler(_report_error)
    return application


SEND_CONNECTIONS: Final = 64
"""Connections to the Bot API: the fan-out's sends in flight plus the replies beside them."""
DRAIN_TIMEOUT: Final = 8.0
"""Seconds a stopping process gives the updates in hand (SIGTERM must end within 10 s)."""


def inbox_of(application: NotchApp) -> Inbox:
    found = of_application(application).inbox
    assert found is not None
    return found


@asynccontextmanager
async def serving(application: NotchApp, *, poll_timeout: int = 10,
                  poll: bool = True) -> AsyncIterator[NotchApp]:
    """Long polling through the inbox, without taking over the event loop (the sandbox and the
    tests share theirs with the emulator): PTB's hooks in `run_polling`'s order, `getUpdates`
    into the inbox, this process's workers handling it; on exit the same drain as SIGTERM's.
    Without `poll` (a worker beside the process that polls or serves the webhook), the workers
    and the tick run and nothing is fetched."""
    inbox = inbox_of(application)
    async with closing_transports(application), application:
        if application.post_init is not None:
            await application.post_init(application)
        if poll:
            await application.bot.delete_webhook(drop_pending_updates=False)
        await application.start()
        inbox.start(application)
        polling = asyncio.create_task(inbox.poll(application, timeout=poll_timeout),
                                      name="notch-poll") if poll else None
        try:
            yield application
        finally:
            begin_stop(application)
            if polling is not None:
                polling.cancel()
                await asyncio.gather(polling, return_exceptions=True)
            await inbox.drain(DRAIN_TIMEOUT)
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


def begin_stop(application: NotchApp) -> None:
    """The first step of a graceful stop: the fan-out sends nothing new from here on."""
    of_application(application).stopping.set()


@asynccontextmanager
async def closing_transports(application: NotchApp) -> AsyncIterator[None]:
    """Close the HTTP sessions when start-up fails too: PTB shuts its requests down only after
    a successful start (a rejected token fails in `getMe`, before that)."""
    try:
        yield
    finally:
        for transport in of_application(application).transports:
            await transport.shutdown()


async def poll_until_stopped(application: NotchApp, *, poll: bool = True) -> None:
    """`notch run`: serve by long polling (`notch run --worker`: handle only) until SIGINT or
    SIGTERM, then drain and exit."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with serving(application, poll=poll):
        await stop.wait()
        log.info("stopping: finishing the updates in hand")


async def _publish_commands(application: NotchApp) -> None:
    """The command menu in English for everyone, and in each offered language for the users
    whose Telegram speaks it (setMyCommands with language_code)."""
    for code in available_locales():
        language = None if code == DEFAULT_LOCALE else code.split("_")[0]
        await application.bot.set_my_commands(command_menu(code), language_code=language)


async def _open(application: NotchApp) -> None:
    """Open and migrate the database, then publish the command menu."""
    found = of_application(application)
    found.engine = create_engine(found.settings.database_url)
    await upgrade(found.engine)
    found.sessions = make_session_factory(found.engine)
    found.broadcast = BroadcastLane(found.session, found.settings.broadcast_per_second)
    await _publish_commands(application)
    await application.bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    scheduler.start(application)  # the tick: every 30 s, due rows become messages
    # The place index (~2 s) off the loop, then the start-up heap is set aside for the GC.
    preload_in_background(then=settle_heap)


_preload_started = threading.Event()


def preload_in_background(then: Callable[[], None] | None = None) -> None:
    """Build the city index and TimezoneFinder (~2 s) in a daemon thread, once per process.

    Called from post_init: start-up is not delayed, and the first time-zone answer usually finds
    the index ready (if not, `bot.answers.read_zone_text` runs the lookup in a thread anyway).
    `then` runs in the same thread afterwards, whether the preload worked or not.
    """
    if _preload_started.is_set():
        return
    _preload_started.set()

    def run() -> None:
        try:
            timezone_lookup.preload()
        except Exception:  # a missing data file must not kill start-up; the lookup retries lazily
            log.warning("preloading the time-zone index failed", exc_info=True)
        if then is not None:
            then()

    threading.Thread(target=run, name="notch-tz-preload", daemon=True).start()


def settle_heap() -> None:
    """Freeze what start-up built (imports, the place index): it lives as long as the process.

    A full garbage-collection pass holds the GIL, so it stalls the event loop, and it scans
    every tracked object: ~240,000 after start-up, ~130 ms a pass on this machine. /progress
    leaves tens of thousands of matplotlib objects in reference cycles, so a full pass comes
    every few charts. Frozen objects are never scanned again (`gc.freeze`, made for exactly
    this), which takes the pass down to the objects made since (docs/BENCHMARKS.md, charts).
    """
    gc.collect()  # what start-up left as garbage goes first; frozen garbage would stay
    gc.freeze()


async def _close(application: NotchApp) -> None:
    found = of_application(application)
    if found.engine is not None:
        await found.engine.dispose()


async def _report_error(update: object, context: NotchContext) -> None:
    """Log every handler failure (never swallow it) and ask the user to send it again.

    Then stop: PTB would otherwise offer the failed update to the later handler groups, and
    the fallback would answer a /start that just failed with "I don't know /start".
    """
    inbox = context.services.inbox
    if isinstance(update, Update) and inbox is not None and inbox.owns(update.update_id):
        # The inbox tries it again, and apologises only if it keeps failing (bot.inbox).
        inbox.failed(update.update_id, context.error or RuntimeError("unknown failure"))
        raise ApplicationHandlerStop
    log.error("handler failed", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        apology = _(texts.INTERNAL_ERROR)  # in the writer's language: the inbox set it
        try:
            await context.bot.send_message(update.effective_chat.id, apology)
        except Exception:  # the failure may be Telegram itself; the log above already has it
            log.warning("could not tell the user about the failure", exc_info=True)
    raise ApplicationHandlerStop
