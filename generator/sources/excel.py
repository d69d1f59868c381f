"""xlsx/xls/ods through python-calamine.

calamine (Rust) reads both OOXML and OpenDocument with one API, gives date
cells as ``datetime.date`` and is several times faster than openpyxl at
reading; openpyxl is kept for writing workbooks (template, sample).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from python_calamine import CalamineWorkbook

from ..errors import SourceError
from . import RawSheet

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _diagnose(path: Path, exc: Exception) -> SourceError:
    head = b""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        pass
    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods") and head == _OLE_MAGIC:
        return SourceError(f"{path.name} 已加密（设置了打开密码），无法读取：请在 Excel 中取消密码后另存一份再试。")
    if not head:
        return SourceError(f"{path.name} 是空文件：请重新导出工作簿。")
    if head[:2] == b"PK" and not zipfile.is_zipfile(path):
        return SourceError(f"{path.name} 已损坏（文件不完整）：请重新保存或下载该工作簿。")
    if head[:2] != b"PK" and head != _OLE_MAGIC:
        return SourceError(f"{path.name} 不是电子表格文件（扩展名为 {path.suffix}，内容却不是）：请用 Excel 或 WPS 另存为 .xlsx。")
    return SourceError(f"无法读取 {path.name}：{exc}。请用 Excel 或 WPS 打开后另存为 .xlsx 再试。")


def read_spreadsheet(path: Path) -> list[RawSheet]:
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types per format
        raise _diagnose(path, exc) from exc
    sheets: list[RawSheet] = []
    for name in book.sheet_names:
        try:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            merged_raw = sheet.merged_cell_ranges or []
        except Exception as exc:
            raise SourceError(f"无法读取 {path.name} 的工作表“{name}”：{exc}") from exc
        merged = [(a[0], a[1], b[0], b[1]) for a, b in merged_raw]
        sheets.append(RawSheet(tab=name, source=path.name, rows=[list(r) for r in rows], merged=merged))
    return sheets
