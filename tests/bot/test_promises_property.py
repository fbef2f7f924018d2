"""The announced next challenge is the one the tick sends (issue 12, item 2), as a property.

Random histories of answers, /skip, pauses (open and dated), /resume, /stop and /start, zone and
time changes, at random moments: before each action `next_challenge_at` (what every "comes
tomorrow at 07:30" is made of) is read, then the FakeClock drives `notch.tick()` at every instant
the database says something is due (ticks taken as continuous). The first daily message must go
out exactly at the announced instant, never earlier, and the announcement must not move while
nothing happens. (After a silent week the pause message comes at that instant instead:
item 16.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from bot.texts import checkin as c
from core.clock import local_day
from core.vocabulary import ChallengeStatus, Outcome
from sandbox.emulator import EmulatedUser
from storage.challenges import ANSWERABLE, record_outcome
from storage.models import Challenge, Goal, User
from storage.scheduling import next_challenge_at
from storage.user_settings import pause, reactivate, resume, set_send_time, set_timezone, stop
from tests.support.daily import make_user, services_of, utc
from tests.support.notch import Notch

ZONES = ("Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Pago_Pago", "Asia/Tokyo")
TIMES = (time(2, 30), time(7, 30), time(12, 0), time(20, 45), time(22, 15))
ACTIONS = ("done", "failed", "skip", "pause", "pause_until", "resume", "zone", "time", "stop",
           "start", "nothing")
SKIP_REPLIES = tuple(reply.split("{")[0] for reply in (c.SKIP_TODAY, c.SKIP_TOMORROW,
                                                      c.SKIP_ALREADY))
PEOPLE = count(5000)
BASES = count(0)


@dataclass(frozen=True)
class Step:
    wait: timedelta
    action: str
    zone: str
    at: time
    days: int


steps = st.builds(
    Step,
    wait=st.integers(0, 40 * 60).map(lambda m: timedelta(minutes=m)),
    action=st.sampled_from(ACTIONS), zone=st.sampled_from(ZONES), at=st.sampled_from(TIMES),
    days=st.integers(1, 3),
)


async def _user(notch: Notch, user_id: int) -> User:
    async with services_of(notch).session() as session:
        found = await session.get(User, user_id)
        assert found is not None
        return found


async def _predicted(notch: Notch, user_id: int) -> datetime | None:
    async with services_of(notch).session() as session:
        user = await session.get(User, user_id)
        assert user is not None
        return await next_challenge_at(session, user, notch.clock.now)


async def _due_instants(notch: Notch, user_id: int) -> list[datetime]:
    """Every instant the tick could act on for this user: its schedule and its rows' times."""
    async with services_of(notch).session() as session:
        user = await session.get(User, user_id)
        assert user is not None
        rows = (await session.exec(select(Challenge).join(
            Goal, col(Goal.id) == col(Challenge.goal_id)).where(
            col(Goal.user_id) == user_id))).all()
    found = [user.next_send_at]
    for row in rows:
        found += [row.due_at, row.close_at, row.followup_at, row.claimed_until]
    return [at for at in found if at is not None]


def _challenges(person: EmulatedUser) -> int:
    return sum(1 for m in person.messages if (m.text or "").startswith("Today's challenge"))


async def _run_until(notch: Notch, person: EmulatedUser, user_id: int, until: datetime) -> None:
    """Tick at every due instant up to `until`; each daily message comes exactly when announced."""
    promised = await _predicted(notch, user_id)
    while True:
        now = notch.clock.now
        due = [at for at in await _due_instants(notch, user_id) if now < at <= until]
        if promised is not None and now < promised <= until:
            due.append(promised)
        at = min(due, default=until)
        before = _challenges(person)
        silenced = (await notch.tick(at)).silenced
        sent = _challenges(person) - before + silenced  # a silent week's pause takes its place
        assert sent == (1 if promised is not None and promised <= at else 0), (
            f"announced {promised}, {sent} sent at {at}")
        following = await _predicted(notch, user_id)
        if not sent:
            assert following == promised, f"the announcement moved at {at} with nothing done"
        promised = following
        if at >= until:
            return


async def _act(notch: Notch, person: EmulatedUser, user_id: int, step: Step) -> None:
    now = notch.clock.now
    if step.action == "skip":  # through the bot: its reply says the skip is recorded
        await person.send_text("/skip")
        while not ((await person.next_message()).text or "").startswith(SKIP_REPLIES):
            pass  # older messages the test did not read
        return
    async with services_of(notch).session() as session:
        user = await session.get(User, user_id)
        assert user is not None
        if step.action in ("done", "failed"):
            today = local_day(now, user.timezone)
            row = (await session.exec(select(Challenge).join(
                Goal, col(Goal.id) == col(Challenge.goal_id)).where(
                col(Goal.user_id) == user_id, col(Challenge.local_date) >= today - timedelta(1),
                col(Challenge.status).in_(ANSWERABLE),
                col(Challenge.status) != ChallengeStatus.PLANNED,
            ).order_by(col(Challenge.local_date).desc()))).first()
            if row is not None and row.id is not None:
                await record_outcome(session, row.id, Outcome(step.action), now)
        elif step.action == "pause":
            await pause(session, user, until=None, now=now)
        elif step.action == "pause_until":
            until = local_day(now, user.timezone) + timedelta(days=step.days)
            await pause(session, user, until=until, now=now)
        elif step.action == "resume":
            await resume(session, user, now)
        elif step.action == "zone":
            await set_timezone(session, user, step.zone, now)
        elif step.action == "time":
            await set_send_time(session, user, step.at, now)
        elif step.action == "stop":
            await stop(session, user, now)
        elif step.action == "start":
            await reactivate(session, user, now)
        await session.commit()


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(zone=st.sampled_from(ZONES), at=st.sampled_from(TIMES),
       history=st.lists(steps, min_size=1, max_size=8))
async def test_the_announced_challenge_is_the_one_the_tick_sends(
    notch: Notch, zone: str, at: time, history: list[Step]
) -> None:
    # Each example is a new person on a later day (the earlier ones are stopped at the end).
    notch.clock.now = utc(2026, 6, 1, 12, 0) + timedelta(days=9 * next(BASES))
    person = notch.user(next(PEOPLE), "Ada")
    user_id = await make_user(notch, person, zone=zone, at=at)
    try:
        for step in history:
            await _run_until(notch, person, user_id, notch.clock.now + step.wait)
            await _act(notch, person, user_id, step)
        await _run_until(notch, person, user_id, notch.clock.now + timedelta(days=2))
    finally:
        async with services_of(notch).session() as session:
            user = await session.get(User, user_id)
            assert user is not None
            await stop(session, user, notch.clock.now)
            await session.commit()
