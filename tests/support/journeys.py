"""Driving the real onboarding through the emulator, for any test that needs an onboarded user.

`onboard` types and taps what a person would, checks each question arrives, and stops after the
"All set" message and the efficacy ladder after it: with `first="now"` the first challenge
message (sent by `bot.daily`) is left unread for the caller.
"""

from __future__ import annotations

import asyncio
import copy

from bot.texts import efficacy
from bot.texts import onboarding as t
from sandbox.emulator import EmulatedUser
from sandbox.emulator.state import SentMessage
from tests.support.notch import Notch

PRESET_LABELS = {p.behaviour: p.label for p in t.PRESETS} | {p.key: p.label for p in t.PRESETS}


def lead(template: str) -> str:
    """The fixed start of a text template (up to its first placeholder)."""
    return template.split("{")[0][:40]


async def read_until(user: EmulatedUser, starts: str, *, limit: int = 6,
                     timeout: float = 10.0) -> SentMessage:  # noqa: ASYNC109
    """The next bot message whose text starts with `starts` (skipping up to `limit` others)."""
    seen: list[str | None] = []
    for _ in range(limit):
        message = await user.next_message(timeout=timeout)
        if (message.text or "").startswith(starts):
            return message
        seen.append(message.text)
    raise AssertionError(f"no message starting {starts!r}; got {seen}")


async def onboard(
    notch: Notch,
    user: EmulatedUser,
    *,
    behaviour: str = "running",
    baseline: str = "10",
    target: str = "skip",
    time: str = "7:30",
    zone: str = "Europe/Berlin",
    first: str = "tomorrow",
    unit: str = "minutes",
    step: str = "1",
) -> list[SentMessage]:
    """Onboard `user` through /start; returns every bot message read on the way.

    `behaviour` is a preset ("running", "push-ups", "writing", ...) or anything else, which goes
    through "Something else" with `unit` and `step`. `first` is "now" or "tomorrow".
    """
    read: list[SentMessage] = []

    async def expect(starts: str) -> SentMessage:
        message = await read_until(user, starts)
        read.append(message)
        return message

    await user.send_text("/start")
    await expect(lead(t.ASK_BEHAVIOUR))
    if behaviour in PRESET_LABELS:
        await user.press(PRESET_LABELS[behaviour])
    else:
        await user.press(t.OTHER_LABEL)
        await expect(lead(t.ASK_NAME))
        await user.send_text(behaviour)
        await expect(t.ask_unit(behaviour))
        await user.send_text(unit)
        await expect(t.ask_step(unit))
        await user.send_text(step)
    await expect(lead(t.ASK_BASELINE))
    await user.send_text(baseline)
    await expect(lead(t.ASK_TARGET))
    await user.send_text(target)
    await expect(lead(t.ASK_TIME))
    await user.send_text(time)
    await expect(lead(t.ASK_ZONE))
    await user.send_text(zone)
    await expect(lead(t.SUMMARY))
    await user.press(t.CONFIRM_BUTTON)
    ask = await expect(lead(t.ASK_FIRST))
    await user.press(t.FIRST_NOW_BUTTON if first == "now" else ask.buttons[1])
    await expect("All set")
    await read_until(user, lead(efficacy.LADDER_INTRO))  # the ladder follows; rated or not
    return read


async def tap(notch: Notch, user: EmulatedUser, message: SentMessage, row: int,
              column: int) -> None:
    """One tap, then wait until its edit has reached the phone (as a person sees it).

    Waits for the message to change, not only for the emulator to go quiet: under load the
    handler's database work between the answer and the edit can outlast settle()'s quiet
    period, and the next tap would then press the keyboard from before this one (a rating lost,
    a flaky ladder test). A tap that changes nothing gives up waiting after 5 s."""
    before = (message.text, copy.deepcopy(message.reply_markup))
    await (await user.press_at(message, row, column)).answered()
    for _ in range(500):  # polls the message the emulator edits in place, 10 ms apart
        if (message.text, message.reply_markup) != before:
            break
        await asyncio.sleep(0.01)
    await notch.emulator.settle()


async def rate(notch: Notch, user: EmulatedUser, message: SentMessage, level: int,
               column: int) -> None:
    """Rate the ladder's level ``level`` (0 = first) with column ``column`` (1 = 0, … 6 = 100):
    each level is a label row (its amount) above a row of the six ratings."""
    await tap(notch, user, message, 2 * level + 1, column - 1)


async def rate_all(notch: Notch, user: EmulatedUser, message: SentMessage,
                   columns: list[int]) -> None:
    """Rate level i with column columns[i] (1 = 0, 2 = 20, … 6 = 100)."""
    for level, column in enumerate(columns):
        await rate(notch, user, message, level, column)


async def start_over(user: EmulatedUser) -> None:
    """An onboarded user's /start menu → Start over → yes: the activity question is open."""
    await user.send_text("/start")
    await user.next_message()  # the menu
    await (await user.press(t.MENU_RESTART)).answered()
    assert (await user.next_message()).text == t.CONFIRM_RESTART
    await (await user.press(t.RESTART_YES)).answered()
    assert (await user.next_message()).text == t.ASK_BEHAVIOUR
