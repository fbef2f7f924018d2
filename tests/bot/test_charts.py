"""The /progress chart is a valid PNG of the promised size, for a year and for a first day."""

from __future__ import annotations

import asyncio
import struct
import zlib
from datetime import date, timedelta

from bench.charts import year_of_history
from bot.charts import HEIGHT_PX, WIDTH_PX, ProgressData, render_progress
from core.evidence import Entry

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _ihdr(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, after checking the signature and the chunk's CRC."""
    assert png[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", png[8:16])
    assert (length, kind) == (13, b"IHDR")
    body = png[16:16 + length]
    (crc,) = struct.unpack(">I", png[16 + length:20 + length])
    assert zlib.crc32(kind + body) == crc
    width, height = struct.unpack(">II", body[:8])
    assert png.endswith(b"IEND\xaeB`\x82")
    return width, height


def _distinct_colours(png: bytes) -> int:
    from io import BytesIO

    from matplotlib.image import imread

    pixels = imread(BytesIO(png), format="png")
    return len({tuple(p) for p in pixels[::8, ::8].reshape(-1, pixels.shape[-1]).tolist()})


def test_a_year_of_history_renders_to_a_png_of_the_expected_size() -> None:
    data = year_of_history(seed=3)
    assert len(data.entries) == 365 and {e.status for e in data.entries} == {
        "done", "failed", "missed", "skipped"}
    png = render_progress(data)
    assert _ihdr(png) == (WIDTH_PX, HEIGHT_PX) == (1080, 1600)
    assert _distinct_colours(png) > 20  # something was drawn, not a blank canvas


def test_empty_and_single_day_histories_render() -> None:
    empty = render_progress(ProgressData(unit="min", entries=[]))
    one = render_progress(ProgressData(
        unit="words", entries=[Entry(date(2026, 3, 1), 300, "done", confidence=40)],
        baseline=250, ladder=[(date(2026, 3, 1), 44.0)],
    ))
    assert _ihdr(empty) == _ihdr(one) == (WIDTH_PX, HEIGHT_PX)
    assert _distinct_colours(one) > _distinct_colours(empty)


async def test_renders_run_in_threads_side_by_side() -> None:
    # What /progress does: asyncio.to_thread; concurrent renders must not mix their figures.
    short = year_of_history(seed=1, days=30)
    long = year_of_history(seed=1, days=365)
    alone = [render_progress(short), render_progress(long)]
    together = await asyncio.gather(
        *(asyncio.to_thread(render_progress, data) for data in (short, long, short, long))
    )
    assert together == [*alone, *alone]


def test_same_data_same_bytes_different_data_different_bytes() -> None:
    data = year_of_history(seed=5, days=60)
    later = year_of_history(seed=5, days=61)
    assert render_progress(data) == render_progress(data)
    assert render_progress(later) != render_progress(data)
    assert later.entries[:60] == list(data.entries)  # same history, one more day
    assert max(e.day for e in later.entries) - min(e.day for e in later.entries) == timedelta(60)
