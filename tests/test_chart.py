"""The trend chart: a well-formed static SVG whose lines go through the
figures it was given, with every text escaped and nothing that runs or loads."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.render.chart import BOTTOM, TOP, nice_ticks, trend_svg

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = [f"2022年{m}月" for m in range(1, 7)]


def parse(svg: str) -> ET.Element:
    assert svg.startswith('<?xml version="1.0" encoding="utf-8"?>\n')
    return ET.fromstring(svg.encode("utf-8"))


def lines(root: ET.Element) -> list[list[tuple[float, float]]]:
    return [[tuple(map(float, p.split(","))) for p in line.get("points", "").split()]  # type: ignore[misc]
            for line in root.iter(SVG + "polyline")]


def value_at(y: float, ticks: list[int]) -> float:
    return (BOTTOM - y) / (BOTTOM - TOP) * ticks[-1]


def test_lines_go_through_the_figures() -> None:
    series = [("新增问题", [120, 127, 125, 115, 130, 118]), ("销号", [65, 95, 130, 97, 112, 102])]
    root = parse(trend_svg("month-2022-06", "近6期趋势", MONTHS, series))
    assert root.get("id") == "chart-month-2022-06"
    assert root.findtext(SVG + "title") == "近6期趋势"
    ticks = nice_ticks(130)
    drawn = lines(root)
    assert len(drawn) == 2
    for (_, values), points in zip(series, drawn, strict=True):
        assert [round(value_at(y, ticks), 0) for _, y in points] == values
        xs = [x for x, _ in points]
        assert xs == sorted(xs) and len(set(xs)) == len(xs)
    # Six points are few enough for a dot on each value.
    assert len(list(root.iter(SVG + "circle"))) == 12
    texts = [t.text for t in root.iter(SVG + "text")]
    assert {"新增问题", "销号"} <= set(texts) and set(MONTHS) <= set(texts)
    assert [str(t) for t in ticks] == [t for t in texts if t and t.isdigit()]


def test_a_missing_value_breaks_the_line_and_a_lone_value_is_a_dot() -> None:
    labels = [f"2022年第{w}周" for w in range(1, 41)]
    values: list[int | None] = list(range(40))
    values[10] = values[12] = None
    root = parse(trend_svg("trend-week", "各周报趋势", labels, [("新增问题", values)]))
    assert [len(points) for points in lines(root)] == [10, 27]
    assert len(list(root.iter(SVG + "circle"))) == 1  # week 12, between the two gaps
    shown = [t.text for t in root.iter(SVG + "text") if t.text and t.text.startswith("2022")]
    assert len(shown) <= 12 and shown[-1] == "2022年第40周"


def test_text_is_escaped_and_nothing_runs_or_loads() -> None:
    hostile = '<script>alert(1)</script>&"\''
    svg = trend_svg('x"><script>', hostile, [hostile, "b"], [(hostile, [1, 2])])
    root = parse(svg)
    assert "<script" not in svg
    assert root.get("id") == "chart-x---script-"
    assert root.findtext(SVG + "title") == hostile
    assert sum(t.text == hostile for t in root.iter(SVG + "text")) == 3
    for element in root.iter():
        assert not any(k.endswith("href") or k.startswith("on") for k in element.attrib)


def test_the_same_figures_give_the_same_file() -> None:
    one = trend_svg("a", "t", MONTHS, [("s", [1, 2, 3, 4, 5, 6])])
    assert one == trend_svg("a", "t", MONTHS, [("s", [1, 2, 3, 4, 5, 6])])


@pytest.mark.parametrize("labels, values", [([], []), (["2022年1月"], [3]), (["2022年1月"], [None])])
def test_no_or_one_period(labels: list[str], values: list[int | None]) -> None:
    root = parse(trend_svg("a", "t", labels, [("s", values)]))
    assert lines(root) == []
    assert len(list(root.iter(SVG + "circle"))) == sum(v is not None for v in values)


@given(st.floats(min_value=0, max_value=10_000_000, allow_nan=False))
def test_ticks_are_few_whole_and_cover_the_top(top: float) -> None:
    ticks = nice_ticks(top)
    assert ticks[0] == 0 and ticks[-1] >= top and 2 <= len(ticks) <= 7
    steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1 and all(isinstance(t, int) for t in ticks)
    assert ticks[-2] < top or top <= 1
