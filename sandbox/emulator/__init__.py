"""A local Telegram Bot API emulator for tests and the terminal sandbox (see server.py)."""

from sandbox.emulator.errors import ApiError
from sandbox.emulator.faults import Fault
from sandbox.emulator.server import BotApiEmulator
from sandbox.emulator.state import SentMessage
from sandbox.emulator.user import EmulatedChat, EmulatedUser, NoMessageError, PressResult

__all__ = ["ApiError", "BotApiEmulator", "EmulatedChat", "EmulatedUser", "Fault",
           "NoMessageError", "PressResult", "SentMessage"]
