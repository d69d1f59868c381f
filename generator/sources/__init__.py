"""Sources: where the sheets come from. Every reader yields the same
``RawSheet``: the tab's cells as the reader found them, row 1 first."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import polars as pl

from ..errors import SourceError
from ..i18n import _
from ..schema import PROJECT_ROOT
from .columns import RawColumn, columns_from_frame, columns_from_rows

EXAMPLE_WORKBOOK = PROJECT_ROOT / "examples" / "dinghai-2022.xlsx"


class RawSheet:
    """One tab as its reader found it. Readers that produce Python rows (xlsx,
    Google Sheets) give ``rows``; the CSV reader gives a polars frame of text
    columns (``frame``: the data rows, ``header``: row 1) so that no row is
    built as Python objects. The checker reads ``header`` and ``columns``;
    ``rows`` is made from the frame only if something asks for it."""

    def __init__(
        self,
        tab: str,
        source: str,
        rows: list[list[Any]] | None = None,
        merged: list[tuple[int, int, int, int]] | None = None,
        *,
        header: list[Any] | None = None,
        frame: pl.DataFrame | None = None,
    ) -> None:
        self.tab = tab
        self.source = source
        # Ranges of merged cells as (first_row, first_col, last_row, last_col), 0-based.
        self.merged = merged or []
        self._rows = rows
        self._frame = frame
        self._header = header
        if rows is None and frame is None:
            self._rows = []

    def __repr__(self) -> str:
        return f"RawSheet(tab={self.tab!r}, source={self.source!r}, height={self.height})"

    @property
    def rows(self) -> list[list[Any]]:
        if self._rows is None:
            assert self._frame is not None
            self._rows = [list(self._header or []), *(list(r) for r in self._frame.iter_rows())]
        return self._rows

    @property
    def header(self) -> list[Any]:
        if self._frame is not None:
            return list(self._header or [])
        rows = self.rows
        return list(rows[0]) if rows else []

    @property
    def height(self) -> int:
        """Rows below the header."""
        if self._frame is not None:
            return self._frame.height
        return max(len(self.rows) - 1, 0)

    @cached_property
    def columns(self) -> list[RawColumn]:
        """The cells below the header, by column (see ``columns.py``)."""
        if self._frame is not None:
            return columns_from_frame(self._frame)
        return columns_from_rows(self.rows)


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
        raise SourceError(_("Source {spec} not found: check the path.").format(spec=spec))
    if not path.is_file():
        raise SourceError(_("{spec} is not a regular file (a pipe, a device or a broken link) and cannot be read as a workbook: give a saved .xlsx or .ods file.").format(spec=spec))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        from .excel import read_spreadsheet

        return read_spreadsheet(path)
    if suffix == ".csv":
        raise SourceError(
            _("{spec} is a single CSV file: save each sheet as a CSV named by its tab, put them in one folder "
              "and give that folder as the source.").format(spec=spec)
        )
    raise SourceError(_("{spec} is not a supported source: use .xlsx, .ods, a CSV folder or a Google Sheets link.").format(spec=spec))
