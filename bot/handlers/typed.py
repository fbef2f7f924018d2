"""Every private non-command message, routed once.

The open state (user, goal, open question, waiting challenge) is loaded in one transaction,
`core.router.route` decides who the message is for, and that topic carries it out, usually in
one more transaction. So any typed message costs at most two transactions before it is
answered (tests/bot/test_typed_transactions.py counts them).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.context import NotchContext
from bot.daily import amount_text
from bot.handlers import checkin, fallback, onboarding, reflection, settings
from bot.handlers.base import Group, Handlers
from bot.i18n import _
from bot.lexicons import current_lexicon
from bot.texts import checkin as checkin_texts
from core.router import Action, Intent, route
from core.vocabulary import ChallengeStatus, Topic
from storage.conversations import clear_conversation
from storage.open_state import Opened


async def on_message(update: Update, context: NotchContext) -> None:
    message = update.effective_message
    if message is None:
        return
    opened = await context.open_state()
    intent = route(message.text, opened.state(), current_lexicon())
    closing = intent.clear_stale or intent.close_follow_up
    if closing and opened.user is not None and opened.user.id is not None:
        # the follow-up's answer was undone meanwhile, or doubt set the reflection aside
        async with context.db() as session:
            await clear_conversation(session, opened.user.id, topic=Topic.CHECKIN)
    await act(update, context, opened, intent)


async def act(update: Update, context: NotchContext, opened: Opened, intent: Intent) -> None:
    """Carry out the router's decision: one small step per action (`STEPS`)."""
    await STEPS.get(intent.action, _nobody_asked)(update, context, opened, intent)


async def _answer(update: Update, context: NotchContext, opened: Opened, intent: Intent) -> None:
    await ANSWERS[intent.topic](update, context, opened)  # type: ignore[index]


async def _check_in(update: Update, context: NotchContext, opened: Opened,
                    intent: Intent) -> None:
    assert opened.waiting is not None and intent.outcome is not None
    await checkin.answer_typed(update, context, opened.owned(opened.waiting), intent.outcome)
    if intent.resume is not None:
        await ASK_AGAIN[intent.resume](context, opened, None)


async def _not_a_name_step(update: Update, context: NotchContext, opened: Opened,
                           intent: Intent) -> None:
    await onboarding.ask_again(context, opened, _not_a_name(opened))


async def _nothing_open(update: Update, context: NotchContext, opened: Opened,
                        intent: Intent) -> None:
    await context.bot.send_message(context.chat, _(checkin_texts.NOTHING_OPEN))


async def _need_setup(update: Update, context: NotchContext, opened: Opened,
                      intent: Intent) -> None:
    await settings.goal_gone(context, opened)


async def _effort(update: Update, context: NotchContext, opened: Opened,
                  intent: Intent) -> None:
    assert opened.effort_asked is not None and intent.effort is not None
    await checkin.answer_effort(context, opened.owned(opened.effort_asked), intent.effort)


async def _reason(update: Update, context: NotchContext, opened: Opened,
                  intent: Intent) -> None:
    assert opened.reason_asked is not None and intent.reason is not None
    await checkin.answer_reason(context, opened.owned(opened.reason_asked), intent.reason)


async def _confidence(update: Update, context: NotchContext, opened: Opened,
                      intent: Intent) -> None:
    assert opened.waiting is not None and intent.confidence is not None
    await checkin.answer_confidence(context, opened.owned(opened.waiting), intent.confidence)


async def _doubt(update: Update, context: NotchContext, opened: Opened, intent: Intent) -> None:
    await reflection.replay_doubt(update, context, opened)


async def _nobody_asked(update: Update, context: NotchContext, opened: Opened,
                        intent: Intent) -> None:
    await fallback.nobody_asked(update, intent.action, opened.state())


Step = Callable[[Update, NotchContext, Opened, Intent], Awaitable[None]]
STEPS: dict[Action, Step] = {
    Action.ANSWER: _answer,
    Action.CHECK_IN: _check_in,
    Action.NOT_A_NAME: _not_a_name_step,
    Action.NOTHING_OPEN: _nothing_open,
    Action.NEED_SETUP: _need_setup,
    Action.EFFORT: _effort,
    Action.REASON: _reason,
    Action.CONFIDENCE: _confidence,
    Action.DOUBT: _doubt,
}  # NOT_TEXT, LONG_TEXT, UNKNOWN: the fallback's help


def _not_a_name(opened: Opened) -> str:
    """Why outcome words are not the new activity's name: what the bot says outside a setup
    (nothing waits), or the waiting challenge and how to answer it."""
    if opened.waiting is None or opened.goal is None:
        return _(checkin_texts.NOTHING_OPEN)
    return _(checkin_texts.TODAY_STATE[ChallengeStatus.SENT]).format(
        amount=amount_text(opened.goal, opened.waiting.amount))


ANSWERS = {
    Topic.ONBOARDING: onboarding.answer_message,
    Topic.SETTINGS: settings.answer_message,
    Topic.CHECKIN: checkin.answer_follow_up,
}
ASK_AGAIN = {
    Topic.ONBOARDING: onboarding.ask_again,
    Topic.SETTINGS: settings.ask_again,
}


def handlers() -> Handlers:
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & ~filters.COMMAND
    return [(Group.TYPED, MessageHandler(private, on_message))]
