"""The project's one vocabulary: every status, outcome, reason and topic, named once.

Storage derives its CHECK constraints from these enums, the adapter matches on them, and the
calibrator reads them, so a new value is added in one place and the database refuses anything
else. They are `StrEnum`s: a member *is* its stored string, so rows and JSON need no mapping.
"""

from __future__ import annotations

from enum import StrEnum


class UserStatus(StrEnum):
    """Whether the daily loop runs for a user."""

    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"
    BLOCKED = "blocked"  # the user blocked the bot; Telegram refuses our messages


class ChallengeStatus(StrEnum):
    """A challenge's life: planned → sent → one answer (or missed when its day closes)."""

    PLANNED = "planned"
    SENT = "sent"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    MISSED = "missed"


class Outcome(StrEnum):
    """What a user's answer (typed or tapped) says happened to the day's challenge."""

    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


class FailureReason(StrEnum):
    """Why a challenge failed. Only TOO_HARD is evidence about ability: no time, feeling unwell
    or anything else says nothing about what the person can do (core.calibration)."""

    TOO_HARD = "too_hard"
    NO_TIME = "no_time"
    UNWELL = "unwell"
    OTHER = "other"


class Topic(StrEnum):
    """Which conversation owns a user's one open question (the `conversations` row)."""

    ONBOARDING = "onboarding"
    SETTINGS = "settings"
    CHECKIN = "checkin"


class InboxStatus(StrEnum):
    """An incoming update's life in the inbox: stored → handled, or set aside after failing."""

    PENDING = "pending"
    HANDLED = "handled"
    SET_ASIDE = "set_aside"  # failed three times: kept with its error, never tried again
