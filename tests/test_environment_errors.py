"""Trouble with the machine (a path through a file, a full or read-only disk)
is said as such, with the path and the system's reason, exit 2; never as an
internal error to report to the maintainers."""

from __future__ import annotations

from pathlib import Path

from generator.cli import cli


def test_sample_into_a_path_through_a_file(runner, tmp_path: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    result = runner.invoke(cli, ["sample", str(blocker / "book.xlsx")])
    assert result.exit_code == 2
    assert result.output.startswith(f"错误：无法使用 {blocker}")
    assert "内部错误" not in result.output
    assert "Traceback" not in result.output
    assert blocker.read_text(encoding="utf-8") == "x"
