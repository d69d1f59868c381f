"""xlsx/xls/ods through python-calamine.

calamine (Rust) reads both OOXML and OpenDocument with one API, gives date
cells as ``datetime.date`` and is several times faster than openpyxl at
reading; openpyxl is kept for writing workbooks (template, sample).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import iterparse

from python_calamine import CalamineWorkbook

from ..errors import SourceError
from ..i18n import _
from . import RawSheet

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class FormulaText(str):
    """What a formula cell shows when calamine gives nothing for it: an error
    (``#REF!``) or, when no result was saved, the formula itself (``=1/0``)."""

    uncalculated = False


class UncalculatedFormula(FormulaText):
    uncalculated = True


# Cells calamine reads as "" although they are not blank: formula errors, and
# formulas saved without their result (files written by programs).
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_NS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_NS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_NS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_NS_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")
Hidden = dict[str, dict[tuple[int, int], FormulaText]]


def _col_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _xlsx_sheet_paths(book: zipfile.ZipFile) -> dict[str, str]:
    """Tab name → worksheet part, from workbook.xml and its relationships."""
    targets: dict[str, str] = {}
    with book.open("xl/_rels/workbook.xml.rels") as fh:
        for _event, el in iterparse(fh):
            if el.tag == f"{_NS_PKG_REL}Relationship":
                target = el.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
                targets[el.get("Id", "")] = path
    paths: dict[str, str] = {}
    with book.open("xl/workbook.xml") as fh:
        for _event, el in iterparse(fh):
            if el.tag == f"{_NS_MAIN}sheet":
                rid = el.get(f"{_NS_REL}id", "")
                if rid in targets:
                    paths[el.get("name", "")] = targets[rid]
    return paths


def _xlsx_hidden_cells(fh: IO[bytes]) -> dict[tuple[int, int], FormulaText]:
    found: dict[tuple[int, int], FormulaText] = {}
    shared: dict[str, str] = {}  # si of a shared formula -> the formula of its first cell
    for _event, el in iterparse(fh):
        if el.tag != f"{_NS_MAIN}c":
            continue
        ref = _CELL_REF.match(el.get("r", ""))
        value = el.find(f"{_NS_MAIN}v")
        formula = el.find(f"{_NS_MAIN}f")
        text = None
        if formula is not None:
            # A shared formula is written once, in its first cell; the other cells only name it (si).
            si = formula.get("si")
            if formula.text and formula.get("t") == "shared" and si is not None:
                shared[si] = formula.text
            text = formula.text or (shared.get(si or "", "…") if formula.get("t") == "shared" else None)
        if ref is not None:
            at = (int(ref[2]) - 1, _col_index(ref[1]))
            if el.get("t") == "e" and value is not None and value.text:
                found[at] = FormulaText(value.text)
            elif text and (value is None or value.text is None or (value.text == "" and el.get("t") == "str")):
                found[at] = UncalculatedFormula("=" + text)
        el.clear()
    return found


_MARKERS = (b't="e"', b"<f>", b"<f ")


def _has_marker(fh: IO[bytes], markers: tuple[bytes, ...] = _MARKERS) -> bool:
    """Whether a part mentions an error value or a formula, read in chunks
    (a province-scale sheet is hundreds of MB of XML)."""
    tail = b""
    while chunk := fh.read(1 << 20):
        buf = tail + chunk
        if any(m in buf for m in markers):
            return True
        tail = chunk[-8:]
    return False


def _xlsx_hidden(path: Path) -> Hidden:
    hidden: Hidden = {}
    with zipfile.ZipFile(path) as book:
        names = set(book.namelist())
        for name, part in _xlsx_sheet_paths(book).items():
            if part not in names:
                continue
            with book.open(part) as fh:
                if not _has_marker(fh):
                    continue
            with book.open(part) as fh:
                cells = _xlsx_hidden_cells(fh)
            if cells:
                hidden[name] = cells
    return hidden


def _ods_hidden(path: Path) -> Hidden:
    hidden: Hidden = {}
    with zipfile.ZipFile(path) as book:
        with book.open("content.xml") as fh:
            if not _has_marker(fh, (b'value-type="error"',)):
                return hidden
        with book.open("content.xml") as fh:
            _ods_errors(fh, hidden)
    return hidden


def _ods_errors(fh: IO[bytes], hidden: Hidden) -> None:
    tab, row, col = "", 0, 0
    for event, el in iterparse(fh, events=("start", "end")):
        tag = el.tag
        if event == "start":
            if tag == f"{_NS_TABLE}table":
                tab, row = el.get(f"{_NS_TABLE}name", ""), 0
            elif tag == f"{_NS_TABLE}table-row":
                col = 0
            continue
        if tag in (f"{_NS_TABLE}table-cell", f"{_NS_TABLE}covered-table-cell"):
            repeat = int(el.get(f"{_NS_TABLE}number-columns-repeated", "1"))
            if el.get(f"{_NS_CALCEXT}value-type") == "error":
                text = "".join(el.itertext()).strip() or "#ERROR"
                hidden.setdefault(tab, {})[(row, col)] = FormulaText(text)
            col += repeat
            el.clear()
        elif tag == f"{_NS_TABLE}table-row":
            row += int(el.get(f"{_NS_TABLE}number-rows-repeated", "1"))
            el.clear()


def _hidden_cells(path: Path) -> Hidden:
    """Formula errors and unsaved results calamine does not show; best effort
    (a file calamine could read but we cannot scan keeps calamine's view)."""
    try:
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            return _xlsx_hidden(path)
        if suffix == ".ods":
            return _ods_hidden(path)
    except (OSError, KeyError, zipfile.BadZipFile, SyntaxError, ValueError):
        pass
    return {}


def _patch(rows: list[list[Any]], start: tuple[int, int], cells: dict[tuple[int, int], FormulaText]) -> None:
    """Put the hidden cells into calamine's rows (which start at ``start``)."""
    first_row, first_col = start
    width = max((len(r) for r in rows), default=0)
    for (row, col), text in sorted(cells.items()):
        r, c = row - first_row, col - first_col
        if r < 0 or c < 0:
            continue
        while len(rows) <= r:
            rows.append([""] * width)
        if len(rows[r]) <= c:
            rows[r].extend([""] * (c + 1 - len(rows[r])))
        if rows[r][c] in ("", None):
            rows[r][c] = text


def _diagnose(path: Path, exc: Exception) -> SourceError:
    head = b""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        pass
    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods") and head == _OLE_MAGIC:
        return SourceError(_("{name} is encrypted (it has an opening password) and cannot be read: remove the password in Excel and save a copy.").format(name=path.name))
    if not head:
        return SourceError(_("{name} is an empty file: export the workbook again.").format(name=path.name))
    if head[:2] == b"PK" and not zipfile.is_zipfile(path):
        return SourceError(_("{name} is damaged (the file is incomplete): save or download the workbook again.").format(name=path.name))
    if head[:2] == b"PK":
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (OSError, zipfile.BadZipFile):
            names = set()
        if "xl/workbook.xml" not in names and "content.xml" not in names:
            return SourceError(_(
                "{name} is not an Excel or ODS workbook (it is a plain zip archive): open the workbook in Excel or WPS and save it as .xlsx."
            ).format(name=path.name))
    if head == _OLE_MAGIC:
        return SourceError(_(
            "Cannot read {name}: this old-style Excel file is damaged or has a password. Open it in Excel or WPS and save it as .xlsx."
        ).format(name=path.name))
    if head[:2] != b"PK" and head != _OLE_MAGIC:
        return SourceError(_("{name} is not a spreadsheet (its name ends in {suffix} but its content is something else): save it from Excel or WPS as .xlsx.").format(name=path.name, suffix=path.suffix))
    return SourceError(_("Cannot read {name}: {error}. Open it in Excel or WPS and save it as .xlsx.").format(name=path.name, error=exc))


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
    far = f"{_col_letters(max(cols, 1) - 1)}{max(rows, 1)}"
    return SourceError(_(
        "The sheet {sheet} of {name} reaches cell {cell}, beyond what this system reads ({max_rows} rows, "
        "{max_columns} columns): delete the rows and columns beyond the data (select them, right-click, Delete) "
        "and save the file."
    ).format(sheet=sheet or "?", name=name, cell=far, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS))


def _col_letters(index: int) -> str:
    letters = ""
    index += 1
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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
        rows, cols = int(dimension[2]), _col_index(dimension[1].decode()) + 1
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
            cols = max(cols, *(_col_index(c.decode()) + 1 for c in far_cols))
    return rows, cols


def _check_xlsx_extent(path: Path, book: zipfile.ZipFile) -> None:
    sizes = {i.filename: i.file_size for i in book.infolist()}
    for sheet, part in _xlsx_sheet_paths(book).items():
        if part not in sizes:
            continue
        with book.open(part) as fh:
            rows, cols = _xlsx_extent(fh, sizes[part])
        error = _too_large(path.name, sheet, rows, cols)
        if error is not None:
            raise error


def _ods_filled(el: Any) -> bool:
    return el.get(f"{_NS_OFFICE}value-type") is not None or len(el) > 0 or bool((el.text or "").strip())


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
                if tag == f"{_NS_TABLE}table":
                    tab, row, rows, cols = el.get(f"{_NS_TABLE}name", ""), 0, 0, 0
                elif tag == f"{_NS_TABLE}table-row":
                    col = 0
                    row_repeat = _repeat(el.get(f"{_NS_TABLE}number-rows-repeated"))
                continue
            if tag in (f"{_NS_TABLE}table-cell", f"{_NS_TABLE}covered-table-cell"):
                repeat = _repeat(el.get(f"{_NS_TABLE}number-columns-repeated"))
                if _ods_filled(el):
                    cols = max(cols, col + repeat)
                    rows = max(rows, row + row_repeat)
                    error = _too_large(path.name, tab, rows, cols)
                    if error is not None:
                        raise error
                col += repeat
                el.clear()
            elif tag == f"{_NS_TABLE}table-row":
                row += row_repeat
                el.clear()


def _repeat(value: str | None) -> int:
    try:
        return max(int(value or "1"), 1)
    except ValueError:
        return 1


def _check_bounds(path: Path) -> None:
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


def read_spreadsheet(path: Path) -> list[RawSheet]:
    _check_bounds(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types per format
        raise _diagnose(path, exc) from exc
    hidden = _hidden_cells(path)
    sheets: list[RawSheet] = []
    for name in book.sheet_names:
        try:
            sheet = book.get_sheet_by_name(name)
            rows = [list(r) for r in sheet.to_python(skip_empty_area=False)]
            merged_raw = sheet.merged_cell_ranges or []
        except Exception as exc:
            raise SourceError(_("Cannot read the sheet {sheet} of {name}: {error}").format(sheet=name, name=path.name, error=exc)) from exc
        if name in hidden:
            _patch(rows, (0, 0), hidden[name])
        merged = [(a[0], a[1], b[0], b[1]) for a, b in merged_raw]
        sheets.append(RawSheet(tab=name, source=path.name, rows=rows, merged=merged))
    return sheets
