"""Doubt in words ("I can't", "too hard", "no way", "impossible") answered with the person's own
record: three dated successes from the mastery log, not encouragement.

Reached through the router when no question is open (a doubt typed as the answer to an open
question belongs to it), or in place of "what made it work?" (doubt is not a reflection; that
question is closed), and the writer has a goal.
"""

from __future__ import annotations

from telegram import Update

from bot.context import NotchContext
from bot.i18n import _
from bot.lexicons import current_lexicon
from bot.replay import goal_log, replay_text
from bot.texts import efficacy as texts
from core.evidence import ATTEMPTED, ReplayReason, should_replay
from storage.open_state import Opened


async def replay_doubt(update: Update, context: NotchContext, opened: Opened) -> None:
    message, goal = update.effective_message, opened.goal
    assert message is not None and message.text is not None and goal is not None
    async with context.db() as session:
        entries, log = await goal_log(session, goal)
    reason = should_replay(log, text=message.text, lexicon=current_lexicon())
    text = replay_text(goal, log, reason) if reason is ReplayReason.DOUBT else None
    tried = any(e.status in ATTEMPTED for e in entries)
    empty = texts.DOUBT_NO_SUCCESS_YET if tried else texts.DOUBT_NO_LOG
    await message.reply_text(text or _(empty))
