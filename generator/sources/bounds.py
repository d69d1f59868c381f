"""Bounds on what a workbook may hold, checked before calamine reads it: the zip
(size, members, compression ratio), the farthest cell of each xlsx worksheet,
the repeated rows and cells of an ods."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import iterparse

from ..errors import SourceError
from ..i18n import _
from .parts import NS_OFFICE, NS_TABLE, col_index, column_letter, xlsx_sheet_paths

# Bounds on what a workbook may hold, checked before calamine reads it (a stray
# cell at XFD1048576 or a few repeated ODS cells would make it allocate the whole
# range, and a small zip can inflate to gigabytes). A province workbook (sample
# --scale province) has 200,001 rows of 13 columns in 问题清单, 25 columns
# at most, and 206 MB of XML: well inside these. A sheet at the bounds is at most
# 50 million cells, what calamine and Python hold in a few GB.
MAX_ROWS = 500_000
MAX_COLUMNS = 100  # column CV
MAX_UNCOMPRESSED = 1_000_000_000  # bytes, all members of the zip
MAX_MEMBERS = 10_000
MAX_RATIO = 200  # compression ratio of one member, refused only when that member is also large
LARGE_MEMBER = 50_000_000  # bytes uncompressed
# Cell references (r="AB123") in a worksheet part: only those at row 100,000 or
# beyond, or at a column beyond CV, need a closer look, so the scan of a
# province sheet finds almost nothing to convert.
_FAR_ROW = re.compile(rb' r="[A-Z]{1,3}([0-9]{6,})"')
# A part larger than this is trusted for its <dimension ref> when that is inside
# the bounds (what Excel, WPS, LibreOffice and XlsxWriter write); smaller parts
# and those without one are scanned.
SCAN_LIMIT = 16_000_000
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension [^>]*?ref="[A-Z]{1,3}[0-9]+(?::([A-Z]{1,3})([0-9]+))?"')
_FAR_COL = re.compile(rb' r="([A-Z]{3}|[D-Z][A-Z]|C[W-Z])[0-9]')


def _too_large(name: str, sheet: str | None, rows: int, cols: int) -> SourceError | None:
    if rows <= MAX_ROWS and cols <= MAX_COLUMNS:
        return None
    far = f"{column_letter(max(cols, 1) - 1)}{max(rows, 1)}"
    return SourceError(_(
        "The sheet {sheet} of {name} reaches cell {cell}, beyond what this system reads ({max_rows} rows, "
        "{max_columns} columns): delete the rows and columns beyond the data (select them, right-click, Delete) "
        "and save the file."
    ).format(sheet=sheet or "?", name=name, cell=far, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS))



def _check_zip(path: Path, book: zipfile.ZipFile) -> None:
    infos = book.infolist()
    if len(infos) > MAX_MEMBERS:
        raise SourceError(_("{name} holds {count} parts, more than a workbook has ({limit} at most): save the workbook again from Excel or WPS.").format(
            name=path.name, count=len(infos), limit=MAX_MEMBERS))
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise SourceError(_("{name} unpacks to {size} MB, more than this system reads ({limit} MB): delete unused sheets, rows and pictures, or split the workbook.").format(
            name=path.name, size=total // 1_000_000, limit=MAX_UNCOMPRESSED // 1_000_000))
    for info in infos:
        if info.file_size > LARGE_MEMBER and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise SourceError(_("{name} is suspicious: its part {part} unpacks from {packed} KB to {size} MB; save the workbook again from Excel or WPS.").format(
                name=path.name, part=info.filename, packed=info.compress_size // 1000, size=info.file_size // 1_000_000))


def _xlsx_extent(fh: IO[bytes], size: int) -> tuple[int, int]:
    """The farthest row and column (1-based) a worksheet part's cells reach,
    when beyond 99,999 rows or column CV (else 0), read in chunks."""
    rows = cols = 0
    tail = fh.read(1 << 16)
    dimension = _DIMENSION.search(tail)
    if size > SCAN_LIMIT and dimension and dimension[1]:
        rows, cols = int(dimension[2]), col_index(dimension[1].decode()) + 1
        if rows <= MAX_ROWS and cols <= MAX_COLUMNS:
            return rows, cols
        rows = cols = 0
    chunk = tail
    tail = b""
    while chunk:
        buf = tail + chunk
        chunk = fh.read(1 << 22)
        cut = buf.rfind(b">") + 1 if chunk else len(buf)
        part, tail = buf[:cut], buf[cut:]
        far_rows = _FAR_ROW.findall(part)
        if far_rows:
            rows = max(rows, *map(int, far_rows))
        far_cols = _FAR_COL.findall(part)
        if far_cols:
            cols = max(cols, *(col_index(c.decode()) + 1 for c in far_cols))
    return rows, cols


def _check_xlsx_extent(path: Path, book: zipfile.ZipFile) -> None:
    sizes = {i.filename: i.file_size for i in book.infolist()}
    for sheet, part in xlsx_sheet_paths(book).items():
        if part not in sizes:
            continue
        with book.open(part) as fh:
            rows, cols = _xlsx_extent(fh, sizes[part])
        error = _too_large(path.name, sheet, rows, cols)
        if error is not None:
            raise error


def _ods_filled(el: Any) -> bool:
    return el.get(f"{NS_OFFICE}value-type") is not None or len(el) > 0 or bool((el.text or "").strip())


def _check_ods_extent(path: Path, book: zipfile.ZipFile) -> None:
    """Repeated rows and cells of content.xml, streamed: the farthest filled
    cell of each table must be inside the bounds (trailing repeated empty
    cells, as LibreOffice writes them, do not count)."""
    tab, row, col, rows, cols = "", 0, 0, 0, 0
    row_repeat = 1
    with book.open("content.xml") as fh:
        for event, el in iterparse(fh, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == f"{NS_TABLE}table":
                    tab, row, rows, cols = el.get(f"{NS_TABLE}name", ""), 0, 0, 0
                elif tag == f"{NS_TABLE}table-row":
                    col = 0
                    row_repeat = _repeat(el.get(f"{NS_TABLE}number-rows-repeated"))
                continue
            if tag in (f"{NS_TABLE}table-cell", f"{NS_TABLE}covered-table-cell"):
                repeat = _repeat(el.get(f"{NS_TABLE}number-columns-repeated"))
                if _ods_filled(el):
                    cols = max(cols, col + repeat)
                    rows = max(rows, row + row_repeat)
                    error = _too_large(path.name, tab, rows, cols)
                    if error is not None:
                        raise error
                col += repeat
                el.clear()
            elif tag == f"{NS_TABLE}table-row":
                row += row_repeat
                el.clear()


def _repeat(value: str | None) -> int:
    try:
        return max(int(value or "1"), 1)
    except ValueError:
        return 1


def check_bounds(path: Path) -> None:
    """Refuse, before calamine reads it, a workbook that would take more memory
    or time than a province's data can need (SourceError naming file and sheet)."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".ods") or not zipfile.is_zipfile(path):
        return
    try:
        with zipfile.ZipFile(path) as book:
            _check_zip(path, book)
            names = set(book.namelist())
            if suffix == ".ods" and "content.xml" in names:
                _check_ods_extent(path, book)
            elif "xl/workbook.xml" in names:
                _check_xlsx_extent(path, book)
    except SourceError:
        raise
    except (OSError, KeyError, zipfile.BadZipFile, SyntaxError, ValueError, RuntimeError, EOFError):
        pass  # calamine reports what is wrong with the file
