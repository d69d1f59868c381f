"""The frozen store: the version it writes, the older version it still reads
(with labels inside, which it ignores), and files it refuses."""

from __future__ import annotations

import json
from pathlib import Path

from htmltree import article

from generator.cli import cli
from generator.figures.periods import parse_key
from generator.render.labels import TABLE_TITLES, period_label


def older_table(table: dict) -> dict:
    """A table as versions 1 and 2 wrote it: "<3" for a withheld cell, no reason for a withheld table."""
    rows = [{c: "<3" if v == "*" else v for c, v in r.items()} for r in table["rows"]]
    return {k: v for k, v in table.items() if k != "why"} | {"rows": rows}


def as_format_1(path: Path) -> None:
    """Rewrite a stored file as version 1 wrote it: labels of the period and the tables inside,
    "<3" marks, the satisfied share under its old name and no 满意及基本满意率."""
    data = json.loads(path.read_text(encoding="utf-8"))
    period = data["period"]
    label = period_label(parse_key(period["kind"], period["key"]))
    figures = {("satisfaction_satisfied" if k == "satisfied_rate" else k): v for k, v in data["figures"].items()
               if k != "satisfied_or_basic_rate"}
    old = {
        "format": 1,
        "period": {"kind": period["kind"], "key": period["key"], "label": label,
                   "start": period["start"], "end": period["end"]},
        "figures": figures,
        "tables": {name: {"title": TABLE_TITLES[name], **older_table(table)} for name, table in data["tables"].items()},
        "suppression": {"k": 3, "marker": "<3"},
        "frozen": data["frozen"],
    }
    path.write_text(json.dumps(old, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def progress_pages(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): p.read_text(encoding="utf-8")
            for p in sorted((site / "progress").rglob("*")) if p.suffix in (".html", ".json", ".csv")}


def test_a_format_1_file_renders_the_same_pages(make_workbook, runner, tmp_path):
    # A workbook of version 1's time: no 兑付, whose figures a month's file holds since.
    book = make_workbook(lambda rows: rows.pop("payments"))
    published = tmp_path / "published"
    args = ["--source", str(book), "--as-of", "2022-12-31", "--published-dir", str(published)]
    first = runner.invoke(cli, ["publish", "--period", "month", *args, "--site-dir", str(tmp_path / "a")])
    assert first.exit_code == 0, first.output
    stored = json.loads((published / "month" / "2022-03.json").read_text(encoding="utf-8"))
    assert stored["format"] == 3
    months = [json.loads(p.read_text(encoding="utf-8")) for p in (published / "month").glob("*.json")]
    assert any(v == "*" for m in months for t in m["tables"].values() for r in t["rows"] for v in r.values())
    assert "label" not in stored["period"] and all("title" not in t for t in stored["tables"].values())
    # A folder frozen by version 1 has no manifest either.
    (published / "manifest.json").unlink()
    for path in (published / "month").glob("*.json"):
        as_format_1(path)
    second = runner.invoke(cli, ["build", *args, "--site-dir", str(tmp_path / "b")])
    assert second.exit_code == 0, second.output
    assert progress_pages(tmp_path / "b") == progress_pages(tmp_path / "a")
    page = article(tmp_path / "b" / "progress" / "month" / "2022-03.html")
    assert "2022年3月月度分析" in page.text()


def test_a_file_of_an_unknown_version_is_refused_by_name(make_workbook, runner, tmp_path):
    book = make_workbook()
    published = tmp_path / "published"
    args = ["--source", str(book), "--as-of", "2022-12-31", "--published-dir", str(published)]
    assert runner.invoke(cli, ["publish", "--period", "month", *args, "--site-dir", str(tmp_path / "a")]).exit_code == 0
    (published / "manifest.json").unlink()  # the manifest would refuse the edit first
    for other in (published / "month").glob("*.json"):
        as_format_1(other)  # files of a version without manifests
    path = published / "month" / "2022-05.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["format"] = 9
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(cli, ["build", *args, "--site-dir", str(tmp_path / "b")])
    assert result.exit_code == 2
    assert f"冻结的统计文件 {path} 无法读取" in result.output
    assert "格式 9 不是本版本能读取的格式" in result.output
