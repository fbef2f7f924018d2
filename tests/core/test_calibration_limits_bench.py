"""The limits study's reference controllers and its settings search do what they claim."""

from __future__ import annotations

import random

import pytest

import core.calibration as calibration
from bench._calib_peers import Notch
from bench._calib_sim import simulate
from bench.calibration_limits import (
    NotchNoEarlyRaise,
    NotchNotchStart,
    StatedBaseline,
    _apply,
    random_settings,
)


def test_notch_start_is_one_step_above_the_baseline_then_the_shipped_calibrator() -> None:
    ctl, shipped = NotchNotchStart(10.0, 1.0, "minutes"), Notch(10.0, 1.0, "minutes")
    assert ctl.plan(0)[0] == 11.0
    assert shipped.plan(0)[0] == 10.0
    for c in (ctl, shipped):
        c.observe(0, 11.0, "done", effort=3)
    assert ctl.plan(1) == shipped.plan(1)


def test_notch_start_stays_at_the_baseline_when_one_step_is_out_of_reach() -> None:
    assert NotchNotchStart(2.0, 1.0, "km").plan(0)[0] == 2.0  # +50 % is not "one notch"


def test_no_early_raise_holds_the_level_for_five_attempts_then_is_the_shipped_one() -> None:
    ctl, shipped = NotchNoEarlyRaise(10.0, 1.0, "minutes"), Notch(10.0, 1.0, "minutes")
    raised_early = False
    for day in range(9):
        mine, theirs = ctl.plan(day)[0], shipped.plan(day)[0]
        if day < 5:
            assert mine == 10.0
            raised_early = raised_early or theirs > 10.0
        for c in (ctl, shipped):
            c.observe(day, mine, "done", effort=1)  # the same history for both
    assert raised_early  # the shipped one would have raised: the hold did something
    assert ctl.plan(9) == shipped.plan(9)


def test_reference_controllers_run_in_the_simulation() -> None:
    for ctl in (StatedBaseline, NotchNoEarlyRaise, NotchNotchStart):
        run = simulate(0, ctl, range(2), days=8)
        assert (run.early_fails >= 0).all()


def test_the_search_only_touches_settings_that_exist() -> None:
    settings = random_settings(random.Random(1))
    assert all(hasattr(calibration, key) for key in settings)
    with pytest.raises(KeyError):
        _apply({"NO_SUCH_SETTING": 1})
