"""A tab's cells by column, the form the checker types them in.

Text cells go into a polars string Series, so that the common forms can be
typed a column at a time; any other cell (a number, a date, a boolean, a
formula error, text polars cannot hold) is kept as the Python object the reader
gave, by position, for the exact per-cell path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

import polars as pl


@dataclass(frozen=True)
class RawColumn:
    """One column below the header row; position 0 is the tab's row 2."""

    # Plain ``str`` cells; null where the cell is missing or held in ``other``.
    text: pl.Series
    # Cells that are not plain text (``FormulaText`` is a str subclass and lands here too).
    other: dict[int, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.text)

    def cell(self, position: int) -> Any:
        if position in self.other:
            return self.other[position]
        return self.text[position]


def _column(cells: tuple[Any, ...] | list[Any]) -> RawColumn:
    other = {i: v for i, v in enumerate(cells) if v is not None and v.__class__ is not str}
    # Most columns are all text (or empty): then the cells are the Series as they are.
    text = list(cells) if not other else [v if v.__class__ is str else None for v in cells]
    try:
        series = pl.Series(text, dtype=pl.String)
    except UnicodeEncodeError:
        # A lone surrogate (possible in JSON from the Sheets API) has no UTF-8
        # form: such cells take the per-cell path like any non-text cell.
        for i, v in enumerate(text):
            if v is not None and not _encodable(v):
                other[i] = v
                text[i] = None
        series = pl.Series(text, dtype=pl.String)
    return RawColumn(series, other)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def columns_from_rows(rows: list[list[Any]]) -> list[RawColumn]:
    """The data rows (all but the header) as columns, as wide as the widest row,
    header included; short rows are padded with missing cells."""
    data = rows[1:]
    width = max((len(r) for r in rows), default=0)
    columns = [_column(cells) for cells in zip_longest(*data)] if data else []
    while len(columns) < width:
        columns.append(RawColumn(pl.Series([None] * len(data), dtype=pl.String)))
    return columns


def columns_from_frame(frame: pl.DataFrame) -> list[RawColumn]:
    """The columns of an all-text frame of data rows (the CSV reader's)."""
    return [RawColumn(frame.to_series(i)) for i in range(frame.width)]
