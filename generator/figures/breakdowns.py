"""The published figures of one period as a plain, JSON-ready document.

A *period document* holds exactly what a progress page publishes, in published
form (rates as percentages with one decimal, suppressed cells as ``<k``): the
page, its CSV and JSON files and a frozen period's file are all made from it,
so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ..model import Enterprise, Issue, Programme
from ..schema import WorkbookSchema
from .ledger import period_figures
from .periods import Period
from .suppression import Cell, marker, protect_column, shown

PeriodDoc = dict[str, Any]

# Figure keys of a period, in the order pages show them, with their Chinese labels.
FIGURES: dict[str, str] = {
    "issues_new": "本期新增问题",
    "issues_closed": "本期销号",
    "issues_received_total": "累计受理问题",
    "issues_closed_total": "累计销号",
    "issues_open": "期末在办问题",
    "issues_overdue": "期末超期未办结",
    "closure_rate": "销号率",
    "on_time_rate": "按期办结率",
    "median_days_to_close": "办结天数中位数",
    "p90_days_to_close": "办结天数第90百分位",
    "satisfaction_satisfied": "企业评价“满意”",
    "satisfaction_basic": "企业评价“基本满意”",
    "satisfaction_dissatisfied": "企业评价“不满意”",
    "satisfaction_count": "有企业评价的已销号问题",
}
PERCENT_FIGURES = {
    "closure_rate", "on_time_rate", "satisfaction_satisfied", "satisfaction_basic", "satisfaction_dissatisfied",
    "on_time_share",
}
SATISFACTION_KEYS = {"满意": "satisfaction_satisfied", "基本满意": "satisfaction_basic", "不满意": "satisfaction_dissatisfied"}

COLUMNS: dict[str, str] = {
    "issues_new": "新增问题",
    "issues_closed": "销号",
    "closed_with_due": "销号且有办理时限",
    "closed_on_time": "按期销号",
    "on_time_rate": "按期办结率",
}

# Tables grouped by an enterprise attribute: suppressed, audited.
ENTERPRISE_DIMENSIONS: dict[str, str] = {
    "town": "按所在镇街",
    "industry": "按所属行业",
    "size": "按企业规模",
    "above_scale": "按规上、规下企业",
}
OTHER_DIMENSIONS: dict[str, str] = {"category": "按问题类别", "department": "按责任单位（按期办结）"}
COUNT_COLUMNS = ("issues_new", "issues_closed")


def pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def plain_number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 1)


def attribute_values(schema: WorkbookSchema, dimension: str) -> tuple[str, ...]:
    if dimension == "above_scale":
        return ("规上", "规下")
    return schema.enums[{"town": "towns", "industry": "industries", "size": "sizes"}[dimension]]


def attribute(enterprise: Enterprise, dimension: str) -> str:
    if dimension == "above_scale":
        return "规上" if enterprise.above_scale else "规下"
    return str(getattr(enterprise, dimension))


def _in(day: dt.date | None, period: Period) -> bool:
    return day is not None and period.start <= day <= period.end


def figures_of(issues: list[Issue], period: Period) -> dict[str, Any]:
    f = period_figures(issues, period.start, period.end)
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
    for level, key in SATISFACTION_KEYS.items():
        out[key] = pct(f.satisfaction.get(level))
    out["satisfaction_count"] = f.satisfaction_count
    return out


def _count_table(
    issues: list[Issue], period: Period, values: tuple[str, ...], key: Callable[[Issue], str], dimension: str,
) -> list[dict[str, Any]]:
    rows = []
    for value in values:
        mine = [i for i in issues if key(i) == value]
        rows.append({
            dimension: value,
            "issues_new": sum(1 for i in mine if _in(i.reported_on, period)),
            "issues_closed": sum(1 for i in mine if _in(i.closed_on, period)),
        })
    return rows


def _department_table(programme: Programme, issues: list[Issue], period: Period) -> list[dict[str, Any]]:
    closed: dict[str, list[Issue]] = defaultdict(list)
    for i in issues:
        if _in(i.closed_on, period) and i.dept_id:
            closed[i.dept_id].append(i)
    rows = []
    for dept_id in sorted(closed):
        mine = closed[dept_id]
        with_due = [i for i in mine if i.due_on is not None]
        on_time = sum(1 for i in with_due if i.on_time())
        dept = programme.departments.get(dept_id)
        rows.append({
            "department": dept.name if dept else dept_id,
            "issues_closed": len(mine),
            "closed_with_due": len(with_due),
            "closed_on_time": on_time,
            "on_time_rate": pct(on_time / len(with_due)) if with_due else None,
        })
    return rows


IssueAttributes = list[tuple[Issue, dict[str, str]]]


def issue_attributes(programme: Programme) -> IssueAttributes:
    """Each issue with its enterprise's attributes (issues of unknown enterprises left out)."""
    out = []
    for i in programme.issues:
        enterprise = programme.enterprises.get(i.enterprise_id)
        if enterprise is not None:
            out.append((i, {d: attribute(enterprise, d) for d in ENTERPRISE_DIMENSIONS}))
    return out


def enterprise_cells(
    attributes: IssueAttributes, schema: WorkbookSchema, period: Period, dimension: str,
) -> dict[str, dict[str, Cell]]:
    """column -> value -> Cell (issue count and distinct enterprises) for one period."""
    counts: dict[str, dict[str, int]] = {c: defaultdict(int) for c in COUNT_COLUMNS}
    firms: dict[str, dict[str, set[str]]] = {c: defaultdict(set) for c in COUNT_COLUMNS}
    for i, attrs in attributes:
        value = attrs[dimension]
        for column, day in (("issues_new", i.reported_on), ("issues_closed", i.closed_on)):
            if _in(day, period):
                counts[column][value] += 1
                firms[column][value].add(i.enterprise_id)
    return {
        column: {
            v: Cell(counts[column].get(v, 0), len(firms[column].get(v, set())))
            for v in attribute_values(schema, dimension)
        }
        for column in COUNT_COLUMNS
    }


def enterprise_table(cells: dict[str, dict[str, Cell]], dimension: str, k: int) -> dict[str, Any]:
    ok = all(protect_column(column, k) for column in cells.values())
    table: dict[str, Any] = {
        "title": ENTERPRISE_DIMENSIONS[dimension],
        "columns": list(COUNT_COLUMNS),
        "enterprise_attribute": True,
        "withheld": not ok,
        "rows": [],
    }
    if ok:
        values = list(cells[COUNT_COLUMNS[0]])
        table["rows"] = [
            {dimension: v, **{c: shown(cells[c][v], k) for c in COUNT_COLUMNS}} for v in values
        ]
    return table


def withhold(table: dict[str, Any]) -> None:
    table["withheld"] = True
    table["rows"] = []


def period_doc(
    programme: Programme, schema: WorkbookSchema, period: Period, k: int, attributes: IssueAttributes | None = None,
) -> PeriodDoc:
    """The published figures of one finished period (before the cross-period audit)."""
    if attributes is None:
        attributes = issue_attributes(programme)
    issues = [i for i in programme.issues if i.reported_on <= period.end]
    tables: dict[str, Any] = {
        "category": {
            "title": OTHER_DIMENSIONS["category"],
            "columns": list(COUNT_COLUMNS),
            "enterprise_attribute": False,
            "withheld": False,
            "rows": _count_table(issues, period, schema.enums["issue_categories"], lambda i: i.category, "category"),
        },
        "department": {
            "title": OTHER_DIMENSIONS["department"],
            "columns": ["issues_closed", "closed_with_due", "closed_on_time", "on_time_rate"],
            "enterprise_attribute": False,
            "withheld": False,
            "rows": _department_table(programme, issues, period),
        },
    }
    for dimension in ENTERPRISE_DIMENSIONS:
        tables[dimension] = enterprise_table(enterprise_cells(attributes, schema, period, dimension), dimension, k)
    return {
        "period": {
            "kind": period.kind, "key": period.key, "label": period.label,
            "start": period.start.isoformat(), "end": period.end.isoformat(),
        },
        "figures": figures_of(issues, period),
        "tables": tables,
        "suppression": {"k": k, "marker": marker(k)},
    }
