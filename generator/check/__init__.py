"""Read every source, type every cell and check every rule: one pass that
finds all mistakes at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..schema import WorkbookSchema
from ..sources import GoogleAccess, RawSheet, Source, read_source
from .activities import check_activities
from .challenges import check_challenges
from .closed_loop import check_closed_loop
from .conditions import check_conditions
from .delivery import check_delivery
from .photos import check_photos, folder_of
from .report import Report
from .rules import (
    check_date_bounds,
    check_declared_rules,
    check_labels,
    check_references,
    check_unique,
    years_after,
)
from .tables import Row, Table, type_sheet
from .visits import check_visits

__all__ = ["Checked", "Report", "Row", "Table", "check_sheets", "read_and_check"]


@dataclass
class Checked:
    tables: dict[str, Table]
    report: Report
    as_of: dt.date
    sources: list[str]
    # Sheet -> the folder its 照片 files are read from (None: a Google spreadsheet); check/photos.py.
    folders: dict[str, Path | None] = field(default_factory=dict)

    def rows(self, sheet: str) -> list[Row]:
        table = self.tables.get(sheet)
        return table.rows if table else []


def check_sheets(raw_by_source: list[tuple[str, list[RawSheet]]], schema: WorkbookSchema, as_of: dt.date) -> Checked:
    report = Report(sheet_order=tuple(s.title for s in schema.sheets))
    found: dict[str, RawSheet] = {}
    folders: dict[str, Path | None] = {}
    for spec, raws in raw_by_source:
        for raw in raws:
            sheet = schema.sheet_by_tab(raw.tab)
            if sheet is None:
                continue
            if sheet.name in found:
                report.error(
                    "duplicate_tab", sheet.title, first=found[sheet.name].source, second=raw.source,
                )
                continue
            found[sheet.name] = raw
            folders[sheet.name] = folder_of(spec)
    tables: dict[str, Table] = {}
    for sheet in schema.sheets:
        tab = found.get(sheet.name)
        if tab is None:
            if sheet.required:
                report.error("missing_sheet", sheet.title)
            continue
        table = type_sheet(tab, sheet, schema, report)
        if table is not None:
            tables[sheet.name] = table
    check_unique(tables, report)
    check_references(tables, report, schema.list_separators)
    check_labels(tables, report)
    # Dates first: an out-of-range one becomes untyped before any rule reads it.
    check_date_bounds(tables, report, schema.programme_start, years_after(as_of, schema.years_after_as_of))
    check_declared_rules(tables, report, as_of)
    check_closed_loop(tables, report, schema, as_of)
    check_conditions(tables, report, schema)
    check_delivery(tables, report, schema)
    check_visits(tables, report)
    check_activities(tables, report, as_of)
    check_photos(tables, report, folders)
    check_challenges(tables, report)
    return Checked(tables=tables, report=report, as_of=as_of, sources=[s for s, _ in raw_by_source], folders=folders)


def read_sources(sources: Sequence[Source], google: GoogleAccess | None = None) -> list[tuple[str, list[RawSheet]]]:
    """Every tab of every source, by the source's text (SourceError if one cannot be read)."""
    return [(source.spec, read_source(source, google)) for source in sources]


def read_and_check(
    sources: Sequence[Source], schema: WorkbookSchema, as_of: dt.date, google: GoogleAccess | None = None,
) -> Checked:
    """Read all sources (SourceError if one cannot be read), then check them."""
    return check_sheets(read_sources(sources, google), schema, as_of)
