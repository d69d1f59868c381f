"""The manifest of the frozen periods: a deleted, edited or stray frozen file,
or an edited manifest, stops the build (exit 2) naming the file and how to
restore it; so does a file edited together with its manifest that contradicts
its own tables or the running totals, and a new file whose manifest is gone;
a folder frozen before manifests existed is adopted by the next publish."""

from __future__ import annotations

import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from test_frozen_store import as_format_1

from generator.cli import cli


@pytest.fixture
def published(make_workbook, runner, tmp_path) -> tuple[list[str], Path]:
    book = make_workbook()
    folder = tmp_path / "published"
    args = ["--source", str(book), "--as-of", "2022-12-31", "--published-dir", str(folder)]
    result = runner.invoke(cli, ["publish", "--period", "month", *args, "--site-dir", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    return args, folder


def build(runner, args, tmp_path):
    return runner.invoke(cli, ["build", *args, "--site-dir", str(tmp_path / "b")])


def test_publish_records_every_file_with_its_hash(published):
    _args, folder = published
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    (release,) = manifest["releases"]
    assert manifest["format"] == 1 and release["on"] == "2022-12-31" and release["previous"] is None
    assert sorted(release["files"]) == [f"month/2022-{m:02d}.json" for m in range(1, 13)]
    assert all(len(h) == 64 for h in release["files"].values())


def test_a_second_release_chains_to_the_first(published, runner, tmp_path):
    args, folder = published
    result = runner.invoke(cli, ["publish", "--period", "week", *args, "--site-dir", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    first, second = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["releases"]
    assert second["previous"] is not None and len(second["files"]) == 52
    assert all(name.startswith("week/") for name in second["files"])
    assert build(runner, args, tmp_path).exit_code == 0


def test_a_deleted_frozen_file_stops_the_build(published, runner, tmp_path):
    args, folder = published
    (folder / "month" / "2022-05.json").unlink()
    result = build(runner, args, tmp_path)
    assert result.exit_code == 2
    path = folder / "month" / "2022-05.json"
    assert f"冻结的统计文件 {path} 不见了：该期已经发布，其数字不能改变。" in result.output
    assert f"git checkout <提交> -- {path}" in result.output
    assert not (tmp_path / "b").exists()


def test_an_edited_frozen_file_stops_the_build(published, runner, tmp_path):
    args, folder = published
    path = folder / "month" / "2022-04.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["figures"]["issues_new"] *= 10
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    result = build(runner, args, tmp_path)
    assert result.exit_code == 2
    assert f"冻结的统计文件 {path} 在发布后被改动过。" in result.output


def test_a_file_nobody_published_stops_the_build(published, runner, tmp_path):
    args, folder = published
    stray = folder / "week" / "2022-W10.json"
    stray.parent.mkdir()
    stray.write_text((folder / "month" / "2022-03.json").read_text(encoding="utf-8"), encoding="utf-8")
    result = build(runner, args, tmp_path)
    assert result.exit_code == 2
    assert f"文件 {stray} 不在冻结统计期的清单中" in result.output


def test_an_edited_manifest_stops_the_build(published, runner, tmp_path):
    args, folder = published
    manifest = folder / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["releases"].insert(0, {"on": "2022-01-01", "previous": None, "files": {}})
    manifest.write_text(json.dumps(data), encoding="utf-8")
    result = build(runner, args, tmp_path)
    assert result.exit_code == 2
    assert f"冻结统计期的清单 {manifest} 被改动过" in result.output
    manifest.write_text("{", encoding="utf-8")
    result = build(runner, args, tmp_path)
    assert result.exit_code == 2
    assert f"冻结统计期的清单 {manifest} 无法读取。" in result.output


def rehash(folder: Path) -> None:
    """What someone covering an edit does: the manifest rewritten to the files as they are now."""
    releases = []
    for release in json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["releases"]:
        files = {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in release["files"]}
        previous = releases and hashlib.sha256(json.dumps(releases[-1], ensure_ascii=False, sort_keys=True,
                                                         separators=(",", ":")).encode("utf-8")).hexdigest()
        releases.append({"on": release["on"], "previous": previous or None, "files": files})
    (folder / "manifest.json").write_text(json.dumps({"format": 1, "releases": releases}), encoding="utf-8")


def edit(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def test_a_file_edited_with_its_manifest_that_contradicts_its_tables_stops_the_build(published, runner, tmp_path):
    args, folder = published
    path = folder / "month" / "2022-06.json"
    new = json.loads(path.read_text(encoding="utf-8"))["figures"]["issues_new"]

    def tenfold(data):  # 本期新增 ×10, 累计 and 在办 along with it: the figures agree, the tables do not
        data["figures"]["issues_new"] *= 10
        data["figures"]["issues_received_total"] += 9 * new
        data["figures"]["issues_open"] += 9 * new
        data["figures"]["closure_rate"] = None

    edit(path, tenfold)
    rehash(folder)
    result = build(runner, args, tmp_path)
    assert result.exit_code == 2
    assert f"冻结的统计文件 {path} 自相矛盾：" in result.output
    assert f"表 category 的 issues_new 列合计为 {new}，而本期的 issues_new 为 {10 * new}" in result.output
    assert "现在的内容不是 publish 写入的。" in result.output and f"git checkout <提交> -- {path}" in result.output
    assert not (tmp_path / "b").exists()


def test_a_rate_shown_beside_a_withheld_resolved_count_stops_the_build(published, runner, tmp_path):
    """A frozen table by enterprise attribute: 已解决 withheld, its 问题化解率 a number: an
    edit (the rate bounds the count), refused like any other contradiction."""
    args, folder = published
    path, where = None, None
    for candidate in sorted((folder / "month").glob("*.json")):
        tables = json.loads(candidate.read_text(encoding="utf-8"))["tables"]
        for name, table in tables.items():
            marked = [n for n, r in enumerate(table["rows"]) if isinstance(r.get("closed_resolved"), str)]
            if table["enterprise_attribute"] and marked:
                path, where = candidate, (name, marked[0])
                break
        if path:
            break
    assert path is not None and where is not None, "no month withholds an 已解决"
    name, n = where

    def rate_shown(data):
        data["tables"][name]["rows"][n]["resolution_rate"] = 50.0

    edit(path, rate_shown)
    rehash(folder)
    result = build(runner, args, tmp_path)
    assert result.exit_code == 2
    row = json.loads(path.read_text(encoding="utf-8"))["tables"][name]["rows"][n][name]
    assert f"冻结的统计文件 {path} 自相矛盾：表 {name} 的“{row}”行：已解决数、问题化解率与销号数不符" in result.output
    assert not (tmp_path / "b").exists()


def test_a_file_whose_running_totals_do_not_chain_stops_the_build(published, runner, tmp_path):
    args, folder = published
    path = folder / "month" / "2022-06.json"

    def more_received(data):  # consistent on its own: 累计受理 and 在办 one more, 销号率 recomputed
        f = data["figures"]
        f["issues_received_total"] += 1
        f["issues_open"] += 1
        exact = Decimal(f["issues_closed_total"] * 100) / Decimal(f["issues_received_total"])
        f["closure_rate"] = float(exact.quantize(Decimal("0.1"), ROUND_HALF_UP))

    edit(path, more_received)
    rehash(folder)
    result = build(runner, args, tmp_path)
    assert result.exit_code == 2
    assert f"冻结的统计文件 {path} 自相矛盾：issues_received_total 为" in result.output
    assert "不等于同一次发布的上一期 2022-05 的" in result.output


def test_a_new_file_without_its_manifest_stops_the_build(published, runner, tmp_path):
    args, folder = published
    (folder / "manifest.json").unlink()  # deleting the manifest with a file would otherwise republish it
    (folder / "month" / "2022-05.json").unlink()
    result = build(runner, args, tmp_path)
    assert result.exit_code == 2
    assert "是连同清单一起写入的，但清单" in result.output and str(folder / "manifest.json") in result.output


def test_a_folder_without_a_manifest_is_adopted_by_the_next_publish(published, runner, tmp_path):
    args, folder = published
    (folder / "manifest.json").unlink()
    for path in (folder / "month").glob("*.json"):
        as_format_1(path)  # frozen by a version that wrote no manifest
    assert build(runner, args, tmp_path).exit_code == 0  # frozen before the manifest existed
    result = runner.invoke(cli, ["publish", "--period", "week", *args, "--site-dir", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    (release,) = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["releases"]
    assert len(release["files"]) == 12 + 52


def test_a_wrongly_shaped_file_gets_a_plain_message(published, runner, tmp_path):
    args, folder = published
    path = folder / "month" / "2022-06.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["figures"]
    path.write_text(json.dumps(data), encoding="utf-8")
    rehash(folder)
    result = build(runner, args, tmp_path)
    assert result.exit_code == 2
    assert f"冻结的统计文件 {path} 无法读取（缺少“figures”一项）。请从版本库恢复该文件。" in result.output
