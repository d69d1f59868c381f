"""活动, 参加人员 and 研修计划: the checks no declared rule expresses.

A 参加人员 row names exactly one participant: an enterprise (企业编号) or an
officer (专员编号), never both and never neither (an error at the cell). One
participant listed twice for one event is warned at the second row. An event
held on or before the as-of date whose 人数 is below the rows 参加人员 lists for
it is warned at its 人数 (the count was typed before the list was complete, or
the list holds someone who did not come). A code that does not exist is the
foreign key's error, not this. Column by column: the check stage makes no row
objects (Table.records is the model's)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from .frames import Tables, add_finding
from .report import WARNING, Report
from .tables import ROW, Table


def _column(table: Table, name: str) -> list[Any]:
    """A field's values, None where its cell could not be read (the cell's own finding says why)."""
    values = table.col(name).to_list()
    bad = table.bad_col(name).to_list()
    return [None if b else v for v, b in zip(values, bad, strict=True)]


def check_activities(tables: Tables, report: Report, as_of: dt.date) -> None:
    participants = tables.get("event_participants")
    if participants is None:
        return
    listed = _participants(participants, report)
    events = tables.get("events")
    if events is not None:
        _attendance(events, report, as_of, listed)


def _participants(table: Table, report: Report) -> Counter[str]:
    """Check each row; return how many participants each event lists."""
    firms, officers = table.col("enterprise_id").to_list(), table.col("officer_id").to_list()
    bad = (table.bad_col("enterprise_id") | table.bad_col("officer_id")).to_list()
    seen: dict[tuple[str, str, Any], int] = {}
    listed: Counter[str] = Counter()
    for index, (event_id, firm, officer) in enumerate(zip(_column(table, "event_id"), firms, officers, strict=True)):
        if bad[index]:
            continue  # an unreadable code is the cell's own error
        if firm is None and officer is None:
            add_finding(report, table, index, "enterprise_id", "participant_missing",
                        other_column=table.header_of("officer_id"))
            continue
        if firm is not None and officer is not None:
            add_finding(report, table, index, "officer_id", "participant_both",
                        other_column=table.header_of("enterprise_id"), other_value=firm)
            continue
        if event_id is None:
            continue
        listed[event_id] += 1
        key = (event_id, "enterprise" if firm is not None else "officer", firm if firm is not None else officer)
        if key in seen:
            add_finding(report, table, index, "enterprise_id" if firm is not None else "officer_id",
                        "participant_twice", severity=WARNING, event_value=event_id,
                        other_row=table.frame[ROW][seen[key]])
            continue
        seen[key] = index
    return listed


def _attendance(table: Table, report: Report, as_of: dt.date, listed: Counter[str]) -> None:
    columns = zip(_column(table, "event_id"), _column(table, "held_on"), _column(table, "attendance"), strict=True)
    for index, (event_id, held_on, attendance) in enumerate(columns):
        if event_id is None or held_on is None or attendance is None or held_on > as_of:
            continue
        if attendance < listed[event_id]:
            add_finding(report, table, index, "attendance", "attendance_below_list", severity=WARNING,
                        count=listed[event_id], target_sheet="参加人员")
