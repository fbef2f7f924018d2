"""Doubt in words ("I can't", "too hard", "no way", "impossible") answered with the person's own
record: three dated successes from the mastery log, not encouragement.

Group 8, after every topic that owns typed answers and before the fallback, and only when no
conversation row owns the text: a doubt typed as the answer to an open question belongs to it.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes, MessageHandler, filters

from bot.handlers.base import Handlers, speaker
from bot.replay import goal_log, replay_text
from bot.texts import efficacy as texts
from core.evidence import ReplayReason, should_replay
from core.replies import expresses_doubt
from storage.conversations import get_conversation
from storage.users import user_with_goal

GROUP = 8


async def on_doubt(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    said = speaker(update, context)
    if said is None or said.message.text is None or not expresses_doubt(said.message.text):
        return
    async with said.session() as session:
        user, goal = await user_with_goal(session, said.sender.id)
        if user is None or user.id is None or await get_conversation(session, user.id):
            return  # a doubt typed as the answer to an open question belongs to that question
        if goal is None:
            return  # not onboarded: the fallback says how to start
        _, log = await goal_log(session, goal)
    reason = should_replay(log, text=said.message.text)
    text = replay_text(goal, log, reason) if reason is ReplayReason.DOUBT else None
    await said.message.reply_text(text or texts.DOUBT_NO_LOG)
    raise ApplicationHandlerStop


def handlers() -> Handlers:
    private_text = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & filters.TEXT
    return [(GROUP, MessageHandler(private_text & ~filters.COMMAND, on_doubt))]
