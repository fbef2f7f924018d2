"""Every button's callback data: one typed class per prefix, all registered here.

Callback data is user input (a client can send any string up to 64 bytes), so each class both
packs its fields into the wire format and parses them back, refusing anything else. The formats
are the ones buttons already sent carry (`done:42`, `eff:42:3`, `ob:step:2`, …): a message sent
before an upgrade keeps working. A prefix can be registered once; `pack` refuses data over
Telegram's 64-byte limit, so a too-long button fails in tests, not on a phone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any, ClassVar, Final, Self

__all__ = [
    "MAX_BYTES",
    "REGISTRY",
    "CallbackData",
    "ChallengeAnswer",
    "Confidence",
    "DeleteAnswer",
    "Effort",
    "Ladder",
    "Late",
    "Menu",
    "Onboarding",
    "Reason",
    "Setting",
    "Snooze",
    "Undo",
    "ZonePick",
    "matching",
    "parse",
    "part",
]

MAX_BYTES: Final = 64  # Telegram's limit on callback_data
REGISTRY: dict[str, type[CallbackData]] = {}


def part(pattern: str, convert: Callable[[str], Any] = str, *, optional: bool = False) -> Any:
    """A field of callback data: the regex its text matches and how it becomes a value."""
    meta = {"re": pattern, "convert": convert, "optional": optional}
    return field(default=None, metadata=meta) if optional else field(metadata=meta)


def _number(value: float) -> str:
    """12.0 → "12", 2.5 → "2.5": a level as short as it can travel."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class CallbackData:
    """`<PREFIX>:<field>:<field>…`, each field matching its own pattern."""

    PREFIXES: ClassVar[tuple[str, ...]] = ()  # a class may own several verbs (done/fail/skip)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for prefix in cls.PREFIXES:
            if prefix in REGISTRY:
                raise ValueError(f"callback prefix {prefix!r} is registered twice")
            REGISTRY[prefix] = cls

    def pack(self) -> str:
        parts = [getattr(self, "verb", self.PREFIXES[0])]
        for spec in fields(self):
            value = getattr(self, spec.name)
            if spec.name == "verb" or value is None:
                continue
            parts.append(_number(value) if isinstance(value, float) else str(value))
        data = ":".join(parts)
        if self.parse_any(data) != self:
            raise ValueError(f"{data!r} does not parse back to {self!r}")
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    @cache
    def regex(cls) -> re.Pattern[str]:
        body = "".join(
            f"(?::(?P<{spec.name}>{spec.metadata['re']})){'?' if spec.metadata['optional'] else ''}"
            for spec in fields(cls) if spec.name != "verb"
        )
        verbs = "|".join(re.escape(p) for p in cls.PREFIXES)
        return re.compile(f"^(?P<verb>{verbs}){body}$")

    @classmethod
    def parse_any(cls, data: str | None) -> Self | None:
        found = None if data is None else cls.regex().match(data)
        if found is None:
            return None
        values: dict[str, Any] = {}
        for spec in fields(cls):
            raw = found[spec.name]
            values[spec.name] = None if raw is None else (
                raw if spec.name == "verb" else spec.metadata["convert"](raw))
        return cls(**values)


def matching(*kinds: type[CallbackData]) -> Callable[[object], bool]:
    """For `CallbackQueryHandler(pattern=…)`: true for data that parses as one of `kinds`."""
    return lambda data: isinstance(data, str) and isinstance(parse(data), kinds)


def parse(data: str | None) -> CallbackData | None:
    """The typed button behind any callback data, or None for garbage or an unknown prefix."""
    if not data:
        return None
    owner = REGISTRY.get(data.partition(":")[0])
    return None if owner is None else owner.parse_any(data)


_ID = r"\d{1,18}"


@dataclass(frozen=True)
class ChallengeAnswer(CallbackData):
    """✅ / ❌ / skip under a daily challenge."""

    PREFIXES = ("done", "fail", "skip")
    verb: str
    challenge_id: int = part(_ID, int)


@dataclass(frozen=True)
class Effort(CallbackData):
    PREFIXES = ("eff",)
    challenge_id: int = part(_ID, int)
    level: int = part(r"[1-5]", int)
    verb: str = "eff"


@dataclass(frozen=True)
class Reason(CallbackData):
    PREFIXES = ("why",)
    challenge_id: int = part(_ID, int)
    reason: str = part(r"[a-z_]{1,16}")
    verb: str = "why"


@dataclass(frozen=True)
class Undo(CallbackData):
    PREFIXES = ("undo",)
    challenge_id: int = part(_ID, int)
    verb: str = "undo"


@dataclass(frozen=True)
class Snooze(CallbackData):
    """⏰ Later on the daily message: `later:42` opens the choices, `later:42:1h` picks one
    (core.clock.SnoozeChoice: 1h, 3h, eve), `later:42:back` closes them again."""

    PREFIXES = ("later",)
    challenge_id: int = part(_ID, int)
    choice: str | None = part(r"1h|3h|eve|back", optional=True)
    verb: str = "later"


@dataclass(frozen=True)
class Late(CallbackData):
    """A late answer to a day that closed: "I did it" / "I didn't"."""

    PREFIXES = ("late",)
    challenge_id: int = part(_ID, int)
    outcome: str = part(r"done|failed")
    verb: str = "late"


@dataclass(frozen=True)
class Confidence(CallbackData):
    PREFIXES = ("conf",)
    challenge_id: int = part(_ID, int)
    value: int = part(r"\d{1,3}", int)
    verb: str = "conf"


@dataclass(frozen=True)
class Onboarding(CallbackData):
    """A setup question's button: the same as typing `choice` while `step` is asked."""

    PREFIXES = ("ob",)
    step: str = part(r"[a-z_]{1,16}")
    choice: str = part(r"[a-z_0-9]{1,24}")
    verb: str = "ob"


@dataclass(frozen=True)
class ZonePick(CallbackData):
    """One of the places a typed city name could mean (`tz:America/New_York`): the same as
    typing that zone's name to the open time-zone question (setup or /settings)."""

    PREFIXES = ("tz",)
    zone: str = part(r"[A-Za-z][A-Za-z0-9_+\-/]{0,39}")
    verb: str = "tz"


@dataclass(frozen=True)
class Menu(CallbackData):
    PREFIXES = ("menu",)
    item: str = part(r"today|restart|restart_yes|restart_no|settings")
    verb: str = "menu"


@dataclass(frozen=True)
class Setting(CallbackData):
    """/settings: a field to change (`set:time`), or a choice inside one (`set:rday:3`)."""

    PREFIXES = ("set",)
    what: str = part(r"[a-z]{1,12}")
    value: str | None = part(r"[A-Za-z0-9_]{1,12}", optional=True)  # "3", "off", "pt_BR"
    verb: str = "set"


@dataclass(frozen=True)
class Ladder(CallbackData):
    """One rating on the efficacy ladder; the ratings so far travel in the data (≤ 64 bytes)."""

    PREFIXES = ("lad",)
    LABEL: ClassVar[str] = "lad:-"  # the amount at the start of a row: a label, parses as None
    goal_id: int = part(_ID, int)
    current: float = part(r"\d{1,9}(?:\.\d{1,6})?", float)
    state: str = part(r"[-0-5]{1,5}")
    row: int = part(r"\d", int)
    index: int = part(r"[0-5]", int)
    verb: str = "lad"


@dataclass(frozen=True)
class DeleteAnswer(CallbackData):
    """/delete's confirm or keep: the user row, its creation instant and when it was asked."""

    PREFIXES = ("del", "dkeep")
    verb: str
    user_id: int = part(_ID, int)
    token: str = part(r"[0-9a-f]{1,16}\.[0-9a-f]{1,12}")
