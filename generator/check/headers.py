"""A tab's header row matched to its sheet's fields (by title or field name,
whatever the width, case and spacing staff typed them in)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..schema import SheetSchema, fold_header
from ..sources import RawSheet
from .cells import display, is_blank
from .report import Report, column_letter


def match_headers(
    raw: RawSheet, header_row: list[Any], has_data: Callable[[int], bool], sheet: SheetSchema, report: Report
) -> tuple[dict[str, int], dict[str, str], bool]:
    """(field -> column index, field -> header as typed, whether the header is
    usable): merged, duplicate and missing columns are errors, blank and unknown
    ones warnings, each at its cell of row 1."""
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
            if has_data(index):
                report.warning("blank_header", sheet.title, row=1, col=index, source=raw.source)
            continue
        text = display(cell).strip()
        folded = fold_header(text)
        f = sheet.match_header(text)
        if folded in seen_text or (f is not None and f.name in columns):
            other = seen_text.get(folded, columns.get(f.name) if f else None)
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
