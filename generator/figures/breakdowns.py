"""The published figures of one period (``document.PeriodDocument``): the
figures to date, and the tables by issue category, department and enterprise
attribute, suppressed under the threshold rule before the cross-period audit.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np

from ..model import Enterprise, Issue, Programme
from ..schema import WorkbookSchema
from .closed_loop import (
    CLOSED_LOOP_FIGURES,
    CLOSED_LOOP_RATES,
    ClosedLoopIndex,
    closed_loop_figures,
)
from .document import SMALL, PeriodDocument, Row, Table
from .ledger import period_figures, rate
from .parts import PART_COLUMNS, PART_RATES, PartDays, part_columns
from .periods import Period
from .rounding import percent
from .suppression import MARK, Cell, marker, protect_column, shown

PeriodDoc = PeriodDocument

# Figure keys of a period, in the order pages show them (their labels: render/labels.py).
FIGURES: tuple[str, ...] = (
    "issues_new", "issues_closed", "issues_received_total", "issues_closed_total", "issues_open",
    "issues_overdue", "closure_rate", "on_time_rate", "median_days_to_close", "p90_days_to_close",
    "satisfied_rate", "satisfied_or_basic_rate", "satisfaction_basic", "satisfaction_dissatisfied",
    "satisfaction_count", *CLOSED_LOOP_FIGURES,
)
PERCENT_FIGURES = {
    "closure_rate", "on_time_rate", "satisfied_rate", "satisfied_or_basic_rate", "satisfaction_basic",
    "satisfaction_dissatisfied", "on_time_share", *CLOSED_LOOP_RATES,
}
# The share of each role of workbook.yaml roles.satisfaction: 满意率 is the share
# rated 满意; with the two others they make the whole of the rated issues.
SATISFACTION_FIGURES = {
    "satisfied": "satisfied_rate", "basic": "satisfaction_basic", "dissatisfied": "satisfaction_dissatisfied",
}
SATISFACTION_SHARES = ("satisfied_rate", "satisfaction_basic", "satisfaction_dissatisfied")
# Tables not grouped by an enterprise attribute, in page order; the others are
# workbook.yaml ``dimensions`` (suppressed, audited).
OTHER_TABLES = ("category", "department")
COUNT_COLUMNS = ("issues_new", "issues_closed")
# The parts of the closed issues (已解决, 及时交办, 已回访, 重新办理: figures/parts.py), each with
# its rate; in the tables by category and department always (— without the ledger's column);
# in the tables by enterprise attribute those settled at closing, where the ledger has the
# column and they can be protected.
LOOP_COLUMNS = part_columns(PART_COLUMNS)
DEPARTMENT_COLUMNS = ("issues_closed", "closed_with_due", "closed_on_time", "on_time_rate", *LOOP_COLUMNS,
                      "median_days_to_assign")
CATEGORY_COLUMNS = (*COUNT_COLUMNS, *LOOP_COLUMNS, "median_days_to_assign")


def pct(value: Fraction | None) -> float | None:
    """The published percentage of an exact rate (one decimal, 四舍五入)."""
    return percent(value)


def plain_number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 1)


def attribute_values(schema: WorkbookSchema, dimension: str) -> tuple[str, ...]:
    return schema.dimensions[dimension].values


def attribute(schema: WorkbookSchema, enterprise: Enterprise, dimension: str) -> str:
    d = schema.dimensions[dimension]
    return d.value_of(getattr(enterprise, d.field))


def _in(day: dt.date | None, period: Period) -> bool:
    return day is not None and period.start <= day <= period.end


_NEVER = dt.date.max.toordinal()


class LedgerIndex:
    """The ledger arranged for many periods: issues sorted by reporting and closing
    day (a period's own issues by bisection) and as arrays for the figures to date."""

    def __init__(self, programme: Programme, schema: WorkbookSchema) -> None:
        issues = list(programme.issues)
        # The parts of the closed issues the ledger has columns for (figures/parts.py).
        self.parts = PartDays(programme, schema)
        self.by_reported = sorted(issues, key=lambda i: i.reported_on)
        self.reported_days = [i.reported_on for i in self.by_reported]
        self.by_closed = sorted((i for i in issues if i.closed_on is not None), key=lambda i: i.closed_on or dt.date.max)
        self.closed_days = [i.closed_on or dt.date.max for i in self.by_closed]
        # Per dimension, the value's position in its list for each issue (-1: unknown),
        # in the order of by_reported and of by_closed; and the enterprise's number.
        firms = sorted(programme.enterprises)
        firm_no = {e: n for n, e in enumerate(firms)}
        firm_codes = {}
        for d in schema.dimensions:
            position = {v: n for n, v in enumerate(attribute_values(schema, d))}
            # one extra slot at the end (index -1) for issues of an unknown enterprise
            firm_codes[d] = np.array(
                [position.get(attribute(schema, programme.enterprises[e], d), -1) for e in firms] + [-1],
                dtype=np.int64,
            )
        self.codes: dict[tuple[str, str], np.ndarray] = {}
        self.firms: dict[str, np.ndarray] = {}
        for order, ordered in (("reported", self.by_reported), ("closed", self.by_closed)):
            self.firms[order] = np.array([firm_no.get(i.enterprise_id, -1) for i in ordered], dtype=np.int64)
            for d in schema.dimensions:
                self.codes[(order, d)] = firm_codes[d][self.firms[order]]
        self.n_firms = len(firm_no)
        self.part_days = {part: np.array([self.parts.day(part, i) for i in self.by_closed], dtype=np.int64)
                          for part in self.parts.parts}
        self.waits = np.array([-1 if (w := i.days_to_assign()) is None else w for i in self.by_closed], dtype=np.int64)
        self.reported = np.array([i.reported_on.toordinal() for i in issues], dtype=np.int64)
        self.closed = np.array([i.closed_on.toordinal() if i.closed_on else _NEVER for i in issues], dtype=np.int64)
        self.has_due = np.array([i.due_on is not None for i in issues], dtype=bool)
        self.due = np.array([i.due_on.toordinal() if i.due_on else 0 for i in issues], dtype=np.int64)
        self.satisfaction_role = schema.roles["satisfaction"]
        levels = {level: n for n, level in enumerate(self.satisfaction_role.ordered, start=1)}
        self.satisfaction = np.array([levels.get(i.satisfaction or "", 0) for i in issues], dtype=np.int64)
        self.closed_loop = ClosedLoopIndex(programme, schema)

    def _span(self, order: str, period: Period) -> tuple[int, int]:
        days = self.reported_days if order == "reported" else self.closed_days
        return bisect.bisect_left(days, period.start), bisect.bisect_right(days, period.end)

    def reported_in(self, period: Period) -> list[Issue]:
        lo, hi = self._span("reported", period)
        return self.by_reported[lo:hi]

    def closed_in(self, period: Period) -> list[Issue]:
        lo, hi = self._span("closed", period)
        return self.by_closed[lo:hi]

    def closed_parts(self, period: Period) -> ClosedParts:
        """The period's closed issues as the loop columns of the tables by category and department read them."""
        lo, hi = self._span("closed", period)
        end = period.end.toordinal()
        return ClosedParts({p: days[lo:hi] <= end for p, days in self.part_days.items()}, self.waits[lo:hi],
                           self.parts.assigned)

    def counts(
        self, order: str, dimension: str, period: Period, size: int, part: str | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Issues and distinct enterprises per value of the dimension, reported (closed) in the
        period; ``part``: of the closed ones, those in that part (已解决 …) by the period's end."""
        lo, hi = self._span(order, period)
        codes = self.codes[(order, dimension)][lo:hi]
        firms = self.firms[order][lo:hi]
        known = (codes >= 0) & (firms >= 0)
        if part is not None:
            known &= self.part_days[part][lo:hi] <= period.end.toordinal()
        codes, firms = codes[known], firms[known]
        issues = np.bincount(codes, minlength=size)
        pairs = np.unique(codes * max(self.n_firms, 1) + firms)
        distinct = np.bincount(pairs // max(self.n_firms, 1), minlength=size)
        return issues, distinct

    def rates(self, period: Period) -> dict[str, Fraction | None]:
        """The exact rates of the period's percentage figures (key -> part/whole)."""
        end = period.end.toordinal()
        received = self.reported <= end
        closed = self.closed <= end
        with_due = closed & self.has_due
        on_time = with_due & (self.closed <= self.due)
        rated = self.satisfaction[closed & (self.satisfaction > 0)]
        by_role = {role: int((rated == n).sum()) for n, role in enumerate(self.satisfaction_role.values, start=1)}
        out = {
            "closure_rate": rate(int(closed.sum()), int(received.sum())),
            "on_time_rate": rate(int(on_time.sum()), int(with_due.sum())),
            "satisfied_or_basic_rate": rate(by_role["satisfied"] + by_role["basic"], len(rated)),
        }
        for role, count in by_role.items():
            out[SATISFACTION_FIGURES[role]] = rate(count, len(rated))
        out.update(self.closed_loop.rates(period.end))
        return out

    def figures(self, period: Period) -> dict[str, Any]:
        """The figures of site.md for the period (same as ``ledger.period_figures``), published form."""
        start, end = period.start.toordinal(), period.end.toordinal()
        received = self.reported <= end
        closed = self.closed <= end
        open_ = received & ~closed
        days = np.sort(self.closed[closed] - self.reported[closed])
        out: dict[str, Any] = {
            "issues_new": int(((self.reported >= start) & received).sum()),
            "issues_closed": int(((self.closed >= start) & closed).sum()),
            "issues_received_total": int(received.sum()),
            "issues_closed_total": int(closed.sum()),
            "issues_open": int(open_.sum()),
            "issues_overdue": int((open_ & self.has_due & (self.due < end)).sum()),
            "median_days_to_close": plain_number(float(np.median(days))) if len(days) else None,
            "p90_days_to_close": int(days[max(1, math.ceil(0.9 * len(days))) - 1]) if len(days) else None,
            "satisfaction_count": int((self.satisfaction[closed] > 0).sum()),
            "median_days_to_assign": plain_number(self.closed_loop.median_days_to_assign(period.end)),
        }
        out.update({key: pct(value) for key, value in self.rates(period).items()})
        return {key: out[key] for key in FIGURES}


def figures_of(
    issues: list[Issue], period: Period, schema: WorkbookSchema, columns: frozenset[str],
) -> dict[str, Any]:
    """The figures of one period from ``ledger.period_figures`` and ``closed_loop_figures``
    (the reference; pages use LedgerIndex). ``columns``: the fields 问题清单 has a column for."""
    satisfaction = schema.roles["satisfaction"]
    f = period_figures(issues, period.start, period.end, satisfaction)
    out: dict[str, Any] = {
        "issues_new": f.issues_new,
        "issues_closed": f.issues_closed,
        "issues_received_total": f.issues_received_total,
        "issues_closed_total": f.issues_closed_total,
        "issues_open": f.issues_open,
        "issues_overdue": f.issues_overdue,
        "closure_rate": pct(f.closure_rate),
        "on_time_rate": pct(f.on_time_rate),
        "median_days_to_close": plain_number(f.median_days_to_close),
        "p90_days_to_close": plain_number(f.p90_days_to_close),
    }
    for role, level in satisfaction.values.items():
        out[SATISFACTION_FIGURES[role]] = pct(f.satisfaction.get(level))
    out["satisfied_or_basic_rate"] = pct(f.satisfied_or_basic_rate)
    out["satisfaction_count"] = f.satisfaction_count
    for key, value in closed_loop_figures(issues, period.end, schema, columns).items():
        out[key] = pct(value) if isinstance(value, Fraction) else plain_number(value)
    return {key: out[key] for key in FIGURES}


@dataclass(frozen=True)
class ClosedParts:
    """A period's closed issues (in ``LedgerIndex.closed_in`` order) as the loop columns read
    them: a mask per part the ledger has (figures/parts.py), and the days each waited for
    交办 (-1: none; ``assigned``: whether the ledger has 交办日期 at all)."""

    marks: dict[str, np.ndarray]
    waits: np.ndarray
    assigned: bool


def _loop_cells(positions: list[int], parts: ClosedParts) -> dict[str, Any]:
    """Each part of the closed issues at ``positions`` and its rate; None (—) for a part the
    ledger has no column for; and the median days to 交办 of those assigned."""
    at = np.array(positions, dtype=np.int64)
    out: dict[str, Any] = {}
    for part, rate_column in PART_RATES.items():
        mask = parts.marks.get(part)
        n = None if mask is None else int(mask[at].sum())
        out[part] = n
        out[rate_column] = None if n is None else pct(rate(n, len(positions)))
    waits = parts.waits[at]
    waits = waits[waits >= 0]
    known = parts.assigned and len(waits)
    out["median_days_to_assign"] = plain_number(float(np.median(waits))) if known else None
    return out


def _count_table(
    new: list[Issue], closed: list[Issue], values: tuple[str, ...], key: Callable[[Issue], str], dimension: str,
    parts: ClosedParts,
) -> Table:
    new_counts = Counter(key(i) for i in new)
    closed_at: dict[str, list[int]] = defaultdict(list)
    for n, i in enumerate(closed):
        closed_at[key(i)].append(n)
    rows: list[Row] = []
    for value in values:
        mine = closed_at.get(value, [])
        rows.append({dimension: value, "issues_new": new_counts.get(value, 0), "issues_closed": len(mine),
                     **_loop_cells(mine, parts)})
    return Table(dimension, CATEGORY_COLUMNS, enterprise_attribute=False, rows=tuple(rows))


def _department_table(programme: Programme, closed: list[Issue], parts: ClosedParts) -> Table:
    closed_at: dict[str, list[int]] = defaultdict(list)
    for n, i in enumerate(closed):
        if i.dept_id:
            closed_at[i.dept_id].append(n)
    rows: list[Row] = []
    for dept_id in sorted(closed_at):
        mine = [closed[n] for n in closed_at[dept_id]]
        with_due = [i for i in mine if i.due_on is not None]
        on_time = sum(1 for i in with_due if i.on_time())
        dept = programme.departments.get(dept_id)
        rows.append({
            "department": dept.name if dept else dept_id,
            "issues_closed": len(mine),
            "closed_with_due": len(with_due),
            "closed_on_time": on_time,
            "on_time_rate": pct(rate(on_time, len(with_due))),
            **_loop_cells(closed_at[dept_id], parts),
        })
    return Table("department", DEPARTMENT_COLUMNS, enterprise_attribute=False, rows=tuple(rows))


def enterprise_cells(
    index: LedgerIndex, schema: WorkbookSchema, period: Period, dimension: str,
) -> dict[str, dict[str, Cell]]:
    """column -> value -> Cell (issue count and distinct enterprises) for one period: the
    counts, and the parts of the closed issues the ledger has columns for."""
    values = attribute_values(schema, dimension)
    out: dict[str, dict[str, Cell]] = {}
    counted: list[tuple[str, str, str | None]] = [("issues_new", "reported", None), ("issues_closed", "closed", None)]
    counted += [(part, "closed", part) for part in index.parts.parts]
    for column, order, part in counted:
        issues, firms = index.counts(order, dimension, period, len(values), part)
        out[column] = {v: Cell(int(issues[n]), int(firms[n])) for n, v in enumerate(values)}
    return out


def enterprise_table(cells: dict[str, dict[str, Cell]], dimension: str, k: int) -> Table:
    """The table by one enterprise attribute, its small cells suppressed. A part (已解决 …)
    of a value whose 销号 is suppressed is suppressed too (shown, it would bound the 销号
    from below); a part that cannot be protected is left out; a rate is shown only where
    both its counts are."""
    parts = [p for p in PART_COLUMNS if p in cells]
    if not all(protect_column(cells[c], k) for c in COUNT_COLUMNS):
        return Table(dimension, (*COUNT_COLUMNS, *part_columns(parts)), enterprise_attribute=True,
                     withheld=True, why=SMALL)
    hidden = {v for v, cell in cells["issues_closed"].items() if cell.suppressed}
    kept = [p for p in parts if protect_column(cells[p], k, forced=hidden)]
    rows = []
    for v in cells["issues_new"]:
        row: dict[str, Any] = {dimension: v, **{c: shown(cells[c][v], k) for c in COUNT_COLUMNS}}
        for part in kept:
            row[part] = shown(cells[part][v], k)
            row[PART_RATES[part]] = _shown_rate(cells[part][v], cells["issues_closed"][v])
        rows.append(row)
    return Table(dimension, (*COUNT_COLUMNS, *part_columns(kept)), enterprise_attribute=True, rows=tuple(rows))


def without_part(table: Table, part: str) -> Table:
    """The table by an enterprise attribute without one part and its rate."""
    gone = (part, PART_RATES[part])
    rows = tuple({c: v for c, v in row.items() if c not in gone} for row in table.rows)
    return replace(table, columns=tuple(c for c in table.columns if c not in gone), rows=rows)


def _shown_rate(part: Cell, whole: Cell) -> float | str | None:
    if part.suppressed or whole.suppressed:
        return MARK
    return pct(rate(part.count, whole.count))


def period_doc(
    programme: Programme, schema: WorkbookSchema, period: Period, k: int, index: LedgerIndex | None = None,
) -> PeriodDocument:
    """The published figures of one finished period (before the cross-period audit)."""
    if index is None:
        index = LedgerIndex(programme, schema)
    new, closed = index.reported_in(period), index.closed_in(period)
    categories = schema.sheet("issues").field("category").enum or ()
    parts = index.closed_parts(period)
    tables = {
        "category": _count_table(new, closed, categories, lambda i: i.category, "category", parts),
        "department": _department_table(programme, closed, parts),
    }
    for dimension in schema.dimensions:
        tables[dimension] = enterprise_table(enterprise_cells(index, schema, period, dimension), dimension, k)
    return PeriodDocument(period=period, figures=index.figures(period), tables=tables, k=k, marker=marker(k))
