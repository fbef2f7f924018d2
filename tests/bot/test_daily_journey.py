"""Three weeks with one user, end to end: onboarding through the real conversation, then 21 days
of done (with efforts), failed (each reason, with and without "how much"), skipped, missed and
paused days. Every message the user receives and every stored row is checked, and every amount is
the calibrator's for the history stored so far. Then a fourth week: a typed confidence, a
mistaken tap undone, a snooze and a typed reason on one day, and a silent week after it, which
pauses on the person's behalf."""

from __future__ import annotations

import pytest

from tests.support.notch import Notch
from tests.support.three_weeks import three_weeks


@pytest.mark.parametrize(
    "bot_database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)
async def test_three_weeks_of_daily_challenges(notch: Notch) -> None:
    await three_weeks(notch)
