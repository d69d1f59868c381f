"""Trend charts as static SVG files: a line per series over the periods.

Charts are shown with ``<img>``, so no script would run in them anyway; they
hold none, load nothing and carry no date, so the same figures always give the
same file. Written here rather than with a charting library: pygal took 0.5 s
CPU for the 66 charts of a district site, a fifth of the generator's own part of
a build (benchmarks/notes.md); this takes a few milliseconds. Every text (title,
labels) is escaped; the numbers are formatted by us.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from html import escape
from typing import NamedTuple

FONT = "'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
COLOURS = ("#1565c0", "#2e7d32", "#ef6c00", "#c62828")
DOTS_UP_TO = 16  # a dot per value while the points are few enough to tell apart


class Layout(NamedTuple):
    """A chart's size, its plot area (room above for the title and legend, left for
    the y labels, below for the slanted period labels) and its type sizes."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    font: int  # axis labels
    max_x_labels: int
    legend_x: int
    slant: int = -40  # degrees the period labels turn


DESKTOP = Layout(760, 340, 72, 40, 64, 262, 11, 12, 72)
# A phone shows the chart at its own width (about 360 px): fewer, larger labels
# (the desktop chart shrunk to a phone's width has 5-px text).
PHONE = Layout(360, 340, 62, 16, 60, 226, 13, 6, 12, -60)
WIDTH, HEIGHT = DESKTOP.width, DESKTOP.height
LEFT, RIGHT, TOP, BOTTOM = DESKTOP.left, DESKTOP.right, DESKTOP.top, DESKTOP.bottom
MAX_X_LABELS = DESKTOP.max_x_labels


def nice_ticks(top: float, most: int = 6) -> list[int]:
    """0, step, 2·step … up to at least ``top``: the charts show counts, so the
    step is a whole 1, 2, 2.5 or 5 × 10ⁿ, and there are at most ``most`` + 1 ticks."""
    if top <= 1:
        return [0, 1]
    raw = top / most
    power = 10 ** math.floor(math.log10(raw))
    step = max(1, next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw and float(m * power).is_integer()))
    count = math.ceil(top / step)
    return [int(i * step) for i in range(count + 1)]


def _xy(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def trend_svg(
    name: str, title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int | float | None]]],
    layout: Layout = DESKTOP,
) -> str:
    """A line chart; ``name`` becomes the chart's id (characters other than
    letters, digits, ``-`` and ``_`` replaced)."""
    WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM, font, MAX_X_LABELS, legend_x, slant = layout  # noqa: N806
    ident = "chart-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)
    values = [v for _, vs in series for v in vs if v is not None]
    ticks = nice_ticks(max(values, default=0))
    y_top = ticks[-1]

    def y(value: float) -> float:
        return BOTTOM - (BOTTOM - TOP) * value / y_top

    n = len(labels)
    span = WIDTH - LEFT - RIGHT

    def x(i: int) -> float:
        return LEFT + (span / 2 if n == 1 else span * i / (n - 1))

    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{ident}" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{ident}-title" '
        f'font-family="{escape(FONT)}" font-size="{font}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{WIDTH / 2:.0f}" y="22" text-anchor="middle" font-size="14" fill="#212121">{escape(title)}</text>',
    ]
    # The legend, one row under the title.
    for colour, (label, _) in zip(COLOURS, series, strict=False):
        out.append(f'<line x1="{legend_x}" y1="40" x2="{legend_x + 18}" y2="40" stroke="{colour}" stroke-width="3"/>')
        out.append(f'<text x="{legend_x + 24}" y="44" font-size="12" fill="#212121">{escape(label)}</text>')
        legend_x += 24 + 13 * len(label) + 28
    # The value axis: a grid line and a number per tick.
    out.append('<g stroke="#e0e0e0" stroke-width="1">')
    out.extend(f'<line x1="{LEFT}" y1="{_xy(y(t))}" x2="{WIDTH - RIGHT}" y2="{_xy(y(t))}"/>' for t in ticks)
    out.append("</g>")
    out.append('<g text-anchor="end" fill="#424242">')
    out.extend(f'<text x="{LEFT - 6}" y="{_xy(y(t) + 4)}">{t}</text>' for t in ticks)
    out.append("</g>")
    out.append(f'<line x1="{LEFT}" y1="{BOTTOM}" x2="{WIDTH - RIGHT}" y2="{BOTTOM}" stroke="#616161"/>')
    # The periods: at most MAX_X_LABELS labels, always the last one, slanted to fit.
    every = max(1, math.ceil(n / MAX_X_LABELS))
    shown = [i for i in range(n) if (n - 1 - i) % every == 0]
    out.append('<g text-anchor="end" fill="#424242">')
    for i in shown:
        out.append(f'<text transform="translate({_xy(x(i))} {BOTTOM + 14}) rotate({slant})">{escape(labels[i])}</text>')
    out.append("</g>")
    # One line per series, broken where a value is missing.
    for colour, (_, vs) in zip(COLOURS, series, strict=False):
        out.append(f'<g stroke="{colour}" fill="{colour}">')
        run: list[tuple[str, str]] = []
        for i, v in enumerate([*list(vs)[:n], None]):
            if v is not None:
                run.append((_xy(x(i)), _xy(y(v))))
                continue
            if len(run) > 1:
                out.append(f'<polyline fill="none" stroke-width="2" points="{" ".join(f"{a},{b}" for a, b in run)}"/>')
            if n <= DOTS_UP_TO or len(run) == 1:  # a value between two gaps is still shown
                out.extend(f'<circle cx="{a}" cy="{b}" r="3"/>' for a, b in run)
            run = []
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"
