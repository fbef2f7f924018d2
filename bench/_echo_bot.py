"""python-telegram-bot's own echo bot in the shape of its custom-webhook example, the peer of
bench/replies.py: Starlette + uvicorn, the Application without its updater, each POST put on
the update queue and answered 200 at once (the in-memory hand-off Notch's inbox replaces).

Usage: _echo_bot.py BASE_URL TOKEN PORT SECRET
"""

from __future__ import annotations

import asyncio
import sys

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def main(base_url: str, token: str, port: int, secret: str) -> None:
    application = Application.builder().token(token).base_url(base_url).updater(None).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    await application.bot.set_webhook(f"http://127.0.0.1:{port}/telegram", secret_token=secret,
                                      allowed_updates=Update.ALL_TYPES)

    async def telegram(request: Request) -> Response:
        if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != secret:
            return Response(status_code=403)
        await application.update_queue.put(Update.de_json(await request.json(), application.bot))
        return Response()

    async def health(_: Request) -> PlainTextResponse:
        return PlainTextResponse("The bot is still running fine :)")

    starlette_app = Starlette(routes=[
        Route("/telegram", telegram, methods=["POST"]),
        Route("/healthcheck", health, methods=["GET"]),
    ])
    server = uvicorn.Server(uvicorn.Config(starlette_app, host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False))
    async with application:
        await application.start()
        await server.serve()
        await application.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]))
