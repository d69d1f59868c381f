"""Read every source, type every cell and check every rule: one pass that
finds all mistakes at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..schema import WorkbookSchema
from ..sources import GoogleAccess, RawSheet, Source, read_source
from .activities import check_activities
from .closed_loop import check_closed_loop
from .conditions import check_conditions
from .delivery import check_delivery
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

    def rows(self, sheet: str) -> list[Row]:
        table = self.tables.get(sheet)
        return table.rows if table else []


def check_sheets(raw_by_source: list[tuple[str, list[RawSheet]]], schema: WorkbookSchema, as_of: dt.date) -> Checked:
    report = Report(sheet_order=tuple(s.title for s in schema.sheets))
    found: dict[str, RawSheet] = {}
    for _spec, raws in raw_by_source:
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
    return Checked(tables=tables, report=report, as_of=as_of, sources=[s for s, _ in raw_by_source])


def read_sources(sources: Sequence[Source], google: GoogleAccess | None = None) -> list[tuple[str, list[RawSheet]]]:
    """Every tab of every source, by the source's text (SourceError if one cannot be read)."""
    return [(source.spec, read_source(source, google)) for source in sources]


def read_and_check(
    sources: Sequence[Source], schema: WorkbookSchema, as_of: dt.date, google: GoogleAccess | None = None,
) -> Checked:
    """Read all sources (SourceError if one cannot be read), then check them."""
    return check_sheets(read_sources(sources, google), schema, as_of)
