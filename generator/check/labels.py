"""A code picked from the template's drop-down: "D004 区财政局", the code, a space, its name.

The template's lists of departments, enterprises, officers … show each code with its
name (workbook/template.py), because staff know 区财政局, not D004. A cell of a
reference column that reads so is typed as its code; the name is kept and checked
against the code's own (keys.check_labels), so that a list edited after the pick, or
a code typed by hand with the wrong name beside it, is told rather than trusted.
"""

from __future__ import annotations

import re

import polars as pl

from ..schema import Field, SheetSchema, WorkbookSchema
from ..sources.columns import RawColumn

# A code (no space: a code with one is refused, so nothing valid is read otherwise),
# white space, then the name. Full-width space too: typed on a Chinese keyboard.
LABELLED = r"^\s*([0-9A-Za-z][0-9A-Za-z_.\-]*)[ \u3000]+(\S.*?)\s*$"
_LABELLED = re.compile(LABELLED)


def label_field(sheet: SheetSchema) -> Field | None:
    """The field that names a row of ``sheet`` for people (部门名称, 政策名称, 姓名 …):
    a text field called ``name`` or ``title``; None when the sheet has none."""
    for wanted in ("name", "title"):
        for f in sheet.fields:
            if f.name == wanted and f.kind == "text":
                return f
    return None


def labelled_fields(sheet: SheetSchema, schema: WorkbookSchema) -> dict[str, str]:
    """The reference columns of ``sheet`` whose drop-down shows names: field -> target sheet."""
    out: dict[str, str] = {}
    for fk in sheet.foreign_keys:
        try:
            target = schema.sheet(fk.sheet)
        except KeyError:
            continue
        if target.name != sheet.name and label_field(target) is not None and sheet.field(fk.field).kind == "id":
            out[fk.field] = fk.sheet
    return out


def split_labels(raw: RawColumn) -> tuple[RawColumn, dict[int, str]]:
    """``raw`` with each "code name" text cell read as its code, and the names by position."""
    hits = raw.text.str.contains(LABELLED).fill_null(False)
    if not hits.any():
        return raw, {}
    positions = hits.arg_true().to_list()
    codes: list[str] = []
    names: dict[int, str] = {}
    for position in positions:
        match = _LABELLED.match(raw.text[position])
        assert match is not None  # polars and re agree on this pattern
        codes.append(match.group(1))
        names[position] = match.group(2)
    text = raw.text.clone().scatter(positions, pl.Series(codes, dtype=pl.String))  # scatter works in place
    cells = raw.cells
    if cells is not None:
        listed = list(cells)
        for position, code in zip(positions, codes, strict=True):
            listed[position] = code
        cells = tuple(listed)
    return RawColumn(text=text, cells=cells, odd=raw.odd), names
