"""The manifest of the frozen periods: a deleted, edited or stray frozen file,
or an edited manifest, stops the build (exit 2) naming the file and how to
restore it; a folder without a manifest is adopted by the next publish."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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


def test_a_folder_without_a_manifest_is_adopted_by_the_next_publish(published, runner, tmp_path):
    args, folder = published
    (folder / "manifest.json").unlink()
    assert build(runner, args, tmp_path).exit_code == 0  # frozen before the manifest existed
    result = runner.invoke(cli, ["publish", "--period", "week", *args, "--site-dir", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    (release,) = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["releases"]
    assert len(release["files"]) == 12 + 52


def test_a_wrongly_shaped_file_gets_a_plain_message(published, runner, tmp_path):
    args, folder = published
    (folder / "manifest.json").unlink()
    path = folder / "month" / "2022-06.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["figures"]
    path.write_text(json.dumps(data), encoding="utf-8")
    result = build(runner, args, tmp_path)
    assert result.exit_code == 2
    assert f"冻结的统计文件 {path} 无法读取（缺少“figures”一项）。请从版本库恢复该文件。" in result.output
