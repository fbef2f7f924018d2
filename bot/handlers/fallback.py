"""Whatever no other handler took: a helpful answer instead of silence.

Registered last, so it only sees unknown commands, free text and non-text messages.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from bot import texts
from bot.handlers.base import Handlers


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    command = message.text.split()[0].split("@")[0]
    await message.reply_text(texts.unknown_command(command))


async def unknown_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.UNKNOWN_TEXT)


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.NOT_TEXT)


async def group_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.PRIVATE_ONLY)


def handlers() -> Handlers:
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    return [
        (9, MessageHandler(private & filters.COMMAND, unknown_command)),
        (9, MessageHandler(private & filters.TEXT, unknown_text)),
        (9, MessageHandler(private & ~filters.TEXT, not_text)),
        (9, MessageHandler(filters.ChatType.GROUPS & filters.COMMAND, group_chat)),
    ]
