"""The sample's closed loop: 交办日期, 办结类型, 回访 and 重新办理 on the issues
already drawn, and the 督办记录 of the slow ones. Its own random stream, so the
other cells of the sample stay as they were."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from ...schema import WorkbookSchema
from .vocabulary import YEAR_END

Rows = list[dict[str, Any]]
_RESOLUTIONS = ("已向企业解释相关政策规定", "受现有条件限制暂无法解决，已向企业说明原因")
_NOTES = ("电话催办，承诺本周内答复", "发督办函，要求限期办结", "现场协调，明确办理时间", "专题会议研究，落实责任人")


def closed_loop(issues: Rows, seed: int, schema: WorkbookSchema, person: Callable[[], str]) -> Rows:
    """Fills the closed-loop columns of ``issues`` in place; returns the 督办记录 rows."""
    names = {f.name for f in schema.sheet("issues").fields}
    if "assigned_on" not in names:
        return []
    rng = random.Random(f"{seed}-closed-loop")
    types = list(schema.enums["closure_types"])
    results = list(schema.enums["revisit_results"])
    methods = list(schema.enums["supervision_methods"])
    supervisions: Rows = []
    last_closed: dict[str, dict[str, Any]] = {}
    for row in sorted(issues, key=lambda r: (r["reported_on"], r["issue_id"])):
        row.update(assigned_on=None, closure_type=None, revisit_on=None, revisit_result=None, reopens=None)
        if row["dept_id"] is None:
            continue
        latest = min(d for d in (row["closed_on"], row["due_on"], YEAR_END) if d is not None)
        lag = rng.choices([0, 1, 2, 3, 5, 8], [30, 35, 20, 8, 5, 2])[0]
        row["assigned_on"] = min(row["reported_on"] + dt.timedelta(days=lag), latest)
        earlier = last_closed.get(row["enterprise_id"])
        if (earlier is not None and earlier["category"] == row["category"]
                and earlier["closed_on"] < row["reported_on"] and rng.random() < 0.5):
            row["reopens"] = earlier["issue_id"]
        if row["closed_on"] is not None:
            _closed(rng, row, types, results)
            last_closed[row["enterprise_id"]] = row
        supervisions.extend(_chased(rng, row, methods, person))
    return supervisions


def _closed(rng: random.Random, row: dict[str, Any], types: list[str], results: list[str]) -> None:
    unhappy = row["satisfaction"] == "不满意"
    row["closure_type"] = rng.choices(types, [30, 40, 30] if unhappy else [82, 14, 4])[0]
    if row["closure_type"] != types[0]:
        row["resolution"] = _RESOLUTIONS[types.index(row["closure_type"]) - 1]
    revisit = row["closed_on"] + dt.timedelta(days=rng.randint(1, 6))
    if revisit <= YEAR_END and (unhappy or rng.random() < 0.8):
        row["revisit_on"] = revisit
        row["revisit_result"] = rng.choices(results, [10, 20, 60, 10] if unhappy else [85, 8, 2, 5])[0]


def _chased(rng: random.Random, row: dict[str, Any], methods: list[str], person: Callable[[], str]) -> Rows:
    """Issues closed after, or still open past, their deadline were chased once or more."""
    due = row["due_on"]
    end = row["closed_on"] or YEAR_END
    if due is None or end <= due or rng.random() < 0.4:
        return []
    out: Rows = []
    day = due + dt.timedelta(days=rng.randint(1, 5))
    while day < end and len(out) < 3:
        out.append({"issue_id": row["issue_id"], "supervised_on": day, "method": rng.choice(methods),
                    "supervisor": person(), "note": rng.choice(_NOTES)})
        day += dt.timedelta(days=rng.randint(10, 30))
    return out
