"""What a typed message is routed on, loaded in one transaction (`core.router.OpenState`).

One joined SELECT finds the user, the active goal and the open question; then at most four
small ones: today's waiting challenge, the success whose "how hard did it feel?" and the
failure whose "what got in the way?" is still open, and the challenge an open check-in
follow-up asks about. The rows come back too, so the topic
that answers needs no second look-up. The caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.clock import local_day
from core.router import FOLLOW_UP_WANTS, OpenState
from core.vocabulary import Topic
from storage.challenges import Owned, awaiting_effort, awaiting_reason, latest_open
from storage.models import Challenge, Conversation, Goal, User

__all__ = ["Opened", "load_open_state"]


@dataclass(frozen=True)
class Opened:
    """The writer's rows (each None when absent) and the router's view of them."""

    user: User | None = None
    goal: Goal | None = None
    conversation: Conversation | None = None
    waiting: Challenge | None = None  # today's challenge, sent and unanswered
    effort_asked: Challenge | None = None  # the success "how hard did it feel?" is about
    reason_asked: Challenge | None = None  # the failure "what got in the way?" is about
    follow_up: Owned | None = None  # the open check-in follow-up's challenge, if current

    @property
    def topic(self) -> Topic | None:
        return None if self.conversation is None else Topic(self.conversation.topic)

    def state(self) -> OpenState:
        row = self.conversation
        return OpenState(
            registered=self.user is not None,
            onboarded=self.goal is not None,
            topic=self.topic,
            step=None if row is None else row.step,
            follow_up_current=self.topic is not Topic.CHECKIN or self.follow_up is not None,
            challenge_waiting=self.waiting is not None,
            effort_asked=self.effort_asked is not None,
            reason_asked=self.reason_asked is not None,
        )

    def owned(self, challenge: Challenge) -> Owned:
        """`challenge` with its goal and user (it was loaded through them)."""
        assert self.user is not None and self.goal is not None
        return Owned(challenge, self.goal, self.user)


async def load_open_state(session: AsyncSession, telegram_user_id: int, now: datetime) -> Opened:
    """Everything `core.router.route` needs about this Telegram user at `now`."""
    statement = (
        select(User, Goal, Conversation)
        .outerjoin(Goal, and_(col(Goal.user_id) == col(User.id), col(Goal.active).is_(True)))
        .outerjoin(Conversation, col(Conversation.user_id) == col(User.id))
        .where(col(User.telegram_user_id) == telegram_user_id)
        .order_by(col(Goal.id).desc())
        .execution_options(populate_existing=True)
    )
    row = (await session.exec(statement)).first()
    if row is None:
        return Opened()
    user, goal, conversation = row
    follow_up = None
    if conversation is not None and conversation.topic == Topic.CHECKIN:
        follow_up = await _current_follow_up(session, user, conversation)
    if goal is None or goal.id is None:
        return Opened(user, None, conversation, follow_up=follow_up)
    yesterday = local_day(now, user.timezone) - timedelta(days=1)
    return Opened(
        user, goal, conversation,
        waiting=await latest_open(session, goal.id),
        effort_asked=await awaiting_effort(session, goal.id, since=yesterday),
        reason_asked=await awaiting_reason(session, goal.id, since=yesterday),
        follow_up=follow_up,
    )


async def _current_follow_up(session: AsyncSession, user: User,
                             conversation: Conversation) -> Owned | None:
    """The follow-up's challenge if it is the user's and still has the answer asked about
    (with its own goal: a late answer can be about a goal since replaced)."""
    wanted = FOLLOW_UP_WANTS.get(conversation.step)
    if conversation.challenge_id is None or wanted is None:
        return None
    statement = (
        select(Challenge, Goal)
        .join(Goal, col(Goal.id) == col(Challenge.goal_id))
        .where(col(Challenge.id) == conversation.challenge_id,
               col(Goal.user_id) == user.id, col(Challenge.status) == wanted)
        .execution_options(populate_existing=True)
    )
    found = (await session.exec(statement)).first()
    return None if found is None else Owned(found[0], found[1], user)
