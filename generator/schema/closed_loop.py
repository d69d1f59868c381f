"""The closed loop's settings (workbook.yaml ``closedLoop``): how soon an issue
must be assigned, when an unhappy enterprise is due a return visit, from how
many issues a department's rate is shown, and when an overdue issue is
escalated. Checked when the schema loads."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..i18n import _
from .settings import settings_of

# workbook.yaml key -> field, and the least value each may take.
_KEYS = {
    "assignWithinDays": ("assign_within_days", 0),
    "revisitWithinDays": ("revisit_within_days", 1),
    "departmentMinimum": ("department_minimum", 1),
    "escalateOverdueDays": ("escalate_overdue_days", 1),
    "escalateChasedTimes": ("escalate_chased_times", 1),
}


@dataclass(frozen=True)
class ClosedLoop:
    # 及时交办: 交办日期 at most this many days after 反映日期.
    assign_within_days: int = 2
    # An issue rated 不满意 without a 回访 this many days after 销号 is warned.
    revisit_within_days: int = 7
    # A department's rates are shown (and it is ranked) from this many issues.
    department_minimum: int = 5
    # 督办 levels: overdue by more than this many days, or chased more than this many times.
    escalate_overdue_days: int = 15
    escalate_chased_times: int = 2


def load_closed_loop(raw: Any, where: Path) -> ClosedLoop:
    raw = settings_of(raw, "closedLoop", _KEYS, where)
    values: dict[str, int] = {}
    for key, (name, least) in _KEYS.items():
        if key not in raw:
            continue
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= 3650:
            raise ConfigError(_("{path}: closedLoop.{key} must be a whole number from {least} to 3650, not {value!r}").format(
                path=where, key=key, least=least, value=value))
        values[name] = value
    assert {f.name for f in fields(ClosedLoop)} >= set(values)
    return ClosedLoop(**values)

