"""Tables: users → goals → challenges. Schema changes go through Alembic (storage/migrations).

Every instant is a timezone-aware UTC ``datetime`` (SQLModel maps ``datetime`` to its
``UTCDateTime``, which rejects naive values); local things (the send time, the local day) are
``time``/``date`` and only mean something together with the user's IANA time zone.
Statuses are short strings guarded by CHECK constraints so both SQLite and PostgreSQL refuse
values the code does not know; the constraints are derived from core.vocabulary's enums, in their
declared order, which is the order migration 0001 wrote them in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from core.vocabulary import ChallengeStatus, FailureReason, InboxStatus, UserStatus

__all__ = [
    "FIT_SCHEDULE_ID",
    "NAMING_CONVENTION",
    "CalibrationPriorsRow",
    "CalibrationSchedule",
    "Challenge",
    "Conversation",
    "Goal",
    "GroupNotice",
    "InboxUpdate",
    "LadderRatingRow",
    "SendLane",
    "User",
    "one_of",
    "utcnow",
]

# Named constraints let Alembic batch mode (SQLite) and later migrations refer to them.
NAMING_CONVENTION: Final = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# One MetaData for the whole app (what SQLModel and Alembic expect); set before any table exists.
SQLModel.metadata.naming_convention = NAMING_CONVENTION

FIT_SCHEDULE_ID: Final = 1  # calibration_schedule has this one row


def utcnow() -> datetime:
    """The current instant, aware UTC (naive datetimes are rejected on write)."""
    return datetime.now(UTC)


def one_of(column: str, values: type[StrEnum]) -> str:
    """``status IN ('active', 'paused', …)``: a CHECK listing an enum's values in their order."""
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


class User(SQLModel, table=True):
    """A Telegram user; ``status`` says whether the scheduler may write to them."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("telegram_user_id"),
        CheckConstraint(one_of("status", UserStatus), name="status"),
        # Serves the tick's "whose challenge is due": status = 'active' AND next_send_at <= now.
        Index("ix_users_status_next_send_at", "status", "next_send_at"),
        # Serves the tick's "whose weekly review is due", like next_send_at.
        Index("ix_users_status_next_review_at", "status", "next_review_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: int = Field(sa_type=BigInteger)
    chat_id: int = Field(sa_type=BigInteger)
    first_name: str = Field(default="", max_length=256)
    language_code: str | None = Field(default=None, max_length=16)  # Telegram's IETF tag
    # The language they chose in /settings ("es", "pt_BR"). None: Notch follows their Telegram
    # app's language_code, so changing the app's language changes Notch's too.
    locale: str | None = Field(default=None, max_length=16)
    timezone: str = Field(default="UTC", max_length=64)  # IANA name, e.g. "Europe/Berlin"
    send_time: time = Field(default=time(8, 0))  # local wall-clock time in ``timezone``
    status: str = Field(default=UserStatus.ACTIVE, max_length=16)
    next_send_at: datetime | None = None  # when the tick next plans and sends the daily challenge
    paused_until: date | None = None  # a pause with an end: the tick resumes on that local day
    # 0 = Monday .. 6; None: the weekday they started. No CHECK: adding one makes SQLite rebuild
    # `users`, and dropping the old table with foreign keys on cascades into goals (0003).
    review_weekday: int | None = None
    celebrate: bool = Field(default=True, sa_column_kwargs={"server_default": "1"})
    next_review_at: datetime | None = None  # when the tick next sends the weekly review
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, sa_column_kwargs={"onupdate": utcnow})


class Goal(SQLModel, table=True):
    """What a user practises and how it is measured (amounts in ``unit``, multiples of ``step``)."""

    __tablename__ = "goals"
    __table_args__ = (
        CheckConstraint("step > 0", name="step_positive"),
        CheckConstraint("baseline > 0", name="baseline_positive"),
        CheckConstraint("target IS NULL OR target > 0", name="target_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    behaviour: str = Field(max_length=64)  # e.g. "running"
    unit: str = Field(max_length=32)  # e.g. "min"
    step: float
    baseline: float  # what the user can do comfortably today
    target: float | None = None
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class Challenge(SQLModel, table=True):
    """One goal's challenge for one local day, from planning to its outcome.

    Transitions are conditional updates (``… WHERE status = 'sent'``) so races change nothing twice.
    """

    __tablename__ = "challenges"
    __table_args__ = (
        UniqueConstraint("goal_id", "local_date"),
        CheckConstraint(one_of("status", ChallengeStatus), name="status"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("p_success >= 0 AND p_success <= 1", name="p_success_range"),
        CheckConstraint("effort IS NULL OR (effort >= 1 AND effort <= 5)", name="effort_range"),
        CheckConstraint(
            f"failure_reason IS NULL OR {one_of('failure_reason', FailureReason)}",
            name="failure_reason",
        ),
        CheckConstraint("achieved IS NULL OR achieved >= 0", name="achieved_nonnegative"),
        CheckConstraint(
            "confidence IS NULL OR (confidence >= 0 AND confidence <= 100)",
            name="confidence_range",
        ),
        # Serves the scheduler's claim: "status = 'planned' AND due_at <= now".
        Index("ix_challenges_status_due_at", "status", "due_at"),
        Index("ix_challenges_status_followup_at", "status", "followup_at"),
        Index("ix_challenges_status_close_at", "status", "close_at"),
        Index("ix_challenges_status_snoozed_until", "status", "snoozed_until"),
    )

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goals.id", ondelete="CASCADE")
    local_date: date  # the user's local day this challenge belongs to
    amount: float
    p_success: float  # the calibrator's predicted P(done) for ``amount``
    # Why the calibrator chose ``amount``: a key of bot.texts.checkin.REASONS and its facts
    # (raw numbers, JSON), put into words when sent (migration 0005; "legacy": an old sentence).
    plan_reason_key: str = Field(default="start", max_length=32)
    plan_facts: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    status: str = Field(default=ChallengeStatus.PLANNED, max_length=16)
    due_at: datetime  # when to send it
    sent_at: datetime | None = None
    answered_at: datetime | None = None
    effort: int | None = None  # 1 (easy) … 5 (max effort), asked after a success
    failure_reason: str | None = Field(default=None, max_length=16)
    achieved: float | None = None  # how much was done, on a failure
    confidence: int | None = None  # Bandura's 0-100 "how sure are you", asked before
    reflection: str | None = Field(default=None, max_length=1000)
    telegram_message_id: int | None = Field(default=None, sa_type=BigInteger)
    close_at: datetime | None = None  # the next local 04:00: unanswered by then means missed
    followup_at: datetime | None = None  # the one reminder, if the day still allows one
    followup_sent_at: datetime | None = None
    claimed_until: datetime | None = None  # a worker's lease on sending; expires after a crash
    # "Later" on the daily message: sent again at this instant (migration 0006); None: not snoozed
    snoozed_until: datetime | None = None
    send_attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = Field(default_factory=utcnow)


class Conversation(SQLModel, table=True):
    """The one question a user is in the middle of answering (onboarding, settings, check-in).

    A row, not PTB's per-process ConversationHandler state, so a restart or a second worker
    continues at the same question.
    """

    __tablename__ = "conversations"

    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", primary_key=True)
    topic: str = Field(max_length=32)
    step: str = Field(max_length=32)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    challenge_id: int | None = Field(default=None, foreign_key="challenges.id", ondelete="CASCADE")
    updated_at: datetime = Field(default_factory=utcnow)


class LadderRatingRow(SQLModel, table=True):
    """One completed efficacy ladder (Bandura 2006): the amounts asked and the 0-100 ratings.

    ``strength`` and ``level`` are stored, not only derived, so a change in how they are
    computed never rewrites what the person was shown at the time.
    """

    __tablename__ = "ladder_ratings"
    __table_args__ = (
        CheckConstraint("strength >= 0 AND strength <= 100", name="strength_range"),
        CheckConstraint("level >= 0", name="level_nonnegative"),
        # Serves "this goal's ratings over time" (charts, the weekly change).
        Index("ix_ladder_ratings_goal_id_rated_at", "goal_id", "rated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    goal_id: int = Field(foreign_key="goals.id", ondelete="CASCADE")
    rated_at: datetime = Field(default_factory=utcnow)
    levels: list[float] = Field(sa_type=JSON)
    ratings: list[int] = Field(sa_type=JSON)
    strength: float  # mean rating
    level: int  # items rated >= 50


class GroupNotice(SQLModel, table=True):
    """Group chats already told that Notch only coaches in private, so it says so once."""

    __tablename__ = "group_notices"

    chat_id: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    notified_at: datetime = Field(default_factory=utcnow)


class CalibrationPriorsRow(SQLModel, table=True):
    """One fit of the calibrator's population settings for one behaviour key (aggregates only).

    ``behaviour`` is core.behaviours.fit_key ("running", "unit:pages"); ``priors`` is
    ``core.calibration.Priors.to_json()``. No key leads to a user: nothing here is anyone's row,
    and /delete drops the rows of the keys the user was in (storage.priors.forget_user).
    """

    __tablename__ = "calibration_priors"
    __table_args__ = (
        CheckConstraint("users >= 0", name="users_nonnegative"),
        CheckConstraint("attempts >= 0", name="attempts_nonnegative"),
        # Serves planning's "the latest fit for this key".
        Index("ix_calibration_priors_behaviour_fitted_at", "behaviour", "fitted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    behaviour: str = Field(max_length=100)
    fitted_at: datetime
    users: int
    attempts: int
    priors: str = Field(sa_type=Text)


class CalibrationSchedule(SQLModel, table=True):
    """When the daily fit is next due, who holds it, and how many deletions it has seen.

    One row (id 1). ``next_fit_at`` None means due at once (a /delete asked for a refit);
    ``claimed_until`` is a worker's lease on the fit; ``generation`` goes up with every /delete,
    and a fit stores its result only if the generation it gathered under is still current.
    """

    __tablename__ = "calibration_schedule"
    __table_args__ = (CheckConstraint(f"id = {FIT_SCHEDULE_ID}", name="one_row"),)

    id: int = Field(
        default=FIT_SCHEDULE_ID, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    next_fit_at: datetime | None = None
    claimed_until: datetime | None = None
    generation: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


_PENDING = "status = 'pending'"
_LIVE = "status = 'pending' OR claimed_until IS NOT NULL"


class InboxUpdate(SQLModel, table=True):
    """One update from Telegram, stored before it is acknowledged (storage/inbox.py).

    Telegram's own ``update_id`` is the key, so a duplicate delivery is one row. ``payload`` is the
    update's JSON exactly as received: an update whose shape the adapter cannot parse is still
    stored, then set aside, instead of being asked for again forever. ``chat_id`` orders a chat's
    updates (one in hand per chat at a time); None for updates that belong to no chat.
    """

    __tablename__ = "update_inbox"
    __table_args__ = (
        CheckConstraint(one_of("status", InboxStatus), name="status"),
        CheckConstraint("failures >= 0", name="failures_nonnegative"),
        # Serve the workers' claim whatever the number of handled rows kept for a day (0009):
        # the pending ones in update order, and per chat the ones still pending or leased.
        Index("ix_update_inbox_pending_update_id", "update_id",
              postgresql_where=text(_PENDING), sqlite_where=text(_PENDING)),
        Index("ix_update_inbox_live_chat_id_update_id", "chat_id", "update_id",
              postgresql_where=text(_LIVE), sqlite_where=text(_LIVE)),
        # Serves pruning handled rows by age.
        Index("ix_update_inbox_status_handled_at", "status", "handled_at"),
    )

    update_id: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    chat_id: int | None = Field(default=None, sa_type=BigInteger)
    payload: dict[str, Any] = Field(sa_type=JSON)
    status: str = Field(default=InboxStatus.PENDING, max_length=16)
    failures: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    claimed_until: datetime | None = None  # a worker's lease; expires after a crash
    received_at: datetime = Field(default_factory=utcnow)
    handled_at: datetime | None = None
    error: str | None = Field(default=None, sa_type=Text)


class SendLane(SQLModel, table=True):
    """A send lane's shared pacing, one row per lane ("broadcast"): every process takes its send
    slots from here, so the budget holds for all of them together, and a 429 pauses the lane
    for every process at once."""

    __tablename__ = "send_lanes"

    name: str = Field(primary_key=True, max_length=32)
    next_slot_at: datetime = Field(default_factory=utcnow)  # the first free send slot
    paused_until: datetime | None = None  # Telegram's retry_after, for the whole lane
