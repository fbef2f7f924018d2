"""The /progress chart: what the person did, and how their belief moved, on one phone screen.

Why this way: matplotlib's object-oriented API on the Agg canvas (a ``Figure`` of its own, never
``pyplot``'s global state) so a render can run in ``asyncio.to_thread`` without blocking the event
loop or touching another render's figure. Portrait 1080 x 1600 px with large type, because
Telegram shows a photo at the phone's width. Markers differ in shape as well as colour
(Okabe-Ito palette), so the outcomes read without colour vision.

Three panels, one shared time axis:
1. the amount each day, marked done / failed / missed / skipped, over the band the calibrator
   aimed at (the amounts it expected to succeed with P = 0.9 and P = 0.7);
2. confidence given before each attempt against the rolling success rate (belief vs evidence);
3. the efficacy ladder's strength (mean 0-100 rating) at each weekly rating.

Words on the image come from :class:`bot.texts.progress.ChartLabels`, ready for translation.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, num2date
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from bot.texts.format import format_day_month
from bot.texts.progress import ChartLabels
from core.efficacy import rolling_success_rate
from core.evidence import ATTEMPTED, Entry
from core.vocabulary import ChallengeStatus

__all__ = [
    "DPI",
    "HEIGHT_PX",
    "WIDTH_PX",
    "BandPoint",
    "ChartLabels",
    "ProgressData",
    "render_progress",
]

WIDTH_PX: Final = 1080
HEIGHT_PX: Final = 1600
DPI: Final = 180  # 1080 px = 6 in: a 14 pt label is ~35 px, legible at a phone's width
FONT_PT: Final = 14
PNG_COMPRESS_LEVEL: Final = 3  # mostly flat colour: compresses well even at a fast level

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
_BLUE, _ORANGE, _GREEN, _VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
_GREY, _SKY = "#777777", "#56B4E9"


@dataclass(frozen=True)
class BandPoint:
    """The calibrator's aim for one day: the amount at P(done) = 0.9 (low) and 0.7 (high)."""

    day: date
    low: float
    high: float


@dataclass(frozen=True)
class ProgressData:
    """Everything the chart shows; ``entries`` are the answered days (core.evidence.Entry)."""

    unit: str
    entries: Sequence[Entry]
    band: Sequence[BandPoint] = ()
    ladder: Sequence[tuple[date, float]] = ()  # (day rated, strength 0-100)
    baseline: float | None = None
    target: float | None = None
    window_days: int = 14  # for the rolling success rate
    labels: ChartLabels = field(default_factory=ChartLabels)  # English unless told otherwise


def _days(days: Sequence[date]) -> np.ndarray:
    return np.array(days, dtype="datetime64[D]")


def _legend_above(ax: Axes, ncols: int) -> None:
    # Above the panel, never over the data (constrained layout makes room for it).
    ax.legend(fontsize=FONT_PT - 2, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=ncols,
              frameon=False, borderaxespad=0.1, handletextpad=0.2, columnspacing=0.9,
              markerscale=1.3)


def _amount_panel(ax: Axes, data: ProgressData) -> None:
    labels = data.labels
    if data.band:
        band = sorted(data.band, key=lambda b: b.day)
        ax.fill_between(
            _days([b.day for b in band]), [b.low for b in band], [b.high for b in band],
            color=_SKY, alpha=0.35, linewidth=0, step="mid", label=labels.band,
        )
    if data.baseline is not None:
        ax.axhline(data.baseline, color=_GREY, linewidth=1.2, linestyle=":", label=labels.start)
    if data.target is not None:
        ax.axhline(data.target, color=_GREEN, linewidth=1.4, linestyle="--", label=labels.target)
    entries = sorted(data.entries, key=lambda e: e.day)
    styles = (
        (ChallengeStatus.DONE, labels.done, {"marker": "o", "color": _GREEN}),
        (ChallengeStatus.FAILED, labels.failed, {"marker": "X", "color": _VERMILLION}),
        (ChallengeStatus.MISSED, labels.missed,
         {"marker": "o", "color": _GREY, "markerfacecolor": "none"}),
        (ChallengeStatus.SKIPPED, labels.skipped, {"marker": "_", "color": _GREY}),
    )
    if entries:
        ax.plot(_days([e.day for e in entries]), [e.amount for e in entries],
                color=_GREY, linewidth=0.8, alpha=0.6)
    for status, label, style in styles:
        chosen = [e for e in entries if e.status == status]
        if chosen:
            # Line2D markers, not scatter: the same picture, drawn faster.
            ax.plot(_days([e.day for e in chosen]), [e.amount for e in chosen],
                    linestyle="none", markersize=7, markeredgewidth=1.6, zorder=3,
                    label=label, **style)  # type: ignore[arg-type]
    ax.set_ylabel(f"{labels.amount} ({data.unit})", fontsize=FONT_PT)
    if entries or data.band:
        _legend_above(ax, ncols=3)


def _tick_day(value: float, _position: int | None) -> str:
    return format_day_month(num2date(value).date())  # type: ignore[no-untyped-call]


def _belief_panel(ax: Axes, data: ProgressData) -> None:
    attempts = sorted((e for e in data.entries if e.status in ATTEMPTED),
                      key=lambda e: e.day)
    rated = [(e.day, e.confidence) for e in attempts if e.confidence is not None]
    if rated:
        ax.plot(_days([d for d, _ in rated]), [c for _, c in rated], linestyle="none",
                markersize=5, color=_ORANGE, marker="D", zorder=3, label=data.labels.confidence)
    rates = rolling_success_rate([(e.day, e.status == ChallengeStatus.DONE) for e in attempts],
                                 window_days=data.window_days)
    if rates:
        ax.plot(_days([d for d, _ in rates]), [r for _, r in rates], color=_BLUE,
                linewidth=2.4, label=data.labels.success_rate,
                marker="o" if len(rates) == 1 else None)
    ax.set_ylim(-5, 105)
    ax.set_yticks([0, 50, 100])
    ax.set_ylabel("%", fontsize=FONT_PT)
    if rated or rates:
        _legend_above(ax, ncols=2)


def _ladder_panel(ax: Axes, data: ProgressData) -> None:
    ladder = sorted(data.ladder)
    if ladder:
        ax.plot(_days([d for d, _ in ladder]), [s for _, s in ladder], color=_BLUE,
                marker="s", markersize=7, linewidth=2.4, drawstyle="steps-post")
    ax.set_ylim(-5, 105)
    ax.set_yticks([0, 50, 100])
    ax.set_ylabel(data.labels.strength, fontsize=FONT_PT)


def render_progress(data: ProgressData) -> bytes:
    """The chart as PNG bytes, exactly ``WIDTH_PX`` x ``HEIGHT_PX``; safe off the event loop."""
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    # Fixed margins, not constrained layout: that costs a second draw, about a third of the
    # render. Room at the top and between panels holds the legends, placed above each panel.
    amount_ax, belief_ax, ladder_ax = figure.subplots(
        3, 1, sharex=True, height_ratios=[1.7, 1, 0.8],
        gridspec_kw={"left": 0.15, "right": 0.97, "top": 0.905, "bottom": 0.05,
                     "hspace": 0.22},
    )
    _amount_panel(amount_ax, data)
    _belief_panel(belief_ax, data)
    _ladder_panel(ladder_ax, data)
    days = [e.day for e in data.entries] + [b.day for b in data.band] + [d for d, _ in data.ladder]
    if days:
        # At least two weeks wide: a first day alone must not stretch the axis over years.
        first, last = min(days), max(days)
        pad = timedelta(days=max(1, (last - first).days // 40))
        ladder_ax.set_xlim(_days([first - pad, max(last + pad, first + timedelta(days=14))]))
        locator = AutoDateLocator(minticks=3, maxticks=6)  # type: ignore[no-untyped-call]
        ladder_ax.xaxis.set_major_locator(locator)
        # Babel's day and month in the reader's language ("3 мар."), not matplotlib's strftime.
        ladder_ax.xaxis.set_major_formatter(FuncFormatter(_tick_day))
    else:
        ladder_ax.set_xticks([])  # no days yet: no made-up 1970 axis
    for ax in (amount_ax, belief_ax, ladder_ax):
        ax.tick_params(labelsize=FONT_PT - 1)
        ax.grid(axis="y", color="#dddddd", linewidth=0.8)
        ax.spines[["top", "right"]].set_visible(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI,
                   pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
    return buffer.getvalue()
