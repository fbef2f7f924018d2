"""A local Telegram Bot API emulator for tests and the terminal sandbox (see server.py)."""

from sandbox.emulator.errors import ApiError
from sandbox.emulator.faults import Fault
from sandbox.emulator.limits import Limits
from sandbox.emulator.server import BotApiEmulator
from sandbox.emulator.state import SentMessage
from sandbox.emulator.user import EmulatedChat, EmulatedUser, NoMessageError, PressResult
from sandbox.emulator.webhook import SECRET_HEADER, RetryPolicy, WebhookStats

__all__ = ["SECRET_HEADER", "ApiError", "BotApiEmulator", "EmulatedChat", "EmulatedUser",
           "Fault", "Limits", "NoMessageError", "PressResult", "RetryPolicy", "SentMessage",
           "WebhookStats"]
