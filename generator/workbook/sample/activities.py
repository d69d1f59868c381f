"""The sample's 活动, 参加人员 and 研修计划: the case study's four training
classes for officers, five study classes and two 交流营 for entrepreneurs, a few
座谈会, and some events still to come after the year (the upcoming calendar);
officers attend the officers' classes and enterprises the others; an MBA plan
with 24 nominees and two smaller plans. A random stream of its own, so the
other sheets' cells do not change."""

from __future__ import annotations

import datetime as dt
import random

from ...schema import WorkbookSchema
from .ledgers import Rows
from .vocabulary import YEAR_END, YEAR_START, day

# (类型 by its place in event_kinds, events in the year, events after it, name)
EVENTS = ((0, 4, 1, "暖企专员业务培训班"), (1, 5, 1, "企业家素质提升研修班"), (2, 2, 0, "企业家交流营"),
          (3, 3, 1, "政企恳谈座谈会"), (4, 1, 0, "惠企政策宣讲会"))
PLACES = ("区行政中心会议室", "区委党校报告厅", "区企业服务中心", "浙江大学舟山校区", "小沙街道文化礼堂")
# (计划, nominees at district scale by 状态: 推荐, 报考, 录取, 结业). Two plans have
# counts of 1 and 2 in the same two 状态: the public table shows them suppressed.
PLANS = (("MBA", (4, 6, 10, 4)), ("工程硕士", (3, 4, 2, 1)), ("企业管理研修班", (3, 4, 1, 2)),
         ("高级经营管理研修班", (5, 4, 5, 3)))
SCALE = {"district": 1, "province": 40}


def activities(scale: str, seed: int, schema: WorkbookSchema, departments: Rows, enterprises: Rows,
               officers: Rows) -> dict[str, Rows]:
    """Rows of the three sheets, when the schema declares them."""
    names = {s.name for s in schema.sheets}
    if not {"events", "event_participants", "study_plans"} <= names:
        return {}
    rng = random.Random(f"{seed}-activities")
    times = SCALE.get(scale, 1)
    kinds = list(schema.enums["event_kinds"])
    organisers = [d["dept_id"] for d in departments[:4]]
    events: Rows = []
    participants: Rows = []
    for kind_index, held, later, name in EVENTS:
        for n in range(held * times + later):
            past = n < held * times
            start = day(rng, YEAR_START, YEAR_END - dt.timedelta(days=5)) if past else \
                YEAR_END + dt.timedelta(days=rng.randint(8, 90))
            event_id = f"HD{len(events) + 1:03d}"
            officers_class = kind_index == 0
            pool = [o["officer_id"] for o in officers if o["active"] == "是"] if officers_class else \
                [e["enterprise_id"] for e in enterprises]
            chosen = rng.sample(pool, min(len(pool), rng.randint(8, 20)))
            for code in chosen:
                participants.append({"event_id": event_id, "enterprise_id": None if officers_class else code,
                                     "officer_id": code if officers_class else None})
            events.append({
                "event_id": event_id, "kind": kinds[kind_index % len(kinds)], "name": f"{name}（第{n + 1}期）",
                "held_on": start, "ends_on": start + dt.timedelta(days=2) if kind_index == 1 else None,
                "place": rng.choice(PLACES), "organiser": rng.choice(organisers),
                "attendance": len(chosen) + rng.randint(0, 15) if past else None,
            })
    return {"events": events, "event_participants": participants,
            "study_plans": _study_plans(rng, schema, enterprises, times)}


def _study_plans(rng: random.Random, schema: WorkbookSchema, enterprises: Rows, times: int) -> Rows:
    statuses = list(schema.enums["study_statuses"])
    firms = [e["enterprise_id"] for e in enterprises if e["above_scale"] == "是"]
    rows: Rows = []
    for plan, counts in PLANS:
        per_status = [(s, n * times) for s, n in zip(statuses, counts, strict=False)]
        # One nominee per enterprise within a plan: each count draws on as many enterprises.
        chosen = iter(rng.sample(firms, min(len(firms), sum(n for _s, n in per_status))))
        for status, n in per_status:
            admitted = statuses.index(status) >= 2
            for firm in [next(chosen, None) for _ in range(n)]:
                if firm is None:
                    break
                rows.append({"plan": plan, "enterprise_id": firm,
                             "nominated_on": day(rng, YEAR_START, dt.date(2022, 9, 30)), "status": status,
                             "grant": rng.choice((10_000, 20_000, 30_000)) if admitted else None})
    return rows
