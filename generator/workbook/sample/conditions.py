"""The sample's 申报条件 (conditions per policy: 成立年限, 员工人数, 营业收入 in 万元,
研发投入占比 in %, and the yes/no flags), drawn from a random stream of their
own, so that adding the sheet changed no other cell of the sample. Values are
named by their roles in workbook.yaml, never written here."""

from __future__ import annotations

import random
from typing import Any

from ...schema import WorkbookSchema

Rows = list[dict[str, Any]]

# Most policies state conditions; the rest have none, as an older workbook would.
CONDITION_SHARE = 0.7
# Per numeric condition: (comparison role, 下限, 上限) to draw from.
BOUNDS: dict[str, list[tuple[str, float | None, float | None]]] = {
    "years": [("at_least", 1, None), ("at_least", 2, None), ("at_least", 3, None), ("at_most", None, 5)],
    "employees": [("at_least", 10, None), ("at_least", 50, None), ("at_most", None, 300), ("between", 20, 500)],
    "revenue": [("at_least", 500, None), ("at_least", 2000, None), ("between", 100, 20000), ("at_most", None, 5000)],
    "rd_share": [("at_least", 3, None), ("at_least", 5, None), ("between", 3, 60)],
}
FLAGS = ["high_tech", "specialised", "above_scale"]
NOTES = {
    "years": "自工商注册登记之日起计算",
    "employees": "以上年度末参加社会保险人数为准",
    "revenue": "以上年度审计报告或纳税申报数为准",
    "rd_share": "研发费用占营业收入的比例，以上年度加计扣除口径为准",
}


def _row(rng: random.Random, pid: str, role: str, schema: WorkbookSchema) -> dict[str, Any]:
    conditions, comparisons = schema.roles["condition"], schema.roles["comparison"]
    if role in BOUNDS:
        comparison, low, high = rng.choice(BOUNDS[role])
        note = NOTES[role] if rng.random() < 0.5 else None
    else:
        comparison, low, high = ("yes" if rng.random() < 0.85 else "no"), None, None
        note = None
    return {"policy_id": pid, "condition": conditions[role], "comparison": comparisons[comparison],
            "min": low, "max": high, "note": note}


def conditions(policies: Rows, seed: int, schema: WorkbookSchema) -> Rows:
    """Rows of 申报条件: one to three conditions for most policies, none repeated within a policy."""
    if "policy_conditions" not in {s.name for s in schema.sheets} or "condition" not in schema.roles:
        return []
    rng = random.Random(f"{seed}-conditions")
    roles = [*BOUNDS, *FLAGS]
    rows: Rows = []
    for policy in policies:
        if rng.random() >= CONDITION_SHARE:
            continue
        for role in rng.sample(roles, rng.randint(1, 3)):
            rows.append(_row(rng, policy["policy_id"], role, schema))
    return rows
