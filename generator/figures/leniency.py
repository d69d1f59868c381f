"""容错纠错 figures: public counts by field under the threshold rule, and the
internal follow-up list (checks and return visits that are due or late).

Public: cases found (发现日期 on or before the as-of date), cases rectified
(结果 已整改 with a 核查日期 on or before it), the rectification rate, by 领域.
A count drawing on fewer than k distinct enterprises is suppressed (``<k``),
zero stays zero, and enough other cells of the same column are suppressed that
none can be recomputed from the total (``suppression.protect_column``). A rate
is withheld when either of its counts is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..model import LeniencyCase, Programme
from .ledger import rate
from .suppression import DEFAULT_K, Cell, protect_column, shown

RECTIFIED = "已整改"
OPEN = "整改中"
# A rectified case is visited again within this many days of its check,
# unless a 回访日期 later than the check is already set.
REVISIT_WITHIN_DAYS = 30
# "Due" means due within this many days from the as-of date.
DUE_WINDOW_DAYS = 7


@dataclass(frozen=True)
class LeniencyRow:
    label: str
    found: int | str
    rectified: int | str
    rate: float | None
    rate_withheld: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "label": self.label, "cases_found": self.found, "cases_rectified": self.rectified,
            "rectification_rate": None if self.rate_withheld else self.rate,
        }


@dataclass(frozen=True)
class LeniencyFigures:
    as_of: dt.date
    k: int
    total: LeniencyRow
    by_field: tuple[LeniencyRow, ...]
    withheld: bool  # the by-field table cannot be published safely

    def as_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(), "k": self.k, "total": self.total.as_dict(),
            "by_field": None if self.withheld else [r.as_dict() for r in self.by_field],
        }


def _found(cases: Iterable[LeniencyCase], day: dt.date) -> list[LeniencyCase]:
    return [c for c in cases if c.found_on <= day]


def _rectified(cases: Iterable[LeniencyCase], day: dt.date) -> list[LeniencyCase]:
    return [c for c in cases if c.outcome == RECTIFIED and c.checked_on is not None and c.checked_on <= day]


def _cell(cases: list[LeniencyCase]) -> Cell:
    return Cell(count=len(cases), enterprises=len({c.enterprise_id for c in cases}))


def leniency_figures(
    programme: Programme, fields: Sequence[str], k: int = DEFAULT_K,
) -> LeniencyFigures:
    """The public figures as of the programme's as-of date, by field in ``fields`` order."""
    day = programme.as_of
    cases = _found(programme.leniency_cases, day)
    labels = list(fields) + sorted({c.field for c in cases} - set(fields))
    found = {f: _cell([c for c in cases if c.field == f]) for f in labels}
    fixed = {f: _cell(_rectified([c for c in cases if c.field == f], day)) for f in labels}
    ok = protect_column(found, k) and protect_column(fixed, k)
    total_found, total_fixed = _cell(cases), _cell(_rectified(cases, day))
    for cell in (total_found, total_fixed):
        cell.suppressed = 0 < cell.count and cell.enterprises < k
    if total_found.suppressed or total_fixed.suppressed:
        ok = False  # the column totals are what the secondary rule leans on

    def row(label: str, a: Cell, b: Cell) -> LeniencyRow:
        withheld = a.suppressed or b.suppressed
        return LeniencyRow(label, shown(a, k), shown(b, k), rate(b.count, a.count), withheld)

    return LeniencyFigures(
        as_of=day, k=k,
        total=row("合计", total_found, total_fixed),
        by_field=tuple(row(f, found[f], fixed[f]) for f in labels),
        withheld=not ok,
    )


@dataclass(frozen=True)
class FollowUp:
    """A check (核查) or return visit (回访) of one case that is due or late."""

    kind: str  # "核查" or "回访"
    case: LeniencyCase
    due_on: dt.date
    days_late: int  # > 0 late, 0 due today, < 0 due in that many days

    @property
    def late(self) -> bool:
        return self.days_late > 0


def follow_ups(
    programme: Programme, window: int = DUE_WINDOW_DAYS, revisit_within: int = REVISIT_WITHIN_DAYS,
) -> list[FollowUp]:
    """Checks of cases still being corrected whose 承诺整改期限 is past or within
    ``window`` days, and return visits of rectified cases not yet visited whose
    date (the 回访日期 set ahead, else 核查日期 + ``revisit_within`` days) is past
    or near; latest first."""
    day = programme.as_of
    horizon = day + dt.timedelta(days=window)
    out: list[FollowUp] = []
    for case in programme.leniency_cases:
        if case.found_on > day:
            continue
        if case.outcome == OPEN and (case.checked_on is None or case.checked_on > day):
            due = case.fix_due_on
            if due <= horizon:
                out.append(FollowUp("核查", case, due, (day - due).days))
        elif case.outcome == RECTIFIED and case.checked_on is not None and case.checked_on <= day:
            if case.revisit_on is not None and case.revisit_on <= day:
                continue
            due = case.revisit_on or case.checked_on + dt.timedelta(days=revisit_within)
            if due <= horizon:
                out.append(FollowUp("回访", case, due, (day - due).days))
    return sorted(out, key=lambda f: (-f.days_late, f.kind, f.case.case_id))
