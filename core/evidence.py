"""The mastery log: every success as a dated, specific fact, and when to replay it.

Why: Bandura's strongest source of self-efficacy is the person's own mastery experience, and a
specific remembered success ("14 minutes on 3 March, max effort, 'went before breakfast'") is
stronger evidence than encouragement. So each success becomes a line of facts (the sentence is
written in bot/texts), and the log is shown back exactly when belief wavers: low confidence,
doubt in words, two failures in a row, or a return after days away.

Pure: no clock, no I/O; ``today`` is passed in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

from core.lexicon import Lexicon
from core.replies import expresses_doubt
from core.vocabulary import ChallengeStatus, FailureReason

__all__ = [
    "ATTEMPTED",
    "AWAY_DAYS",
    "DOUBT_CONFIDENCE",
    "SURPRISE_CONFIDENCE",
    "Entry",
    "MasteryLine",
    "ProgressSummary",
    "ReplayReason",
    "current_level",
    "current_streak",
    "hardest_won",
    "latest",
    "longest_streak",
    "mastery_log",
    "progress_summary",
    "replay_lines",
    "should_replay",
    "week_start",
]

Status = ChallengeStatus  # an Entry's status: a settled one (done, failed, skipped, missed)
ATTEMPTED: Final = (ChallengeStatus.DONE, ChallengeStatus.FAILED)  # the days someone tried

DOUBT_CONFIDENCE: Final = 40  # a confidence rating at or below this replays the log
SURPRISE_CONFIDENCE: Final = 60  # "you were 60 % sure, you did it" applies at or below this
AWAY_DAYS: Final = 5  # coming back after this many days or more replays the log
RECENT_SUCCESSES: Final = 5  # the current level is the best of this many latest successes


@dataclass(frozen=True)
class Entry:
    """One answered challenge, as storage hands it over (``effort`` 1 very easy .. 5 maximal)."""

    day: date
    amount: float
    status: Status
    effort: int | None = None
    confidence: int | None = None
    reflection: str | None = None
    failure_reason: str | None = None


@dataclass(frozen=True)
class MasteryLine:
    """The facts of one success; bot/texts turns them into a sentence.

    ``level_before`` is the best amount done before this day (the baseline at first), so
    ``amount / level_before`` says how far past their own level the person went.
    ``nth_at_amount`` counts successes at this amount or more, this one included.
    """

    day: date
    amount: float
    unit: str
    effort: int | None
    reflection: str | None
    confidence: int | None
    nth_success: int
    nth_at_amount: int
    level_before: float
    personal_best: bool

    @property
    def stretch(self) -> float:
        """Amount relative to the level at the time (1.2 = 20 % past it)."""
        return self.amount / self.level_before

    @property
    def beat_doubt(self) -> bool:
        """Done although the person had said they were at most 60 % sure."""
        return self.confidence is not None and self.confidence <= SURPRISE_CONFIDENCE


def _sorted(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: e.day)


def _reflection(text: str | None) -> str | None:
    cleaned = " ".join(text.split()) if text else ""
    return cleaned or None


def mastery_log(entries: Iterable[Entry], *, unit: str, baseline: float) -> list[MasteryLine]:
    """Every success as facts, oldest first (``baseline``: the comfortable level at the start)."""
    if not math.isfinite(baseline) or baseline <= 0:
        raise ValueError(f"baseline must be a finite number > 0, got {baseline!r}")
    lines: list[MasteryLine] = []
    best = baseline
    done_amounts: list[float] = []
    for entry in _sorted(entries):
        if entry.status != ChallengeStatus.DONE:
            continue
        done_amounts.append(entry.amount)
        lines.append(
            MasteryLine(
                day=entry.day,
                amount=entry.amount,
                unit=unit,
                effort=entry.effort,
                reflection=_reflection(entry.reflection),
                confidence=entry.confidence,
                nth_success=len(done_amounts),
                nth_at_amount=sum(1 for a in done_amounts if a >= entry.amount),
                level_before=best,
                personal_best=entry.amount > best,
            )
        )
        best = max(best, entry.amount)
    return lines


def latest(log: Sequence[MasteryLine], k: int = 1) -> list[MasteryLine]:
    """The ``k`` most recent lines, newest first."""
    return sorted(log, key=lambda line: line.day, reverse=True)[:k]


def _hardness(line: MasteryLine) -> tuple[int, float, date]:
    # Effort first (a success that took everything is the strongest evidence), then how far
    # past the level at the time it went; the later day breaks a tie.
    return (line.effort or 0, line.stretch, line.day)


def hardest_won(log: Sequence[MasteryLine], k: int = 1) -> list[MasteryLine]:
    """The ``k`` hardest-won lines: by effort, then amount relative to the level at the time."""
    return sorted(log, key=_hardness, reverse=True)[:k]


def replay_lines(log: Sequence[MasteryLine], k: int = 3) -> list[MasteryLine]:
    """Up to ``k`` distinct lines: the hardest-won, the highest amount, the most recent,
    then the next hardest-won ones, in that order (the order they are worth telling)."""
    if not log or k <= 0:
        return []
    picks: list[MasteryLine] = []

    def add(line: MasteryLine) -> None:
        if len(picks) < k and line not in picks:
            picks.append(line)

    add(hardest_won(log)[0])
    add(max(log, key=lambda line: (line.amount, line.day)))
    add(latest(log)[0])
    for line in hardest_won(log, k=len(log)):
        add(line)
    return picks


class ReplayReason(StrEnum):
    LOW_CONFIDENCE = "low_confidence"
    DOUBT = "doubt"
    TWO_FAILURES = "two_failures"
    BACK_AFTER_BREAK = "back_after_break"


def _failed_twice_in_a_row(entries: Sequence[Entry]) -> bool:
    """The latest attempt is the second failure of a run, not the third or later: the replay
    is said once per run of failures (the same three lines after every further failure nag).
    Only attempts count: a missed or skipped day between two failures does not end the run."""
    attempts = [e for e in _sorted(entries) if e.status in ATTEMPTED]
    run = 0
    for entry in reversed(attempts):
        if entry.status != ChallengeStatus.FAILED:
            break
        run += 1
    return run == 2


def should_replay(
    log: Sequence[MasteryLine],
    *,
    confidence: int | None = None,
    text: str | None = None,
    lexicon: Lexicon | None = None,
    entries: Sequence[Entry] = (),
    today: date | None = None,
    last_active: date | None = None,
) -> ReplayReason | None:
    """Why to replay the log now, or None. Each argument is one trigger the caller can check:

    ``confidence`` just given (<= 40), ``text`` just typed (doubt, read in ``lexicon``'s language:
    required with ``text``), ``entries`` right after an
    outcome was registered (the last two attempts failed, the one before them did not: once
    per run of failures), ``today`` with ``last_active`` (the
    previous day the person answered; five or more days away). An empty log replays nothing.
    """
    if not log:
        return None
    if confidence is not None and confidence <= DOUBT_CONFIDENCE:
        return ReplayReason.LOW_CONFIDENCE
    if text is not None:
        if lexicon is None:
            raise ValueError("should_replay needs the lexicon to read text in")
        if expresses_doubt(text, lexicon):
            return ReplayReason.DOUBT
    if entries and _failed_twice_in_a_row(entries):
        return ReplayReason.TWO_FAILURES
    if today is not None and last_active is not None and (today - last_active).days >= AWAY_DAYS:
        return ReplayReason.BACK_AFTER_BREAK
    return None


def _runs(entries: Iterable[Entry]) -> list[int]:
    # A failure ends a run of successes; missed and skipped days neither extend nor end it
    # (absence is not failure).
    runs = [0]
    for entry in _sorted(entries):
        if entry.status == ChallengeStatus.DONE:
            runs[-1] += 1
        elif entry.status == ChallengeStatus.FAILED:
            runs.append(0)
    return runs


def longest_streak(entries: Iterable[Entry]) -> int:
    return max(_runs(entries))


def current_streak(entries: Iterable[Entry]) -> int:
    return _runs(entries)[-1]


def _contradicts(e: Entry) -> bool:
    """A failure that says the amount was beyond the person then: only 'too hard' (a failure
    whose reason was never given says nothing about ability, as in core.calibration)."""
    return e.status == ChallengeStatus.FAILED and e.failure_reason == FailureReason.TOO_HARD


def current_level(entries: Iterable[Entry], *, baseline: float) -> float:
    """The best amount among the latest successes that no later failure contradicts (the
    baseline before any): one lucky day long ago does not count as today's level, one easy
    recovery day does not undo it, and a 'too hard' failure at an amount takes back every
    success at or above it (it can go down: a week of failures from 47 to 34 is not a level
    of 45). With no success standing, the baseline, or the lowest such failure since the last
    success if below it."""
    done: list[float] = []
    ceiling = baseline
    for e in _sorted(entries):
        if e.status == ChallengeStatus.DONE:
            done.append(e.amount)
            ceiling = baseline
        elif _contradicts(e):
            done = [amount for amount in done if amount < e.amount]
            ceiling = min(ceiling, e.amount)
    return max(done[-RECENT_SUCCESSES:]) if done else ceiling


def week_start(today: date, first_weekday: int = 0) -> date:
    """The first day of the week holding ``today`` (0 = Monday .. 6 = Sunday)."""
    if not 0 <= first_weekday <= 6:
        raise ValueError(f"first_weekday is 0..6, got {first_weekday!r}")
    return today - timedelta(days=(today.weekday() - first_weekday) % 7)


@dataclass(frozen=True)
class ProgressSummary:
    """The numbers /progress and the weekly review state (facts; sentences in bot/texts)."""

    successes_this_week: int
    successes_total: int
    start_level: float
    current_level: float
    longest_streak: int
    current_streak: int

    @property
    def level_change(self) -> float:
        """Current level relative to the start (0.5 = 50 % more than at the start)."""
        return self.current_level / self.start_level - 1


def progress_summary(
    entries: Sequence[Entry], *, baseline: float, since: date, today: date
) -> ProgressSummary:
    """``since``..``today`` (inclusive) is "this week" (see :func:`week_start`)."""
    done_days = [e.day for e in entries if e.status == ChallengeStatus.DONE]
    return ProgressSummary(
        successes_this_week=sum(1 for d in done_days if since <= d <= today),
        successes_total=len(done_days),
        start_level=baseline,
        current_level=current_level(entries, baseline=baseline),
        longest_streak=longest_streak(entries),
        current_streak=current_streak(entries),
    )
