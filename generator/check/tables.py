"""From raw tabs to typed rows: headers matched to the schema, each cell typed,
every problem recorded at its cell."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..schema import Field, SheetSchema, WorkbookSchema, fold_header
from ..sources import RawSheet
from .cells import CellError, display, is_blank, parse_cell
from .report import Report


@dataclass
class Row:
    number: int  # the spreadsheet's own row number (header is row 1)
    values: dict[str, Any]
    # Fields whose cell was filled but could not be typed; rules skip them.
    bad: set[str] = field(default_factory=set)
    raw: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        return self.values.get(key)


@dataclass
class Table:
    schema: SheetSchema
    source: str
    tab: str
    columns: dict[str, int]  # field name -> 0-based column index
    headers: dict[str, str]  # field name -> header as typed by staff
    rows: list[Row]

    def column_of(self, name: str) -> int | None:
        return self.columns.get(name)

    def header_of(self, name: str) -> str:
        return self.headers.get(name) or self.schema.field(name).title


def _match_headers(raw: RawSheet, sheet: SheetSchema, report: Report) -> tuple[dict[str, int], dict[str, str], bool]:
    header_row = raw.rows[0] if raw.rows else []
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    ok = True
    for first_row, first_col, _last_row, last_col in raw.merged:
        if first_row == 0 and last_col > first_col:
            report.error("merged_header", sheet.title, row=1, col=first_col, source=raw.source)
            ok = False
    seen_text: dict[str, int] = {}
    for index, cell in enumerate(header_row):
        if is_blank(cell):
            has_data = any(index < len(r) and not is_blank(r[index]) for r in raw.rows[1:])
            if has_data:
                report.warning("blank_header", sheet.title, row=1, col=index, source=raw.source)
            continue
        text = display(cell).strip()
        folded = fold_header(text)
        f = sheet.match_header(text)
        if folded in seen_text or (f is not None and f.name in columns):
            other = seen_text.get(folded, columns.get(f.name) if f else None)
            from .report import column_letter

            report.error(
                "duplicate_column", sheet.title, row=1, col=index, column=text, value=text,
                other=f"{column_letter(other or 0)}1", source=raw.source,
            )
            ok = False
            continue
        seen_text[folded] = index
        if f is None:
            report.warning("unknown_column", sheet.title, row=1, col=index, column=text, value=text, source=raw.source)
            continue
        columns[f.name] = index
        headers[f.name] = text
    for f in sheet.fields:
        if f.required and f.name not in columns:
            report.error("missing_column", sheet.title, row=1, column=f.title, source=raw.source)
            ok = False
    return columns, headers, ok


_UNSEEN = object()


def type_sheet(raw: RawSheet, sheet: SheetSchema, schema: WorkbookSchema, report: Report) -> Table | None:
    """The typed table, or None when its header is unusable (already reported)."""
    if not raw.rows or all(is_blank(c) for c in raw.rows[0]):
        report.error("empty_sheet", sheet.title, source=raw.source)
        return None
    columns, headers, ok = _match_headers(raw, sheet, report)
    if not ok:
        return None
    fields: list[tuple[Field, int]] = [(f, columns[f.name]) for f in sheet.fields if f.name in columns]
    absent = {f.name: f.default for f in sheet.fields if f.name not in columns}
    # The same value types the same way in one column: IDs, dates and enums
    # repeat over hundreds of thousands of rows at province scale (benchmarks/).
    # Unique columns and free text gain nothing from remembering.
    memos: list[dict[tuple[type, Any], Any] | None] = [
        None if f.unique or f.kind == "text" or f.name in sheet.primary_key else {} for f, _ in fields
    ]
    plan = [(f, index, f.name, memo) for (f, index), memo in zip(fields, memos, strict=True)]
    rows: list[Row] = []
    separators = schema.list_separators
    for offset, cells in enumerate(raw.rows[1:]):
        number = offset + 2
        if all(is_blank(c) for c in cells):
            continue
        row = Row(number=number, values={})
        values, row_raw = row.values, row.raw
        width = len(cells)
        for f, index, name, memo in plan:
            value = cells[index] if index < width else None
            if value is None or (isinstance(value, str) and not value.strip()):
                values[name] = f.default
                if f.required:
                    report.error("required", sheet.title, row=number, col=index, column=headers[name], source=raw.source)
                    row.bad.add(name)
                continue
            row_raw[name] = value
            typed = _UNSEEN if memo is None else memo.get((value.__class__, value), _UNSEEN)
            if typed is _UNSEEN:
                try:
                    typed = parse_cell(value, f, separators)
                except CellError as err:
                    typed = err
                if memo is not None:
                    memo[(value.__class__, value)] = typed
            if isinstance(typed, CellError):
                values[name] = None
                row.bad.add(name)
                report.error(
                    typed.code, sheet.title, row=number, col=index, column=headers[name],
                    value=display(value), source=raw.source, **typed.params,
                )
            else:
                values[name] = typed
        if absent:
            values.update(absent)
        rows.append(row)
    if not rows and sheet.required:
        report.warning("no_rows", sheet.title, source=raw.source)
    return Table(schema=sheet, source=raw.source, tab=raw.tab, columns=columns, headers=headers, rows=rows)
