"""Why today's amount, in words: the calibrator's reason key and facts rendered at send time."""

from __future__ import annotations

from datetime import date, timedelta

from bot.texts.checkin import FEELINGS, LEGACY_REASON, REASONS, plan_reason
from core.calibration import REASON_KEYS, Attempt, Goal, next_challenge

D0 = date(2025, 3, 1)
MINUTES = Goal(unit="minutes", baseline=10.0, step=1.0, target=30.0)


def test_every_reason_key_and_feeling_has_words() -> None:
    assert set(REASONS) == {*REASON_KEYS, LEGACY_REASON}
    assert set(FEELINGS) == {1, 2, 3, 4, 5, None}


def test_reason_is_one_plain_sentence_naming_the_amount() -> None:
    # Moved from tests/core/test_calibration.py when the sentences left core.
    history: list[Attempt] = []
    for i in range(6):
        plan = next_challenge(MINUTES, history, D0 + timedelta(days=i))
        history.append(Attempt(D0 + timedelta(days=i), plan.amount, "done", effort=2))
    plan = next_challenge(MINUTES, history, D0 + timedelta(days=6))
    reason = plan_reason(plan.reason_key, plan.facts, MINUTES.unit)
    assert reason.count(".") == 1 and reason.endswith(".")
    assert f"{plan.amount:.0f} minutes" in reason


def test_amounts_in_a_reason_come_from_the_one_formatter() -> None:
    facts = {"amount": 1100.0, "last": 1050.0, "days": 1, "effort": 4, "streak": 3}
    assert plan_reason("up", facts, "words") == (
        "You did 1,050 words 3 times and it felt hard; 1,100 words is one notch up.")
    assert plan_reason("ease", {**facts, "effort": None}, "words").startswith(
        "You did 1,050 words but it felt fine")


def test_a_legacy_sentence_is_shown_verbatim_and_an_unknown_key_says_nothing() -> None:
    assert plan_reason(LEGACY_REASON, {"text": "Keep going."}, "minutes") == "Keep going."
    assert plan_reason("from_the_future", {"amount": 3}, "minutes") == ""
    assert plan_reason("up", {"amount": 3}, "minutes") == ""  # facts missing
