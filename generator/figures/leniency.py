"""容错纠错 figures: public counts by field under the threshold rule, and the
internal follow-up list (checks and return visits that are due or late).

Public: cases found (发现日期 on or before the as-of date), cases rectified
(outcome in the role ``rectified`` of ``schema.roles["leniency_outcome"]``, with
a 核查日期 on or before it), the rectification rate, by 领域.
A count drawing on fewer than k distinct enterprises is suppressed (the neutral mark ``*``),
zero stays zero, and enough other cells of the same column are suppressed that
none can be recomputed from the total (``suppression.protect_column``). A rate
is withheld when either of its counts is.

No label is written here: the total row has no label (render names it), and
a follow-up's kind is a ``FollowUpKind``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from ..model import LeniencyCase, Programme
from ..schema import EnumRole
from .ledger import rate
from .suppression import DEFAULT_K, Cell, protect_column, shown

# A rectified case is visited again within this many days of its check,
# unless a 回访日期 later than the check is already set.
REVISIT_WITHIN_DAYS = 30
# "Due" means due within this many days from the as-of date.
DUE_WINDOW_DAYS = 7


@dataclass(frozen=True)
class LeniencyRow:
    label: str | None  # the 领域; None for the total of all of them
    found: int | str
    rectified: int | str
    rate: Fraction | None
    rate_withheld: bool

    def as_dict(self, total_label: str) -> dict[str, object]:
        def value(v: int | str) -> int | None:
            return None if isinstance(v, str) else v

        def status(v: object) -> str:  # SDMX CL_CONF_STATUS: F free, C confidential (primary or secondary alike)
            return "C" if isinstance(v, str) or v is None and self.rate_withheld else "F"

        rate = None if self.rate_withheld or self.rate is None else float(self.rate)
        return {
            "label": total_label if self.label is None else self.label,
            "cases_found": value(self.found), "cases_rectified": value(self.rectified), "rectification_rate": rate,
            "conf_status": {"cases_found": status(self.found), "cases_rectified": status(self.rectified),
                            "rectification_rate": "C" if self.rate_withheld else "F"},
        }


@dataclass(frozen=True)
class LeniencyFigures:
    as_of: dt.date
    k: int
    total: LeniencyRow
    by_field: tuple[LeniencyRow, ...]
    withheld: bool  # the by-field table cannot be published safely

    def as_dict(self, total_label: str) -> dict[str, object]:
        """The open data file; ``total_label`` names the total row."""
        return {
            "as_of": self.as_of.isoformat(), "k": self.k, "total": self.total.as_dict(total_label),
            "by_field": None if self.withheld else [r.as_dict(total_label) for r in self.by_field],
        }


def _found(cases: Iterable[LeniencyCase], day: dt.date) -> list[LeniencyCase]:
    return [c for c in cases if c.found_on <= day]


def _rectified(cases: Iterable[LeniencyCase], day: dt.date, rectified: str) -> list[LeniencyCase]:
    return [c for c in cases if c.outcome == rectified and c.checked_on is not None and c.checked_on <= day]


def _cell(cases: list[LeniencyCase]) -> Cell:
    return Cell(count=len(cases), enterprises=len({c.enterprise_id for c in cases}))


def leniency_figures(
    programme: Programme, fields: Sequence[str], outcomes: EnumRole, k: int = DEFAULT_K,
) -> LeniencyFigures:
    """The public figures as of the programme's as-of date, by field in ``fields``
    order; ``outcomes``: the roles of the 结果 values (schema.roles["leniency_outcome"])."""
    day = programme.as_of
    rectified = outcomes["rectified"]
    cases = _found(programme.leniency_cases, day)
    labels = list(fields) + sorted({c.field for c in cases} - set(fields))
    found = {f: _cell([c for c in cases if c.field == f]) for f in labels}
    fixed = {f: _cell(_rectified([c for c in cases if c.field == f], day, rectified)) for f in labels}
    ok = protect_column(found, k) and protect_column(fixed, k)
    total_found, total_fixed = _cell(cases), _cell(_rectified(cases, day, rectified))
    for cell in (total_found, total_fixed):
        cell.suppressed = 0 < cell.count and cell.enterprises < k
    if total_found.suppressed or total_fixed.suppressed:
        ok = False  # the column totals are what the secondary rule leans on

    def row(label: str | None, a: Cell, b: Cell) -> LeniencyRow:
        withheld = a.suppressed or b.suppressed
        return LeniencyRow(label, shown(a, k), shown(b, k), rate(b.count, a.count), withheld)

    return LeniencyFigures(
        as_of=day, k=k,
        total=row(None, total_found, total_fixed),
        by_field=tuple(row(f, found[f], fixed[f]) for f in labels),
        withheld=not ok,
    )


class FollowUpKind(Enum):
    CHECK = "check"  # 核查: is a case still being corrected fixed by its deadline?
    VISIT = "visit"  # 回访: a return visit after a rectified case's check


# On the same day, return visits before checks (the order the list has always had).
_KIND_ORDER = {FollowUpKind.VISIT: 0, FollowUpKind.CHECK: 1}


@dataclass(frozen=True)
class FollowUp:
    """A check or return visit of one case that is due or late."""

    kind: FollowUpKind
    case: LeniencyCase
    due_on: dt.date
    days_late: int  # > 0 late, 0 due today, < 0 due in that many days

    @property
    def late(self) -> bool:
        return self.days_late > 0


def follow_ups(
    programme: Programme, outcomes: EnumRole, window: int = DUE_WINDOW_DAYS, revisit_within: int = REVISIT_WITHIN_DAYS,
) -> list[FollowUp]:
    """Checks of cases still being corrected whose 承诺整改期限 is past or within
    ``window`` days, and return visits of rectified cases not yet visited whose
    date (the 回访日期 set ahead, else 核查日期 + ``revisit_within`` days) is past
    or near; latest first. ``outcomes``: schema.roles["leniency_outcome"]."""
    day = programme.as_of
    still_open, rectified = outcomes["open"], outcomes["rectified"]
    horizon = day + dt.timedelta(days=window)
    out: list[FollowUp] = []
    for case in programme.leniency_cases:
        if case.found_on > day:
            continue
        if case.outcome == still_open and (case.checked_on is None or case.checked_on > day):
            due = case.fix_due_on
            if due <= horizon:
                out.append(FollowUp(FollowUpKind.CHECK, case, due, (day - due).days))
        elif case.outcome == rectified and case.checked_on is not None and case.checked_on <= day:
            if case.revisit_on is not None and case.revisit_on <= day:
                continue
            due = case.revisit_on or case.checked_on + dt.timedelta(days=revisit_within)
            if due <= horizon:
                out.append(FollowUp(FollowUpKind.VISIT, case, due, (day - due).days))
    return sorted(out, key=lambda f: (-f.days_late, _KIND_ORDER[f.kind], f.case.case_id))
