"""/help: the list of commands, built from the same table as Telegram's command menu."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot import texts
from bot.context import NotchContext
from bot.handlers.base import Group, Handlers


async def show_help(update: Update, context: NotchContext) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.help_text())


def handlers() -> Handlers:
    return [(Group.COMMANDS, CommandHandler("help", show_help, filters=filters.ChatType.PRIVATE))]
