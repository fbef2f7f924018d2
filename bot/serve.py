"""`notch serve`: webhook mode, one of any number of processes sharing one database.

The order matters and follows python-telegram-bot's custom-webhook example, with the inbox in
the middle: the application starts without its updater (initialize, post_init opens and
migrates the database and starts the tick, start), the inbox's workers start, the socket
listens and uvicorn starts serving it, and only then is the webhook registered, so Telegram's
first POST finds a server. uvicorn runs on this event loop (`Server.serve()`), beside the bot.

SIGTERM or SIGINT drains: uvicorn stops accepting connections and lets the requests in flight
finish (each is an insert that commits, or a 503), then the inbox finishes what its workers hold,
then the application stops; HTTP_GRACE_S + DRAIN_TIMEOUT_S + the stop stay under the 10 s a
supervisor usually waits before SIGKILL (and a kill loses nothing: what was acknowledged is stored).

The webhook is not deleted on the way out: other processes behind the same URL may still be
serving it, and a restarting one wants Telegram to keep the updates coming (they wait on
Telegram's side, retried, until a process answers again). `notch run` deletes it when it
switches to polling, as PTB's `run_polling` does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from functools import partial

import uvicorn
from telegram import Update

from bot.app import NotchApp, begin_stop, build_application, closing_transports, inbox_of
from bot.services import Services, of_application
from bot.settings import Settings
from bot.web import WEBHOOK_PATH, ServeError, WebServer, create_app, listen
from storage.health import not_ready_reason

log = logging.getLogger(__name__)

# uvicorn's wait for requests in flight, then the inbox's for updates in hand; with the
# application's stop, comfortably under 10 s.
HTTP_GRACE_S = 3
DRAIN_TIMEOUT_S = 4.0


async def serve(settings: Settings) -> None:
    """Run webhook mode until SIGTERM or SIGINT, then drain and return."""
    public_url, secret = settings.require_webhook()
    application = build_application(settings)
    found = of_application(application)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    try:
        async with closing_transports(application), application:
            if application.post_init is not None:
                await application.post_init(application)
            await application.start()
            try:
                await _serve_http(application, found, settings, public_url, secret, stopping)
            finally:
                await application.stop()
                if application.post_stop is not None:
                    await application.post_stop(application)
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)


async def _serve_http(
    application: NotchApp,
    found: Services,
    settings: Settings,
    public_url: str,
    secret: str,
    stopping: asyncio.Event,
) -> None:
    """uvicorn and the inbox's workers, from listening to drained."""
    assert found.engine is not None  # post_init opened it
    # Listening before uvicorn starts: Telegram's first POST after setWebhook waits in the
    # kernel's backlog until uvicorn accepts it, so there is no start-up window to poll for.
    # Bound first of all, so a taken port stops start-up before any worker runs.
    listener = listen(settings.host, settings.port)
    inbox = inbox_of(application)
    inbox.start(application)
    app = create_app(inbox=inbox, secret=secret, ready=partial(not_ready_reason, found.engine))
    server = WebServer(
        uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            lifespan="off",
            access_log=False,
            log_config=None,  # our logging (token redacted), not uvicorn's dictConfig
            timeout_graceful_shutdown=HTTP_GRACE_S,
        )
    )
    listening = asyncio.create_task(server.serve(sockets=[listener]))
    stop_waiter = asyncio.create_task(stopping.wait())
    try:
        await application.bot.set_webhook(
            public_url + WEBHOOK_PATH, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
        host, port = listener.getsockname()[:2]
        log.info("serving the webhook at %s%s on %s:%d", public_url, WEBHOOK_PATH, host, port)
        await asyncio.wait({listening, stop_waiter}, return_when=asyncio.FIRST_COMPLETED)
        if listening.done() and not stopping.is_set():
            listening.result()  # uvicorn's own failure, raised here
            raise ServeError("the web server stopped on its own; the log says why")
    finally:
        begin_stop(application)  # the tick's sends stop between messages (bot.app)
        server.should_exit = True  # stop accepting; requests in flight finish (HTTP_GRACE_S)
        stop_waiter.cancel()
        with contextlib.suppress(SystemExit):
            await listening
        listener.close()
        await inbox.drain(DRAIN_TIMEOUT_S)
