"""The vocabulary's words: every failure reason and challenge status has its sentence in
bot/texts, and nowhere else lists them (core.vocabulary names them once)."""

from __future__ import annotations

from bot.texts import checkin as t
from core.vocabulary import ChallengeStatus, FailureReason


def test_every_failure_reason_has_a_button_and_a_next_sentence() -> None:
    assert list(t.REASON_BUTTONS) == list(FailureReason)
    assert list(t.FAILED_NEXT) == list(FailureReason)


def test_every_challenge_status_has_a_today_sentence() -> None:
    assert list(t.TODAY_STATE) == list(ChallengeStatus)


def test_an_unstated_reason_reads_as_other() -> None:
    assert t.failed_next(None, None, False) == t.FAILED_NEXT[FailureReason.OTHER]
