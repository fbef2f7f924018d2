"""my_chat_member: the user blocked the bot (stop writing) or let it back in (resume)."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.ext import ChatMemberHandler

from bot.context import NotchContext
from bot.handlers.base import Group, Handlers
from storage.scheduling import mark_blocked, mark_unblocked
from storage.users import get_user_by_telegram_id

log = logging.getLogger(__name__)


async def on_member(update: Update, context: NotchContext) -> None:
    change, chat = update.my_chat_member, update.effective_chat
    if change is None or chat is None or chat.type != "private":
        return
    async with context.db() as session:
        user = await get_user_by_telegram_id(session, change.from_user.id)
        if user is None or user.id is None:
            return  # never met: nothing to stop or resume
        status = change.new_chat_member.status
        if status in (ChatMember.BANNED, ChatMember.LEFT):
            changed = await mark_blocked(session, user.id)
            log.info("user %s blocked the bot; sending stops (%s)", user.id, changed)
        elif status == ChatMember.MEMBER:
            changed = await mark_unblocked(session, user.id, context.now)
            log.info("user %s unblocked the bot; sending resumes (%s)", user.id, changed)


def handlers() -> Handlers:
    return [(Group.COMMANDS, ChatMemberHandler(on_member, ChatMemberHandler.MY_CHAT_MEMBER))]
