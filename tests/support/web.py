"""The webhook app on a real socket: uvicorn on 127.0.0.1, an ephemeral port, this event loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.applications import Starlette

from bot.web import WebServer, listen


@asynccontextmanager
async def listening(app: Starlette) -> AsyncIterator[str]:
    """Serve `app` as `notch serve` does (same server class, same socket set-up); yields the
    base URL."""
    listener = listen("127.0.0.1", 0)
    server = WebServer(uvicorn.Config(app, lifespan="off", access_log=False, log_config=None))
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        await serving
        listener.close()
