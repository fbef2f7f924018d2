"""A local Telegram Bot API emulator for tests and the terminal sandbox (see server.py)."""

from bot.emulator.errors import ApiError
from bot.emulator.faults import Fault
from bot.emulator.server import BotApiEmulator
from bot.emulator.state import SentMessage
from bot.emulator.user import EmulatedChat, EmulatedUser, NoMessageError, PressResult

__all__ = ["ApiError", "BotApiEmulator", "EmulatedChat", "EmulatedUser", "Fault",
           "NoMessageError", "PressResult", "SentMessage"]
