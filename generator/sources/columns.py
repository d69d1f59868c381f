"""A tab's cells by column, the form the checker types them in.

Text cells go into a polars string Series, so that the common forms can be
typed a column at a time; any other cell (a number, a date, a boolean, a
formula error, text polars cannot hold) is typed by the exact per-cell path
from the Python object the reader gave, which the column keeps.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import compress, count, zip_longest
from types import NoneType
from typing import Any

import polars as pl


@dataclass(frozen=True)
class RawColumn:
    """One column below the header row; position 0 is the tab's row 2."""

    # Plain ``str`` cells; null where the cell is missing or is not plain text.
    text: pl.Series
    # Every cell as the reader gave it, when it gave Python objects (xlsx, Google
    # Sheets): typed rows hold these objects rather than copies out of polars.
    # None for a CSV column, whose cells are all text.
    cells: tuple[Any, ...] | None = None
    # Positions in ``cells`` of the cells that are not plain text: numbers, dates,
    # booleans, formula errors (FormulaText is a str subclass) and text polars
    # cannot hold. A compact array: an xlsx has a million date cells.
    odd: array[int] = field(default_factory=lambda: array("L"))

    def __len__(self) -> int:
        return len(self.text)

    def cell(self, position: int) -> Any:
        if self.cells is not None:
            return self.cells[position]
        return self.text[position]

    def other(self) -> Iterator[tuple[int, Any]]:
        """The cells that are not plain text, with their positions."""
        cells = self.cells
        return ((i, cells[i]) for i in self.odd) if cells is not None else iter(())


def _column(cells: tuple[Any, ...]) -> RawColumn:
    # The kinds of cell first, at C speed (map over type): most columns are all
    # text or empty, and then the cells are the Series as they are. A subclass
    # of str (FormulaText) is not plain text.
    kinds = set(map(type, cells)) - {NoneType}
    other = kinds - {str}
    if not other:
        odd, text = array("L"), list(cells)
    else:
        odd = array("L", compress(count(), map(other.__contains__, map(type, cells))))
        text = [v if v.__class__ is str else None for v in cells] if str in kinds else [None] * len(cells)
    try:
        series = pl.Series(text, dtype=pl.String)
    except UnicodeEncodeError:
        # A lone surrogate (possible in JSON from the Sheets API) has no UTF-8
        # form: such cells take the per-cell path like any non-text cell.
        unheld = [i for i, v in enumerate(text) if v is not None and not _encodable(v)]
        for i in unheld:
            text[i] = None
        odd = array("L", sorted({*odd, *unheld}))
        series = pl.Series(text, dtype=pl.String)
    return RawColumn(series, cells, odd)


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
        columns.append(RawColumn(pl.Series([None] * len(data), dtype=pl.String), (None,) * len(data)))
    return columns


def columns_from_frame(frame: pl.DataFrame) -> list[RawColumn]:
    """The columns of an all-text frame of data rows (the CSV reader's)."""
    return [RawColumn(frame.to_series(i)) for i in range(frame.width)]
