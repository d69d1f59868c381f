"""申报条件: the check no declared rule expresses. 比较 suits its 条件: a numeric
condition (成立年限, 员工人数 …) takes ≥, ≤ or 介于, a yes/no one (高新技术企业 …)
是 or 否. Which is which comes from workbook.yaml's roles ``condition`` and
``comparison``, never from a value written here."""

from __future__ import annotations

from ..schema import WorkbookSchema
from ..schema.roles import NUMERIC_COMPARISONS, NUMERIC_CONDITIONS
from .cells import display
from .frames import Tables, add_finding
from .report import Report


def check_conditions(tables: Tables, report: Report, schema: WorkbookSchema) -> None:
    table = tables.get("policy_conditions")
    if table is None:
        return
    conditions, comparisons = schema.roles["condition"], schema.roles["comparison"]
    numeric = tuple(comparisons[r] for r in NUMERIC_COMPARISONS)
    answers = tuple(v for r, v in comparisons.values.items() if r not in NUMERIC_COMPARISONS)
    bad = table.bad_col("comparison") | table.bad_col("condition")
    pairs = zip(table.col("condition").to_list(), table.col("comparison").to_list(), bad.to_list(), strict=True)
    for index, (condition, comparison, unreadable) in enumerate(pairs):
        role = conditions.role_of(condition)
        if role is None or comparison is None or unreadable:
            continue
        allowed = numeric if role in NUMERIC_CONDITIONS else answers
        if comparison not in allowed:
            add_finding(report, table, index, "comparison", "comparison_kind", other_column=table.header_of("condition"),
                        other_value=display(condition), allowed="、".join(allowed))
