"""Sources: where the sheets come from. Every reader yields the same
``RawSheet``: the tab's cells as the reader found them, row 1 first."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import polars as pl

from .columns import RawColumn, columns_from_frame, columns_from_rows
from .source import (
    EXAMPLE_PUBLISHED,
    EXAMPLE_WORKBOOK,
    CsvFolder,
    GoogleAccess,
    GoogleSheet,
    Source,
    WorkbookFile,
    parse_source,
    parse_sources,
)

__all__ = [
    "EXAMPLE_PUBLISHED", "EXAMPLE_WORKBOOK", "CsvFolder", "GoogleAccess", "GoogleSheet", "RawSheet", "Source",
    "WorkbookFile", "parse_source", "parse_sources", "read_source",
]


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


def read_source(source: Source, google: GoogleAccess | None = None) -> list[RawSheet]:
    """All tabs of one source (a file, a CSV folder, or a Google spreadsheet)."""
    if isinstance(source, GoogleSheet):
        from .gsheets import read_google

        return read_google(source, google or GoogleAccess())
    if isinstance(source, CsvFolder):
        from .csvdir import read_csv_folder

        return read_csv_folder(source.path)
    if isinstance(source, WorkbookFile):
        from .excel import read_spreadsheet

        return read_spreadsheet(source.path)
    raise TypeError(f"not a source: {source!r}")
