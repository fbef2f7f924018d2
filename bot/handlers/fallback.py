"""What no topic took, and input no topic should see.

`Group.GUARD` runs before every topic: group chats (Notch coaches only in private and says so
once per group, remembered in `group_notices`) and edited messages (never read, so an edit can't
record anything twice). Unknown commands get the list of known ones (`Group.FALLBACK`); free
text, very long text and non-text messages that nothing asked for get a helpful answer from the
router instead of silence.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot import texts
from bot.context import NotchContext
from bot.handlers.base import Group, Handlers
from bot.i18n import _
from core.router import Action, OpenState
from storage.group_notices import claim_group_notice

# What the router's "nobody asked for this" decisions say (free text: `texts.unknown_text`).
REPLIES = {
    Action.NOT_TEXT: texts.NOT_TEXT,
    Action.LONG_TEXT: texts.LONG_TEXT,
}


async def group_chat(update: Update, context: NotchContext) -> None:
    chat = update.effective_chat
    if chat is not None:
        async with context.db() as session:
            first_time = await claim_group_notice(session, chat.id, context.now)
        if first_time:
            await context.bot.send_message(chat.id, _(texts.PRIVATE_ONLY))


async def edited(update: Update, context: NotchContext) -> None:
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, _(texts.EDITS_NOT_READ))


async def unknown_command(update: Update, context: NotchContext) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    command = message.text.split()[0].split("@")[0]
    await message.reply_text(texts.unknown_command(command))


async def nobody_asked(update: Update, action: Action, state: OpenState) -> None:
    """The router found no one this message answers: say what would help, for free text what
    the person can type now (`state`: set up yet? today's challenge waiting?)."""
    if update.effective_message is None:
        return
    fixed = REPLIES.get(action)
    reply = _(fixed) if fixed else texts.unknown_text(onboarded=state.onboarded,
                                                      waiting=state.challenge_waiting)
    await update.effective_message.reply_text(reply)


def handlers() -> Handlers:
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    return [
        (Group.GUARD, MessageHandler(~filters.ChatType.PRIVATE, group_chat)),
        (Group.GUARD, MessageHandler(filters.UpdateType.EDITED, edited)),
        (Group.FALLBACK, MessageHandler(private & filters.COMMAND, unknown_command)),
    ]
