"""The behaviours Notch offers as templates, and which population a goal's calibration learns from.

Why here: onboarding's buttons (bot/texts) and the calibrator's fit (storage, bot) must agree on
what a template goal is. A goal is a template's when its stored behaviour *and* unit are the
template's (someone who picked "Running" and later counts in km is not pooled with minutes);
every other goal is pooled with the other custom goals counted in the same unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["CUSTOM_PREFIX", "TEMPLATES", "Template", "fit_key", "template_behaviours"]

CUSTOM_PREFIX: Final = "unit:"


@dataclass(frozen=True, slots=True)
class Template:
    """A common behaviour: how it is stored and measured, and a typical first amount."""

    key: str  # the button's id
    behaviour: str  # what Goal.behaviour holds
    unit: str
    step: float
    example: float


TEMPLATES: Final[tuple[Template, ...]] = (
    Template("running", "running", "minutes", 1, 10),
    Template("walking", "walking", "minutes", 1, 20),
    Template("pushups", "push-ups", "reps", 1, 10),
    Template("writing", "writing", "words", 50, 300),
    Template("reading", "reading", "pages", 1, 10),
    Template("meditation", "meditation", "minutes", 1, 5),
    Template("instrument", "instrument practice", "minutes", 1, 15),
)
_TEMPLATE_PAIRS: Final = frozenset((t.behaviour, t.unit) for t in TEMPLATES)


def fit_key(behaviour: str, unit: str) -> str:
    """The population a goal's calibration is fitted on: a template's behaviour ("running"),
    else ``unit:<unit>`` ("unit:pages"). Values are compared exactly as stored."""
    if (behaviour, unit) in _TEMPLATE_PAIRS:
        return behaviour
    return CUSTOM_PREFIX + unit


def template_behaviours(unit: str) -> list[str]:
    """The template behaviours measured in ``unit`` (their goals are not ``unit:<unit>``'s)."""
    return sorted(t.behaviour for t in TEMPLATES if t.unit == unit)
