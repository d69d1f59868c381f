"""The closed loop's figures (issue 14), to the end of a period, by site.md's
rules: exact fractions of counts here, rounded where they are published.

- ``assigned_on_time_rate`` 及时交办率: of the issues assigned (交办日期 on or
  before the end), those assigned at most ``closedLoop.assignWithinDays`` days
  after they were reported;
- ``median_days_to_assign`` 交办天数中位数: days from 反映 to 交办, of those;
- ``resolution_rate`` 问题化解率: of the issues closed by the end that have a
  办结类型, those closed as 已解决 (an explanation closes an issue, it does not
  resolve it);
- ``revisit_rate`` 回访率: of the issues closed by the end, those revisited
  (回访日期) by the end;
- ``reopen_rate`` 重新办理率: of the issues closed by the end, those that an
  issue reported by the end reopens (原问题编号).

A figure whose column the workbook lacks is None (shown as —), not 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction
from statistics import median

import numpy as np

from ..model import Issue, Programme
from ..schema import WorkbookSchema
from .rounding import ratio

CLOSED_LOOP_FIGURES = ("assigned_on_time_rate", "median_days_to_assign", "resolution_rate", "revisit_rate",
                       "reopen_rate")
CLOSED_LOOP_RATES = ("assigned_on_time_rate", "resolution_rate", "revisit_rate", "reopen_rate")
# The column of 问题清单 each figure needs.
NEEDS = {"assigned_on_time_rate": "assigned_on", "median_days_to_assign": "assigned_on",
         "resolution_rate": "closure_type", "revisit_rate": "revisit_on", "reopen_rate": "reopens"}
_NEVER = dt.date.max.toordinal()


def _day(value: dt.date | None) -> int:
    return _NEVER if value is None else value.toordinal()


def reopened_on(issues: Iterable[Issue]) -> dict[str, dt.date]:
    """Issue ID -> the first day an issue reopening it was reported."""
    out: dict[str, dt.date] = {}
    for i in issues:
        if i.reopens and (i.reopens not in out or i.reported_on < out[i.reopens]):
            out[i.reopens] = i.reported_on
    return out


def closed_loop_figures(
    issues: list[Issue], end: dt.date, schema: WorkbookSchema, columns: frozenset[str],
) -> dict[str, Fraction | float | None]:
    """The reference definitions, one issue at a time (pages use ``ClosedLoopIndex``)."""
    within = schema.closed_loop.assign_within_days
    resolved = schema.roles["closure_type"]["resolved"]
    assigned = [d for i in issues if i.assigned_by(end) and (d := i.days_to_assign()) is not None]
    closed = [i for i in issues if i.closed_by(end)]
    typed = [i for i in closed if i.closure_type]
    again = reopened_on(i for i in issues if i.reported_on <= end)
    out: dict[str, Fraction | float | None] = {
        "assigned_on_time_rate": ratio(sum(1 for d in assigned if d <= within), len(assigned)),
        "median_days_to_assign": float(median(assigned)) if assigned else None,
        "resolution_rate": ratio(sum(1 for i in typed if i.closure_type == resolved), len(typed)),
        "revisit_rate": ratio(sum(1 for i in closed if i.revisit_on is not None and i.revisit_on <= end), len(closed)),
        "reopen_rate": ratio(sum(1 for i in closed if i.issue_id in again), len(closed)),
    }
    return {key: value if NEEDS[key] in columns else None for key, value in out.items()}


class ClosedLoopIndex:
    """The same figures for many periods, from arrays."""

    def __init__(self, programme: Programme, schema: WorkbookSchema) -> None:
        issues = programme.issues
        self.columns = programme.columns.get("issues", frozenset())
        self.within = schema.closed_loop.assign_within_days
        resolved = schema.roles["closure_type"]["resolved"]
        again = reopened_on(issues)
        self.reported = np.array([i.reported_on.toordinal() for i in issues], dtype=np.int64)
        self.assigned = np.array([_day(i.assigned_on) for i in issues], dtype=np.int64)
        self.closed = np.array([_day(i.closed_on) for i in issues], dtype=np.int64)
        self.typed = np.array([bool(i.closure_type) for i in issues], dtype=bool)
        self.resolved = np.array([i.closure_type == resolved for i in issues], dtype=bool)
        self.revisited = np.array([_day(i.revisit_on) for i in issues], dtype=np.int64)
        self.reopened = np.array([_day(again.get(i.issue_id)) for i in issues], dtype=np.int64)

    def rates(self, end: dt.date) -> dict[str, Fraction | None]:
        e = end.toordinal()
        assigned = self.assigned <= e
        waited = self.assigned[assigned] - self.reported[assigned]
        closed = self.closed <= e
        typed = closed & self.typed
        out = {
            "assigned_on_time_rate": ratio(int((waited <= self.within).sum()), int(assigned.sum())),
            "resolution_rate": ratio(int((typed & self.resolved).sum()), int(typed.sum())),
            "revisit_rate": ratio(int((closed & (self.revisited <= e)).sum()), int(closed.sum())),
            "reopen_rate": ratio(int((closed & (self.reopened <= e)).sum()), int(closed.sum())),
        }
        return {key: value if NEEDS[key] in self.columns else None for key, value in out.items()}

    def median_days_to_assign(self, end: dt.date) -> float | None:
        assigned = self.assigned <= end.toordinal()
        if "assigned_on" not in self.columns or not assigned.any():
            return None
        return float(np.median(self.assigned[assigned] - self.reported[assigned]))
