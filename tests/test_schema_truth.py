"""The schema is the single truth (issue 12): a field renamed in a copy of
sheets_schema/ is a configuration error (exit 2) naming the file and the
field, for ``validate`` and ``build`` alike, before any figure is computed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli import cli
from generator.schema import DEFAULT_SCHEMA_DIR


@pytest.fixture
def schema_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "sheets_schema"
    shutil.copytree(DEFAULT_SCHEMA_DIR, folder)
    monkeypatch.setenv("NUANQI_SCHEMA_DIR", str(folder))
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _run(runner, example_workbook: Path, tmp_path: Path, command: str):
    args = [command, "--source", str(example_workbook), "--as-of", "2022-12-31"]
    if command == "build":
        args += ["--site-dir", str(tmp_path / "site")]
    return runner.invoke(cli, args)


@pytest.mark.parametrize("command", ["validate", "build"])
def test_field_renamed_everywhere_in_its_file_is_exit_2(runner, example_workbook, tmp_path, schema_copy, command):
    """satisfaction renamed to rating in issues.yaml, its rule too: the model still reads satisfaction."""
    issues = schema_copy / "issues.yaml"
    _edit(issues, "{name: satisfaction,", "{name: rating,")
    _edit(issues, "field: satisfaction,", "field: rating,")
    result = _run(runner, example_workbook, tmp_path, command)
    assert result.exit_code == 2, result.output
    assert f"{issues}：表 issues 没有字段 satisfaction，而系统需要读取它（Issue）" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("command", ["validate", "build"])
def test_field_renamed_but_not_in_its_rule_is_exit_2(runner, example_workbook, tmp_path, schema_copy, command):
    issues = schema_copy / "issues.yaml"
    _edit(issues, "{name: satisfaction,", "{name: rating,")
    result = _run(runner, example_workbook, tmp_path, command)
    assert result.exit_code == 2, result.output
    assert f"{issues}：第 11 条规则（only_if）引用的字段 satisfaction 在 issues 中不存在" in result.output


@pytest.mark.parametrize("command", ["validate", "build"])
def test_rule_naming_a_missing_field_is_exit_2(runner, example_workbook, tmp_path, schema_copy, command):
    issues = schema_copy / "issues.yaml"
    _edit(issues, "{rule: not_before, field: due_on,", "{rule: not_before, field: due_date,")
    result = _run(runner, example_workbook, tmp_path, command)
    assert result.exit_code == 2, result.output
    assert f"{issues}：第 5 条规则（not_before）引用的字段 due_date 在 issues 中不存在" in result.output


def test_english_message_names_file_rule_and_field(runner, example_workbook, tmp_path, schema_copy):
    issues = schema_copy / "issues.yaml"
    _edit(issues, "{rule: not_before, field: due_on,", "{rule: not_before, field: due_date,")
    result = runner.invoke(cli, ["validate", "--source", str(example_workbook), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert f"{issues}: rule 5 (not_before) names the field due_date, which issues has not got" in result.output
