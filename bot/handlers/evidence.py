"""/evidence: the mastery log, the latest and the hardest-won successes as dated lines.

Why: a specific remembered success is stronger evidence than praise (Bandura: mastery experience
outweighs verbal persuasion as a source of self-efficacy), so the log is
shown as facts (date, amount, effort, the person's own words), never as a score.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes, filters

from bot import texts
from bot.daily import amount_text
from bot.handlers.base import Handlers, speaker
from bot.texts import evidence as t
from core.evidence import MasteryLine, hardest_won, latest, mastery_log
from storage.models import Goal
from storage.progress import progress_facts
from storage.users import get_user_by_telegram_id

SHOWN = 3  # lines per section: enough to be evidence, short enough to read on a phone


def evidence_text(goal: Goal, log: list[MasteryLine]) -> str:
    """The /evidence message for a non-empty log."""
    def line(item: MasteryLine) -> str:
        return t.mastery_line(item, amount_text(goal, item.amount))

    newest = latest(log, SHOWN)
    hardest = [item for item in hardest_won(log, len(log)) if item not in newest][:SHOWN]
    parts = [t.title(goal.behaviour, len(log), log[0].day, amount_text(goal, goal.baseline)),
             "", t.LATEST_TITLE, *map(line, newest)]
    if hardest:
        parts += ["", t.HARDEST_TITLE, *map(line, hardest)]
    return "\n".join([*parts, "", t.FOOTER])


async def show_evidence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    said = speaker(update, context)
    if said is None:
        return
    async with said.session() as session:
        user = await get_user_by_telegram_id(session, said.sender.id)
        facts = None if user is None or user.id is None else await progress_facts(session, user.id)
    if facts is None:
        await said.message.reply_text(texts.NEED_SETUP)
        return
    goal = facts.goal
    log = mastery_log(facts.entries, unit=goal.unit, baseline=goal.baseline)
    await said.message.reply_text(evidence_text(goal, log) if log else t.EMPTY)


def handlers() -> Handlers:
    return [(0, CommandHandler("evidence", show_evidence, filters=filters.ChatType.PRIVATE))]
