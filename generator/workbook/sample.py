"""A deterministic, obviously fictional workbook ("示例"), for demos, tests and
benchmarks. The same seed gives the same cells.

District scale is modelled on the real programme (14 暖企专员, 27 助企服务员,
about 600 enterprises of which 141 规上, a year of issues in 2022); province
scale is the size the benchmarks ask for.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from faker import Faker
from stdnum.cn import uscc

from ..schema import WorkbookSchema, load_schema


@dataclass(frozen=True)
class Scale:
    lead_officers: int
    helper_officers: int
    enterprises: int
    above_scale: int
    departments: int
    policies: int
    steps_per_policy: tuple[int, int]
    issues: int
    # Exact number of 结对 rows (5% reassigned, the rest with a helper); None: drawn per enterprise.
    assignments: int | None = None
    # Draw people's names from a pool of this many Faker names (Faker costs ~40 µs a name).
    name_pool: int | None = None


SCALES = {
    "district": Scale(14, 27, 600, 141, 15, 60, (2, 6), 1500),
    "province": Scale(700, 1300, 50_000, 11_000, 100, 2_000, (4, 4), 200_000,
                      assignments=55_000, name_pool=5_000),
}

YEAR_START = dt.date(2022, 1, 1)
YEAR_END = dt.date(2022, 12, 31)
MOBILE_PREFIXES = ["135", "137", "138", "139", "158", "159", "186", "188"]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

DEPARTMENT_NAMES = [
    "区发展和改革局", "区经济和信息化局", "区科学技术局", "区财政局", "区人力资源和社会保障局",
    "区自然资源和规划分局", "区生态环境分局", "区住房和城乡建设局", "区交通运输局", "区商务局",
    "区市场监督管理局", "区税务局", "区行政审批服务中心", "区金融服务中心", "区投资促进中心",
]
TOPICS = {
    "降本减负": ["减免房租", "降低用电成本", "社保费返还", "减轻物流成本"],
    "金融服务": ["融资贴息", "融资担保", "应急转贷", "首贷培育"],
    "稳岗用工": ["稳岗返还", "以工代训补贴", "招工补贴", "技能提升"],
    "人才支持": ["人才引进补贴", "人才安居", "高层次人才项目资助", "青年人才见习"],
    "科技创新": ["研发投入补助", "高新技术企业认定奖励", "科技成果转化", "数字化改造"],
    "投资项目": ["技术改造补助", "项目审批提速", "工业用地保障", "重点项目要素保障"],
    "市场开拓": ["参展补贴", "出口信用保险", "品牌建设奖励", "跨境电商扶持"],
    "营商环境": ["容缺受理", "证照联办", "首违不罚", "一件事集成服务"],
    "其他": ["节能改造", "安全生产标准化", "绿色工厂创建", "上市培育"],
}
ISSUE_TEXTS = {
    "政策咨询": "咨询{topic}政策的申报条件",
    "审批办理": "厂房扩建项目{topic}审批进度慢",
    "用工招聘": "旺季一线工人缺口约{n}人",
    "融资信贷": "流动资金贷款{n}0万元到期需续贷",
    "用地用能": "新增生产线用电容量不足",
    "物流供应链": "原材料运输周转不畅",
    "人才引进": "引进技术骨干{n}名的住房保障",
    "法律事务": "合同纠纷需要法律指导",
    "基础设施": "厂区周边道路积水",
    "其他": "希望协调解决{topic}相关事项",
}


def _uscc(rng: random.Random) -> str:
    body = "91330902" + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def _mobile(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def _office(rng: random.Random) -> str:
    return f"0580-{rng.randrange(2000000, 2099999)}"


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def generate(scale: str = "district", seed: int = 2022, schema: WorkbookSchema | None = None) -> dict[str, list[dict[str, Any]]]:
    """Rows per sheet (by sheet key), keyed by field name."""
    schema = schema or load_schema()
    size = SCALES[scale]
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    towns = list(schema.enums["towns"])
    industries = list(schema.enums["industries"])
    sizes = list(schema.enums["sizes"])
    categories = list(schema.enums["issue_categories"])
    policy_categories = list(schema.enums["policy_categories"])
    person: Callable[[], str] = fake.name
    if size.name_pool:
        person = functools.partial(rng.choice, [fake.name() for _ in range(size.name_pool)])

    departments = []
    for i in range(size.departments):
        base = DEPARTMENT_NAMES[i % len(DEPARTMENT_NAMES)]
        name = base if i < len(DEPARTMENT_NAMES) else f"{base}第{i // len(DEPARTMENT_NAMES) + 1}分局"
        departments.append({
            "dept_id": f"D{i + 1:03d}", "name": f"{name}（示例）", "phone": _office(rng),
            "address": f"示例市定海区{fake.street_name()}{rng.randrange(1, 300)}号",
            "website": f"https://dept{i + 1}.example.gov.cn/",
        })

    enterprises = []
    above = set(rng.sample(range(size.enterprises), size.above_scale))
    for i in range(size.enterprises):
        is_above = i in above
        enterprises.append({
            "enterprise_id": f"E{i + 1:05d}", "uscc": _uscc(rng),
            "name": f"示例{fake.company_prefix()}{i + 1}号{rng.choice(['科技', '实业', '海洋', '机械', '食品', '船舶'])}有限公司",
            "industry": rng.choice(industries),
            "size": rng.choice(sizes[:2] if is_above else sizes[1:]),
            "above_scale": "是" if is_above else "否", "town": rng.choice(towns),
            "contact_name": person(), "contact_phone": _mobile(rng),
            "publish_name": "是" if rng.random() < 0.3 else "否",
        })

    officers = []
    n_officers = size.lead_officers + size.helper_officers
    for i in range(n_officers):
        is_lead = i < size.lead_officers
        officers.append({
            "officer_id": f"O{i + 1:04d}", "name": person(),
            "role": "暖企专员" if is_lead else "助企服务员",
            "home_unit": rng.choice(departments)["name"],
            "former_post": rng.choice(["副局长", "科长", "副主任", "调研员"]),
            "office_phone": _office(rng), "mobile": _mobile(rng),
            "email": f"officer{i + 1}@example.gov.cn",
            "towns": "、".join(sorted(rng.sample(towns, rng.randint(1, 3)), key=towns.index)),
            "active": "是",
        })
    # A few officers left their post during the year; their pairings ended then.
    retired = set(rng.sample(range(size.lead_officers, n_officers), max(1, size.helper_officers // 15)))
    for i in retired:
        officers[i]["active"] = "否"

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
        start = _day(rng, YEAR_START, dt.date(2022, 2, 28))
        if i in reassigned if reassigned is not None else rng.random() < 0.05:
            # reassigned mid-year: two rows that do not overlap
            switch = _day(rng, dt.date(2022, 5, 1), dt.date(2022, 9, 30))
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

    policies = []
    steps = []
    for i in range(size.policies):
        category = policy_categories[i % len(policy_categories)]
        topic = rng.choice(TOPICS[category])
        start = _day(rng, dt.date(2021, 1, 1), dt.date(2022, 10, 31))
        end = None
        roll = rng.random()
        if roll < 0.1:  # expired before the end of the year
            start = _day(rng, dt.date(2021, 1, 1), dt.date(2022, 6, 30))
            end = _day(rng, start + dt.timedelta(days=90), dt.date(2022, 11, 30))
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
        low, high = size.steps_per_policy
        for n in range(1, rng.randint(low, high) + 1):
            dept = rng.choice(departments)
            action = ["提交申请材料", "受理并初审", "现场核查", "专家评审", "公示", "拨付资金"][min(n - 1, 5)]
            steps.append({"policy_id": policy_id, "step": n, "dept_id": dept["dept_id"], "action": action,
                          "materials": "申请表及附件" if n == 1 else None, "days": rng.choice([3, 5, 7, 10, 15])})

    issues = []
    active_leads = {e["enterprise_id"]: lead_of[e["enterprise_id"]] for e in enterprises}
    ent_ids = list(active_leads)
    for i in range(size.issues):
        ent_id = rng.choice(ent_ids)
        reported = _day(rng, YEAR_START, YEAR_END)
        category = rng.choice(categories)
        text = ISSUE_TEXTS[category].format(topic=rng.choice(TOPICS[rng.choice(policy_categories)]), n=rng.randint(2, 90))
        row: dict[str, Any] = {
            "issue_id": f"Q{i + 1:06d}", "enterprise_id": ent_id, "officer_id": active_leads[ent_id],
            "category": category, "description": f"{text}（示例{i + 1}）", "reported_on": reported,
            "status": "已挂号", "dept_id": None, "owner": None, "due_on": None, "closed_on": None,
            "resolution": None, "satisfaction": None,
        }
        if (YEAR_END - reported).days > 3 or rng.random() < 0.5:
            row["dept_id"] = rng.choice(departments)["dept_id"]
            row["owner"] = person()
            row["due_on"] = reported + dt.timedelta(days=rng.choice([7, 15, 30, 30, 60]))
            needed = int(rng.expovariate(1 / 18)) + 1
            closed = reported + dt.timedelta(days=needed)
            if closed <= YEAR_END and rng.random() < 0.93:
                row.update(status="已销号", closed_on=closed, resolution="已协调解决并回访企业",
                           satisfaction=rng.choices(["满意", "基本满意", "不满意", None], [70, 18, 4, 8])[0])
            else:
                row["status"] = rng.choice(["已交办", "办理中"])
        issues.append(row)
    return {
        "departments": departments, "enterprises": enterprises, "officers": officers,
        "assignments": assignments, "issues": issues, "policies": policies, "policy_steps": steps,
        **optional_ledgers(scale, seed, schema, departments, enterprises),
    }


# The optional ledgers (容错纠错, 重点项目, 项目进度): projects per level
# (省重点, 市重点, 区重点) and leniency cases at each scale.
LEDGER_SCALES = {"district": ((6, 12, 24), 80), "province": ((60, 240, 600), 4_000)}
LENIENCY_TEXTS = {
    "安全生产": ["未按规定设置安全警示标志", "安全生产教育培训记录不全", "特种作业人员证件未及时复审"],
    "生态环境": ["危险废物贮存场所标识不规范", "环保设施运行台账不完整", "排污许可登记信息未及时变更"],
    "市场监管": ["广告用语不规范", "营业执照未在显著位置悬挂", "计量器具未按期检定"],
    "消防": ["灭火器超过检验期限", "疏散指示标志损坏", "消防通道临时堆放物品"],
}
# 其他 is rare, so that the public figures show a suppressed cell.
LENIENCY_FIELD_WEIGHTS = {"安全生产": 35, "生态环境": 20, "市场监管": 30, "消防": 12, "其他": 3}
PROJECT_WORDS = ["新材料产业园", "高端装备制造基地", "海洋电子信息产业园", "冷链物流中心", "船舶修造基地",
                 "水产精深加工园", "海洋生物医药中试基地", "大宗商品储运基地", "文旅综合体", "智能制造工厂"]
PROGRESS_NOTES = ["前期手续办理中", "场地平整完成", "桩基施工中", "主体结构施工中", "主体结构封顶",
                  "设备安装调试中", "室外配套施工中", "部分投产"]
BLOCKERS = ["施工用电待接入", "用地指标待落实", "环评批复待出具", "资金到位偏慢", "施工用工紧张", "临时用海手续待办"]


def optional_ledgers(
    scale: str, seed: int, schema: WorkbookSchema,
    departments: list[dict[str, Any]], enterprises: list[dict[str, Any]],
) -> dict[str, list[dict[str, Any]]]:
    """Rows of the optional sheets the schema declares; their own random stream,
    so the other sheets do not change when these do."""
    names = {s.name for s in schema.sheets}
    rng = random.Random(f"{seed}-ledgers")
    per_level, n_cases = LEDGER_SCALES[scale]
    out: dict[str, list[dict[str, Any]]] = {}
    if "leniency_cases" in names:
        fields = list(schema.sheet("leniency_cases").field("field").enum or ())
        weights = [LENIENCY_FIELD_WEIGHTS.get(f, 3) for f in fields]
        cases = []
        for i in range(n_cases):
            field_name = rng.choices(fields, weights)[0]
            found = _day(rng, YEAR_START, dt.date(2022, 12, 20))
            due = found + dt.timedelta(days=rng.choice([7, 10, 15, 30]))
            row: dict[str, Any] = {
                "case_id": f"L{i + 1:05d}", "enterprise_id": rng.choice(enterprises)["enterprise_id"],
                "dept_id": rng.choice(departments)["dept_id"], "field": field_name,
                "description": f"{rng.choice(LENIENCY_TEXTS.get(field_name, ['其他轻微违法情形']))}（示例{i + 1}）",
                "found_on": found, "first_offence": "是", "minor": "是", "fix_due_on": due,
                "checked_on": None, "revisit_on": None, "outcome": "整改中",
            }
            checked = max(due + dt.timedelta(days=rng.randint(-5, 3)), found)
            # Most cases are checked on time; a few recent ones are late or still due.
            if checked <= YEAR_END and (checked < dt.date(2022, 11, 20) or rng.random() < 0.7) and rng.random() < 0.98:
                row["checked_on"] = checked
                row["outcome"] = "已整改" if rng.random() < 0.97 else "未整改转立案"
                revisit = checked + dt.timedelta(days=rng.randint(20, 40))
                if row["outcome"] == "已整改" and revisit <= YEAR_END and rng.random() < 0.85:
                    row["revisit_on"] = revisit
            cases.append(row)
        out["leniency_cases"] = cases
    if "key_projects" in names and "project_reports" in names:
        levels = list(schema.sheet("key_projects").field("level").enum or ())
        industries = list(schema.enums["industries"])
        projects, reports = [], []
        number = 0
        for level, count in zip(levels, per_level, strict=False):
            for _ in range(count):
                number += 1
                total = round(rng.uniform(1, 60) if level == levels[0] else rng.uniform(0.5, 15), 2)
                plan = round(total * rng.uniform(0.15, 0.4), 2)
                start = _day(rng, dt.date(2021, 6, 1), dt.date(2022, 6, 30))
                project_id = f"XM{number:04d}"
                projects.append({
                    "project_id": project_id,
                    "name": f"示例{rng.choice(PROJECT_WORDS)}{number}号项目",
                    "level": level, "sector": rng.choice(industries), "total_investment": total,
                    "annual_plan": plan, "lead": f"示例领导{number % 17 + 1}",
                    "taskforce": f"{project_id}项目推进专班" if rng.random() < 0.6 else None, "start_on": start,
                })
                friday = dt.date(2022, 1, 7)
                silent_at_end = rng.random() < 0.1  # no report in the last week
                note = 0
                while friday <= YEAR_END:
                    last_week = friday + dt.timedelta(days=7) > YEAR_END
                    if friday >= start and rng.random() < 0.93 and not (last_week and silent_at_end):
                        note = min(note + (1 if rng.random() < 0.15 else 0), len(PROGRESS_NOTES) - 1)
                        week = friday.isocalendar()[1]
                        reports.append({
                            "project_id": project_id, "report_on": friday - dt.timedelta(days=rng.choice([0, 0, 1, 2])),
                            "invested": round(plan / 50 * rng.uniform(0.4, 2.2), 2),
                            "progress_note": PROGRESS_NOTES[note],
                            "blockers": f"{rng.choice(BLOCKERS)}（示例{project_id}第{week}周）" if rng.random() < 0.15 else None,
                        })
                    friday += dt.timedelta(days=7)
        out["key_projects"] = projects
        out["project_reports"] = reports
    return out


def grow_policies(rows: dict[str, list[dict[str, Any]]], n: int) -> None:
    """Copies of the policies (and their steps) under new IDs, up to ``n`` (for size tests)."""
    originals = list(rows["policies"])
    steps: dict[str, list[dict[str, Any]]] = {}
    for s in rows["policy_steps"]:
        steps.setdefault(s["policy_id"], []).append(s)
    i = len(originals)
    while len(rows["policies"]) < n:
        source = originals[i % len(originals)]
        i += 1
        pid = f"P{i:04d}"
        rows["policies"].append({**source, "policy_id": pid, "title": f"{source['title']}（副本{i}）",
                                 "online_url": f"https://zwfw.example.gov.cn/apply/{pid}"})
        rows["policy_steps"].extend({**s, "policy_id": pid} for s in steps[source["policy_id"]])


def _cells(rows: list[dict[str, Any]], keys: list[str]) -> Iterator[list[Any]]:
    for row in rows:
        yield [row.get(k) for k in keys]


def write_sample(out: Path, scale: str = "district", seed: int = 2022, *, overwrite: bool = True) -> dict[str, int]:
    """Write the workbook (xlsx); returns the row count of each sheet by its title.
    An existing file (perhaps the staff's own workbook) is kept unless ``overwrite``
    (the command line passes ``--force``).

    XlsxWriter in constant-memory mode streams rows to disk: the province
    workbook takes about a third of the time openpyxl's write-only mode took.
    """
    if not overwrite and (out.exists() or out.is_symlink()):
        from ..errors import NuanqiError
        from ..i18n import _

        raise NuanqiError(
            _("{path} already exists and was left as it is; name a new file, or add --force to replace it.").format(path=out)
        )
    schema = load_schema()
    return write_rows(out, generate(scale, seed, schema), schema)


def write_rows(out: Path, data: dict[str, list[dict[str, Any]]], schema: WorkbookSchema) -> dict[str, int]:
    """Rows per sheet key as an xlsx, headers the sheets' Chinese titles; the row count of each sheet."""
    out.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_numbers": False,
                                          "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"created": dt.datetime(2022, 12, 31, 0, 0, 0)})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    counts: dict[str, int] = {}
    for sheet in schema.sheets:
        if sheet.name not in data:
            continue
        ws = book.add_worksheet(sheet.title)
        keys = [f.name for f in sheet.fields]
        for c, f in enumerate(sheet.fields):
            ws.write_string(0, c, f.title)  # a string, never a formula (as every text cell below)
        for r, cells in enumerate(_cells(data[sheet.name], keys), start=1):
            for c, value in enumerate(cells):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, value, date_format)
                elif isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write_number(r, c, value)
        counts[sheet.title] = len(data[sheet.name])
    book.close()
    return counts
