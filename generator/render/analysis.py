"""The sentences at the top of a weekly or monthly report: what changed against
the period before, computed from the published figures only (never a withheld
cell; the tables by category only when the page publishes them). The changes
are differences of the numbers as printed, so that a reader can check them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..figures.document import PeriodDocument
from .labels import period_label

# (this period, the one before, its end) by kind.
WORDS = {"week": ("本周", "上周", "周末"), "month": ("本月", "上月", "月末")}


def _int(values: Mapping[str, Any], key: str) -> int | None:
    value = values.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _count_change(now: int, before: int) -> str:
    if now == before:
        return "持平"
    more = "多" if now > before else "少"
    share = f"（{'+' if now > before else '−'}{abs(now - before) / before * 100:.1f}%）" if before else ""
    return f"{more} {abs(now - before)} 件{share}"


def _rate_change(now: float, before: float, last: str) -> str:
    diff = round(now - before, 1)
    if diff == 0:
        return f"与{last}末持平"
    return f"比{last}末{'提高' if diff > 0 else '下降'} {abs(diff):.1f} 个百分点"


def _counts(doc: PeriodDocument, before: PeriodDocument | None, this: str, last: str, end: str) -> list[str]:
    f = doc.figures
    new, closed, open_, overdue = (_int(f, k) for k in ("issues_new", "issues_closed", "issues_open", "issues_overdue"))
    if new is None or closed is None or open_ is None:
        return []
    text = [f"{this}新增问题 {new} 件，销号 {closed} 件；{end}在办 {open_} 件"
            + (f"，其中超期未办结 {overdue} 件。" if overdue is not None else "。")]
    if before is not None:
        b_new, b_closed, b_open = (_int(before.figures, k) for k in ("issues_new", "issues_closed", "issues_open"))
        if b_new is not None and b_closed is not None and b_open is not None:
            text.append(f"与{last}（{period_label(before.period)}）比，新增{_count_change(new, b_new)}，"
                        f"销号{_count_change(closed, b_closed)}，在办{_count_change(open_, b_open)}。")
    return text


RATE_SENTENCES = (("closure_rate", "累计销号率"), ("on_time_rate", "按期办结率"), ("resolution_rate", "问题化解率"),
                  ("satisfied_or_basic_rate", "满意及基本满意率"))


def _rates(doc: PeriodDocument, before: PeriodDocument | None, last: str, end: str) -> list[str]:
    """The rates to the period's end, each with its change since the end of the period before."""
    parts = []
    for key, label in RATE_SENTENCES:
        now = doc.figures.get(key)
        if not isinstance(now, int | float):
            continue
        then = before.figures.get(key) if before is not None else None
        change = f"（{_rate_change(float(now), float(then), last)}）" if isinstance(then, int | float) else ""
        parts.append(f"{label} {float(now):.1f}%{change}")
    return [f"截至{end}，" + "，".join(parts) + "。"] if parts else []


def _categories(doc: PeriodDocument, before: PeriodDocument | None, this: str, last: str) -> list[str]:
    table = doc.tables.get("category")
    if table is None or table.withheld:
        return []
    counts = {str(r["category"]): n for r in table.rows if (n := _int(r, "issues_new")) is not None}
    if not counts or max(counts.values()) == 0:
        return []
    top = max(counts, key=lambda c: counts[c])
    text = f"{this}新增问题最多的类别是“{top}”（{counts[top]} 件）"
    old = before.tables.get("category") if before is not None else None
    if old is not None and not old.withheld:
        was = {str(r["category"]): n for r in old.rows if (n := _int(r, "issues_new")) is not None}
        rises = sorted(((counts[c] - was[c], c) for c in counts if c in was), key=lambda x: -x[0])
        if rises and rises[0][0] > 0:
            text += f"；比{last}增加最多的是“{rises[0][1]}”（多 {rises[0][0]} 件）"
    return [text + "。"]


def period_sentences(doc: PeriodDocument, before: PeriodDocument | None) -> list[str]:
    """What the period's page says in words (``before``: the period before it, of the same kind)."""
    this, last, end = WORDS[doc.period.kind]
    return _counts(doc, before, this, last, end) + _rates(doc, before, last, end) + _categories(doc, before, this, last)

