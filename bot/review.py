"""The weekly review: the week's successes, the level change, one highlight from the log, belief
against evidence over the last weeks, and the ladder to re-rate — one message.

A user with nothing answered that week still gets a short review, without the ladder: one line
of their own record is the cheapest way back in, and a week with no new evidence gives a
re-rating nothing to move on, so it would only ask effort of someone who has gone quiet.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Final

from telegram import InlineKeyboardMarkup

from bot.daily import amount_text
from bot.handlers.ladder import fresh_ladder
from bot.i18n import _
from bot.replay import line_text, log_of
from bot.texts import efficacy as texts
from core.clock import local_day
from core.efficacy import Verdict, belief_by_week, belief_vs_evidence
from core.evidence import ATTEMPTED, Entry, current_level, hardest_won, progress_summary
from core.vocabulary import ChallengeStatus
from storage.challenges import evidence_entries
from storage.db import Session
from storage.models import Goal, User

BELIEF_WEEKS: Final = 4  # confidence against outcomes over this many weeks


def belief_lines(goal: Goal, entries: list[Entry], today: date) -> list[str]:
    """The belief-vs-evidence line over the last weeks, with a week-by-week breakdown.

    When the review's own week says something else (71 % sure and 14 % done after three
    under-confident weeks), the verdict is that week's: the four weeks together would call an
    over-confident week under-confident."""
    since = today - timedelta(weeks=BELIEF_WEEKS)
    rated = [(e.day, e.confidence, e.status == ChallengeStatus.DONE) for e in entries
             if e.confidence is not None and e.status in ATTEMPTED and e.day >= since]
    check = belief_vs_evidence([(c, ok) for _day, c, ok in rated])
    week = belief_vs_evidence([(c, ok) for d, c, ok in rated if d >= today - timedelta(days=7)])
    weeks = BELIEF_WEEKS
    if week.verdict not in (Verdict.TOO_FEW, check.verdict):
        check, weeks = week, 1
    lines = [texts.belief(check.verdict.value, weeks, check.mean_confidence,
                          check.success_rate, check.n)]
    by_week = belief_by_week(rated, first_weekday=today.weekday())
    if check.verdict is not Verdict.TOO_FEW and len(by_week) > 1:
        lines.append(_(texts.BELIEF_WEEKS_TITLE))
        lines += [texts.belief_week(w.week_start, w.check.mean_confidence, w.check.success_rate)
                  for w in by_week]
    return lines


async def compose_review(
    session: Session, user: User, goal: Goal, now: datetime
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The review text for the seven local days before today, and the ladder (None if quiet)."""
    assert goal.id is not None
    today = local_day(now, user.timezone)
    first, last = today - timedelta(days=7), today - timedelta(days=1)
    entries = await evidence_entries(session, goal.id, before=today)
    log = log_of(goal, entries)
    lines = [texts.review_title(first, last)]
    answered = [e for e in entries if first <= e.day and e.status != ChallengeStatus.MISSED]
    if not answered:
        lines.append(_(texts.REVIEW_QUIET))
        if log:
            lines.append(_(texts.REVIEW_EVIDENCE).format(line=line_text(goal, hardest_won(log)[0])))
        return "\n".join(lines), None
    facts = progress_summary(entries, baseline=goal.baseline, since=first, today=last)
    before = current_level([e for e in entries if e.day < first], baseline=goal.baseline)
    lines.append(texts.review_successes(facts.successes_this_week, facts.successes_total))
    lines.append(texts.review_level(
        amount_text(goal, before), amount_text(goal, facts.current_level),
        amount_text(goal, goal.baseline), rose=facts.current_level > before,
        fell=facts.current_level < before))
    this_week = [line for line in log if first <= line.day]
    if this_week:
        best = line_text(goal, hardest_won(this_week)[0])
        lines.append(_(texts.REVIEW_HIGHLIGHT).format(line=best))
    lines += belief_lines(goal, entries, today)
    lines += ["", _(texts.LADDER_REVIEW_INTRO)]
    return "\n".join(lines), await fresh_ladder(session, goal)
