"""The optional celebration: a reaction on the user's own success message.

Words register the success (checkin.py); this is the extra the user can switch off in /settings
(``User.celebrate``). It is called by the check-in handlers where a typed "done" or a "what made
it work?" reply is recorded. A reaction that fails (message gone, Telegram refusing) is only
logged: the success is already registered and must not look like an error.
"""

from __future__ import annotations

import logging
from typing import Final

from telegram import Update
from telegram.constants import ReactionEmoji
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.handlers.base import speaker
from storage.users import get_user_by_telegram_id

log = logging.getLogger(__name__)

REACTION: Final = ReactionEmoji.PARTY_POPPER  # one of the emoji Telegram allows bots


async def celebrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """React to the update's message if the user has celebrations on; True if it reacted."""
    said = speaker(update, context)
    if said is None:
        return False
    message = said.message
    async with said.session() as session:
        user = await get_user_by_telegram_id(session, said.sender.id)
    if user is None or not user.celebrate:
        return False
    try:
        await context.bot.set_message_reaction(message.chat_id, message.message_id, REACTION)
    except TelegramError as exc:
        log.warning("could not react to message %s: %s", message.message_id, exc)
        return False
    return True
