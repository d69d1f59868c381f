"""Sources: where the sheets come from. Every reader yields the same
``RawSheet``: the tab's cells as the reader found them, row 1 first."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..schema import PROJECT_ROOT

EXAMPLE_WORKBOOK = PROJECT_ROOT / "examples" / "dinghai-2022.xlsx"


@dataclass
class RawSheet:
    tab: str
    source: str
    rows: list[list[Any]]
    # Ranges of merged cells as (first_row, first_col, last_row, last_col), 0-based.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def is_google(spec: str) -> bool:
    return spec.startswith("gsheet:") or "docs.google.com/spreadsheets" in spec


def read_source(spec: str, **options: Any) -> list[RawSheet]:
    """All tabs of one source (a file, a CSV folder, or a Google spreadsheet)."""
    if is_google(spec):
        from .gsheets import read_google

        return read_google(spec, **options)
    path = Path(spec)
    if path.is_dir():
        from .csvdir import read_csv_folder

        return read_csv_folder(path)
    if not path.exists():
        raise SourceError(f"找不到数据源 {spec}：请检查文件路径。")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        from .excel import read_spreadsheet

        return read_spreadsheet(path)
    if suffix == ".csv":
        raise SourceError(
            f"{spec} 是单个 CSV 文件：请把每个工作表存为一个 CSV（以工作表名命名），放在同一个文件夹里，并以该文件夹作为数据源。"
        )
    raise SourceError(f"{spec} 不是支持的数据源：请使用 .xlsx、.ods、CSV 文件夹或 Google 表格链接。")
