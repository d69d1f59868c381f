"""The sizes (district, province), the fictional vocabulary and the small random
draws (USCC, phone numbers, days) the sample's sheets are made of."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from stdnum.cn import uscc


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


def uscc_code(rng: random.Random) -> str:
    body = "91330902" + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def mobile(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def office(rng: random.Random) -> str:
    return f"0580-{rng.randrange(2000000, 2099999)}"


def day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))
