"""xlsx/xls/ods through python-calamine.

calamine (Rust) reads both OOXML and OpenDocument with one API, gives date
cells as ``datetime.date`` and is several times faster than openpyxl at
reading; openpyxl is kept for writing workbooks (template, sample).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import iterparse

from python_calamine import CalamineWorkbook

from ..errors import SourceError
from ..i18n import _
from . import RawSheet
from .bounds import check_bounds
from .parts import CELL_REF, NS_CALCEXT, NS_MAIN, NS_TABLE, col_index, xlsx_sheet_paths

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class FormulaText(str):
    """What a formula cell shows when calamine gives nothing for it: an error
    (``#REF!``) or, when no result was saved, the formula itself (``=1/0``)."""

    uncalculated = False


class UncalculatedFormula(FormulaText):
    uncalculated = True


# Cells calamine reads as "" although they are not blank: formula errors, and
# formulas saved without their result (files written by programs).
Hidden = dict[str, dict[tuple[int, int], FormulaText]]


def _xlsx_hidden_cells(fh: IO[bytes]) -> dict[tuple[int, int], FormulaText]:
    found: dict[tuple[int, int], FormulaText] = {}
    shared: dict[str, str] = {}  # si of a shared formula -> the formula of its first cell
    for _event, el in iterparse(fh):
        if el.tag != f"{NS_MAIN}c":
            continue
        ref = CELL_REF.match(el.get("r", ""))
        value = el.find(f"{NS_MAIN}v")
        formula = el.find(f"{NS_MAIN}f")
        text = None
        if formula is not None:
            # A shared formula is written once, in its first cell; the other cells only name it (si).
            si = formula.get("si")
            if formula.text and formula.get("t") == "shared" and si is not None:
                shared[si] = formula.text
            text = formula.text or (shared.get(si or "", "…") if formula.get("t") == "shared" else None)
        if ref is not None:
            at = (int(ref[2]) - 1, col_index(ref[1]))
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
        for name, part in xlsx_sheet_paths(book).items():
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
            if tag == f"{NS_TABLE}table":
                tab, row = el.get(f"{NS_TABLE}name", ""), 0
            elif tag == f"{NS_TABLE}table-row":
                col = 0
            continue
        if tag in (f"{NS_TABLE}table-cell", f"{NS_TABLE}covered-table-cell"):
            repeat = int(el.get(f"{NS_TABLE}number-columns-repeated", "1"))
            if el.get(f"{NS_CALCEXT}value-type") == "error":
                text = "".join(el.itertext()).strip() or "#ERROR"
                hidden.setdefault(tab, {})[(row, col)] = FormulaText(text)
            col += repeat
            el.clear()
        elif tag == f"{NS_TABLE}table-row":
            row += int(el.get(f"{NS_TABLE}number-rows-repeated", "1"))
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
    check_bounds(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types per format
        raise _diagnose(path, exc) from exc
    hidden = _hidden_cells(path)
    sheets: list[RawSheet] = []
    for name in book.sheet_names:
        try:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)  # a new list of new lists: ours to patch
            merged_raw = sheet.merged_cell_ranges or []
        except Exception as exc:
            raise SourceError(_("Cannot read the sheet {sheet} of {name}: {error}").format(sheet=name, name=path.name, error=exc)) from exc
        if name in hidden:
            _patch(rows, (0, 0), hidden[name])
        merged = [(a[0], a[1], b[0], b[1]) for a, b in merged_raw]
        sheets.append(RawSheet(tab=name, source=path.name, rows=rows, merged=merged))
    return sheets
