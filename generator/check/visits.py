"""走访记录 (issue 18): the check no declared rule expresses. A visit to an
enterprise that was not paired (结对) with the officer on that date is warned,
not refused, at the row's 企业编号: an officer may call on an enterprise that is
someone else's, or log a visit before 结对 is entered, and the office decides.
An officer or enterprise that does not exist is the foreign key's error, a date
after the as-of date the declared rule's, not this. Column by column: the check
stage makes no row objects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .cells import display
from .frames import Tables, add_finding
from .report import WARNING, Report
from .tables import Table

Spans = dict[tuple[Any, Any], list[tuple[dt.date, dt.date | None]]]


def _column(table: Table, name: str) -> list[Any]:
    """A field's values, None where its cell could not be read."""
    values = table.col(name).to_list()
    bad = table.bad_col(name).to_list()
    return [None if b else v for v, b in zip(values, bad, strict=True)]


def pairings(assignments: Table | None) -> Spans:
    """(officer ID, enterprise ID) -> the periods of their 结对 (end None: still paired)."""
    out: Spans = {}
    if assignments is None:
        return out
    names = ("officer_id", "enterprise_id", "start_on", "end_on")
    for officer, enterprise, start, end in zip(*(_column(assignments, n) for n in names), strict=True):
        if officer is not None and enterprise is not None and isinstance(start, dt.date):
            out.setdefault((officer, enterprise), []).append((start, end if isinstance(end, dt.date) else None))
    return out


def paired_on(spans: Spans, officer: Any, enterprise: Any, day: dt.date) -> bool:
    return any(start <= day and (end is None or day <= end) for start, end in spans.get((officer, enterprise), ()))


def check_visits(tables: Tables, report: Report) -> None:
    visits = tables.get("visits")
    if visits is None:
        return
    spans = pairings(tables.get("assignments"))
    officers, enterprises = _keys(tables, "officers", "officer_id"), _keys(tables, "enterprises", "enterprise_id")
    names = ("officer_id", "enterprise_id", "visited_on")
    for index, (officer, enterprise, day) in enumerate(zip(*(_column(visits, n) for n in names), strict=True)):
        if officer not in officers or enterprise not in enterprises or not isinstance(day, dt.date):
            continue  # a missing officer or enterprise is the foreign key's error; an unreadable cell, the cell's
        if not paired_on(spans, officer, enterprise, day):
            add_finding(report, visits, index, "enterprise_id", "visit_not_paired", severity=WARNING,
                        officer_value=officer, date=display(day))


def _keys(tables: Tables, sheet: str, name: str) -> set[Any]:
    table = tables.get(sheet)
    return set() if table is None else {v for v in table.col(name).to_list() if v is not None}
