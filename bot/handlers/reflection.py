"""Doubt in words ("I can't", "too hard", "no way", "impossible") answered with the person's own
record: three dated successes from the mastery log, not encouragement.

Group 8, after every topic that owns typed answers and before the fallback, and only when no
conversation row owns the text: a doubt typed as the answer to an open question belongs to it.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes, MessageHandler, filters

from bot.handlers.base import Handlers
from bot.replay import goal_log, replay_text
from bot.services import services
from bot.texts import efficacy as texts
from core.evidence import ReplayReason, should_replay
from core.replies import expresses_doubt
from storage.conversations import get_conversation
from storage.goals import active_goal
from storage.users import get_user_by_telegram_id

GROUP = 8


async def on_doubt(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, sender = update.effective_message, update.effective_user
    if message is None or message.text is None or sender is None:
        return
    if not expresses_doubt(message.text):
        return
    found = services(context)
    async with found.session() as session:
        user = await get_user_by_telegram_id(session, sender.id)
        if user is None or user.id is None or await get_conversation(session, user.id):
            return
        goal = await active_goal(session, user.id)
        if goal is None:
            return  # not onboarded: the fallback says how to start
        _, log = await goal_log(session, goal)
    reason = should_replay(log, text=message.text)
    text = replay_text(goal, log, reason) if reason is ReplayReason.DOUBT else None
    await message.reply_text(text or texts.DOUBT_NO_LOG)
    raise ApplicationHandlerStop


def handlers() -> Handlers:
    private_text = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & filters.TEXT
    return [(GROUP, MessageHandler(private_text & ~filters.COMMAND, on_doubt))]
