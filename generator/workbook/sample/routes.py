"""The sample's 一件事 and 一件事政策: a few routes, each of two to four published
policies of different issuers, done in order. A random stream of its own, so the
other sheets' cells do not change."""

from __future__ import annotations

import random

from ...schema import WorkbookSchema
from .ledgers import Rows
from .vocabulary import YEAR_END

ROUTE_NAMES = (
    ("企业技术改造一件事", "从技改项目备案、设备补助到研发费用加计扣除，按下列顺序办理。"),
    ("新招员工稳岗一件事", "招用员工后的社保补贴、稳岗返还和职业技能培训补贴，一次了解、依次申报。"),
    ("企业上规升级一件事", "小微企业升规后的奖励、融资担保和人才政策，按顺序办理。"),
    ("外贸企业纾困一件事", "出口信用保险、物流补助和展会补贴，一件事办完。"),
    ("科技企业成长一件事", "高新技术企业认定、研发投入补助和科技贷款贴息，依次申报。"),
)
ROUTES_PER_SCALE = {"district": 5, "province": 40}


def routes(scale: str, seed: int, schema: WorkbookSchema, policies: Rows, departments: Rows) -> dict[str, Rows]:
    """Rows of 一件事 and 一件事政策, when the schema declares both sheets."""
    names = {s.name for s in schema.sheets}
    if not {"routes", "route_policies"} <= names:
        return {}
    rng = random.Random(f"{seed}-routes")
    # Current policies only: a route is for what an enterprise can still apply for.
    published = [p for p in policies if p["published"] == "是" and (p["effective_to"] is None or p["effective_to"] >= YEAR_END)]
    dept_of = {d["name"]: d["dept_id"] for d in departments}
    out_routes: Rows = []
    members: Rows = []
    for n in range(min(ROUTES_PER_SCALE.get(scale, 5), len(published) // 2)):
        title, description = ROUTE_NAMES[n % len(ROUTE_NAMES)]
        if n >= len(ROUTE_NAMES):
            title = f"{title}（{n // len(ROUTE_NAMES) + 1}）"
        chosen = rng.sample(published, min(rng.randint(2, 4), len(published)))
        route_id = f"YJS{n + 1:02d}"
        out_routes.append({"route_id": route_id, "title": f"{title}（示例）", "description": description,
                           "dept_id": dept_of.get(chosen[0]["issuer"])})
        members.extend({"route_id": route_id, "order": k, "policy_id": p["policy_id"]}
                       for k, p in enumerate(chosen, start=1))
    return {"routes": out_routes, "route_policies": members}
