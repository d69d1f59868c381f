"""The words around the published figures of the progress pages: figure and
column labels, table titles, period names and the audit's message. The figures
and their documents hold none of these (``figures/document.py``); the pages and
the open data files (CSV, JSON) get them here, so a period frozen by an older
version reads the same as one computed today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from ..figures.audit import Finding
from ..figures.parts import PART_NAMES, PART_RATES
from ..figures.periods import Period
from ..figures.rounding import shares_total
from ..i18n import _
from ..schema import Footer

FIGURE_LABELS: dict[str, str] = {
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
    "satisfied_rate": "满意率（评价“满意”）",
    "satisfied_or_basic_rate": "满意及基本满意率",
    "satisfaction_basic": "评价“基本满意”占比",
    "satisfaction_dissatisfied": "评价“不满意”占比",
    "satisfaction_count": "有企业评价的已销号问题",
    "assigned_on_time_rate": "及时交办率",
    "median_days_to_assign": "交办天数中位数",
    "resolution_rate": "问题化解率",
    "revisit_rate": "回访率",
    "reopen_rate": "重新办理率",
}
COLUMN_LABELS: dict[str, str] = {
    "issues_new": "新增问题",
    "issues_closed": "销号",
    "closed_with_due": "销号且有办理时限",
    "closed_on_time": "按期销号",
    "on_time_rate": "按期办结率",
    # 已解决, 问题化解率, 及时交办 …: the names the frozen-file checks use too
    **{c: name for part, names in PART_NAMES.items() for c, name in zip((part, PART_RATES[part]), names, strict=True)},
    "median_days_to_assign": "交办天数中位数",
}
TABLE_TITLES: dict[str, str] = {
    "category": "按问题类别",
    "department": "按责任单位（按期办结、问题化解、交办与回访）",
    "town": "按所在镇街",
    "industry": "按所属行业",
    "size": "按企业规模",
    "above_scale": "按规上、规下企业",
}
# The first column of each table.
DIMENSION_HEADERS: dict[str, str] = {
    "category": "问题类别", "department": "责任单位", "town": "所在镇街", "industry": "所属行业",
    "size": "企业规模", "above_scale": "规上/规下",
}
KIND_LABELS = {"week": "周报", "month": "月度分析"}


def shares_note(shares: Sequence[object]) -> str | None:
    """The sentence a page adds when the rounded satisfaction shares do not add up to 100."""
    total = shares_total(shares)
    if total is None or total == 100:
        return None
    return (f"满意率与“基本满意”“不满意”占比各自四舍五入到一位小数，三者合计为 {total}%，"
            "与 100% 的差是舍入造成的。")


def table_title(name: str) -> str:
    return TABLE_TITLES.get(name, name)


def period_label(period: Period) -> str:
    if period.kind == "week":
        year, week, _weekday = period.start.isocalendar()
        return f"{year}年第{week}周"
    return f"{period.start.year}年{period.start.month}月"


def audit_message(findings: list[Finding]) -> str:
    """What a failed privacy audit tells staff (exit 2, nothing published)."""
    lines = [_("The privacy audit of the statistics failed; nothing was published. "
               "These suppressed cells can be worked out from the published figures:")]
    for f in findings[:10]:
        lines.append("  " + _("{kind} {key} {table} “{value}” {column}: can only be {low}–{high}").format(
            kind=f.kind, key=f.key, table=table_title(f.dimension), value=f.value, column=f.column,
            low=f.low, high=f.high))
    if len(findings) > 10:
        lines.append("  " + _("… and {count} more").format(count=len(findings) - 10))
    lines.append(_("These periods are frozen and cannot be changed. Check the frozen files in the published "
                   "folder, or raise the suppression threshold k and publish again."))
    return "\n".join(lines)


def footer_line(footer: Footer, as_of: dt.date) -> str:
    """The foot of every page (mkdocs.yml ``copyright``, set by the build): workbook.yaml's
    ``footer`` and the date the figures run to. Plain text: the settings are checked to hold no markup."""
    items = [f"{label}：{value}" for label, value in footer.items()]
    items.append(f"数据更新至{as_of.year}年{as_of.month}月{as_of.day}日")
    return " · ".join(items)


# The confidentiality status of each cell in the open data files, from SDMX's
# code list CL_CONF_STATUS: F (free for publication) or C (confidential). The
# public files do not tell a primary cell (few enterprises, SDMX's A) from a
# secondary one (hidden to protect another, D): that is what "<3" told, and it
# pins the other cells of a column.
FREE, CONFIDENTIAL = "F", "C"


def conf_status(value: Any) -> str:
    return CONFIDENTIAL if isinstance(value, str) else FREE


def open_value(value: Any) -> Any:
    """A published value in the open data files: a withheld cell has no value (its status says why)."""
    return None if isinstance(value, str) else value


def display(value: Any, percent: bool = False) -> str:
    """A published value as the page shows it: "—" for none, the mark ``*`` as it is, one decimal."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if percent:
        return f"{float(value):.1f}%"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.1f}"
    return str(value)


def open_rows(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A table's rows for the open data files: a withheld cell has no value, and each row
    says each cell's status (``conf_status``)."""
    return [{**{c: open_value(v) if c in columns else v for c, v in row.items()},
             "conf_status": {c: conf_status(row.get(c)) for c in columns}} for row in rows]
