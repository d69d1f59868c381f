"""The 兑付 figures (figures/money.py) as the progress pages show them: the month's
section of its page, the same figures in its CSV and JSON files, and the sums of
the frozen months on the progress index."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..figures.document import Money, Table, table_json
from .escape import csv_cell
from .labels import TABLE_TITLES, conf_status, display, open_rows, open_value

MONEY_LABELS = {
    "payments_count": "拨付笔数",
    "payments_amount": "拨付金额（元）",
    "median_days_to_pay": "申报至拨付天数（中位数）",
    "eligible_told_rate": "符合条件企业已告知率",
}
MONEY_TITLES = {**TABLE_TITLES, "policy": "按政策", "category": "按政策类别"}
MONEY_HEADERS = {"policy": "政策", "category": "政策类别", "town": "所在镇街", "industry": "所属行业",
                 "size": "企业规模", "above_scale": "规上/规下"}
PERCENT = frozenset({"eligible_told_rate"})
UNITS = {"payments_amount": "yuan", "median_days_to_pay": "days", "eligible_told_rate": "percent"}


def _shown(column: str, value: Any) -> str:
    if column == "payments_amount" and isinstance(value, int):
        return f"{value:,}"
    return display(value, column in PERCENT)


def _rows(name: str, table: Table, titles: Mapping[str, str]) -> list[list[str]]:
    rows = []
    for row in table.rows:
        # By policy, the page lists the policies paid in the month; the JSON file has every open one.
        if name == "policy" and row.get("payments_count") == 0:
            continue
        first = str(row[name])
        label = f"{first} {titles[first]}" if name == "policy" and first in titles else first
        rows.append([label] + [_shown(c, row.get(c)) for c in table.columns])
    return rows


def money_view(money: Money | None, titles: Mapping[str, str], columns: tuple[str, ...] | None = None) -> dict[str, Any] | None:
    """The section of a page; ``titles``: the published policies' titles by ID; ``columns``:
    the figures shown (the sums of the frozen months have no median)."""
    if money is None:
        return None
    shown = [c for c in columns or tuple(money.figures) if c in MONEY_LABELS]
    tables = []
    for name, table in money.tables.items():
        cut = Table(name, tuple(c for c in table.columns if c in shown), table.enterprise_attribute, rows=table.rows)
        tables.append({"title": MONEY_TITLES.get(name, name), "header": [MONEY_HEADERS.get(name, name)]
                       + [MONEY_LABELS[c] for c in cut.columns], "rows": _rows(name, cut, titles)})
    return {"figures": [(MONEY_LABELS[c], _shown(c, money.figures.get(c))) for c in shown], "tables": tables}


def money_open_data(money: Money) -> dict[str, Any]:
    """For the period's JSON file: the figures, their units, and each table with each cell's status."""
    tables = {}
    for name, table in money.tables.items():
        tables[name] = {"title": MONEY_TITLES.get(name, name), **table_json(table),
                        "rows": open_rows(table.columns, table.rows)}
    return {
        "figures": {k: open_value(v) for k, v in money.figures.items()},
        "conf_status": {k: conf_status(v) for k, v in money.figures.items()},
        "units": UNITS, "tables": tables,
    }


def money_csv_rows(money: Money) -> list[list[str]]:
    """The CSV file's lines (表格, 分组, 指标, 数值, 保密状态, 键), as for the ledger's tables."""
    out = []
    for key, value in money.figures.items():
        out.append(["政策兑付", "", MONEY_LABELS[key], csv_cell(open_value(value)), conf_status(value),
                    f"money.figures.{key}"])
    for name, table in money.tables.items():
        for row in table.rows:
            for column in table.columns:
                value = row.get(column)
                out.append([f"政策兑付{MONEY_TITLES.get(name, name)}", csv_cell(row[name]), MONEY_LABELS[column],
                            csv_cell(open_value(value)), conf_status(value), csv_cell(f"money.{name}.{column}")])
    return out
