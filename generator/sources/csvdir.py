"""A folder of CSV files, one per tab, named by the tab (``问题清单.csv``).

Excel on a Chinese Windows saves CSV in GBK; we accept UTF-8 (with or without
BOM) and fall back to GB 18030, a superset of GBK.

The csv module's reading is the reference. polars reads a file about ten times
faster, into columns, and gives the same cells for any file in which every
quote opens or closes a field or doubles a quote inside one, no line ends in a
bare CR, no record is wider than the first, and no field is longer than the csv
module allows. Files that are not so (rare: hand-edited or damaged) are read
with the csv module, so they give the same cells and the same errors as ever.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import polars as pl

from ..errors import SourceError
from ..i18n import _
from . import RawSheet

_BOM = b"\xef\xbb\xbf"
# A CR that does not end a line: the csv module breaks the line there, polars does not.
_BARE_CR = re.compile(rb"\r(?!\n)")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(_("Cannot read {name}: {error}").format(name=path.name, error=exc.strerror or exc)) from exc


def _decode(data: bytes, path: Path) -> tuple[str, bool]:
    """The text of the file, and whether it is UTF-8 (else GB 18030)."""
    try:
        return data.decode("utf-8-sig"), True
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), False  # BOM and all, as ever
    except UnicodeDecodeError as exc:
        raise SourceError(_("The encoding of {name} is not recognised: save it as “CSV UTF-8”.").format(name=path.name)) from exc


def _quotes_are_plain(data: bytes) -> bool:
    """Every quoted field starts at the start of a field, ends at its end and
    doubles its quotes: then polars and the csv module split the fields the
    same way. Split at the quotes, the pieces alternate outside and inside
    quoted fields; each outside piece between two quotes is empty (a doubled
    quote) or runs from the end of one field to the start of another."""
    if b'"' not in data:
        return True
    pieces = data.split(b'"')
    if len(pieces) % 2 == 0:
        return False  # a field left open
    first, last = pieces[0], pieces[-1]
    if (first and first[-1] not in b",\n") or (last and last[0] not in b",\r\n"):
        return False
    return all(not p or (p[0] in b",\r\n" and p[-1] in b",\n") for p in pieces[2:-1:2])


def _read_polars(data: bytes) -> tuple[list[str | None], pl.DataFrame] | None:
    """Header cells and data rows of UTF-8 ``data`` (BOM removed), or None when
    it is not UTF-8 or needs the csv module. polars checks that every field is
    UTF-8 (it fails otherwise; every byte but separators is in some field)."""
    if data.startswith((_BOM, b"\n", b"\r")):
        return None  # a second BOM, a blank first line
    if _BARE_CR.search(data) or not _quotes_are_plain(data):
        return None  # lines ended by a bare CR (old Mac), or quotes used loosely
    try:
        frame = pl.read_csv(
            data, has_header=False, infer_schema=False, quote_char='"', separator=",",
            raise_if_empty=False, truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError:
        return None  # not UTF-8, or a record wider than the first (the csv module keeps its cells)
    limit = csv.field_size_limit()
    if len(data) > limit:
        for column in frame.iter_columns():
            # Bytes (free to know) bound characters: count these only in a long field.
            if (column.str.len_bytes().max() or 0) > limit and (column.str.len_chars().max() or 0) > limit:  # type: ignore[operator]
                return None  # the csv module refuses the file; say so as before
    if frame.height == 0:
        return [], frame
    header = [None if v is None else str(v) for v in frame.row(0)]
    return header, frame.slice(1)


def _read_csv_module(text: str, path: Path) -> list[list[str]]:
    try:
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise SourceError(_("{name} is not a valid CSV file: {error}").format(name=path.name, error=exc)) from exc


def read_csv_folder(folder: Path) -> list[RawSheet]:
    special = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv" and not p.is_file() and not p.is_dir())
    if special:
        raise SourceError(_("{name} is not a regular file (a pipe, a device or a broken link) and cannot be read as a sheet: put a saved CSV file there.").format(
            name=f"{folder.name}/{special[0].name}"))
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    if not files:
        raise SourceError(_("The folder {folder} has no CSV files: save each sheet as a .csv file named after the sheet.").format(folder=folder))
    sheets = []
    for path in files:
        data = _read_bytes(path)
        source = f"{folder.name}/{path.name}"
        read = _read_polars(data[len(_BOM):] if data.startswith(_BOM) else data)
        if read is None:
            text, utf8 = _decode(data, path)
            if not utf8:  # GB 18030: polars reads it as UTF-8
                read = _read_polars(text.encode("utf-8"))
        if read is None:
            rows = _read_csv_module(text, path)
            sheets.append(RawSheet(tab=path.stem, source=source, rows=rows))
        else:
            header, frame = read
            sheets.append(RawSheet(tab=path.stem, source=source, header=header, frame=frame))
    return sheets
