"""``publish --period week|month``: frozen periods, re-runs that change nothing,
revision notes after the ledger changes, and an audit that stops the build."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from generator.cli import cli
from generator.sources import EXAMPLE_PUBLISHED, EXAMPLE_WORKBOOK, parse_source
from generator.sources.source import default_published_dir


class Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def text_of(path: Path) -> str:
    parser = Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return "".join(parser.parts)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*.json"))}


def first_march_issue(rows) -> dict:
    return next(r for r in rows["issues"] if r["reported_on"].month == 3 and r["closed_on"] is not None
                and r["closed_on"].month == 3)


def as_stored(table: dict) -> dict:
    """A table of a page's JSON file as the frozen file holds it: no title, and "*" for a cell
    the page's file gives as no value with status C."""
    rows = [{c: "*" if r["conf_status"].get(c) == "C" else v for c, v in r.items() if c != "conf_status"}
            for r in table["rows"]]
    return {k: v for k, v in table.items() if k != "title"} | {"rows": rows}


def test_publish_freezes_once_and_keeps_published_numbers(make_workbook, sample_rows, runner, tmp_path):
    book = make_workbook()
    site = tmp_path / "site"
    published = tmp_path / "published"  # the default: next to the workbook
    args = ["--source", str(book), "--as-of", "2022-12-31", "--site-dir", str(site)]

    first = runner.invoke(cli, ["publish", "--period", "month", *args])
    assert first.exit_code == 0, first.output
    months = sorted(p.name for p in (published / "month").glob("*.json"))
    assert months == [f"2022-{m:02d}.json" for m in range(1, 13)]
    assert first.output.count("已冻结") == 12
    assert not (published / "week").exists()
    frozen = json.loads((published / "month" / "2022-03.json").read_text(encoding="utf-8"))
    page = json.loads((site / "progress" / "month" / "2022-03.json").read_text(encoding="utf-8"))
    # The frozen file holds the published values; the page's file adds the labels.
    assert frozen["format"] == 3 and "label" not in frozen["period"]
    assert frozen["figures"] == page["figures"]
    assert frozen["tables"] == {name: as_stored(t) for name, t in page["tables"].items()}
    assert frozen["frozen"] == {"on": "2022-12-31"}
    assert "已于 2022-12-31 发布并冻结" in text_of(site / "progress" / "month" / "2022-03.html")

    before = snapshot(published)
    again = runner.invoke(cli, ["publish", "--period", "month", *args])
    assert again.exit_code == 0, again.output
    assert "没有尚未冻结的已结束周期，未作任何改动。" in again.output
    assert snapshot(published) == before

    weeks = runner.invoke(cli, ["publish", "--period", "week", *args])
    assert weeks.exit_code == 0, weeks.output
    assert len(list((published / "week").glob("*.json"))) == 52  # 2022-W52 has not ended
    months_only = {k: v for k, v in before.items() if k.startswith("month")}
    assert {k: v for k, v in snapshot(published).items() if k.startswith("month")} == months_only
    # The manifest gains a release for the weeks, chained to the months' one.
    assert len(json.loads((published / "manifest.json").read_text(encoding="utf-8"))["releases"]) == 2
    before = snapshot(published)

    # The ledger changes afterwards: one March issue is deleted.
    gone = first_march_issue(sample_rows)

    def edit(rows):
        rows["issues"] = [r for r in rows["issues"] if r["issue_id"] != gone["issue_id"]]

    changed = make_workbook(edit, name="book.xlsx")
    assert changed == book
    rebuilt = runner.invoke(cli, ["build", *args])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert snapshot(published) == before
    page = json.loads((site / "progress" / "month" / "2022-03.json").read_text(encoding="utf-8"))
    assert page["figures"] == frozen["figures"]
    (revision,) = [r for r in page["revisions"] if r["figure"] == "issues_new"]
    assert (revision["published"], revision["current"]) == (frozen["figures"]["issues_new"],
                                                            frozen["figures"]["issues_new"] - 1)
    text = text_of(site / "progress" / "month" / "2022-03.html")
    assert "数据更正说明" in text
    assert f"本期新增问题：发布时为 {frozen['figures']['issues_new']}，现为 {frozen['figures']['issues_new'] - 1}" in text
    archive = text_of(site / "progress" / "index.html")
    assert "已发布（有更正说明）" in archive


def test_an_audit_failure_publishes_nothing(make_workbook, runner, tmp_path):
    book = make_workbook()
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("last good site", encoding="utf-8")
    folder = tmp_path / "published" / "month"
    folder.mkdir(parents=True)
    # A frozen month whose size table shows one suppressed cell and every other
    # cell and the total: the suppressed cell is pinned, and it cannot be undone.
    doc = {
        "format": 1,
        "period": {"kind": "month", "key": "2022-03", "label": "2022年3月", "start": "2022-03-01", "end": "2022-03-31"},
        "figures": {"issues_new": 100, "issues_closed": 90},
        "tables": {
            "size": {"title": "按企业规模", "columns": ["issues_new", "issues_closed"], "enterprise_attribute": True,
                     "withheld": False, "rows": [
                         {"size": "大型", "issues_new": "<3", "issues_closed": 0},
                         {"size": "中型", "issues_new": 40, "issues_closed": 40},
                         {"size": "小型", "issues_new": 30, "issues_closed": 30},
                         {"size": "微型", "issues_new": 29, "issues_closed": 20}]},
        },
        "suppression": {"k": 3, "marker": "<3"},
        "frozen": {"on": "2022-04-01"},
    }
    (folder / "2022-03.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(cli, ["build", "--source", str(book), "--as-of", "2022-12-31", "--site-dir", str(site)])
    assert result.exit_code == 2, result.output
    assert "隐私审计未通过" in result.output
    assert re.search(r"month 2022-03 按企业规模 “大型” issues_new：只可能是 (\d+)–\1\n", result.output)
    assert (site / "index.html").read_text(encoding="utf-8") == "last good site"


def test_a_damaged_frozen_file_is_named(make_workbook, runner, tmp_path):
    book = make_workbook()
    folder = tmp_path / "published" / "week"
    folder.mkdir(parents=True)
    (folder / "2022-W05.json").write_text("{not json", encoding="utf-8")
    result = runner.invoke(cli, ["build", "--source", str(book), "--as-of", "2022-12-31",
                                 "--site-dir", str(tmp_path / "site")])
    assert result.exit_code == 2
    assert "2022-W05.json" in result.output and "无法读取" in result.output
    assert not (tmp_path / "site").exists()


def test_where_frozen_periods_live(tmp_path):
    assert default_published_dir([]) == EXAMPLE_PUBLISHED
    assert default_published_dir([parse_source(str(EXAMPLE_WORKBOOK))]) == EXAMPLE_PUBLISHED
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"")
    assert default_published_dir([parse_source(str(book))]) == tmp_path / "published"
    folder = tmp_path / "csv"
    folder.mkdir()
    assert parse_source(str(folder)).published_dir() == tmp_path / "published"
    assert parse_source("gsheet:1AbCdEfGhIjK").published_dir() == Path.cwd() / "published"
