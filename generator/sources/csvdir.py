"""A folder of CSV files, one per tab, named by the tab (``问题清单.csv``).

Excel on a Chinese Windows saves CSV in GBK; we accept UTF-8 (with or without
BOM) and fall back to GB 18030, a superset of GBK.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import SourceError
from ..i18n import _
from . import RawSheet


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(_("Cannot read {name}: {error}").format(name=path.name, error=exc.strerror or exc)) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise SourceError(_("The encoding of {name} is not recognised: save it as “CSV UTF-8”.").format(name=path.name)) from exc


def read_csv_folder(folder: Path) -> list[RawSheet]:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    if not files:
        raise SourceError(_("The folder {folder} has no CSV files: save each sheet as a .csv file named after the sheet.").format(folder=folder))
    sheets = []
    for path in files:
        text = _decode(path)
        try:
            rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
        except csv.Error as exc:
            raise SourceError(_("{name} is not a valid CSV file: {error}").format(name=path.name, error=exc)) from exc
        sheets.append(RawSheet(tab=path.stem, source=f"{folder.name}/{path.name}", rows=rows))
    return sheets
