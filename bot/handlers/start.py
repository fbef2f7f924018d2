"""/start: meet the user, remember them, and explain the method in plain words."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes, filters

from bot import texts
from bot.handlers.base import Handlers
from bot.services import services
from storage.users import upsert_telegram_user


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    async with services(context).session() as session:
        await upsert_telegram_user(
            session,
            telegram_user_id=user.id,
            chat_id=message.chat_id,
            first_name=user.first_name,
            language_code=user.language_code,
        )
        await session.commit()
    await message.reply_text(texts.greeting(user.first_name))
    await message.reply_text(texts.METHOD)


def handlers() -> Handlers:
    return [(0, CommandHandler("start", start, filters=filters.ChatType.PRIVATE))]
