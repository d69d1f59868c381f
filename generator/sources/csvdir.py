"""A folder of CSV files, one per tab, named by the tab (``问题清单.csv``).

Excel on a Chinese Windows saves CSV in GBK; we accept UTF-8 (with or without
BOM) and fall back to GB 18030, a superset of GBK.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import SourceError
from . import RawSheet


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path.name} 的编码无法识别：请另存为“CSV UTF-8”格式。") from exc


def read_csv_folder(folder: Path) -> list[RawSheet]:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    if not files:
        raise SourceError(f"文件夹 {folder} 里没有 CSV 文件：每个工作表应存为一个以工作表名命名的 .csv 文件。")
    sheets = []
    for path in files:
        text = _decode(path)
        try:
            rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
        except csv.Error as exc:
            raise SourceError(f"{path.name} 不是有效的 CSV：{exc}") from exc
        sheets.append(RawSheet(tab=path.stem, source=f"{folder.name}/{path.name}", rows=rows))
    return sheets
