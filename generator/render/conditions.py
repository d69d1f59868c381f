"""申报条件 as the pages and the finder show them. A condition is known by its
role (workbook.yaml ``roles.condition`` and ``roles.comparison``): its words are
the sheet's, the unit of a numeric one is here (成立年限 in years, 员工人数 in
persons, 营业收入 in 万元, 研发投入占比 in per cent, as the sheet's header hints say)."""

from __future__ import annotations

from typing import Any

from ..model import PolicyCondition
from ..schema import WorkbookSchema
from ..schema.roles import NUMERIC_CONDITIONS

UNITS = {"years": "年", "employees": "人", "revenue": "万元", "rd_share": "%"}


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _amount(value: float | None, unit: str) -> str:
    return f"{_number(value)}{unit}" if unit == "%" else f"{_number(value)} {unit}"


def roles_of(c: PolicyCondition, schema: WorkbookSchema) -> tuple[str, str]:
    """The roles of the condition and of its comparison (years, at_least …)."""
    return schema.roles["condition"].role_of(c.condition) or "", schema.roles["comparison"].role_of(c.comparison) or ""


def condition_text(c: PolicyCondition, schema: WorkbookSchema) -> str:
    """One condition in words: 员工人数 ≥ 10 人, 营业收入 介于 100 至 5000 万元, 高新技术企业：是."""
    role, test = roles_of(c, schema)
    if role not in NUMERIC_CONDITIONS:
        return f"{c.condition}：{c.comparison}"
    unit = UNITS[role]
    if test == "between":
        low = _amount(c.min, unit).removesuffix(f" {unit}").removesuffix(unit)
        return f"{c.condition} {c.comparison} {low} 至 {_amount(c.max, unit)}"
    return f"{c.condition} {c.comparison} {_amount(c.min if test == 'at_least' else c.max, unit)}"


def condition_data(c: PolicyCondition, schema: WorkbookSchema) -> dict[str, Any]:
    """A condition in data/policies.json: the sheet's keys and words, its roles
    (``field``, ``test``: what the finder compares) and its text."""
    role, test = roles_of(c, schema)
    return {"condition": c.condition, "comparison": c.comparison, "min": _number(c.min), "max": _number(c.max),
            "note": c.note, "field": role, "test": test, "text": condition_text(c, schema)}


def finder_fields(schema: WorkbookSchema) -> list[dict[str, str]]:
    """What the finder asks the enterprise: each condition's role, its label, number or yes/no, its unit."""
    return [{"field": role, "label": label, "kind": "number" if role in NUMERIC_CONDITIONS else "flag",
             "unit": UNITS.get(role, "")} for role, label in schema.roles["condition"].values.items()]
