"""--save-snapshot: what was fetched from Google Sheets as a CSV folder plus
snapshot.json, read back by --source DIR with the same typed values."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from cassettes import make_cassettes as mc
from cassettes.playback import play, write_key_file
from conftest import read_and_check

from generator.cli import cli
from generator.schema import load_schema
from generator.sources.snapshot import METADATA_FILE, csv_cell

AS_OF = dt.date(2022, 12, 31)
SAMPLE = f"gsheet:{mc.SAMPLE_KEY}"


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return write_key_file(tmp_path / "service-account.json")


def typed(checked):
    return {name: [(r.number, r.values) for r in t.rows] for name, t in checked.tables.items()}


def save(runner, key_file: Path, folder: Path, cassette: str = "gsheets_read_sample", spec: str = SAMPLE):
    with play(cassette) as p:
        result = runner.invoke(cli, ["validate", "-s", spec, "--credentials", str(key_file),
                                     "--as-of", "2022-12-31", "--save-snapshot", str(folder)])
    return result, p


def test_snapshot_folder_and_metadata(runner, key_file, tmp_path):
    folder = tmp_path / "snapshot"
    result, p = save(runner, key_file, folder)
    assert result.exit_code == 0, result.output
    assert len(p.sheets_requests()) == 2  # the snapshot costs no extra request
    assert f"已把读取的工作表保存到 {folder}" in result.output
    meta = json.loads((folder / METADATA_FILE).read_text(encoding="utf-8"))
    assert meta["format"] == "nuanqi-snapshot/1"
    [book] = meta["spreadsheets"]
    assert book["key"] == mc.SAMPLE_KEY and book["title"] == "暖企服务台账（示例）"
    assert book["url"] == f"https://docs.google.com/spreadsheets/d/{mc.SAMPLE_KEY}/edit"
    assert dt.datetime.fromisoformat(book["fetched_at"]).tzinfo is not None
    tabs = [t["title"] for t in book["tabs"]]
    assert sorted(p.name for p in folder.iterdir()) == sorted([f"{t}.csv" for t in tabs] + [METADATA_FILE])
    with (folder / "问题清单.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][5] == "反映日期"
    assert dt.date.fromisoformat(rows[1][5])  # serial 44xxx.39583 (a date with a time) as an ISO date
    with (folder / "部门.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh))[-1] == ["1099", "区数据资源管理局（示例）", "0580-2069999"]


def test_snapshot_reads_back_to_the_same_values(runner, key_file, tmp_path):
    folder = tmp_path / "snapshot"
    save(runner, key_file, folder)
    schema = load_schema()
    with play("gsheets_read_sample"):
        google = read_and_check([SAMPLE], schema, AS_OF, credentials=key_file)
    offline = read_and_check([str(folder)], schema, AS_OF)  # no cassette: any request would fail
    assert typed(offline) == typed(google)
    assert [(f.code, f.place) for f in offline.report.findings] == [(f.code, f.place) for f in google.report.findings]


def test_build_from_the_snapshot_offline(runner, key_file, tmp_path):
    folder = tmp_path / "snapshot"
    save(runner, key_file, folder)
    site = tmp_path / "site"
    result = runner.invoke(cli, ["build", "-s", str(folder), "--as-of", "2022-12-31", "--site-dir", str(site)])
    assert result.exit_code == 0, result.output
    assert (site / "index.html").is_file()


def test_saving_again_replaces_the_snapshot(runner, key_file, tmp_path):
    folder = tmp_path / "snapshot"
    save(runner, key_file, folder)
    result, _p = save(runner, key_file, folder, "gsheets_read_small", f"gsheet:{mc.SMALL_KEY}")
    assert result.exit_code == 1  # the small book is invalid; what was fetched is kept all the same
    assert sorted(p.name for p in folder.iterdir()) == ["snapshot.json", "部门.csv"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_unrelated_folder_is_not_overwritten(runner, key_file, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine", encoding="utf-8")
    result, _p = save(runner, key_file, folder)
    assert result.exit_code == 2
    assert f"{folder} 已存在且不是快照文件夹" in result.output
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]


def test_no_snapshot_when_the_source_fails(runner, key_file, tmp_path):
    folder = tmp_path / "snapshot"
    result, _p = save(runner, key_file, folder, "gsheets_forbidden", f"gsheet:{mc.PRIVATE_KEY}")
    assert result.exit_code == 2
    assert not folder.exists()


def test_snapshot_needs_a_google_source(runner, example_workbook, tmp_path):
    result = runner.invoke(cli, ["validate", "-s", str(example_workbook), "--save-snapshot", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "数据源中没有 Google 表格" in result.output


@pytest.mark.parametrize(("value", "is_date", "text"), [
    (44743, True, "2022-07-01"),
    (44743.75, True, "2022-07-01"),
    (12, True, "12"),  # not plausibly a date: kept, so it is reported as it would be from Google
    ("2022/7/1", True, "2022/7/1"),
    (1001, False, "1001"),
    (1001.0, False, "1001"),
    (0.12, False, "0.12"),
    (1e-07, False, "0.0000001"),
    (True, False, "TRUE"),
    (False, False, "FALSE"),
    (None, False, ""),
    ("=1+1", False, "=1+1"),
])
def test_csv_cell(value, is_date, text):
    assert csv_cell(value, is_date) == text
