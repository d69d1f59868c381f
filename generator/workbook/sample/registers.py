"""The sample's registers (部门, 企业, 专员, 结对, 政策, 办理流程, 问题清单), drawn
sheet by sheet from one random stream, in a fixed order: the same seed gives the
same cells."""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from faker import Faker

from ...schema import WorkbookSchema, load_schema
from .activities import activities
from .challenges import challenges
from .closed_loop import closed_loop
from .conditions import conditions
from .delivery import delivery
from .guide import add_guides
from .ledgers import Rows, optional_ledgers
from .routes import routes
from .visits import visits
from .vocabulary import (
    DEPARTMENT_NAMES,
    ISSUE_TEXTS,
    SCALES,
    TOPICS,
    YEAR_END,
    YEAR_START,
    Scale,
    day,
    mobile,
    office,
    uscc_code,
)


@dataclass(frozen=True)
class Draw:
    """What every register draws from: the size, the random stream, Faker and the schema's enums."""
    size: Scale
    rng: random.Random
    fake: Faker
    person: Callable[[], str]
    towns: list[str]
    industries: list[str]
    sizes: list[str]
    categories: list[str]
    policy_categories: list[str]


def generate(scale: str = "district", seed: int = 2022, schema: WorkbookSchema | None = None) -> dict[str, Rows]:
    """Rows per sheet (by sheet key), keyed by field name."""
    schema = schema or load_schema()
    size = SCALES[scale]
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    person: Callable[[], str] = fake.name
    if size.name_pool:
        person = functools.partial(rng.choice, [fake.name() for _ in range(size.name_pool)])
    d = Draw(size, rng, fake, person, list(schema.enums["towns"]), list(schema.enums["industries"]),
             list(schema.enums["sizes"]), list(schema.enums["issue_categories"]),
             list(schema.enums["policy_categories"]))
    # The order of the calls below is the order of the draws: changing it changes every cell after.
    departments = _departments(d)
    enterprises = _enterprises(d)
    officers, retired = _officers(d, departments)
    assignments, lead_of = _assignments(d, enterprises, officers, retired)
    policies, steps = _policies(d, departments)
    issues = _issues(d, enterprises, departments, lead_of)
    supervisions = closed_loop(issues, seed, schema, d.person)
    add_guides(policies, departments, seed)  # a stream of its own: the cells above do not change
    asked = conditions(policies, seed, schema)
    return {
        "departments": departments, "enterprises": enterprises, "officers": officers,
        "assignments": assignments, "issues": issues, "policies": policies, "policy_steps": steps,
        **routes(scale, seed, schema, policies, departments),
        **({"policy_conditions": asked} if asked else {}),
        **delivery(seed, schema, policies, asked, enterprises, assignments),
        **optional_ledgers(scale, seed, schema, departments, enterprises),
        **activities(scale, seed, schema, departments, enterprises, officers),
        **challenges(scale, seed, schema, enterprises),
        **({"supervisions": supervisions} if "supervisions" in {s.name for s in schema.sheets} else {}),
        **visits(scale, seed, schema, officers, assignments),
    }


def _departments(d: Draw) -> Rows:
    rng, fake = d.rng, d.fake
    departments = []
    for i in range(d.size.departments):
        base = DEPARTMENT_NAMES[i % len(DEPARTMENT_NAMES)]
        name = base if i < len(DEPARTMENT_NAMES) else f"{base}第{i // len(DEPARTMENT_NAMES) + 1}分局"
        departments.append({
            "dept_id": f"D{i + 1:03d}", "name": f"{name}（示例）", "phone": office(rng),
            "address": f"示例市定海区{fake.street_name()}{rng.randrange(1, 300)}号",
            "website": f"https://dept{i + 1}.example.gov.cn/",
        })
    return departments


def _enterprises(d: Draw) -> Rows:
    rng, fake, size, sizes = d.rng, d.fake, d.size, d.sizes
    enterprises = []
    above = set(rng.sample(range(size.enterprises), size.above_scale))
    for i in range(size.enterprises):
        is_above = i in above
        enterprises.append({
            "enterprise_id": f"E{i + 1:05d}", "uscc": uscc_code(rng),
            "name": f"示例{fake.company_prefix()}{i + 1}号{rng.choice(['科技', '实业', '海洋', '机械', '食品', '船舶'])}有限公司",
            "industry": rng.choice(d.industries),
            "size": rng.choice(sizes[:2] if is_above else sizes[1:]),
            "above_scale": "是" if is_above else "否", "town": rng.choice(d.towns),
            "contact_name": d.person(), "contact_phone": mobile(rng),
            "publish_name": "是" if rng.random() < 0.3 else "否",
        })
    return enterprises


def _officers(d: Draw, departments: Rows) -> tuple[Rows, set[int]]:
    """The officers, and the indices of those who left their post during the year."""
    rng, size, towns = d.rng, d.size, d.towns
    officers = []
    n_officers = size.lead_officers + size.helper_officers
    for i in range(n_officers):
        is_lead = i < size.lead_officers
        officers.append({
            "officer_id": f"O{i + 1:04d}", "name": d.person(),
            "role": "暖企专员" if is_lead else "助企服务员",
            "home_unit": rng.choice(departments)["name"],
            "former_post": rng.choice(["副局长", "科长", "副主任", "调研员"]),
            "office_phone": office(rng), "mobile": mobile(rng),
            "email": f"officer{i + 1}@example.gov.cn",
            "towns": "、".join(sorted(rng.sample(towns, rng.randint(1, 3)), key=towns.index)),
            "active": "是",
        })
    # A few officers left their post during the year; their pairings ended then.
    retired = set(rng.sample(range(size.lead_officers, n_officers), max(1, size.helper_officers // 15)))
    for i in retired:
        officers[i]["active"] = "否"
    return officers, retired


def _assignments(d: Draw, enterprises: Rows, officers: Rows, retired: set[int]) -> tuple[Rows, dict[str, str]]:
    """The 结对 rows, and each enterprise's lead officer at the end of the year."""
    rng, size = d.rng, d.size
    assignments = []
    lead_of: dict[str, str] = {}
    reassigned: set[int] | None = None
    helped: set[int] | None = None
    if size.assignments is not None:  # exact counts: who is reassigned, who has a helper
        n_reassigned = size.enterprises // 20
        reassigned = set(rng.sample(range(size.enterprises), n_reassigned))
        helped = set(rng.sample(range(size.enterprises), size.assignments - size.enterprises - n_reassigned))
    for i, ent in enumerate(enterprises):
        lead = officers[i % size.lead_officers]
        start = day(rng, YEAR_START, dt.date(2022, 2, 28))
        if i in reassigned if reassigned is not None else rng.random() < 0.05:
            # reassigned mid-year: two rows that do not overlap
            switch = day(rng, dt.date(2022, 5, 1), dt.date(2022, 9, 30))
            other = officers[(i + 1) % size.lead_officers]
            assignments.append({"officer_id": lead["officer_id"], "enterprise_id": ent["enterprise_id"],
                                "match_method": "协调选派", "start_on": start, "end_on": switch - dt.timedelta(days=1)})
            assignments.append({"officer_id": other["officer_id"], "enterprise_id": ent["enterprise_id"],
                                "match_method": "协调选派", "start_on": switch, "end_on": None})
            lead_of[ent["enterprise_id"]] = other["officer_id"]
        else:
            assignments.append({"officer_id": lead["officer_id"], "enterprise_id": ent["enterprise_id"],
                                "match_method": rng.choice(["双向选择", "协调选派"]), "start_on": start, "end_on": None})
            lead_of[ent["enterprise_id"]] = lead["officer_id"]
        if i in helped if helped is not None else rng.random() < 0.3:
            helper_index = size.lead_officers + rng.randrange(size.helper_officers)
            helper = officers[helper_index]
            end = dt.date(2022, 6, 30) if helper_index in retired else None
            assignments.append({"officer_id": helper["officer_id"], "enterprise_id": ent["enterprise_id"],
                                "match_method": "双向选择", "start_on": start, "end_on": end})
    return assignments, lead_of


def _policies(d: Draw, departments: Rows) -> tuple[Rows, Rows]:
    """The policies and their 办理流程 steps, drawn policy by policy."""
    rng, industries, towns = d.rng, d.industries, d.towns
    policies = []
    steps = []
    for i in range(d.size.policies):
        category = d.policy_categories[i % len(d.policy_categories)]
        topic = rng.choice(TOPICS[category])
        start = day(rng, dt.date(2021, 1, 1), dt.date(2022, 10, 31))
        end = None
        roll = rng.random()
        if roll < 0.1:  # expired before the end of the year
            start = day(rng, dt.date(2021, 1, 1), dt.date(2022, 6, 30))
            end = day(rng, start + dt.timedelta(days=90), dt.date(2022, 11, 30))
        elif roll < 0.5:
            end = dt.date(start.year + 2, 12, 31)
        industry_list = "、".join(rng.sample(industries, 2)) if rng.random() < 0.3 else None
        policy_id = f"P{i + 1:04d}"
        issuer = rng.choice(departments)
        policies.append({
            "policy_id": policy_id,
            "title": f"关于{topic}的若干支持措施（示例{i + 1}）",
            "issuer": issuer["name"], "doc_no": f"定示〔{start.year}〕{i + 1}号",
            "category": category, "industries": industry_list,
            "sizes": "小型、微型" if rng.random() < 0.2 else None,
            "towns": rng.choice(towns) if rng.random() < 0.1 else None,
            "benefit": f"对符合条件的企业给予{topic}支持，最高{rng.randrange(5, 200)}万元。",
            "eligibility": "在定海区依法登记注册、纳税，且近三年无重大违法记录的企业。",
            "materials": "申请表；营业执照复印件；相关证明材料。",
            "effective_from": start, "effective_to": end,
            "online_url": f"https://zwfw.example.gov.cn/apply/{policy_id}",
            "phone": issuer["phone"], "published": "否" if rng.random() < 0.05 else "是",
        })
        steps.extend(_steps(d, policy_id, departments))
    return policies, steps


def _steps(d: Draw, policy_id: str, departments: Rows) -> Rows:
    rng = d.rng
    low, high = d.size.steps_per_policy
    steps = []
    for n in range(1, rng.randint(low, high) + 1):
        dept = rng.choice(departments)
        action = ["提交申请材料", "受理并初审", "现场核查", "专家评审", "公示", "拨付资金"][min(n - 1, 5)]
        steps.append({"policy_id": policy_id, "step": n, "dept_id": dept["dept_id"], "action": action,
                      "materials": "申请表及附件" if n == 1 else None, "days": rng.choice([3, 5, 7, 10, 15])})
    return steps


def _issues(d: Draw, enterprises: Rows, departments: Rows, lead_of: dict[str, str]) -> Rows:
    """The 问题清单: most issues handed to a department, most of those closed within the year."""
    rng = d.rng
    issues = []
    active_leads = {e["enterprise_id"]: lead_of[e["enterprise_id"]] for e in enterprises}
    ent_ids = list(active_leads)
    for i in range(d.size.issues):
        ent_id = rng.choice(ent_ids)
        reported = day(rng, YEAR_START, YEAR_END)
        category = rng.choice(d.categories)
        text = ISSUE_TEXTS[category].format(topic=rng.choice(TOPICS[rng.choice(d.policy_categories)]), n=rng.randint(2, 90))
        row: dict[str, Any] = {
            "issue_id": f"Q{i + 1:06d}", "enterprise_id": ent_id, "officer_id": active_leads[ent_id],
            "category": category, "description": f"{text}（示例{i + 1}）", "reported_on": reported,
            "status": "已挂号", "dept_id": None, "owner": None, "due_on": None, "closed_on": None,
            "resolution": None, "satisfaction": None,
        }
        if (YEAR_END - reported).days > 3 or rng.random() < 0.5:
            row["dept_id"] = rng.choice(departments)["dept_id"]
            row["owner"] = d.person()
            row["due_on"] = reported + dt.timedelta(days=rng.choice([7, 15, 30, 30, 60]))
            needed = int(rng.expovariate(1 / 18)) + 1
            closed = reported + dt.timedelta(days=needed)
            if closed <= YEAR_END and rng.random() < 0.93:
                row.update(status="已销号", closed_on=closed, resolution="已协调解决并回访企业",
                           satisfaction=rng.choices(["满意", "基本满意", "不满意", None], [70, 18, 4, 8])[0])
            else:
                row["status"] = rng.choice(["已交办", "办理中"])
        issues.append(row)
    return issues
