"""The closed loop's checks that no declared rule expresses: the columns an
older workbook lacks (one warning, the figures that need them show —), a
reopened issue's original (closed, not itself), an unhappy enterprise not
revisited in time, and a 督办 dated before its issue was reported."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ..schema import WorkbookSchema
from .cells import display
from .frames import Tables, add_finding
from .report import WARNING, Report
from .tables import ROW, Table


def check_closed_loop(tables: Tables, report: Report, schema: WorkbookSchema, as_of: dt.date) -> None:
    for table in tables.values():
        _absent_columns(table, report)
    issues = tables.get("issues")
    if issues is None:
        return
    _reopened(issues, report, schema.roles["issue_status"]["closed"])
    _revisit_due(issues, report, schema, as_of)
    supervisions = tables.get("supervisions")
    if supervisions is not None:
        _supervised_before_reported(supervisions, issues, report)


def _absent_columns(table: Table, report: Report) -> None:
    """One warning per sheet naming every optional column it lacks that figures need."""
    absent = [f.title for f in table.schema.fields if f.warn_if_absent and f.name not in table.columns]
    if absent:
        report.add(WARNING, "optional_columns_absent", table.schema.title, row=1, columns="、".join(absent),
                   source=table.source)


def _rows_by_id(issues: Table) -> dict[str, int]:
    return {key: n for n, key in enumerate(issues.col("issue_id").to_list()) if key is not None}


def _reopened(issues: Table, report: Report, closed_status: str) -> None:
    """The original of a reopened issue is closed (its 状态 says so; a 销号日期 missing
    there is that row's own error), and it is not the issue itself."""
    if "reopens" not in issues.columns:
        return
    by_id = _rows_by_id(issues)
    originals = issues.col("reopens")
    bad = issues.bad_col("reopens")
    status = issues.col("status").to_list()
    closed = issues.col("closed_on")
    for index, original in enumerate(originals.to_list()):
        if original is None or bad[index]:
            continue
        if original == issues.value("issue_id", index):
            add_finding(report, issues, index, "reopens", "reopens_itself")
            continue
        target = by_id.get(original)
        if target is None:
            continue  # the foreign key reports it
        if status[target] != closed_status:
            add_finding(report, issues, index, "reopens", "reopens_open", other_row=issues.frame[ROW][target])
        elif (closed[target] is not None and issues.value("reported_on", index) is not None
              and issues.value("reported_on", index) < closed[target]):
            add_finding(report, issues, index, "reopens", "reopens_before_closed", severity=WARNING,
                        other_row=issues.frame[ROW][target], other_value=display(closed[target]))


def _revisit_due(issues: Table, report: Report, schema: WorkbookSchema, as_of: dt.date) -> None:
    """不满意 and not revisited ``revisitWithinDays`` after 销号: a warning at 回访日期."""
    if "revisit_on" not in issues.columns:
        return
    days = schema.closed_loop.revisit_within_days
    unhappy = schema.roles["satisfaction"]["dissatisfied"]
    cutoff = as_of - dt.timedelta(days=days)
    closed = issues.col("closed_on")
    if closed.dtype == pl.Null:
        return
    late = (
        (issues.col("satisfaction") == unhappy).fill_null(False)
        & issues.col("revisit_on").is_null()
        & (closed < cutoff).fill_null(False)
    )
    for index in late.arg_true().to_list():
        add_finding(report, issues, index, "revisit_on", "revisit_missing", severity=WARNING,
                    days=days, closed_value=display(issues.value("closed_on", index)), value="")


def _supervised_before_reported(supervisions: Table, issues: Table, report: Report) -> None:
    reported = dict(zip(issues.col("issue_id").to_list(), issues.col("reported_on").to_list(), strict=True))
    for index, (issue_id, day) in enumerate(zip(
            supervisions.col("issue_id").to_list(), supervisions.col("supervised_on").to_list(), strict=True)):
        first = reported.get(issue_id)
        if day is not None and first is not None and day < first:
            add_finding(report, supervisions, index, "supervised_on", "supervised_before_reported",
                        other_value=display(first))
