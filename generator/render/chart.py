"""Trend charts as static SVG files, drawn with pygal.

Charts are shown with ``<img>``, so no script would run anyway; pygal's tooltip
script is switched off (``js=[]``), its inline configuration script removed, and
nothing is loaded from another host. pygal gives
each chart a random id and dates its output; both are replaced so that the same
figures always give the same file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pygal
from pygal.style import Style

_STYLE = Style(
    font_family="'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif",
    background="white",
    plot_background="white",
    colors=("#1565c0", "#2e7d32", "#ef6c00", "#c62828"),
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=12,
    title_font_size=14,
)


def trend_svg(
    name: str, title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int | float | None]]],
) -> str:
    """A line chart; ``name`` (a safe file stem) becomes the chart's id."""
    chart = pygal.Line(
        js=[],
        width=760,
        height=340,
        style=_STYLE,
        title=title,
        x_label_rotation=40,
        truncate_label=-1,
        legend_at_bottom=True,
        include_x_axis=True,
        show_minor_x_labels=len(labels) <= 16,
        x_labels_major_every=max(1, len(labels) // 12),
        no_data_text="无数据",
        print_values=False,
        # A dot per value is half of pygal's drawing time (66 charts at district
        # scale, benchmarks/notes.md); the exact numbers are in the table beside.
        show_dots=False,
        disable_xml_declaration=True,
    )
    chart.x_labels = list(labels)
    for label, values in series:
        chart.add(label, list(values))
    svg = chart.render(is_unicode=True)
    # pygal writes its configuration for the tooltip script even with js=[]: drop it.
    svg = re.sub(r"<script\b.*?</script>", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
    ident = re.sub(r"[^A-Za-z0-9_-]", "-", name)
    svg = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", ident, svg)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + svg + "\n"
