"""The dominance rule for published money figures (workbook.yaml ``dominance``):
when one or a few enterprises hold so much of a sum (a 兑付 total, say) that
publishing it would tell the others roughly what they were paid. Checked when
the schema loads; applied by generator/figures/dominance.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..i18n import _
from .settings import settings_of

RULES = ("p_percent", "nk")
_KEYS = ("rule", "p", "n", "k")


@dataclass(frozen=True)
class Dominance:
    # p_percent: a sum is sensitive when the others than its two largest contributors
    # add up to less than p % of the largest (the second largest, knowing its own
    # amount, could then estimate the largest to within p %).
    # nk: a sum is sensitive when its n largest contributors hold more than k % of it.
    rule: str = "p_percent"
    p: float = 10.0
    n: int = 2
    k: float = 85.0


def _number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float)


def load_dominance(raw: Any, where: Path) -> Dominance:
    raw = settings_of(raw, "dominance", _KEYS, where)
    rule = raw.get("rule", Dominance.rule)
    if rule not in RULES:
        raise ConfigError(_("{path}: dominance.rule must be p_percent or nk, not {value!r}").format(
            path=where, value=rule))
    p = raw.get("p", Dominance.p)
    if not _number(p) or not 0 < p < 100:
        raise ConfigError(_("{path}: dominance.p must be a number greater than 0 and less than 100, not {value!r}").format(
            path=where, value=p))
    n = raw.get("n", Dominance.n)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ConfigError(_("{path}: dominance.n must be a whole number of at least 1, not {value!r}").format(
            path=where, value=n))
    k = raw.get("k", Dominance.k)
    if not _number(k) or not 0 < k < 100:  # k = 100: nothing is ever dominated, and a cell of one enterprise would need no protection
        raise ConfigError(_("{path}: dominance.k must be a number greater than 0 and less than 100, not {value!r}").format(
            path=where, value=k))
    return Dominance(rule=str(rule), p=float(p), n=n, k=float(k))
