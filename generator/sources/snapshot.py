"""``--save-snapshot DIR``: what was fetched from Google Sheets, kept as a CSV
folder (one UTF-8 CSV per tab, with a BOM so that Excel opens it right; the format
``--source DIR`` reads) with a small
``snapshot.json`` naming the spreadsheets, their titles and when they were
fetched, so that a published build can be reproduced offline.

Numbers in date columns (Google's serial dates) are written as ISO dates, so
the CSV cells type to the same values as the fetched ones; everything else is
written as Google gave it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import NuanqiError, SourceError
from ..i18n import _
from ..schema import WorkbookSchema
from .serial_dates import serial_date
from .source import Source, google_keys

if TYPE_CHECKING:  # gsheets brings in requests and google-auth: 0.2 s that builds from files do not need
    from .gsheets import Fetched

METADATA_FILE = "snapshot.json"
FORMAT = "nuanqi-snapshot/1"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def csv_cell(value: Any, is_date: bool = False) -> str:
    """A cell as CSV text that types to the same value as the cell itself."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if is_date:
            day = serial_date(value)
            if day is not None:
                return day.isoformat()
        if isinstance(value, float):
            if value.is_integer():
                return str(int(value))
            text = repr(value)
            return format(Decimal(text), "f") if "e" in text or "E" in text else text
        return str(value)
    return str(value)


def file_name(tab: str) -> str:
    name = _UNSAFE.sub("_", tab).strip() or "_"
    return ("_" + name[1:] if name.startswith(".") else name) + ".csv"


class Snapshot:
    """Collects what ``read_google`` fetched; ``write`` puts it in a folder."""

    def __init__(self) -> None:
        self.fetched: list[Fetched] = []

    def add(self, fetched: Fetched) -> None:
        self.fetched.append(fetched)

    def __bool__(self) -> bool:
        return bool(self.fetched)

    def write(self, folder: Path, schema: WorkbookSchema) -> Path:
        """Write atomically: the folder is replaced whole, or left as it was."""
        folder = Path(folder)
        if folder.exists() and (not folder.is_dir() or (
            any(folder.iterdir()) and not (folder / METADATA_FILE).is_file()
        )):
            raise SourceError(_(
                "{folder} exists and is not a snapshot folder: choose a new or empty folder for "
                "--save-snapshot"
            ).format(folder=folder))
        files: dict[str, str] = {}
        for fetched in self.fetched:
            for tab, _rows in fetched.tabs:
                name = file_name(tab)
                if name in files:
                    raise SourceError(_(
                        "Two spreadsheets both have a tab “{tab}” ({first} and {second}): "
                        "the snapshot cannot hold both"
                    ).format(tab=tab, first=files[name], second=fetched.title))
                files[name] = fetched.title
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = folder.parent / f".{folder.name}.tmp-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        try:
            meta = self._write_into(staging, schema)
            (staging / METADATA_FILE).write_text(
                json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            old = folder.parent / f".{folder.name}.old-{os.getpid()}"
            if folder.exists():
                folder.rename(old)
            staging.rename(folder)
            shutil.rmtree(old, ignore_errors=True)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise SourceError(_("Cannot write the snapshot to {folder}: {error}").format(
                folder=folder, error=exc.strerror or exc)) from exc
        return folder

    def _write_into(self, staging: Path, schema: WorkbookSchema) -> dict[str, Any]:
        spreadsheets = []
        for fetched in self.fetched:
            tabs = []
            for tab, rows in fetched.tabs:
                sheet = schema.sheet_by_tab(tab)
                header = rows[0] if rows else []
                dates = set()
                if sheet is not None:
                    for index, cell in enumerate(header):
                        f = sheet.match_header(str(cell)) if isinstance(cell, str) else None
                        if f is not None and f.kind == "date":
                            dates.add(index)
                name = file_name(tab)
                with (staging / name).open("w", encoding="utf-8-sig", newline="") as fh:
                    writer = csv.writer(fh)
                    for number, row in enumerate(rows):
                        writer.writerow(
                            [csv_cell(v, number > 0 and i in dates) for i, v in enumerate(row)]
                        )
                tabs.append({"title": tab, "file": name, "rows": len(rows)})
            spreadsheets.append({
                "key": fetched.key,
                "title": fetched.title,
                "url": f"https://docs.google.com/spreadsheets/d/{fetched.key}/edit",
                "fetched_at": fetched.fetched_at.isoformat(),
                "tabs": tabs,
            })
        return {
            "format": FORMAT,
            "written_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "spreadsheets": spreadsheets,
        }


@contextmanager
def saving_snapshot(folder: Path | None, sources: Sequence[Source], schema: WorkbookSchema) -> Iterator[Snapshot | None]:
    """The snapshot that collects what Google Sheets gave (None without a
    folder); it is written once every source was read (also when the data then
    proves invalid), never after a source failed."""
    if folder is None:
        yield None
        return
    if not google_keys(sources):
        raise SourceError(_(
            "--save-snapshot keeps what is fetched from Google Sheets, and no source is a Google "
            "spreadsheet: local files are already offline"
        ))
    snapshot = Snapshot()
    try:
        yield snapshot
    except SourceError:
        raise
    except NuanqiError:
        if snapshot:
            snapshot.write(folder, schema)
        raise
    snapshot.write(folder, schema)
