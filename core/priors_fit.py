"""Learn the calibrator's population settings from every user's answers (empirical Bayes).

Why this shape: the calibrator's filter (core.calibration) turns a history into one-step-ahead
predictions of each outcome and each effort answer. Its settings (curve width, how honest a
stated baseline is, what effort 1..5 means, the growth prior) are the hyper-parameters of
that model, so they are fitted the way FSRS fits its weights to review logs: maximise the
predictive log-likelihood of what people answered, over all histories, here with a Gaussian
prior around the built-in settings worth ``PRIOR_USERS`` users (10 users: nearly the
defaults; 1,000: the data speaks). A last step recalibrates the pooled predictions (a
probit-linear map, likewise shrunk) so that pooled predicted P(done) matches pooled outcomes.

The filter runs here vectorised across users (numpy, all histories in lock-step), which is
what makes an optimiser affordable; ``tests/core/test_priors_fit.py`` checks that its
predictions equal the scalar filter's to 1e-9. Only evidence is read, exactly as
``next_challenge`` reads it: missed and skipped days and failures for other reasons are
dropped before the fit.

Cost: at most ``MAX_USERS`` users (a seeded, deterministic subsample) and their first
``MAX_ATTEMPTS`` evidence-bearing attempts enter the likelihood; every user enters the
counts. bench/priors_fit.py times 10,000 users x 365 attempts on one core (budget 60 s).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from scipy.special import log_ndtr, ndtr, ndtri

from core import calibration as cal
from core.calibration import Attempt, Goal, Priors
from core.vocabulary import ChallengeStatus

Array = npt.NDArray[np.float64]

MAX_USERS: Final = 500
MAX_ATTEMPTS: Final = 100
MAX_ITER: Final = 30  # L-BFGS-B iterations (each ~10 filter passes); bench fits converge in fewer
SUBSAMPLE_SEED: Final = 20261203
# How many users' worth of belief the built-in settings carry (the hyper-prior's weight).
PRIOR_USERS: Final = 40.0
# The parameters the optimiser moves, each on a scale where the hyper-prior is N(default, sd).
# name -> (to the optimiser's scale, back, prior sd on that scale)
_BIG: Final = 1e3  # an interval bound that stands for infinity (pdf underflows to exactly 0)
_LOG_FLOOR: Final = 1e-12


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@dataclass(frozen=True)
class _Param:
    name: str
    sd: float  # hyper-prior sd on the optimiser's scale

    def to_x(self, value: float) -> float:
        if self.name == "baseline_p":
            return _logit(value)
        if self.name in ("growth_mean", "effort_offset"):
            return value / 0.01 if self.name == "growth_mean" else value / 0.1
        return math.log(value)

    def from_x(self, x: float) -> float:
        if self.name == "baseline_p":
            return _expit(x)
        if self.name == "growth_mean":
            return x * 0.01
        if self.name == "effort_offset":
            return x * 0.1
        return math.exp(x)


PARAMS: Final = (
    _Param("baseline_p", 1.0),
    _Param("baseline_sd", 0.5),
    _Param("width", 0.5),
    _Param("growth_mean", 1.5),
    _Param("growth_sd", 0.7),
    _Param("effort_offset", 2.0),
    _Param("effort_scale", 0.5),
    _Param("effort_noise", 0.5),
    _Param("bias_sd", 0.5),
    _Param("daily_sd", 0.7),
)
_RECAL_SD: Final = (0.5, 0.3)  # hyper-prior sd of recal_a and log(recal_b)


@dataclass(frozen=True)
class Batch:
    """Evidence-bearing attempts of many users as (attempt index, user) arrays, padded."""

    log_base: Array  # (N,) log stated baseline
    lx: Array  # (T, N) log amount
    done: npt.NDArray[np.bool_]  # (T, N)
    effort: npt.NDArray[np.int64]  # (T, N) 0 = not given
    log_achieved: Array  # (T, N) NaN = none
    days: Array  # (T, N) days since the previous evidence-bearing attempt (0 first)
    valid: npt.NDArray[np.bool_]  # (T, N)


def evidence(history: Sequence[Attempt]) -> list[Attempt]:
    """The attempts that are evidence about ability, oldest first (what the filter reads)."""
    in_order = all(a.day <= b.day for a, b in pairwise(history))
    ordered = history if in_order else sorted(history, key=lambda a: a.day)
    return [a for a in ordered if cal._informative(a)]


def make_batch(rows: Sequence[tuple[Goal, Sequence[Attempt]]], max_attempts: int) -> Batch:
    n = len(rows)
    t_max = max([min(len(h), max_attempts) for _, h in rows], default=0)
    lx = np.zeros((t_max, n))
    done = np.zeros((t_max, n), dtype=bool)
    effort = np.zeros((t_max, n), dtype=np.int64)
    ach = np.full((t_max, n), np.nan)
    days = np.zeros((t_max, n))
    valid = np.zeros((t_max, n), dtype=bool)
    log_base = np.zeros(n)
    for u, (goal, hist) in enumerate(rows):
        log_base[u] = math.log(goal.baseline)
        prev = None
        for t, a in enumerate(hist[:max_attempts]):
            lx[t, u] = math.log(a.amount)
            done[t, u] = a.outcome is ChallengeStatus.DONE
            effort[t, u] = a.effort or 0
            if a.outcome is ChallengeStatus.FAILED and a.achieved is not None and a.achieved > 0:
                ach[t, u] = math.log(a.achieved)
            days[t, u] = 0 if prev is None else (a.day - prev).days
            valid[t, u] = True
            prev = a.day
    return Batch(log_base, lx, done, effort, ach, days, valid)


def _interval(
    m: Array, v: Array, lo: Array, hi: Array, noise: float | Array, floor: float | Array
) -> tuple[Array, Array, Array]:
    """Vectorised core.calibration._interval; also returns the likelihood ``floor + P``."""
    s = np.sqrt(noise * noise + v)
    zl = (m - lo) / s
    zh = (m - hi) / s
    cl, ch = ndtr(zl), ndtr(zh)
    pl = np.exp(-0.5 * zl * zl) / math.sqrt(2 * math.pi)
    ph = np.exp(-0.5 * zh * zh) / math.sqrt(2 * math.pi)
    two_sided = (lo > -_BIG / 2) & (hi < _BIG / 2) & (zh > 0.0)
    zi = np.where(two_sided, ndtr(-zh) - ndtr(-zl), cl - ch)
    keep = zi <= 1e-12 * floor
    zi_safe = np.where(keep, 1.0, zi)
    z = floor + zi
    w = zi_safe / (floor + zi_safe)
    dp = (pl - ph) / zi_safe
    mi = m + v * dp / s
    vi = v - v * v / (s * s) * ((zl * pl - zh * ph) / zi_safe + dp * dp)
    new_m = (1.0 - w) * m + w * mi
    new_v = (1.0 - w) * v + w * np.maximum(vi, 0.0) + (1.0 - w) * w * (mi - m) ** 2
    new_m = np.where(keep, m, new_m)
    new_v = np.where(keep, v, np.maximum(new_v, cal._MIN_VAR))
    return new_m, new_v, z


def _condition(
    st: list[Array], effort: bool, lo: Array, hi: Array, noise: float, floor: float | Array,
    mask: npt.NDArray[np.bool_],
) -> Array:
    """Vectorised core.calibration._condition on the users in ``mask``; returns floor + P."""
    mt, mg, mb, vtt, vtg, vtb, vgg, vgb, vbb = st
    if effort:
        mu, vu = mt + mb, vtt + 2.0 * vtb + vbb
        pt, pg, pb = vtt + vtb, vtg + vgb, vtb + vbb
    else:
        mu, vu = mt, vtt
        pt, pg, pb = vtt, vtg, vtb
    new_m, new_v, like = _interval(mu, vu, lo, hi, noise, floor)
    dm = (new_m - mu) / vu
    shrink = (vu - new_v) / (vu * vu)
    upd = [
        mt + pt * dm,
        mg + pg * dm,
        mb + pb * dm,
        np.maximum(vtt - pt * pt * shrink, cal._MIN_VAR),
        vtg - pt * pg * shrink,
        vtb - pt * pb * shrink,
        np.maximum(vgg - pg * pg * shrink, 1e-8),
        vgb - pg * pb * shrink,
        np.maximum(vbb - pb * pb * shrink, cal._MIN_VAR),
    ]
    for i in range(9):
        st[i] = np.where(mask, upd[i], st[i])
    return like


def _advance(
    st: list[Array], dose: Array, days: Array, mask: npt.NDArray[np.bool_], daily_var: float
) -> None:
    mt, mg, _mb, vtt, vtg, vtb, vgg, vgb, vbb = st
    rho = cal.GROWTH_KEEP**dose
    new_vtg = vtg + dose * vgg
    over = np.maximum(days - cal.GAP_FREE_DAYS, 0.0)
    decay = np.minimum(cal.GAP_DECAY_PER_DAY * over, cal.GAP_DECAY_MAX)
    upd = [
        mt + mg * dose - decay,
        mg * rho,
        _mb,
        vtt + 2.0 * dose * vtg + dose * dose * vgg + daily_var * days,
        new_vtg * rho,
        vtb + dose * vgb,
        vgg * rho * rho + cal.GROWTH_DRIFT_VAR * days,
        vgb * rho,
        vbb + cal.BIAS_DRIFT_VAR * days,
    ]
    for i in range(9):
        st[i] = np.where(mask, upd[i], st[i])


@dataclass
class Trace:
    """What one pass of the filter saw: per-user log-likelihood and the pooled predictions."""

    loglik: Array  # (N,)
    p_model: Array  # (K,) predictive P(done) before each answered attempt
    outcome: npt.NDArray[np.bool_]  # (K,)


_EFFORT_LO: Final = np.array([cal.EFFORT_MARGIN[k][0] for k in range(1, 6)])
_EFFORT_HI: Final = np.array([cal.EFFORT_MARGIN[k][1] for k in range(1, 6)])


def run_filter(batch: Batch, pr: Priors, keep_predictions: bool = False) -> Trace:
    """One-step-ahead log-likelihood of every outcome and effort answer under ``pr``."""
    n = batch.log_base.shape[0]
    g, lapse = cal.GUESS, cal.LAPSE
    scale = 1.0 - g - lapse
    prior_m = batch.log_base + cal.prior_mean(Goal("any", 1.0, 1.0), pr)  # log(1) = 0
    zeros = np.zeros(n)
    st = [prior_m, zeros + pr.growth_mean, zeros.copy(), zeros + pr.baseline_sd**2,
          zeros.copy(), zeros.copy(), zeros + pr.growth_sd**2, zeros.copy(),
          zeros + pr.bias_sd**2]
    dose = np.zeros(n)
    loglik = np.zeros(n)
    done_floor = g / scale
    fail_floor = lapse / scale
    # Effort intervals through the learned affine map; infinite ends become +-_BIG.
    e_lo = np.where(np.isinf(_EFFORT_LO), -_BIG, pr.effort_offset + pr.effort_scale * _EFFORT_LO)
    e_hi = np.where(np.isinf(_EFFORT_HI), _BIG, pr.effort_offset + pr.effort_scale * _EFFORT_HI)
    fl_e = cal.EFFORT_MISREPORT
    preds: list[Array] = []
    outs: list[npt.NDArray[np.bool_]] = []
    for t in range(batch.lx.shape[0]):
        mask = batch.valid[t]
        if not mask.any():
            continue
        lx, dn = batch.lx[t], batch.done[t]
        _advance(st, dose, batch.days[t], mask, pr.daily_sd**2)
        # The outcome's predictive probability, then the update on it.
        s = np.sqrt(pr.width**2 + st[3])
        z = (st[0] - lx) / s
        p_model = g + scale * ndtr(z)
        loglik += np.where(mask, np.where(dn, np.log(np.maximum(p_model, _LOG_FLOOR)),
                                          np.log(np.maximum(1.0 - p_model, _LOG_FLOOR))), 0.0)
        if keep_predictions:
            preds.append(p_model[mask])
            outs.append(dn[mask])
        lo = np.where(dn, lx, -_BIG)
        hi = np.where(dn, _BIG, lx)
        _condition(st, False, lo, hi, pr.width, np.where(dn, done_floor, fail_floor), mask)
        ach = batch.log_achieved[t]
        has_ach = mask & ~dn & ~np.isnan(ach)
        if has_ach.any():
            a_lo = np.where(has_ach, ach, 0.0)
            like = _condition(st, False, a_lo, zeros + _BIG, pr.width, done_floor, has_ach)
            loglik += np.where(has_ach, np.log(np.maximum(like / (1.0 + done_floor), _LOG_FLOOR)),
                               0.0)
        k = batch.effort[t]
        has_eff = mask & dn & (k > 0)
        if has_eff.any():
            # Predictive distribution of the answer over the five categories.
            mu = st[0] + st[2]
            vu = st[3] + 2.0 * st[5] + st[8]
            su = np.sqrt(pr.effort_noise**2 + vu)
            lo5 = lx[:, None] + e_lo[None, :]
            hi5 = lx[:, None] + e_hi[None, :]
            p5 = ndtr((mu[:, None] - lo5) / su[:, None]) - ndtr((mu[:, None] - hi5) / su[:, None])
            p5 = np.maximum(p5, 0.0)
            kk = np.maximum(k, 1) - 1
            pk = np.take_along_axis(p5, kk[:, None], axis=1)[:, 0]
            prob = (fl_e + pk) / (5.0 * fl_e + p5.sum(axis=1))
            loglik += np.where(has_eff, np.log(np.maximum(prob, _LOG_FLOOR)), 0.0)
            _condition(st, True, np.where(has_eff, lx + e_lo[kk], 0.0),
                       np.where(has_eff, lx + e_hi[kk], 0.0), pr.effort_noise, fl_e, has_eff)
        eff_dose = np.array([cal.EFFORT_DOSE[None], *(cal.EFFORT_DOSE[i] for i in range(1, 6))])[k]
        new_dose = np.where(dn, eff_dose, cal.FAILURE_DOSE)
        dose = np.where(mask, new_dose, dose)
    if keep_predictions and preds:
        return Trace(loglik, np.concatenate(preds), np.concatenate(outs))
    return Trace(loglik, np.zeros(0), np.zeros(0, dtype=bool))


def _priors_at(x: npt.NDArray[np.float64], base: Priors) -> Priors:
    values = {p.name: p.from_x(float(v)) for p, v in zip(PARAMS, x, strict=True)}
    return _clamped(base, values)


def _clamped(base: Priors, values: dict[str, float]) -> Priors:
    """``base`` with ``values`` held inside PRIORS_BOUNDS (a non-finite one keeps base's)."""
    held: dict[str, Any] = {
        name: min(max(v, cal.PRIORS_BOUNDS[name][0]), cal.PRIORS_BOUNDS[name][1])
        for name, v in values.items() if math.isfinite(v)
    }
    return replace(base, **held)


def _fit_recalibration(trace: Trace, weight: float) -> tuple[float, float]:
    """Probit-linear map of the pooled predictions onto the outcomes, shrunk to identity."""
    if trace.p_model.size == 0:
        return 0.0, 1.0
    zp = ndtri(np.clip(trace.p_model, 1e-6, 1 - 1e-6))
    y = trace.outcome

    def objective(x: npt.NDArray[np.float64]) -> float:
        a, b = float(x[0]), math.exp(float(x[1]))
        eta = a + b * zp
        ll = np.where(y, log_ndtr(eta), log_ndtr(-eta)).sum()
        prior = 0.5 * ((x[0] / _RECAL_SD[0]) ** 2 + (x[1] / _RECAL_SD[1]) ** 2)
        return float(-(ll / max(y.size, 1)) + weight * prior)

    res = minimize(objective, np.zeros(2), method="L-BFGS-B")
    return float(res.x[0]), math.exp(float(res.x[1]))


def fit(histories: Sequence[tuple[Goal, Sequence[Attempt]]]) -> Priors:
    """See core.calibration.fit_priors."""
    rows = [(goal, evidence(hist)) for goal, hist in histories]
    rows = [(goal, hist) for goal, hist in rows if hist]
    users = len(rows)
    attempts = sum(len(h) for _, h in rows)
    builtin = Priors.builtin()
    if users == 0:
        return builtin
    if users > MAX_USERS:
        pick = np.sort(np.random.default_rng(SUBSAMPLE_SEED).choice(users, MAX_USERS,
                                                                     replace=False))
        sample = [rows[int(i)] for i in pick]
    else:
        sample = rows
    batch = make_batch(sample, MAX_ATTEMPTS)
    n = len(sample)
    x0 = np.array([p.to_x(getattr(builtin, p.name)) for p in PARAMS])
    sds = np.array([p.sd for p in PARAMS])
    # Per user in the sample: mean log-likelihood; the hyper-prior counts as PRIOR_USERS users
    # against all ``users`` (the subsample estimates the mean, it does not weaken the data).
    weight = PRIOR_USERS / users

    def objective(x: npt.NDArray[np.float64]) -> float:
        pr = _priors_at(x, builtin)
        ll = run_filter(batch, pr).loglik.sum() / n
        return float(-ll + weight * 0.5 * np.sum(((x - x0) / sds) ** 2))

    res = minimize(objective, x0, method="L-BFGS-B",
                   options={"maxiter": MAX_ITER, "eps": 1e-4, "ftol": 1e-7})
    fitted = _priors_at(res.x, builtin)
    trace = run_filter(batch, fitted, keep_predictions=True)
    a, b = _fit_recalibration(trace, weight)
    values = {p.name: getattr(fitted, p.name) for p in PARAMS}
    values.update(recal_a=a, recal_b=b)
    return replace(_clamped(fitted, values), users=users, attempts=attempts)
