"""From raw tabs to typed tables: headers matched to the schema, each column
typed (columns.py), every problem recorded at its cell.

A table keeps its typed values as a polars frame, which the rules (rules.py)
work on. The model and the leak guard read its values as Python objects a
column at a time (``Table.values_of``, ``Table.records``), made the first time
they are asked for, so ``validate`` never makes them; ``Table.rows`` (a dict a
row, with the cells as read) is for the CSV export and the tests.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import polars as pl

from ..schema import SheetSchema, WorkbookSchema
from ..sources import RawSheet
from ..sources.columns import RawColumn
from .cells import CellError, display, is_blank
from .columns import TypedColumn, blank_mask, constant, default_column, type_column
from .headers import match_headers
from .labels import labelled_fields, split_labels
from .report import Report

# The frame's column of spreadsheet row numbers (a field name cannot start with "#":
# schema field names are identifiers).
ROW = "#row"


@dataclass
class Row:
    number: int  # the spreadsheet's own row number (header is row 1)
    values: dict[str, Any]
    # Fields whose cell was filled but could not be typed; rules skip them.
    bad: set[str] = field(default_factory=set)
    raw: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        return self.values.get(key)


@dataclass(eq=False)
class Table:
    schema: SheetSchema
    source: str
    tab: str
    columns: dict[str, int]  # field name -> 0-based column index
    headers: dict[str, str]  # field name -> header as typed by staff
    # One row per row kept (not all blank): ROW, then every field of the schema,
    # typed (a field without a column holds its default).
    frame: pl.DataFrame
    # Per field with a column, one row per row kept: the cell could not be typed
    # or is required and empty (Row.bad) / the cell is empty (not in Row.raw).
    bad: pl.DataFrame
    blank: pl.DataFrame
    # The cells as read, by field, indexed by data-row position (ROW - 2).
    cells: dict[str, RawColumn] = field(default_factory=dict)
    # Values the frame holds inexactly (see columns.TypedColumn), by data-row position.
    exact: dict[str, dict[int, Any]] = field(default_factory=dict)
    # The names beside codes picked from the template's drop-down ("D004 区财政局"),
    # by field and data-row position; keys.check_labels holds them to the codes' own.
    labels: dict[str, dict[int, str]] = field(default_factory=dict)
    # values_of's Python values, by field, once asked for.
    _values: dict[str, list[Any]] = field(default_factory=dict, init=False, repr=False)

    def column_of(self, name: str) -> int | None:
        return self.columns.get(name)

    def header_of(self, name: str) -> str:
        return self.headers.get(name) or self.schema.field(name).title

    @property
    def height(self) -> int:
        return self.frame.height

    def col(self, name: str) -> pl.Series:
        """A field's typed values; all null for a name that is not a field
        (``Row.get`` of an unknown key is None)."""
        if name in self.frame.columns:
            return self.frame[name]
        return constant(None, self.height, pl.Null())

    def bad_col(self, name: str) -> pl.Series:
        if name in self.bad.columns:
            return self.bad[name]
        return constant(False, self.height)

    def value(self, name: str, index: int) -> Any:
        """The Python value of a field at one row (0-based among the rows kept)."""
        exact = self.exact.get(name)
        if exact:
            position = self.frame[ROW][index] - 2
            if position in exact:
                return exact[position]
        if name not in self.frame.columns:
            return None
        value = self.frame[name][index]
        if isinstance(value, list):
            return tuple(value)
        if isinstance(value, float) and self._whole(name):
            return int(value)
        return value

    def _whole(self, name: str) -> bool:
        """An integer field held as floats (see columns.TypedColumn.exact)."""
        return self.frame[name].dtype == pl.Float64 and self.schema.field(name).kind == "integer"

    def shown(self, name: str, index: int) -> str:
        """The cell as a finding quotes it: a date as a date, whatever the cell
        held (a Google Sheets serial, a date cell, text); else the cell as read;
        the default of an empty cell; nothing for an empty cell without one."""
        value = self.value(name, index)
        if isinstance(value, dt.date):
            return display(value)
        filled = name in self.blank.columns and not self.blank[name][index]
        if filled:
            return display(self.cells[name].cell(self.frame[ROW][index] - 2))
        return display(value) if value is not None else ""

    def cell_text(self, name: str, index: int) -> str:
        """The cell as read, or its value when empty (a default)."""
        if name in self.blank.columns and not self.blank[name][index]:
            return display(self.cells[name].cell(self.frame[ROW][index] - 2))
        return display(self.value(name, index))

    @cached_property
    def numbers(self) -> list[int]:
        """The spreadsheet row number of each row kept."""
        return self.frame[ROW].to_list()

    def values_of(self, name: str) -> list[Any]:
        """A field's values as Python objects, one per row kept (as in
        ``Row.values``; a field without a column holds its default)."""
        cached = self._values.get(name)
        if cached is None:
            if name in self.columns:
                cached = self._python_values(name, self._text(name), self._raw(name))
            else:
                cached = [self.schema.field(name).default] * self.height
            self._values[name] = cached
        return cached

    def records(self, make: Callable[..., Any], names: tuple[str, ...]) -> list[Any]:
        """One ``make(*values)`` per row kept, its arguments the values of
        ``names`` in that order: the model's records straight from the columns,
        without a ``Row`` and its dicts in between (550,000 at province scale)."""
        columns = [self.values_of(name) for name in names]
        enabled = gc.isenabled()
        gc.disable()  # see rows
        try:
            return [make(*values) for values in zip(*columns, strict=True)] if columns else [make() for _ in self.numbers]
        finally:
            if enabled:
                gc.enable()

    @cached_property
    def _positions(self) -> tuple[pl.Series, list[int], bool]:
        positions = self.frame[ROW] - 2
        kept = positions.to_list()
        every_row = len(kept) == len(next(iter(self.cells.values()), ()))
        return positions, kept, every_row

    def _text(self, name: str) -> pl.Series:
        return self.cells[name].text.gather(self._positions[0])

    def _raw(self, name: str) -> list[Any]:
        """A column's cells as read, one per row kept."""
        cells = self.cells[name]
        _positions, kept, every_row = self._positions
        if cells.cells is not None:  # the reader's own objects
            return list(cells.cells) if every_row else [cells.cells[p] for p in kept]
        return self._text(name).to_list()  # a CSV column: all text

    @cached_property
    def rows(self) -> list[Row]:
        """The typed rows, as Python objects, with the cells as read (the CSV export)."""
        # Hundreds of thousands of dicts and rows without a reference cycle: the
        # cycle collector would walk them again and again as they are made (half
        # the time at province scale), so it waits until they are all there.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._make_rows()
        finally:
            if enabled:
                gc.enable()

    def _make_rows(self) -> list[Row]:
        numbers = self.numbers
        n = len(numbers)
        names = [f.name for f in self.schema.fields if f.name in self.columns]
        absent = {f.name: f.default for f in self.schema.fields if f.name not in self.columns}
        empty = object()  # marks an empty cell, which Row.raw leaves out
        raw_columns: list[list[Any]] = []
        values_columns: list[list[Any]] = []
        for name in names:
            values_columns.append(self.values_of(name))
            blank = self.blank[name].to_list()
            raw_columns.append([empty if b else v for v, b in zip(self._raw(name), blank, strict=True)])
        # Values in field order, then the fields without a column (as Row.values always had them).
        keys = names + list(absent)
        values_columns += [[d] * n for d in absent.values()]
        any_blank = self._any(self.blank, n)
        any_bad = self._any(self.bad, n)
        bad_columns = [self.bad[name].to_list() for name in names]
        rows: list[Row] = []
        raw_rows = zip(*raw_columns, strict=True) if raw_columns else iter([()] * n)
        for index, (number, row_values, row_cells) in enumerate(
            zip(numbers, zip(*values_columns, strict=True), raw_rows, strict=True)
        ):
            if any_blank[index]:
                filled = {k: v for k, v in zip(names, row_cells, strict=True) if v is not empty}
            else:
                filled = dict(zip(names, row_cells, strict=True))
            bad = {k for k, col in zip(names, bad_columns, strict=True) if col[index]} if any_bad[index] else set()
            rows.append(Row(number=number, values=dict(zip(keys, row_values, strict=True)), bad=bad, raw=filled))
        return rows

    @staticmethod
    def _any(flags: pl.DataFrame, n: int) -> list[bool]:
        """Per row: is any of these flags set."""
        if flags.width == 0:
            return [False] * n
        return flags.select(pl.any_horizontal(pl.all())).to_series().to_list()

    def _python_values(self, name: str, text: pl.Series, raw: list[Any]) -> list[Any]:
        """A field's values as Python objects, sharing objects as parse_cell did
        (a value that is its cell is the cell's own string; equal dates and
        lists of a column are one object): a province sheet's rows hold one
        string per cell, not two."""
        column = self.frame[name]
        if column.dtype == pl.String:
            values = list(raw)
            differ = (column != text).fill_null(True).arg_true()
            for index, value in zip(differ.to_list(), column.gather(differ).to_list(), strict=True):
                values[index] = value
            return values
        values = column.to_list()
        kind = self.schema.field(name).kind
        if kind == "list":
            values = [tuple(v) if v is not None else None for v in values]
        elif self._whole(name):
            values = [int(v) if v is not None else None for v in values]
        exact = self.exact.get(name)
        if exact:
            for index, number in enumerate(self.frame[ROW].to_list()):
                if number - 2 in exact:
                    values[index] = exact[number - 2]
        if kind in ("date", "list"):
            # A date cell's own object, else one object per distinct value.
            shared: dict[Any, Any] = {}
            values = [
                r if r.__class__ is v.__class__ and r == v else shared.setdefault(v, v)
                for v, r in zip(values, raw, strict=True)
            ]
        return values


def _report_cells(
    raw: RawSheet, sheet: SheetSchema, typed: dict[str, TypedColumn], keep: pl.Series,
    columns: dict[str, int], headers: dict[str, str], report: Report,
) -> dict[str, list[int]]:
    """Each cell that could not be typed and each required cell left empty (in
    a row kept) is an error at its cell; returns the empty required cells' rows by field."""
    raw_columns = raw.columns
    # Findings in the order the cells are read: by row, then by field.
    errors: list[tuple[int, int, str, CellError | None]] = []
    for order, f in enumerate(sheet.fields):
        if f.name not in typed:
            continue
        column = typed[f.name]
        errors.extend((p, order, f.name, e) for p, e in column.errors.items())
        if f.required:
            empty = (column.blank & keep).arg_true().to_list()
            errors.extend((p, order, f.name, None) for p in empty)
    errors.sort(key=lambda e: (e[0], e[1]))
    required_empty: dict[str, list[int]] = {}
    for position, _order, name, err in errors:
        number, col, column_header = position + 2, columns[name], headers[name]
        if err is None:
            report.error("required", sheet.title, row=number, col=col, column=column_header, source=raw.source)
            required_empty.setdefault(name, []).append(position)
        else:
            report.error(
                err.code, sheet.title, row=number, col=col, column=column_header,
                value=display(raw_columns[col].cell(position)), source=raw.source, **err.params,
            )
    return required_empty


def type_sheet(raw: RawSheet, sheet: SheetSchema, schema: WorkbookSchema, report: Report) -> Table | None:
    """The typed table, or None when its header is unusable (already reported)."""
    header = raw.header
    if not header or all(is_blank(c) for c in header):
        report.error("empty_sheet", sheet.title, source=raw.source)
        return None
    raw_columns = raw.columns
    blanks: dict[int, pl.Series] = {}  # by column: which cells are blank

    def blank_of(index: int) -> pl.Series:
        if index not in blanks:
            blanks[index] = blank_mask(raw_columns[index])
        return blanks[index]

    columns, headers, ok = match_headers(
        raw, header, lambda i: i < len(raw_columns) and not bool(blank_of(i).all()), sheet, report
    )
    # Cells to the right of the header's last cell (a CSV row with a comma too
    # many): they belong to no column, so they are an error at their first row.
    for index in range(len(header), len(raw_columns)):
        filled = (~blank_of(index)).arg_true()
        if len(filled):
            report.error("beyond_header", sheet.title, row=int(filled[0]) + 2, col=index,
                         value=display(raw_columns[index].cell(int(filled[0]))), width=len(header),
                         source=raw.source)
            ok = False
    if not ok:
        return None
    typed: dict[str, TypedColumn] = {}
    labelled = labelled_fields(sheet, schema)
    labels: dict[str, dict[int, str]] = {}
    for f in sheet.fields:
        if f.name in columns:
            column_read = raw_columns[columns[f.name]]
            if f.name in labelled:  # "D004 区财政局" from the template's drop-down is typed as D004
                column_read, names = split_labels(column_read)
                if names:
                    labels[f.name] = names
            typed[f.name] = type_column(column_read, f, schema.list_separators)
            blanks[columns[f.name]] = typed[f.name].blank
    # A row whose cells are all blank (any column, known or not) is skipped.
    if raw_columns:
        every = [blank_of(i) for i in range(len(raw_columns))]
        keep = ~pl.DataFrame(every, schema=[str(i) for i in range(len(every))]).select(
            pl.all_horizontal(pl.all())).to_series()
    else:
        keep = constant(True, raw.height)
    kept = keep.arg_true()
    every_row = len(kept) == raw.height
    required_empty = _report_cells(raw, sheet, typed, keep, columns, headers, report)
    data: dict[str, pl.Series] = {ROW: (kept + 2).cast(pl.Int64)}
    bad: dict[str, pl.Series] = {}
    blank: dict[str, pl.Series] = {}
    for f in sheet.fields:
        if f.name not in typed:
            data[f.name] = default_column(f, len(kept))
            continue
        column = typed[f.name]
        failed = column.failed
        if f.name in required_empty:
            failed = failed.scatter(required_empty[f.name], True)
        if every_row:
            data[f.name], bad[f.name], blank[f.name] = column.values, failed, column.blank
        else:
            data[f.name] = column.values.gather(kept)
            bad[f.name] = failed.gather(kept)
            blank[f.name] = column.blank.gather(kept)
    frame = pl.DataFrame(data)
    if frame.height == 0 and sheet.required:
        report.warning("no_rows", sheet.title, source=raw.source)
    return Table(
        schema=sheet, source=raw.source, tab=raw.tab, columns=columns, headers=headers, frame=frame,
        bad=pl.DataFrame(bad, height=frame.height), blank=pl.DataFrame(blank, height=frame.height),
        cells={name: raw_columns[columns[name]] for name in typed},
        exact={name: c.exact for name, c in typed.items() if c.exact},
        labels=labels,
    )
