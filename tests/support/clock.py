"""FakeClock: the time every end-to-end test moves by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


@dataclass
class FakeClock:
    """A clock the test moves by hand, so weeks of days run in seconds."""

    now: datetime = field(default_factory=lambda: datetime(2026, 6, 1, 6, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now
