"""The optional celebration: a reaction on the user's own success message.

Words register the success (checkin.py); this is the extra the user can switch off in /settings
(``User.celebrate``). It is called where a typed "done" or a "what made it work?" reply is
recorded. A reaction that fails (message gone, Telegram refusing) is only logged: the success is
already registered and must not look like an error.
"""

from __future__ import annotations

import logging
from typing import Final

from telegram import Message
from telegram.constants import ReactionEmoji
from telegram.error import TelegramError

from bot.context import NotchContext
from storage.models import User

log = logging.getLogger(__name__)

REACTION: Final = ReactionEmoji.PARTY_POPPER  # one of the emoji Telegram allows bots


async def celebrate(context: NotchContext, message: Message, user: User) -> bool:
    """React to the user's `message` if they have celebrations on; True if it reacted."""
    if not user.celebrate:
        return False
    try:
        await context.bot.set_message_reaction(message.chat_id, message.message_id, REACTION)
    except TelegramError as exc:
        log.warning("could not react to message %s: %s", message.message_id, exc)
        return False
    return True
