"""The mastery log shown back when belief wavers: three dated lines of the user's own successes.

Shared by the daily message (back after a break), the check-in (low confidence, two failures)
and the doubt handler, so the lines are chosen and worded one way everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.texts import efficacy as texts
from bot.texts import evidence as evidence_texts
from bot.texts.format import format_amount
from core.evidence import Entry, MasteryLine, ReplayReason, mastery_log, replay_lines
from storage.challenges import evidence_entries
from storage.db import Session
from storage.models import Goal


def log_of(goal: Goal, entries: Sequence[Entry]) -> list[MasteryLine]:
    return mastery_log(entries, unit=goal.unit, baseline=goal.baseline)


def line_text(goal: Goal, line: MasteryLine) -> str:
    return evidence_texts.mastery_line(line, format_amount(line.amount, goal.unit))


def replay_text(goal: Goal, log: Sequence[MasteryLine], reason: ReplayReason) -> str | None:
    """The replay message, or None when there is no success to show yet."""
    lines = replay_lines(log, k=3)
    if not lines:
        return None
    return texts.replay(reason.value, [line_text(goal, line) for line in lines])


async def goal_log(session: Session, goal: Goal) -> tuple[list[Entry], list[MasteryLine]]:
    assert goal.id is not None
    entries = await evidence_entries(session, goal.id)
    return entries, log_of(goal, entries)
