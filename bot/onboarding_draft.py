"""The answers of a setup in progress, typed: `Draft`, kept in the `conversations.data` JSON.

A field is None until its question is answered. The target is the one answer that may be
"none": the user tapped Skip, stored as `SKIPPED` here and as `"target": null` in the row (a
missing key means "not asked yet"). `to_data` writes exactly the dict shape onboarding has always
stored (`behaviour, unit, step, example, baseline, target, time, zone, first`), and `from_data`
reads every shape stored so far, so users in the middle of a setup when this deploys carry on
(and a rollback reads what this writes). A value of the wrong kind is read as not answered: the
question is asked again rather than failing later.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from enum import Enum
from typing import Any, Literal, TypeGuard

_CLOCK = re.compile(r"^\d{1,2}:\d{2}$")
FirstChoice = Literal["now", "tomorrow"]


class Skipped(Enum):
    """The target question answered with "skip": no target (distinct from "not asked yet")."""

    SKIPPED = "skipped"


SKIPPED = Skipped.SKIPPED


@dataclass
class Draft:
    """One setup's answers so far; see the module docstring for the stored shape."""

    behaviour: str | None = None
    unit: str | None = None
    step: float | None = None
    example: float | None = None  # a typical first amount (a preset's, or 10 steps)
    baseline: float | None = None
    target: float | Skipped | None = None
    time: str | None = None  # "07:30", as shown to the user
    zone: str | None = None  # an IANA name or a fixed offset zone
    first: FirstChoice | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Draft:
        """The draft in a `conversations.data` dict; unknown keys are ignored."""
        target: float | Skipped | None = _amount(data.get("target"))
        if "target" in data and data["target"] is None:
            target = SKIPPED
        first = data.get("first")
        return cls(
            behaviour=_text(data.get("behaviour")), unit=_text(data.get("unit")),
            step=_amount(data.get("step")), example=_amount(data.get("example")),
            baseline=_amount(data.get("baseline")), target=target,
            time=_clock(data.get("time")), zone=_text(data.get("zone")),
            first=first if first in ("now", "tomorrow") else None,
        )

    def to_data(self) -> dict[str, Any]:
        """The dict for `conversations.data`: answered keys only, a skipped target as None."""
        data: dict[str, Any] = {}
        for name in (f.name for f in fields(self)):
            value = getattr(self, name)
            if value is not None:
                data[name] = None if value is SKIPPED else value
        return data

    def has(self, name: str) -> bool:
        """Whether the answer that fills field `name` is in (a skipped target is an answer)."""
        return getattr(self, name) is not None

    def forget(self, names: Iterable[str]) -> None:
        """Drop these answers, so their questions are asked again."""
        for name in names:
            setattr(self, name, None)

    @property
    def goal_target(self) -> float | None:
        """The target as the goal stores it: None when there is none."""
        return None if self.target is SKIPPED else self.target


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _amount(value: object) -> float | None:
    if isinstance(value, str):  # never written so, but a number in a string is still a number
        try:
            value = float(value)
        except ValueError:
            return None
    if not _is_number(value) or not math.isfinite(value) or value <= 0:
        return None
    return float(value)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _clock(value: object) -> str | None:
    return value if isinstance(value, str) and _CLOCK.match(value) else None
