"""/evidence: the mastery log, the latest and the hardest-won successes as dated lines.

Why: a specific remembered success is stronger evidence than praise (Bandura: mastery experience
outweighs verbal persuasion as a source of self-efficacy), so the log is
shown as facts (date, amount, effort, the person's own words), never as a score.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.context import NotchContext
from bot.daily import amount_text
from bot.handlers.base import Group, Handlers
from bot.i18n import _
from bot.texts import evidence as t
from core.evidence import MasteryLine, hardest_won, latest, mastery_log
from storage.models import Goal
from storage.progress import progress_facts

SHOWN = 3  # lines per section: enough to be evidence, short enough to read on a phone


def evidence_text(goal: Goal, log: list[MasteryLine]) -> str:
    """The /evidence message for a non-empty log."""
    def line(item: MasteryLine) -> str:
        return _(t.ITEM).format(line=t.mastery_line(item, amount_text(goal, item.amount)))

    newest = latest(log, SHOWN)
    hardest = [item for item in hardest_won(log, len(log)) if item not in newest][:SHOWN]
    parts = [t.title(goal.behaviour, len(log), log[0].day, amount_text(goal, goal.baseline)),
             "", _(t.LATEST_TITLE), *map(line, newest)]
    if hardest:
        parts += ["", _(t.HARDEST_TITLE), *map(line, hardest)]
    return "\n".join([*parts, "", _(t.FOOTER)])


async def show_evidence(update: Update, context: NotchContext) -> None:
    opened, message = await context.require_goal(), update.effective_message
    if opened is None or opened.user is None or opened.user.id is None or message is None:
        return
    async with context.db() as session:
        facts = await progress_facts(session, opened.user.id)
    if facts is None:  # the goal went between the two reads
        return
    goal = facts.goal
    log = mastery_log(facts.entries, unit=goal.unit, baseline=goal.baseline)
    await message.reply_text(evidence_text(goal, log) if log else _(t.EMPTY))


def handlers() -> Handlers:
    private = filters.ChatType.PRIVATE
    return [(Group.COMMANDS, CommandHandler("evidence", show_evidence, filters=private))]
