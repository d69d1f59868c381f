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
    for _event, el in iterparse(fh):
        if el.tag != f"{_NS_MAIN}c":
            continue
        ref = _CELL_REF.match(el.get("r", ""))
        value = el.find(f"{_NS_MAIN}v")
        formula = el.find(f"{_NS_MAIN}f")
        if ref is not None:
            at = (int(ref[2]) - 1, _col_index(ref[1]))
            if el.get("t") == "e" and value is not None and value.text:
                found[at] = FormulaText(value.text)
            elif formula is not None and formula.text and (value is None or value.text is None) and el.get("t") != "str":
                found[at] = UncalculatedFormula("=" + formula.text)
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


def read_spreadsheet(path: Path) -> list[RawSheet]:
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
