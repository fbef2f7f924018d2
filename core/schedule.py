"""When the next daily challenge really goes out: the tick's rule, as one pure function.

The tick (bot/scheduler.py) plans a day's challenge when the user's `next_send_at` comes, only
for a local day that has no challenge yet, and sends planned rows when their `due_at` comes. Every
sentence that announces the next challenge ("comes tomorrow at 07:30") is computed here from the
same facts, so it can only promise what the tick will do: a day already answered, skipped or sent
is passed over, a pause resumes on its day, stopped and blocked users get nothing.

Pure: storage hands the facts over (storage.scheduling.load_schedule); `now` is passed in.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from core.clock import ZoneLike, local_day, send_instant_for_day
from core.vocabulary import UserStatus

__all__ = [
    "LATEST_SEND",
    "LATE_GRACE",
    "SILENT_DAYS",
    "Schedule",
    "Waiting",
    "next_delivery",
    "next_plan_instant",
    "silent_for_a_week",
    "still_sendable",
]

LATEST_SEND: Final = time(21, 0)
"""After this local time a day's challenge is not sent any more (catch-up after downtime)."""
LATE_GRACE: Final = timedelta(hours=1)
"""…unless the send time itself is that late: then it may still go out this long after it."""
SILENT_DAYS: Final = 7
"""After this many days in a row whose challenge went out and got no answer, the tick pauses
the person instead of sending an eighth (people block bots that nag, and a block is for good)."""


def still_sendable(day: date, tz: ZoneLike, send_time: time, now: datetime) -> bool:
    """Whether `day`'s challenge may still go out at `now`: not after 21:00 local (or, for a
    later send time, not more than LATE_GRACE after it) — a late day is skipped quietly."""
    send_at = send_instant_for_day(day, tz, send_time)
    latest = max(send_instant_for_day(day, tz, LATEST_SEND), send_at + LATE_GRACE)
    return now <= latest


def next_plan_instant(
    after: datetime, tz: ZoneLike, send_time: time, taken: Collection[date] = ()
) -> datetime:
    """The first send instant strictly after `after` of a local day with no challenge yet
    (`taken`: the days that have one, in any state): where the tick moves `next_send_at`, so it
    never wakes for a day already planned, answered or skipped."""
    day = local_day(after, tz) - timedelta(days=1)
    for _ in range(len(taken) + 4):
        candidate = send_instant_for_day(day, tz, send_time)
        if candidate > after and day not in taken:
            return candidate
        day += timedelta(days=1)
    raise AssertionError("unreachable: a free day comes within len(taken) + 2 days")


@dataclass(frozen=True, slots=True)
class Waiting:
    """A planned challenge not sent yet, as the tick's claim sees it: due at `due_at`, leased
    until `claimed_until` (a send under way, or a refused one held), missed at `close_at`."""

    due_at: datetime
    close_at: datetime | None = None
    claimed_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Schedule:
    """One user's facts the tick decides on (users row, and the goal's recent challenges).

    `wake_at` is `users.next_send_at`: when the tick next looks at the user (plans a day, or
    resumes a pause with an end date). `taken`: local days that already have a challenge row.
    """

    timezone: str
    send_time: time
    status: UserStatus
    wake_at: datetime | None
    taken: frozenset[date] = frozenset()
    waiting: tuple[Waiting, ...] = ()


def next_delivery(schedule: Schedule, now: datetime) -> datetime | None:
    """When the tick will next send this user a daily challenge (ticks taken as continuous),
    or None when it never will (stopped, blocked, paused until /resume, no goal)."""
    if schedule.wake_at is None:
        return None
    if schedule.status == UserStatus.ACTIVE:
        active_from = now
    elif schedule.status == UserStatus.PAUSED:
        active_from = max(now, schedule.wake_at)  # the tick resumes the pause at wake_at
    else:
        return None
    tz, send_time = schedule.timezone, schedule.send_time
    candidates: list[datetime] = []
    for row in schedule.waiting:  # the claim sends it once due, leased by nobody, still open
        at = max(row.due_at, active_from, row.claimed_until or row.due_at)
        if row.close_at is None or at < row.close_at:
            candidates.append(at)
    wake = max(schedule.wake_at, now)
    day = local_day(wake, tz)
    if (day not in schedule.taken and send_instant_for_day(day, tz, send_time) <= wake
            and still_sendable(day, tz, send_time, wake)):
        candidates.append(wake)  # due already: the next tick plans and sends it
    else:
        candidates.append(next_plan_instant(wake, tz, send_time, schedule.taken))
    return min(candidates)


def silent_for_a_week(unanswered: Collection[date], today: date) -> bool:
    """Whether each of the SILENT_DAYS days before `today` had a challenge that went out and got
    no answer (`unanswered`: such days). A day without one (a pause, a rest day set ahead, a
    /resume the day before) breaks the run, so someone who comes back starts a new week."""
    return all(today - timedelta(days=back) in unanswered for back in range(1, SILENT_DAYS + 1))
