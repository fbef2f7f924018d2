"""Start-up work off the loop: the place index, then the heap set aside for the GC."""

from __future__ import annotations

import gc
import threading

import pytest

from bot import app
from bot.app import settle_heap


def test_settle_heap_freezes_what_is_alive_and_collects_the_garbage_first() -> None:
    class Cycle:
        def __init__(self) -> None:
            self.me = self

    gc.unfreeze()
    gc.collect()  # what earlier tests left as garbage is not "alive" (the count below)
    Cycle()  # garbage in a cycle: only a collection frees it
    alive = len(gc.get_objects())
    try:
        settle_heap()
        assert not any(type(o) is Cycle for o in gc.get_objects())
        assert gc.get_freeze_count() >= alive * 0.9
        assert len(gc.get_objects()) < alive * 0.1  # full passes no longer scan them
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("preload_fails", [False, True])
def test_preload_runs_then_its_follow_up_in_the_background(
    monkeypatch: pytest.MonkeyPatch, preload_fails: bool
) -> None:
    calls: list[str] = []
    done = threading.Event()

    def preload() -> None:
        calls.append(threading.current_thread().name)
        if preload_fails:
            raise OSError("no data file")

    def then() -> None:
        calls.append("then")
        done.set()

    monkeypatch.setattr(app.timezone_lookup, "preload", preload)
    monkeypatch.setattr(app, "_preload_started", threading.Event())
    app.preload_in_background(then=then)
    assert done.wait(5)
    assert calls == ["notch-tz-preload", "then"]
    app.preload_in_background(then=then)  # once per process
    assert calls == ["notch-tz-preload", "then"]
