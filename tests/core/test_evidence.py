"""The mastery log: facts per success, picks for /evidence and replays, triggers, streaks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.evidence import (
    Entry,
    ReplayReason,
    current_level,
    current_streak,
    hardest_won,
    latest,
    longest_streak,
    mastery_log,
    progress_summary,
    replay_lines,
    should_replay,
    week_start,
)
from core.vocabulary import ChallengeStatus
from tests.support.words import EN

D0 = date(2026, 3, 2)  # a Monday


def day(n: int) -> date:
    return D0 + timedelta(days=n)


HISTORY = [
    Entry(day(0), 10, "done", effort=2, confidence=80),
    Entry(day(1), 11, "done", effort=4, confidence=40, reflection="  went before\nbreakfast "),
    Entry(day(2), 12, "failed", failure_reason="too_hard"),
    Entry(day(3), 11, "done", effort=3),
    Entry(day(4), 12, "missed"),
    Entry(day(5), 13, "done", effort=5, reflection="music on"),
    Entry(day(6), 14, "done", effort=3, confidence=60),
    Entry(day(7), 15, "skipped"),
]


def test_each_success_becomes_a_line_of_facts() -> None:
    log = mastery_log(reversed(HISTORY), unit="min", baseline=10)  # order of input is irrelevant
    assert [line.day for line in log] == [day(0), day(1), day(3), day(5), day(6)]
    first, second, third, fourth, fifth = log
    assert (first.nth_success, first.level_before, first.personal_best) == (1, 10, False)
    assert second.reflection == "went before breakfast"  # whitespace tidied, words kept
    assert (second.personal_best, second.level_before, second.stretch) == (True, 10, 1.1)
    assert (third.amount, third.nth_at_amount, third.personal_best) == (11, 2, False)
    assert (fourth.level_before, fourth.personal_best, fourth.unit) == (11, True, "min")
    assert fifth.nth_success == 5 and fifth.nth_at_amount == 1


def test_beat_doubt_when_confidence_was_at_most_60() -> None:
    log = mastery_log(HISTORY, unit="min", baseline=10)
    assert [line.beat_doubt for line in log] == [False, True, False, False, True]


def test_latest_and_hardest_won() -> None:
    log = mastery_log(HISTORY, unit="min", baseline=10)
    assert [line.day for line in latest(log, 2)] == [day(6), day(5)]
    # Effort 5 first, then effort 4; between equal efforts the bigger stretch wins.
    assert [line.day for line in hardest_won(log, 3)] == [day(5), day(1), day(6)]


def test_hardest_won_by_stretch_when_effort_is_unknown() -> None:
    entries = [Entry(day(0), 20, "done"), Entry(day(1), 30, "done"), Entry(day(2), 31, "done")]
    log = mastery_log(entries, unit="reps", baseline=10)
    # 20 was twice the level then; 30 was 1.5x; 31 only 1.03x.
    assert [line.amount for line in hardest_won(log, 3)] == [20, 30, 31]


def test_replay_picks_hardest_highest_and_most_recent_distinct() -> None:
    log = mastery_log(HISTORY, unit="min", baseline=10)
    picks = replay_lines(log)
    assert [line.day for line in picks] == [day(5), day(6), day(1)]
    # day(6) is both the highest and the latest: the third pick is the next hardest-won.
    assert len({line.day for line in picks}) == 3


def test_replay_with_a_short_log() -> None:
    log = mastery_log(HISTORY[:1], unit="min", baseline=10)
    assert replay_lines(log) == log
    assert replay_lines([]) == []
    assert replay_lines(mastery_log(HISTORY, unit="min", baseline=10), k=1)[0].day == day(5)


@given(st.lists(st.tuples(st.integers(0, 400), st.integers(1, 60),
                          st.one_of(st.none(), st.integers(1, 5))), max_size=40))
def test_replay_lines_are_distinct_log_lines(rows: list[tuple[int, int, int | None]]) -> None:
    entries = [Entry(day(d), a, "done", effort=e) for d, a, e in rows]
    log = mastery_log(entries, unit="min", baseline=5)
    picks = replay_lines(log)
    assert len(picks) == min(3, len(log))
    assert len({id(p) for p in picks}) == len(picks) and all(p in log for p in picks)
    if log:
        assert picks[0] == hardest_won(log)[0]
        assert max(p.amount for p in picks) == max(line.amount for line in log)


def test_replay_triggers() -> None:
    log = mastery_log(HISTORY, unit="min", baseline=10)
    assert should_replay(log, confidence=40) is ReplayReason.LOW_CONFIDENCE
    assert should_replay(log, confidence=41) is None
    assert should_replay(log, text="honestly I can't do this", lexicon=EN) is ReplayReason.DOUBT
    assert should_replay(log, text="it's not too hard", lexicon=EN) is None
    assert should_replay(log, today=day(20), last_active=day(15)) is (
        ReplayReason.BACK_AFTER_BREAK
    )
    assert should_replay(log, today=day(19), last_active=day(15)) is None
    assert should_replay([], confidence=0) is None  # nothing to show yet


def test_two_failures_in_a_row_ignore_missed_days_between() -> None:
    log = mastery_log(HISTORY, unit="min", baseline=10)
    two = [*HISTORY, Entry(day(8), 15, "failed"), Entry(day(9), 15, "missed"),
           Entry(day(10), 15, "failed")]
    assert should_replay(log, entries=two) is ReplayReason.TWO_FAILURES
    one = [*HISTORY, Entry(day(8), 15, "failed"), Entry(day(9), 14, "done"),
           Entry(day(10), 15, "failed")]
    assert should_replay(log, entries=one) is None


@pytest.mark.parametrize(("failures", "replayed"),
                         [(1, False), (2, True), (3, False), (4, False), (7, False)])
def test_two_failures_replay_once_per_run(failures: int, replayed: bool) -> None:
    """The replay comes with the second failure in a row, not again with the 3rd..7th (the
    same three lines after every further failure); a success starts a new run."""
    log = mastery_log(HISTORY, unit="min", baseline=10)
    run = [Entry(day(8 + i), 15, "failed") for i in range(failures)]
    expected = ReplayReason.TWO_FAILURES if replayed else None
    assert should_replay(log, entries=[*HISTORY, *run]) is expected
    again = [*HISTORY, *run, Entry(day(20), 12, "done"), Entry(day(21), 15, "failed"),
             Entry(day(22), 15, "skipped"), Entry(day(23), 15, "failed")]
    assert should_replay(log, entries=again) is ReplayReason.TWO_FAILURES


def test_streaks_break_on_failure_not_on_absence() -> None:
    assert longest_streak(HISTORY) == 3  # days 3, 5, 6 (missed day 4 and skipped 7 do not break)
    assert current_streak(HISTORY) == 3
    assert current_streak([*HISTORY, Entry(day(8), 15, "failed")]) == 0
    assert longest_streak([]) == 0


def test_current_level_is_the_best_of_the_latest_successes() -> None:
    assert current_level([], baseline=10) == 10
    entries = [Entry(day(0), 30, "done")] + [Entry(day(i), 12, "done") for i in range(1, 6)]
    assert current_level(entries, baseline=10) == 12  # the lucky 30 is six successes back
    assert current_level(HISTORY, baseline=10) == 14


def test_progress_summary_this_week_and_in_all() -> None:
    more = [*HISTORY, Entry(day(8), 15, "done"), Entry(day(9), 15, "done")]
    summary = progress_summary(more, baseline=10, since=week_start(day(9)), today=day(9))
    assert week_start(day(9)) == day(7)
    assert (summary.successes_this_week, summary.successes_total) == (2, 7)
    assert (summary.start_level, summary.current_level) == (10, 15)
    assert summary.level_change == pytest.approx(0.5)
    assert (summary.longest_streak, summary.current_streak) == (5, 5)


def test_week_start_on_a_chosen_weekday() -> None:
    assert week_start(date(2026, 3, 8), 6) == date(2026, 3, 8)  # a Sunday, weeks from Sunday
    assert week_start(date(2026, 3, 7), 6) == date(2026, 3, 1)
    with pytest.raises(ValueError):
        week_start(D0, 7)


# --- issue 12 item 15: the level can go down ------------------------------------------------------
def _e(i: int, status: str, amount: float, reason: str | None = None) -> Entry:
    return Entry(day=date(2026, 9, 1) + timedelta(days=i), amount=amount,
                 status=ChallengeStatus(status), failure_reason=reason)


def test_a_week_of_too_hard_failures_from_47_to_34_lowers_the_level_from_42() -> None:
    before = [_e(i, "done", a) for i, a in enumerate([30, 33, 36, 39, 42])]
    week = [_e(5, "done", 45)] + [_e(6 + i, "failed", a, "too_hard")
                                  for i, a in enumerate([47, 44, 41, 38, 36, 34])]
    assert current_level(before, baseline=10) == 42
    assert current_level(before + week, baseline=10) == 33
    # Failures for other reasons say nothing about ability: the level stays 45.
    other = [_e(6 + i, "failed", a, "no_time") for i, a in enumerate([47, 44, 41])]
    assert current_level([*before, week[0], *other], baseline=10) == 45


def test_with_no_success_standing_the_level_is_at_most_the_failed_amount() -> None:
    assert current_level([_e(0, "failed", 8, "too_hard")], baseline=10) == 8
    assert current_level([_e(0, "failed", 12, "too_hard")], baseline=10) == 10


@given(st.lists(st.tuples(st.sampled_from(["done", "failed", "skipped"]),
                          st.integers(1, 60), st.sampled_from([None, "too_hard", "no_time"])),
                max_size=30),
       st.lists(st.integers(1, 60), min_size=1, max_size=7))
def test_failures_alone_never_raise_the_level_and_cap_it(
    history: list[tuple[str, int, str | None]], failures: list[int]
) -> None:
    entries = [_e(i, s, a, r if s == "failed" else None) for i, (s, a, r) in enumerate(history)]
    level = current_level(entries, baseline=10)
    for j, amount in enumerate(failures):
        entries.append(_e(len(history) + j, "failed", amount, "too_hard"))
        after = current_level(entries, baseline=10)
        assert after <= level and after <= amount
        level = after
