"""The mastery log shown back when belief wavers: three dated lines of the user's own successes.

Shared by the check-in (back after a break, low confidence, two failures) and the doubt
handler, so the lines are chosen and worded one way everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.texts import efficacy as texts
from bot.texts import evidence as evidence_texts
from bot.texts.format import format_amount
from core.evidence import (
    Entry,
    MasteryLine,
    ReplayReason,
    mastery_log,
    replay_lines,
    should_replay,
)
from storage.challenges import ANSWERED, evidence_entries
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


async def welcome_back(session: Session, goal: Goal, answered_day: date, today: date) -> str | None:
    """The replay for someone who has just come back: their first answer (`answered_day`'s,
    given `today`) after AWAY_DAYS or more without one. Once per absence, since this answer
    ends it; never to someone still silent (it is asked only when an answer comes)."""
    assert goal.id is not None
    before = [e for e in await evidence_entries(session, goal.id) if e.day != answered_day]
    answered = [e.day for e in before if e.status in ANSWERED]
    if not answered:
        return None  # a first answer ever: nobody is coming back
    log = log_of(goal, before)
    reason = should_replay(log, today=today, last_active=max(answered))
    return replay_text(goal, log, reason) if reason is ReplayReason.BACK_AFTER_BREAK else None
