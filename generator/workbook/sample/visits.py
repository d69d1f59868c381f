"""The sample's 走访记录: each officer in post logs, month by month, days stationed
in one of their paired enterprises (驻企), visits (走访) and calls (电话), always to
an enterprise paired with them on that day (so the sample raises no warning). A
district logs every month of the year; a province, to stay quick to write, one
month for each officer. A random stream of its own, so the other sheets' cells
do not change."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from ...schema import WorkbookSchema
from .ledgers import Rows
from .vocabulary import YEAR_END, YEAR_START

# Rows an officer logs in a month that is logged: (stationed days, visits, calls), each (at least, at most).
PER_MONTH = {"district": ((3, 9), (1, 4), (0, 3)), "province": ((1, 3), (0, 1), (0, 1))}
HOURS = {"stationed": (8, 16), "visit": (2, 6), "phone": (1, 2)}  # in half hours
MATTERS = {
    "stationed": ["驻企了解生产经营情况", "驻企协调用工需求", "驻企宣讲惠企政策", "驻企跟踪问题办理"],
    "visit": ["走访了解融资需求", "走访核实问题整改", "走访回访办理结果", "走访宣传政策申报"],
    "phone": ["电话了解复工情况", "电话告知政策申报", "电话回访问题办理"],
}


def _months(scale: str, rng: random.Random) -> list[int]:
    return list(range(1, 13)) if scale == "district" else [rng.randint(1, 12)]


def _days_of(month: int) -> list[dt.date]:
    first = dt.date(YEAR_START.year, month, 1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return [first + dt.timedelta(days=n) for n in range((min(last, YEAR_END) - first).days + 1)]


def _paired(spans: list[dict[str, Any]], day: dt.date) -> list[str]:
    return [a["enterprise_id"] for a in spans if a["start_on"] <= day and (a["end_on"] is None or day <= a["end_on"])]


def visits(scale: str, seed: int, schema: WorkbookSchema, officers: Rows, assignments: Rows) -> dict[str, Rows]:
    """Rows of 走访记录, when the schema declares the sheet."""
    if "visits" not in {s.name for s in schema.sheets} or "visit_method" not in schema.roles:
        return {}
    rng = random.Random(f"{seed}-visits")
    methods = schema.roles["visit_method"]
    by_officer: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in assignments:
        by_officer[a["officer_id"]].append(a)
    rows: Rows = []
    for officer in officers:
        spans = by_officer.get(officer["officer_id"])
        if officer["active"] != "是" or not spans:
            continue
        for month in _months(scale, rng):
            days = _days_of(month)
            for role, (low, high) in zip(("stationed", "visit", "phone"), PER_MONTH[scale], strict=True):
                # Distinct days: one 驻企 row a day, so that a day stationed is a row of the sheet.
                for day in sorted(rng.sample(days, min(len(days), rng.randint(low, high)))):
                    firms = _paired(spans, day)
                    if not firms:
                        continue
                    rows.append({"officer_id": officer["officer_id"], "enterprise_id": rng.choice(firms),
                                 "visited_on": day, "method": methods[role],
                                 "hours": rng.randint(*HOURS[role]) / 2, "matter": rng.choice(MATTERS[role]),
                                 "issues_collected": rng.choices((0, 1, 2), weights=(6, 3, 1))[0]})
    rows.sort(key=lambda r: (r["visited_on"], r["officer_id"]))
    return {"visits": rows}
