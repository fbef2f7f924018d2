"""Smoke test of the calibration benchmark's simulation: structure only, never the goals."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

import bench.calibration as bench_cal
from bench._calib_peers import CONTROLLERS, D0, Notch
from bench._calib_sim import DONE, FAILED, MISSED, Run, simulate
from bench._doc import markers, write_section
from bench.calibration import COLD, WARM, calibration, metrics
from bench.learners import POPULATIONS, make_learner
from core.calibration import Attempt, Goal, Priors, next_challenge


@pytest.mark.parametrize("ctl", CONTROLLERS, ids=[c.name for c in CONTROLLERS])
def test_every_controller_plans_positive_amounts_and_metrics_are_shares(ctl: type) -> None:
    if ctl.name == "QUEST+":
        pytest.importorskip("questplus", reason="QUEST+ needs the [bench] extra")
    for pop in range(len(POPULATIONS)):
        run = simulate(pop, ctl, range(3 if ctl.name == "QUEST+" else 4), days=12)
        planned = ~np.isnan(run.p_true)
        assert planned.any()
        assert (run.amount[planned] > 0).all()
        step = POPULATIONS[pop].step
        ratios = run.amount[planned] / step
        assert np.allclose(ratios, np.round(ratios))
        m = metrics(run)
        for share in (m.in_band, m.too_hard, m.too_easy, m.mean_dev,
                      *[w for w in (m.early_easy, *m.weekly) if w == w]):
            assert 0.0 <= share <= 1.0
        assert 0.0 <= m.early_fails <= 5.0
        if m.rmse is not None:
            assert 0.0 <= m.rmse <= 1.0


def test_common_random_numbers_give_the_same_people() -> None:
    a = simulate(0, CONTROLLERS[0], range(3), days=5)
    b = simulate(0, CONTROLLERS[0], range(3), days=5)
    assert np.array_equal(a.amount, b.amount, equal_nan=True)


def test_calibration_rmse_is_zero_for_truth_and_positive_for_bias() -> None:
    p = np.linspace(0.05, 0.95, 50)
    assert calibration(p, p) == 0.0
    assert calibration(np.clip(p + 0.1, 0, 1), p) > 0.05


START, END = markers("calibration")


def test_writer_replaces_only_its_own_section(tmp_path: Path) -> None:
    doc = tmp_path / "BENCHMARKS.md"
    doc.write_text("# Benchmarks\n\nother intro\n\n<!-- x:start -->keep<!-- x:end -->\n")
    for body in ("first", "second"):
        write_section("calibration", f"{START}\n{body}\n{END}\n", doc)
    text = doc.read_text()
    assert "second" in text and "first" not in text
    assert "<!-- x:start -->keep<!-- x:end -->" in text and "other intro" in text
    assert text.count("calibration:start") == 1


def test_alt_assumptions_population_keeps_the_earlier_assumptions() -> None:
    from bench._calib_sim import practice_value, practice_value_harder
    from bench.learners import make_learner

    names = [p.name for p in POPULATIONS]
    alt = names.index("alt-assumptions")
    assert POPULATIONS[alt].comfortable_p == 0.90
    # The earlier growth kernel rewards harder sessions; the default one peaks near 0.85.
    assert practice_value_harder(0.6) > practice_value_harder(0.85) > practice_value_harder(0.95)
    assert practice_value(0.6) < practice_value(0.85) > practice_value(0.95)
    # "Comfortable" = p_true 0.90 there, 0.95 elsewhere: the stated baseline is harder.
    def at_baseline(pop: int) -> float:
        people = [make_learner(pop, i) for i in range(60)]
        return float(np.median([x.p_true(x.start, x.baseline) for x in people]))

    assert at_baseline(alt) < at_baseline(names.index("minutes")) - 0.02


def _hand_made_run() -> Run:
    """Two learners x six days, p_true chosen by hand; NaN = no plan (a break)."""
    nan = np.nan
    p_true = np.array([[0.95, 0.80, 0.60, 0.91, nan, 0.70],
                       [0.90, 0.69, 0.99, 0.85, 0.75, 0.50]])
    outcome = np.array([[DONE, MISSED, FAILED, DONE, 0, DONE],
                        [DONE, DONE, DONE, FAILED, DONE, DONE]], dtype=np.int8)
    return Run(p_true, np.full_like(p_true, nan), np.ones_like(p_true), outcome,
               np.zeros(2), np.zeros(2))


def test_too_hard_and_too_easy_count_planned_challenges_outside_the_band() -> None:
    m = metrics(_hand_made_run())
    # 11 planned: too hard 0.60, 0.69, 0.50; too easy 0.95, 0.91, 0.99; the edges are in band.
    assert m.too_hard == pytest.approx(3 / 11)
    assert m.too_easy == pytest.approx(3 / 11)
    assert m.in_band == pytest.approx(5 / 11)
    assert m.too_hard + m.too_easy + m.in_band == pytest.approx(1.0)
    # First five attempts (done or failed; the missed day is not one): learner 1 has four,
    # 0.95/0.60/0.91/0.70 -> 2 too easy; learner 2 five, 0.90/0.69/0.99/0.85/0.75 -> 1.
    assert m.early_easy == pytest.approx(3 / 9)


def test_warm_notch_plans_with_its_priors_and_cold_with_none() -> None:
    priors = Priors(width=0.3, baseline_p=0.85, users=1000, attempts=90000)
    warm_cls = Notch.with_priors(priors)
    assert warm_cls.name == WARM and warm_cls.priors is priors and Notch.priors is None
    goal = Goal(unit="minutes", baseline=20.0, step=1.0)
    hist = [Attempt(D0, 20.0, "done", effort=2)]
    for cls, pr in ((Notch, None), (warm_cls, priors)):
        ctl = cls(20.0, 1.0, "minutes")
        ctl.observe(0, 20.0, "done", effort=2)
        assert ctl.history == hist
        want = next_challenge(goal, hist, D0 + timedelta(days=1), priors=pr)
        assert ctl.plan(1) == (want.amount, want.p_success)
    assert Notch(20, 1, "m").plan(1) != warm_cls(20, 1, "m").plan(1)  # the priors matter


def test_learning_mode_fits_on_stored_histories_only_then_plans_warm(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[object] = []
    fitted = Priors(width=0.3, users=3, attempts=1)

    def spy(histories: object) -> Priors:
        seen.append(histories)
        return fitted

    monkeypatch.setattr(bench_cal, "fit_priors", spy)
    cohort = range(50_000, 50_003)
    runs, learned = bench_cal.run_all(2, workers=1, days=9, first=100_000, cohort=cohort,
                                      only_notch=True, populations=[0])
    assert set(runs) == {(0, COLD), (0, WARM)}
    assert learned[0].priors is fitted and learned[0].cohort == cohort
    assert learned[0].seconds >= 0
    (stored,) = seen
    assert isinstance(stored, list) and len(stored) == len(cohort)  # every cohort learner
    for index, (goal, history) in zip(cohort, stored, strict=True):
        # Exactly the bot's rows: the stated goal and the answers; no simulator object.
        assert type(goal) is Goal and all(type(a) is Attempt for a in history)
        assert goal.baseline == make_learner(0, index).baseline  # what the person said
        assert history and [a.day for a in history] == sorted(a.day for a in history)
    # The cohort was planned cold: replaying a stored history reproduces its amounts.
    goal, history = stored[0]
    for i, a in enumerate(history):
        assert next_challenge(goal, history[:i], a.day).amount == a.amount
    # The warm rows are the fresh learners planned with the fitted priors.
    again = simulate(0, Notch.with_priors(fitted), range(100_000, 100_002), days=9)
    assert np.array_equal(runs[(0, WARM)].amount, again.amount, equal_nan=True)
    cold = simulate(0, Notch, range(100_000, 100_002), days=9)
    assert np.array_equal(runs[(0, COLD)].amount, cold.amount, equal_nan=True)


def test_goals_compare_cold_with_todays_figures_and_say_new_for_new_populations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = _hand_made_run()
    results = {(p, label): metrics(run) for p in range(len(POPULATIONS))
               for label in (COLD, WARM)}
    m = results[(0, COLD)]
    monkeypatch.setattr(bench_cal, "TODAY_COLD", {(7, 2): {
        "minutes": (m.in_band, m.too_hard, m.early_fails),
        "reps": (m.in_band + 0.01, m.too_hard, m.early_fails)}})
    rows = bench_cal.goals(results, {WARM: 1.5, COLD: 1.0}, first=7, learners=2)
    cold = next(r for r in rows if r.startswith("| cold"))
    cells = [c.strip() for c in cold.split("|")[2:-1]]
    assert cells[0].startswith("met") and cells[1].startswith("**not met**")
    names = [p.name for p in POPULATIONS]
    assert cells[names.index("plateau")].startswith("new")
    assert "no earlier figure" in cells[names.index("words")]
    assert any(r.startswith("| too hard ≤ 0.10 | **not met**") for r in rows)
    assert any("1.50 ms" in r and "met (" in r for r in rows)
    assert any("no peers run" in r for r in rows)


def test_new_populations_plateau_and_compressed_effort() -> None:
    names = [p.name for p in POPULATIONS]
    assert names[:5] == ["minutes", "reps", "words", "other-model", "alt-assumptions"]
    plateau = [make_learner(names.index("plateau"), i) for i in range(40)]
    minutes = [make_learner(names.index("minutes"), i) for i in range(40)]
    assert min(x.day_sd for x in plateau) >= 0.15 > max(x.day_sd for x in minutes)
    assert max(x.ceiling - x.start for x in plateau) <= 0.1
    assert all(x.baseline % 5 == 0 for x in plateau)
    # Compressed effort: successes with clearly different margins mostly read "just right".
    squeezed = make_learner(names.index("compressed-effort"), 0)
    usual = make_learner(names.index("reps"), 0)
    for margin in (0.0, 0.3, 0.8):
        said = [squeezed.effort(margin, d) for d in range(90)]
        assert said.count(3) >= 0.7 * sum(e is not None for e in said)
    assert {usual.effort(m, 1) for m in (0.0, 0.3, 0.8)} - {None} != {3}


def test_the_cohort_never_overlaps_the_learners_planned_or_the_tuning_range() -> None:
    fresh, tuning = range(100_000, 101_000), range(0, 200)
    assert bench_cal.cohort_range(fresh, 1000) == range(50_000, 51_000)
    assert bench_cal.cohort_range(tuning, 1000) == range(200, 1200)
    assert bench_cal.cohort_range(range(0, 50), 10) == range(200, 210)
    with pytest.raises(ValueError, match="overlaps the learners planned"):
        bench_cal.cohort_range(fresh, 10, first=100_500)
    with pytest.raises(ValueError, match="tuning range"):
        bench_cal.cohort_range(fresh, 10, first=150)
