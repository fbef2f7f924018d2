"""What no topic took, and input no topic should see.

Group -1 runs before every topic: group chats (Notch coaches only in private and says so once
per group, remembered in `group_notices`) and edited messages (never read, so an edit can't
record anything twice). Group 9 runs last: unknown commands, free text, very long text and
non-text messages get a helpful answer instead of silence.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes, MessageHandler, filters

from bot import texts
from bot.handlers.base import Handlers
from bot.services import services
from storage.group_notices import claim_group_notice

LONG_TEXT = 1000  # characters: no answer Notch asks for is anywhere near this long


async def group_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is not None:
        found = services(context)
        async with found.session() as session:
            first_time = await claim_group_notice(session, chat.id, found.clock())
            await session.commit()
        if first_time:
            await context.bot.send_message(chat.id, texts.PRIVATE_ONLY)
    raise ApplicationHandlerStop


async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, texts.EDITS_NOT_READ)
    raise ApplicationHandlerStop


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    command = message.text.split()[0].split("@")[0]
    await message.reply_text(texts.unknown_command(command))


async def unknown_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:
        long = len(message.text) > LONG_TEXT
        await message.reply_text(texts.LONG_TEXT if long else texts.UNKNOWN_TEXT)


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.NOT_TEXT)


def handlers() -> Handlers:
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    return [
        (-1, MessageHandler(~filters.ChatType.PRIVATE, group_chat)),
        (-1, MessageHandler(filters.UpdateType.EDITED, edited)),
        (9, MessageHandler(private & filters.COMMAND, unknown_command)),
        (9, MessageHandler(private & filters.TEXT, unknown_text)),
        (9, MessageHandler(private & ~filters.TEXT, not_text)),
    ]
