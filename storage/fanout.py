"""The daily fan-out in sets: a batch of due users planned, and a batch of challenges sent, in a
few statements each instead of several sessions and queries per person.

Planning 100 people one at a time cost 1.5 s although one calibrator decision takes well under
a millisecond: the time went to sessions, ORM objects and per-row round trips (issue 13,
docs/BENCHMARKS.md "Fan-out"). Here a batch is claimed with the same guarantees as before
(PostgreSQL: ``FOR UPDATE SKIP LOCKED``; everywhere: a compare-and-set ``UPDATE`` on
``next_send_at`` / ``status``), its facts are read with Core selects of only the needed columns,
and its challenges are inserted in one ``INSERT … ON CONFLICT DO NOTHING`` on the unique
(goal_id, local_date), so one challenge per goal and day holds however many workers race.

The caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Final, TypeVar

from sqlalchemy import and_, case, delete, literal, or_, select
from sqlmodel import col, update
from sqlmodel.ext.asyncio.session import AsyncSession

from core import calibration
from core.behaviours import fit_key
from core.schedule import SILENT_DAYS
from core.vocabulary import ChallengeStatus, FailureReason, Topic, UserStatus
from storage.challenges import attempt_of
from storage.db import upsert_insert
from storage.models import Challenge, Conversation, Goal, User, utcnow
from storage.priors import latest_priors

__all__ = [
    "DueUser",
    "GoalFacts",
    "NewChallenge",
    "Sendable",
    "SentMark",
    "advance_users",
    "claim_users_to_plan",
    "clear_checkins",
    "goal_facts",
    "insert_challenges",
    "load_sendable",
    "mark_sent_many",
    "priors_for_keys",
]

_LOOK_BACK: Final = timedelta(days=2)  # storage.scheduling.taken_days' window
_EVIDENCE: Final = or_(
    col(Challenge.status) == ChallengeStatus.DONE,
    and_(col(Challenge.status) == ChallengeStatus.FAILED,
         col(Challenge.failure_reason) == FailureReason.TOO_HARD),
)
"""The settled days the calibrator's filter reads (core.calibration.is_evidence): it passes
over skipped, missed and other failures, so leaving them out plans the same amount (shown by
tests/bot/test_fanout_plans.py) and reads a quarter to half fewer rows."""


async def _run(session: AsyncSession, statement: Any) -> Any:
    """Run a Core statement on the session's connection (same transaction), skipping the ORM's
    per-statement machinery: these statements load and update no ORM objects.

    Statements whose shape grows with the batch (a CASE branch per item) are padded to a power
    of two (:func:`_padded`): SQLAlchemy caches one compiled statement per shape, and caching
    every batch size kept up to 500 large compiled statements per process (RSS grew with N)."""
    return await (await session.connection()).execute(statement)


async def _rows(session: AsyncSession, statement: Any) -> Sequence[Any]:
    """The rows of a Core select of several columns (sqlmodel's typed ``select`` stops at four)."""
    return (await _run(session, statement)).all()  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class DueUser:
    """A claimed user whose day is due (or due within the planning window), with the active
    goal (the newest active one, as storage.goals.active_goal) if any."""

    user_id: int
    chat_id: int
    timezone: str
    send_time: time
    next_send_at: datetime
    goal_id: int | None = None
    goal: calibration.Goal | None = None
    key: str = ""  # the goal's behaviour key (as storage.priors.goal_key)
    locale: str | None = None  # as Sendable's: what a message to them is written in
    language_code: str | None = None


async def claim_users_to_plan(
    session: AsyncSession, until: datetime, *, limit: int,
    after: tuple[datetime, int] | None = None,
) -> list[DueUser]:
    """Active users with ``next_send_at <= until``, earliest first, locked for this transaction
    on PostgreSQL (skipping those another worker holds), with their active goals.

    ``after`` (next_send_at, id) resumes behind the previous batch of the same tick, so users
    left as they were (not plannable yet) are not claimed again and again in one tick. Each must
    then be moved on with :func:`advance_users`, the compare-and-set that keeps SQLite (where
    nothing is locked) from planning anyone twice.
    """
    statement = (
        select(col(User.id), col(User.chat_id), col(User.timezone), col(User.send_time),
               col(User.next_send_at), col(User.locale), col(User.language_code))
        .where(col(User.status) == UserStatus.ACTIVE, col(User.next_send_at) <= until)
        .order_by(col(User.next_send_at), col(User.id))
        .limit(limit)
        .with_for_update(skip_locked=True, of=User)
    )
    if after is not None:
        at, user_id = after
        statement = statement.where(or_(
            col(User.next_send_at) > at,
            and_(col(User.next_send_at) == at, col(User.id) > user_id)))
    users = await _rows(session, statement)
    if not users:
        return []
    ids = [int(row[0]) for row in users]
    goals = await _rows(session,
        select(col(Goal.user_id), col(Goal.id), col(Goal.behaviour), col(Goal.unit),
               col(Goal.baseline), col(Goal.step), col(Goal.target))
        .where(col(Goal.user_id).in_(ids), col(Goal.active).is_(True))
        .order_by(col(Goal.id)))
    newest: dict[int, Any] = {int(row[0]): row for row in goals}  # ordered by id: last wins
    claimed: list[DueUser] = []
    for user_id, chat_id, tz, send_time, next_send_at, locale, language_code in users:
        goal = newest.get(int(user_id))
        if goal is None:
            claimed.append(DueUser(int(user_id), int(chat_id), tz, send_time, next_send_at,
                                   locale=locale, language_code=language_code))
            continue
        _, goal_id, behaviour, unit, baseline, step, target = goal
        claimed.append(DueUser(
            int(user_id), int(chat_id), tz, send_time, next_send_at, int(goal_id),
            calibration.Goal(unit=unit, baseline=baseline, step=step, target=target),
            fit_key(behaviour, unit), locale, language_code,
        ))
    return claimed


@dataclass(slots=True)
class GoalFacts:
    """What planning one goal's day reads: the days that have a challenge (recent ones), the
    days that went out unanswered and closed (recent ones), and the settled history."""

    taken: set[date] = field(default_factory=set)
    unanswered: set[date] = field(default_factory=set)
    history: list[calibration.Attempt] = field(default_factory=list)


async def goal_facts(
    session: AsyncSession, days: dict[int, tuple[date, date]]
) -> dict[int, GoalFacts]:
    """For each goal id → (local today, the day to plan): the facts, in two queries.

    ``taken`` holds days from today less two (storage.scheduling.taken_days), ``unanswered``
    the missed-after-sending days of the SILENT_DAYS before the planned day
    (storage.scheduling.silent_week), ``history`` the settled days before the planned day that
    are evidence (storage.challenges.history less what the calibrator passes over), oldest
    first: the same facts, read for a batch at once.
    """
    facts: dict[int, GoalFacts] = {goal_id: GoalFacts() for goal_id in days}
    if not days:
        return facts
    ids = list(days)
    since = min(min(today - _LOOK_BACK, day - timedelta(days=SILENT_DAYS))
                for today, day in days.values())
    recent = await _rows(session,
        select(col(Challenge.goal_id), col(Challenge.local_date), col(Challenge.status),
               col(Challenge.sent_at).is_not(None))
        .where(col(Challenge.goal_id).in_(ids), col(Challenge.local_date) >= since))
    for goal_id, local_date, status, was_sent in recent:
        today, day = days[goal_id]
        found = facts[goal_id]
        if local_date >= today - _LOOK_BACK:
            found.taken.add(local_date)
        if (day - timedelta(days=SILENT_DAYS) <= local_date < day
                and status == ChallengeStatus.MISSED and was_sent):
            found.unanswered.add(local_date)
    latest = max(day for _, day in days.values())
    settled = await _rows(session,
        select(col(Challenge.goal_id), col(Challenge.local_date), col(Challenge.amount),
               col(Challenge.status), col(Challenge.effort), col(Challenge.failure_reason),
               col(Challenge.achieved))
        .where(col(Challenge.goal_id).in_(ids), _EVIDENCE, col(Challenge.local_date) < latest)
        .order_by(col(Challenge.goal_id), col(Challenge.local_date)))
    for goal_id, local_date, amount, status, effort, reason, achieved in settled:
        if local_date < days[goal_id][1]:
            facts[goal_id].history.append(
                attempt_of(local_date, amount, status, effort, reason, achieved))
    return facts


async def priors_for_keys(
    session: AsyncSession, keys: Iterable[str]
) -> dict[str, calibration.Priors | None]:
    """The learned settings of each behaviour key (one query per distinct key: a batch has few)."""
    return {key: await latest_priors(session, key) for key in set(keys)}


async def advance_users(
    session: AsyncSession, moves: Sequence[tuple[int, datetime, datetime | None]]
) -> set[int]:
    """Move each (user id, expected next_send_at, new next_send_at) on in one ``UPDATE``, only
    where nobody moved it since it was read; the ids that moved."""
    if not moves:
        return set()
    moves = _padded(list(moves), (_NO_ROW, moves[0][1], None))
    statement = (
        update(User)
        .where(or_(*(and_(col(User.id) == user_id, col(User.next_send_at) == expected)
                     for user_id, expected, _ in moves)))
        .values(next_send_at=case(
            *((col(User.id) == user_id, _typed(upcoming, User, "next_send_at"))
              for user_id, _, upcoming in moves),
            else_=col(User.next_send_at)))
        .returning(col(User.id))
        .execution_options(synchronize_session=False)
    )
    return {int(i) for i in (await _run(session, statement)).scalars().all()}


_NO_ROW: Final = -1  # an id no row has: the padding of a batch-shaped statement

_T = TypeVar("_T")


def _padded(items: list[_T], filler: _T) -> list[_T]:
    """`items` filled up to the next power of two with `filler` (which matches no row), so a
    statement with one branch per item comes in a few shapes only."""
    size = 1
    while size < len(items):
        size *= 2
    return items + [filler] * (size - len(items))


def _typed(value: Any, model: Any, name: str) -> Any:
    """A bound value with the column's own type (a bare value in CASE would lose the column's
    datetime handling)."""
    return literal(value, type_=model.__table__.c[name].type)


@dataclass(frozen=True, slots=True)
class NewChallenge:
    """One planned day, ready to insert."""

    goal_id: int
    local_date: date
    plan: calibration.Plan
    due_at: datetime
    close_at: datetime


async def insert_challenges(session: AsyncSession, planned: Sequence[NewChallenge]) -> None:
    """Insert the batch's challenges in one statement; a day that already has its challenge
    (another worker, /today) keeps it (``ON CONFLICT (goal_id, local_date) DO NOTHING``)."""
    if not planned:
        return
    table = Challenge.__table__  # type: ignore[attr-defined]
    created = utcnow()
    rows = [
        {"goal_id": item.goal_id, "local_date": item.local_date, "amount": item.plan.amount,
         "p_success": item.plan.p_success, "plan_reason_key": item.plan.reason_key,
         "plan_facts": dict(item.plan.facts), "status": ChallengeStatus.PLANNED,
         "due_at": item.due_at, "close_at": item.close_at, "send_attempts": 0,
         "created_at": created}
        for item in planned
    ]
    statement = upsert_insert(session)(table).on_conflict_do_nothing(
        index_elements=[table.c.goal_id, table.c.local_date])
    # executemany: one statement shape whatever the batch size (SQLAlchemy sends the rows in
    # multi-row pages itself), so its compiled cache holds one entry, not one per size.
    await (await session.connection()).execute(statement, rows)


# --------------------------------------------------------------------------- sending


@dataclass(frozen=True, slots=True)
class Sendable:
    """A claimed challenge with what its message needs, and yesterday's challenge if it went
    out and closed unanswered (then the late question goes first)."""

    challenge_id: int
    user_id: int
    chat_id: int
    timezone: str
    unit: str
    amount: float
    reason_key: str
    facts: dict[str, Any]
    confidence: int | None
    attempts: int
    due_at: datetime
    close_at: datetime | None
    missed_id: int | None = None  # yesterday's challenge, missed after it was sent
    missed_amount: float = 0.0
    locale: str | None = None  # the language the user chose (users.locale), if any
    language_code: str | None = None  # Telegram's, for a user who never chose


async def load_sendable(session: AsyncSession, ids: Sequence[int]) -> list[Sendable]:
    """The claimed challenges still planned, with user, goal and yesterday's missed one, in two
    queries (the claim's order: earliest due first)."""
    if not ids:
        return []
    rows = await _rows(session,
        select(col(Challenge.id), col(User.id), col(User.chat_id), col(User.timezone),
               col(Goal.unit), col(Challenge.amount), col(Challenge.plan_reason_key),
               col(Challenge.plan_facts), col(Challenge.confidence),
               col(Challenge.send_attempts), col(Challenge.due_at), col(Challenge.close_at),
               col(Challenge.goal_id), col(Challenge.local_date), col(User.locale),
               col(User.language_code))
        .join(Goal, col(Goal.id) == col(Challenge.goal_id))
        .join(User, col(User.id) == col(Goal.user_id))
        .where(col(Challenge.id).in_(list(ids)),
               col(Challenge.status) == ChallengeStatus.PLANNED)
        .order_by(col(Challenge.due_at), col(Challenge.id)))
    yesterdays = {(int(row[12]), row[13] - timedelta(days=1)) for row in rows}
    missed: dict[tuple[int, date], tuple[int, float]] = {}
    if yesterdays:
        found = await _rows(session,
            select(col(Challenge.goal_id), col(Challenge.local_date), col(Challenge.id),
                   col(Challenge.amount))
            .where(col(Challenge.goal_id).in_({goal for goal, _ in yesterdays}),
                   col(Challenge.local_date).in_({day for _, day in yesterdays}),
                   col(Challenge.status) == ChallengeStatus.MISSED,
                   col(Challenge.sent_at).is_not(None)))
        for goal_id, local_date, challenge_id, amount in found:
            missed[(int(goal_id), local_date)] = (int(challenge_id), float(amount))
    out: list[Sendable] = []
    for (challenge_id, user_id, chat_id, tz, unit, amount, key, facts, confidence, attempts,
         due_at, close_at, goal_id, local_date, locale, language_code) in rows:
        late = missed.get((int(goal_id), local_date - timedelta(days=1)))
        out.append(Sendable(
            int(challenge_id), int(user_id), int(chat_id), tz, unit, float(amount), key,
            dict(facts or {}), confidence, int(attempts), due_at, close_at,
            None if late is None else late[0], 0.0 if late is None else late[1],
            locale, language_code))
    return out


@dataclass(frozen=True, slots=True)
class SentMark:
    """A delivered daily message: the row to mark sent, its message and its reminder time."""

    challenge_id: int
    user_id: int
    message_id: int
    followup_at: datetime | None


async def mark_sent_many(
    session: AsyncSession, sent: Sequence[SentMark], now: datetime
) -> set[int]:
    """planned → sent for each delivered challenge in one ``UPDATE … WHERE status = 'planned'``
    (storage.scheduling.mark_sent's compare-and-set, for a batch); the ids that moved."""
    if not sent:
        return set()
    ids = [item.challenge_id for item in sent]
    sent = _padded(list(sent), SentMark(_NO_ROW, _NO_ROW, 0, None))
    by_id = col(Challenge.id)
    statement = (
        update(Challenge)
        .where(by_id.in_(ids), col(Challenge.status) == ChallengeStatus.PLANNED)
        .values(
            status=ChallengeStatus.SENT, sent_at=now, claimed_until=None,
            telegram_message_id=case(
                *((by_id == i.challenge_id, _typed(i.message_id, Challenge,
                                                   "telegram_message_id")) for i in sent),
                else_=None),
            followup_at=case(
                *((by_id == i.challenge_id, _typed(i.followup_at, Challenge, "followup_at"))
                  for i in sent),
                else_=None),
            send_attempts=col(Challenge.send_attempts) + 1,
        )
        .returning(by_id)
        .execution_options(synchronize_session=False)
    )
    return {int(i) for i in (await _run(session, statement)).scalars().all()}


async def clear_checkins(session: AsyncSession, user_ids: Iterable[int]) -> int:
    """End the open check-in question of each user (a new day's message supersedes it), as
    storage.conversations.clear_conversation(topic=CHECKIN) does for one; how many ended."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    statement = delete(Conversation).where(col(Conversation.user_id).in_(ids),
                                           col(Conversation.topic) == Topic.CHECKIN)
    result = await _run(session, statement)
    return int(getattr(result, "rowcount", 0) or 0)
