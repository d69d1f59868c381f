"""The progress pages of the example site: one per week and month, the archive,
the home page's latest figures; each page's HTML, CSV, JSON and chart agree."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import build, ledger_as_of, validate

from generator.figures.breakdowns import FIGURES, PERCENT_FIGURES
from generator.figures.parts import PAGE_HIDDEN
from generator.pipeline import model_of
from generator.render.labels import FIGURE_LABELS
from generator.render.progress import display

DIMENSIONS = ("category", "department", "town", "industry", "size", "above_scale")


class Page(HTMLParser):
    """Tables (as rows of cell texts, with the heading before each), links, images, text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.links: list[str] = []
        self.nav_links: list[str] = []
        self.images: list[dict[str, str]] = []
        self.text: list[str] = []
        self._heading = ""
        self._in_heading = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_nav = 0
        self._in_article = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "nav":
            self._in_nav += 1
        if tag == "article":
            self._in_article = True
        if tag == "a" and a.get("href"):
            (self.nav_links if self._in_nav else self.links).append(a["href"])
        if tag == "img":
            self.images.append({k: v or "" for k, v in a.items()})
        if not self._in_article:
            return
        if tag in ("h1", "h2"):
            self._in_heading, self._heading = True, ""
        elif tag == "table":
            self.tables.append((self._heading, []))
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav -= 1
        if tag in ("h1", "h2"):
            self._in_heading = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1][1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in_heading:
            self._heading += data
        if self._cell is not None:
            self._cell.append(data)
        if self._in_article:
            self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory, example_workbook) -> Path:
    root = tmp_path_factory.mktemp("progress")
    # Published (frozen) weeks and months: only those publish their grouped tables.
    for kind in ("week", "month"):
        build([str(example_workbook)], dt.date(2022, 12, 31), site_dir=root / "site", docs_dir=root / "docs",
              published_dir=root / "published", freeze=kind)
    return root / "site"


def shown_on_page(value, status: str, percent: bool) -> str:
    """What the page shows for a cell of the JSON file: "*" for a withheld one."""
    return "*" if status == "C" else display(value, percent)


def period_files(site: Path, kind: str) -> list[Path]:
    return sorted((site / "progress" / kind).glob("*.json"))


def test_one_page_per_finished_week_and_month_with_its_files(site):
    weeks, months = period_files(site, "week"), period_files(site, "month")
    assert len(weeks) == 52 and len(months) == 12
    for path in weeks + months:
        for suffix in (".html", ".csv", ".svg"):
            assert path.with_suffix(suffix).is_file(), path.with_suffix(suffix)
    assert not (site / "progress" / "week" / "2022-W52.html").exists()  # ends 2023-01-01


def test_period_pages_stay_out_of_the_navigation(site):
    page = parse(site / "index.html")
    assert not [h for h in page.nav_links if "/week/" in h or "/month/" in h]


def test_each_page_shows_the_numbers_of_its_json_and_csv(site):
    for path in period_files(site, "week") + period_files(site, "month"):
        data = json.loads(path.read_text(encoding="utf-8"))
        page = parse(path.with_suffix(".html"))
        tables = dict(page.tables)
        shown = {row[0]: row[1] for row in tables["主要指标"][1:]}
        assert shown == {label: display(data["figures"][key], key in PERCENT_FIGURES) for key, label in FIGURE_LABELS.items()}
        for dim in DIMENSIONS:
            table = data["tables"][dim]
            title = table["title"]
            if table["withheld"]:
                assert title not in tables
                continue
            if not table["rows"]:
                continue
            rows = tables[title][1:]
            expected = [[str(r[dim])] + [shown_on_page(r[c], r["conf_status"][c], c in PERCENT_FIGURES)
                                         for c in table["columns"] if c not in PAGE_HIDDEN] for r in table["rows"]]
            assert rows == expected, (path.name, dim)
        raw = path.with_suffix(".csv").read_text(encoding="utf-8")
        assert raw.startswith("\ufeff表格,分组,指标,数值,保密状态,键\n")  # Excel on Chinese Windows needs the mark
        lines = list(csv.DictReader(io.StringIO(raw.removeprefix("\ufeff"))))
        from_csv = {(line["键"].split(".")[0], line["分组"], line["键"].split(".")[-1]): line["数值"] for line in lines}
        status = {(line["键"].split(".")[0], line["分组"], line["键"].split(".")[-1]): line["保密状态"] for line in lines}
        for key in FIGURES:
            value = data["figures"][key]
            assert from_csv[("figures", "", key)] == ("" if value is None else str(value))
        for dim in DIMENSIONS:
            for r in data["tables"][dim]["rows"]:
                for c in data["tables"][dim]["columns"]:
                    value = r[c]
                    assert from_csv[(dim, str(r[dim]), c)] == ("" if value is None else str(value))
                    assert status[(dim, str(r[dim]), c)] == r["conf_status"][c]


def test_the_json_names_figures_and_tables(site):
    data = json.loads((site / "progress" / "month" / "2022-03.json").read_text(encoding="utf-8"))
    assert {"issues_new", "issues_closed", "issues_open", "issues_overdue", "closure_rate", "on_time_rate",
            "median_days_to_close", "p90_days_to_close"} <= set(data["figures"])
    assert set(data["tables"]) == set(DIMENSIONS)
    assert data["suppression"] == {"k": 3, "marker": "*", "conf_status": {"F": "free", "C": "withheld"}}
    assert data["frozen"] == {"on": "2022-12-31"}
    assert data["units"]["closure_rate"] == "percent"
    assert data["period"] == {"kind": "month", "key": "2022-03", "label": "2022年3月",
                              "start": "2022-03-01", "end": "2022-03-31"}


def test_withheld_cells_show_one_neutral_mark_and_status_c(site):
    seen = 0
    for path in period_files(site, "week") + period_files(site, "month"):
        data = json.loads(path.read_text(encoding="utf-8"))
        html = path.with_suffix(".html").read_text(encoding="utf-8")
        assert "&lt;3" not in html and "<3" not in path.with_suffix(".csv").read_text(encoding="utf-8")
        cells = [(r[c], r["conf_status"][c]) for t in data["tables"].values() for r in t["rows"] for c in t["columns"]]
        assert {status for _, status in cells} <= {"F", "C"}
        assert all(value is None for value, status in cells if status == "C")
        if any(status == "C" for _, status in cells):
            seen += 1
            page = parse(path.with_suffix(".html"))
            assert any(cell == "*" for _, rows in page.tables for row in rows for cell in row)
            assert ",,C," in path.with_suffix(".csv").read_text(encoding="utf-8")
            text = "".join(page.text)
            assert "“*”表示不公布：为保护企业信息" in text and "不表示数字的大小" in text
    assert seen > 5


def test_satisfaction_rates_have_unambiguous_names_and_rounding_is_stated(site):
    notes = 0
    for path in period_files(site, "month") + period_files(site, "week"):
        data = json.loads(path.read_text(encoding="utf-8"))
        f = data["figures"]
        assert {"satisfied_rate", "satisfied_or_basic_rate"} <= set(f) and "satisfaction_satisfied" not in f
        text = "".join(parse(path.with_suffix(".html")).text)
        assert "满意率（评价“满意”）" in text and "满意及基本满意率" in text
        shares = [f[k] for k in ("satisfied_rate", "satisfaction_basic", "satisfaction_dissatisfied")]
        adds_up = None in shares or round(sum(shares), 1) == 100.0
        assert ("与 100% 的差是舍入造成的" in text) is not adds_up, path.name
        notes += not adds_up
        assert "按十进制四舍五入" in text
    assert notes > 0  # the example has periods whose shares add to 99.9 or 100.1


def test_a_period_not_yet_published_shows_its_figures_only(tmp_path, example_workbook):
    build([str(example_workbook)], dt.date(2022, 12, 31), site_dir=tmp_path / "site", docs_dir=tmp_path / "docs",
          published_dir=tmp_path / "published")
    path = tmp_path / "site" / "progress" / "month" / "2022-06.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["frozen"] is None
    assert all(t["withheld"] and t["why"] == "provisional" and t["rows"] == [] for t in data["tables"].values())
    page = parse(path.with_suffix(".html"))
    assert [title for title, _ in page.tables] == ["主要指标", "趋势"]
    assert "在本期数字发布后公布" in "".join(page.text)


def test_chart_is_a_static_svg_with_its_numbers_beside_it(site):
    path = site / "progress" / "month" / "2022-06.html"
    page = parse(path)
    (image,) = [i for i in page.images if i["src"].endswith(".svg")]
    assert image["src"] == "2022-06.svg" and "折线图" in image["alt"]
    svg = (site / "progress" / "month" / "2022-06.svg").read_text(encoding="utf-8")
    assert "<script" not in svg and not re.search(r'(?:href|src)="(?:https?:)?//', svg)
    assert svg.startswith("<?xml") and "chart-month-2022-06" in svg
    trend = dict(page.tables)["趋势"]
    assert trend[0] == ["周期", "新增问题", "销号", "期末在办"]
    assert [row[0] for row in trend[1:]] == [f"2022年{m}月" for m in range(1, 7)]
    for m, row in enumerate(trend[1:], start=1):
        data = json.loads((site / "progress" / "month" / f"2022-{m:02d}.json").read_text(encoding="utf-8"))
        assert row[1:] == [str(data["figures"][k]) for k in ("issues_new", "issues_closed", "issues_open")]


def test_archive_lists_every_period_and_the_latest_figures(site):
    page = parse(site / "progress" / "index.html")
    weeks = [h for h in page.links if h.startswith("week/")]
    months = [h for h in page.links if h.startswith("month/")]
    assert len(set(weeks)) == 52 and len(set(months)) == 12
    assert "week/2022-W51.html" in weeks and "month/2022-12.html" in months
    text = "".join(page.text)
    assert "截至2022年12月31日的最新数字" in text
    latest = dict(page.tables)["截至2022年12月31日的最新数字"]
    assert latest[0] == ["指标", "数值"] and ["累计受理问题", "1500"] in latest
    assert {i["src"] for i in page.images} >= {"trend-week.svg", "trend-month.svg"}
    assert (site / "progress" / "trend-week.svg").is_file()


def test_home_page_links_the_latest_reports(site):
    page = parse(site / "index.html")
    assert "progress/week/2022-W51.html" in page.links
    assert "progress/month/2022-12.html" in page.links


def test_no_internal_value_in_the_progress_output(site, example_workbook, schema):
    programme = model_of(validate([str(example_workbook)], dt.date(2022, 12, 31), schema))
    secrets = set()
    for e in programme.enterprises.values():
        secrets |= {e.enterprise_id, e.uscc, e.name, e.contact_name or "", e.contact_phone or ""}
    for i in programme.issues:
        secrets |= {i.issue_id, i.description, i.owner or "", i.resolution or ""}
    secrets = {s for s in secrets if len(s) >= 4}
    for path in (site / "progress").rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            # Cells are bounded by quotes, commas, pipes or tags; look for whole values.
            tokens = set(re.split(r'[",\n<>|]', text))
            assert not (tokens & secrets), path


def test_the_archive_shows_a_status_column_only_when_the_periods_differ(site, tmp_path, make_workbook):
    """A 状态 column saying the same on every row says nothing: one sentence says it instead."""
    page = parse(site / "progress" / "index.html")
    tables = dict(page.tables)
    for heading in ("全部周报（52 期）", "全部月度分析（12 期）"):
        assert tables[heading][0] == ["周期", "统计期", "新增问题", "销号", "期末在办", "期末超期"]
    text = "".join(page.text)
    assert "这些周报的数字都已发布，发布后不再变动。" in text and "这些月度分析的数字都已发布" in text
    # Months frozen up to March (from the ledger as it stood then), the rest not yet: the column tells them apart.
    march = dt.date(2022, 3, 31)

    def then(rows) -> None:
        ledger_as_of(rows, march)
        rows["leniency_cases"] = [r for r in rows["leniency_cases"] if max(
            d for d in (r["found_on"], r.get("checked_on"), r.get("revisit_on")) if d) <= march]
        rows["project_reports"] = [r for r in rows["project_reports"] if r["report_on"] <= march]

    published = tmp_path / "published"
    build([str(make_workbook(then, name="march.xlsx"))], march, site_dir=tmp_path / "early", docs_dir=tmp_path / "docs",
          published_dir=published, freeze="month")
    build([str(make_workbook())], dt.date(2022, 12, 31), site_dir=tmp_path / "site", docs_dir=tmp_path / "docs",
          published_dir=published)
    page = parse(tmp_path / "site" / "progress" / "index.html")
    months = dict(page.tables)["全部月度分析（12 期）"]
    assert months[0][-1] == "状态"
    states = {row[0]: row[-1] for row in months[1:]}
    assert states["2022年3月"].startswith("已发布") and states["2022年7月"] == "未发布（只列总数）"
    text = "".join(page.text)
    assert "这些月度分析的数字" not in text
    assert "这些周报的数字都还没有发布" in text  # no week frozen: said once, no column
    assert dict(page.tables)["全部周报（52 期）"][0][-1] == "期末超期"
