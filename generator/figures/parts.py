"""Parts of a period's closed issues (issue 14), published beside 销号 in the grouped
tables, each with its rate among the closed:

- ``closed_resolved`` 已解决: closed as 已解决 (问题化解率);
- ``closed_assigned_on_time`` 及时交办: assigned (交办日期) at most
  ``closedLoop.assignWithinDays`` days after it was reported (及时交办率);
- ``closed_revisited`` 已回访: revisited (回访日期) by the end of the period (回访率);
- ``closed_reopened`` 重新办理: reopened by an issue reported by the end of the
  period (原问题编号; 重新办理率).

Each is "some of the closed issues", never more: the audit bounds each by 销号. A
part whose column the ledger lacks is left out of the tables (— in the figures).
The rates of a table are among its closed issues, so they can differ from the
figures to date (whose 及时交办率 counts the issues assigned, closed or not).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..model import Issue, Programme
from ..schema import WorkbookSchema
from .closed_loop import reopened_on

# count column -> (its rate column, the 问题清单 field it needs)
PARTS: dict[str, tuple[str, str]] = {
    "closed_resolved": ("resolution_rate", "closure_type"),
    "closed_assigned_on_time": ("assigned_on_time_rate", "assigned_on"),
    "closed_revisited": ("revisit_rate", "revisit_on"),
    "closed_reopened": ("reopen_rate", "reopens"),
}
# What a message calls each part and its rate.
PART_NAMES = {"closed_resolved": ("已解决", "问题化解率"), "closed_assigned_on_time": ("及时交办", "及时交办率"),
              "closed_revisited": ("已回访", "回访率"), "closed_reopened": ("重新办理", "重新办理率")}
PART_COLUMNS = tuple(PARTS)
PART_RATES = {count: rate for count, (rate, _need) in PARTS.items()}
# The parts counted from a day after 销号 (回访, 重新办理): a month's 已回访 is not the sum
# of its weeks' (an issue closed in a week may be revisited after it), so the audit gives
# them a count at each end of a period (figures/audit.py).
LATE_PARTS = frozenset(("closed_revisited", "closed_reopened"))
# The counts a page leaves to the CSV and JSON files (it shows their rates); 已解决 it shows.
PAGE_HIDDEN = frozenset(("closed_assigned_on_time", "closed_revisited", "closed_reopened"))
NEVER = dt.date.max.toordinal()


def part_columns(parts: Iterable[str]) -> tuple[str, ...]:
    """Each part's count and rate columns, in the order of PARTS."""
    chosen = set(parts)
    return tuple(c for part in PARTS if part in chosen for c in (part, PARTS[part][0]))


class PartDays:
    """For each part, the day from which a closed issue counts in it (an ordinal; NEVER
    when it never does): a period's part is its closed issues with that day by its end."""

    def __init__(self, programme: Programme, schema: WorkbookSchema) -> None:
        columns = programme.columns.get("issues", frozenset())
        self.parts = tuple(p for p, (_rate, need) in PARTS.items() if need in columns)
        self.assigned = "assigned_on" in columns  # the ledger has 交办日期
        self.resolved = schema.roles["closure_type"]["resolved"]
        self.within = schema.closed_loop.assign_within_days
        self.again = reopened_on(programme.issues)

    def day(self, part: str, issue: Issue) -> int:
        if issue.closed_on is None:
            return NEVER
        if part == "closed_resolved":
            return issue.closed_on.toordinal() if issue.closure_type == self.resolved else NEVER
        if part == "closed_assigned_on_time":
            waited = issue.days_to_assign()
            if issue.assigned_on is None or waited is None or waited > self.within:
                return NEVER
            return issue.assigned_on.toordinal()
        if part == "closed_revisited":
            return issue.revisit_on.toordinal() if issue.revisit_on else NEVER
        reopened = self.again.get(issue.issue_id)
        return reopened.toordinal() if reopened else NEVER
