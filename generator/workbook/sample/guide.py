"""The sample's 办事指南 columns of 政策 (设定依据, 申报开始/截止, 扶持标准 …),
drawn from a random stream of their own, so that adding them changed no other
cell of the sample."""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any

from .vocabulary import YEAR_END, office

Rows = list[dict[str, Any]]

# Most policies have a guide; the rest leave the columns blank, as an older workbook would.
GUIDE_SHARE = 0.85
FLOORS = ["一", "二", "三"]
HOURS = [
    "工作日 上午8:30—12:00，下午14:00—17:30",
    "工作日 上午8:30—12:00，下午14:30—18:00（7月至9月）",
    "工作日 8:30—17:00（中午不休息）",
]
FAQ = [
    "问：可以线上申报吗？\n答：可以，通过页面上的线上办理网址提交，材料齐全的不必到窗口。",
    "问：已享受同类政策的还能申报吗？\n答：同一事项不重复享受，按就高原则执行。",
    "问：多久能拿到资金？\n答：审核通过并公示无异议后，一般在承诺期限内拨付到企业基本账户。",
]
UPDATE_NOTES = ["申报截止日期延长一个月", "调整申报材料清单", "更新咨询电话", "明确扶持标准的计算口径"]
_CAP = re.compile(r"最高(\d+)万元")


def _dates(rng: random.Random, policy: dict[str, Any]) -> tuple[dt.date | None, dt.date | None]:
    """申报开始, 申报截止: inside the policy's period, some past by the year's end, some to come."""
    start: dt.date = policy["effective_from"]
    end: dt.date = policy["effective_to"] or dt.date(start.year + 2, 12, 31)
    apply_from = max(start, dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(0, 200)))
    if apply_from > end:
        return None, None
    closes = apply_from + dt.timedelta(days=rng.choice([30, 60, 90, 180, 300, 400]))
    if rng.random() < 0.1:
        closes = YEAR_END  # closes on the day the example is built (今天截止)
    return apply_from, max(apply_from, min(closes, end))


def _guide(rng: random.Random, policy: dict[str, Any], departments: Rows) -> dict[str, Any]:
    pid = policy["policy_id"]
    cap = _CAP.search(policy["benefit"])
    apply_from, apply_to = _dates(rng, policy)
    legal = rng.choice([15, 20, 30, 60])
    updated = None
    if rng.random() < 0.6:
        updated = min(YEAR_END, policy["effective_from"] + dt.timedelta(days=rng.randrange(10, 400)))
    dept = next((d for d in departments if d["name"] == policy["issuer"]), departments[0])
    return {
        "basis": f"《{policy['title']}》（{policy['doc_no']}）第{rng.randint(2, 9)}条",
        "basis_url": f"https://www.example.gov.cn/zfxxgk/{pid}.html",
        "apply_from": apply_from, "apply_to": apply_to,
        "support_standard": f"按企业上年度相关投入的{rng.choice([10, 20, 30, 50])}%给予补助",
        "support_cap": int(cap.group(1)) * 10_000 if cap else None,
        "fee": "不收费",
        "legal_days": legal, "promised_days": max(1, legal // rng.choice([2, 3])),
        "venue": f"示例市定海区行政服务中心{rng.choice(FLOORS)}楼{dept['name']}窗口",
        "office_hours": rng.choice(HOURS),
        "complaint_phone": office(rng),
        "faq": "\n".join(rng.sample(FAQ, 2)),
        "attachment_name": f"申请表（示例{pid}）.docx" if rng.random() < 0.8 else None,
        "attachment_url": f"https://www.example.gov.cn/files/{pid}-apply.docx",
        "updated_on": updated,
        "update_note": rng.choice(UPDATE_NOTES) if updated else None,
    }


def add_guides(policies: Rows, departments: Rows, seed: int) -> None:
    """Fill the 办事指南 columns of most policies, in place."""
    rng = random.Random(f"{seed}-guide")
    for policy in policies:
        if rng.random() < GUIDE_SHARE:
            guide = _guide(rng, policy, departments)
            if guide["attachment_name"] is None:
                guide["attachment_url"] = None
            policy.update(guide)
