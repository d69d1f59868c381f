"""The figures of one period, by the definitions of site.md.

A period ends on day E; figures "to date" count from the first issue up to E.
Rates are exact fractions of two counts here (None when the denominator is 0);
``rounding.percent`` makes the published value.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from statistics import median

from ..model import Issue, Programme
from ..schema import EnumRole
from .rounding import ratio


def percentile(values: list[int], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..1): a value that occurs in the data."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return float(ordered[rank - 1])


def rate(part: int, whole: int) -> Fraction | None:
    return ratio(part, whole)


@dataclass
class Figures:
    start: dt.date | None
    end: dt.date
    issues_new: int
    issues_closed: int
    issues_received_total: int
    issues_closed_total: int
    issues_open: int
    issues_overdue: int
    closure_rate: Fraction | None
    on_time_rate: Fraction | None
    median_days_to_close: float | None
    p90_days_to_close: float | None
    satisfaction: dict[str, Fraction | None] = field(default_factory=dict)  # by value of the enumeration
    satisfaction_count: int = 0
    # The same shares by role (satisfied, basic, dissatisfied): what pages name.
    satisfaction_by_role: dict[str, Fraction | None] = field(default_factory=dict)
    # 满意及基本满意率: rated 满意 or 基本满意, of all rated (exact, not the sum of two rounded shares).
    satisfied_or_basic_rate: Fraction | None = None

    @property
    def satisfied_rate(self) -> Fraction | None:
        """满意率: rated 满意 (the role ``satisfied``) only, of all rated."""
        return self.satisfaction_by_role.get("satisfied")

    def as_dict(self) -> dict[str, object]:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat(),
            "issues_new": self.issues_new,
            "issues_closed": self.issues_closed,
            "issues_received_total": self.issues_received_total,
            "issues_closed_total": self.issues_closed_total,
            "issues_open": self.issues_open,
            "issues_overdue": self.issues_overdue,
            "closure_rate": None if self.closure_rate is None else float(self.closure_rate),
            "on_time_rate": None if self.on_time_rate is None else float(self.on_time_rate),
            "median_days_to_close": self.median_days_to_close,
            "p90_days_to_close": self.p90_days_to_close,
            "satisfaction": {k: None if v is None else float(v) for k, v in self.satisfaction.items()},
            "satisfaction_count": self.satisfaction_count,
        }


def period_figures(
    issues: Iterable[Issue], start: dt.date | None, end: dt.date, satisfaction: EnumRole,
) -> Figures:
    """Figures for the period start..end (both included); start None = from the first issue.
    ``satisfaction``: the schema's role of the ratings (workbook.yaml ``roles.satisfaction``),
    counted in the order of their list."""
    issues = list(issues)
    role, levels = satisfaction, satisfaction.ordered

    def in_period(day: dt.date | None) -> bool:
        return day is not None and (start is None or start <= day) and day <= end

    received = [i for i in issues if i.reported_on <= end]
    closed = [i for i in received if i.closed_by(end)]
    with_due = [i for i in closed if i.due_on is not None]
    on_time = [i for i in with_due if i.on_time()]
    days = [d for i in closed if (d := i.days_to_close()) is not None]
    rated = [i for i in closed if i.satisfaction]
    return Figures(
        start=start,
        end=end,
        issues_new=sum(1 for i in issues if in_period(i.reported_on)),
        issues_closed=sum(1 for i in issues if in_period(i.closed_on)),
        issues_received_total=len(received),
        issues_closed_total=len(closed),
        issues_open=sum(1 for i in received if i.open_at(end)),
        issues_overdue=sum(1 for i in received if i.overdue_at(end)),
        closure_rate=rate(len(closed), len(received)),
        on_time_rate=rate(len(on_time), len(with_due)),
        median_days_to_close=float(median(days)) if days else None,
        p90_days_to_close=percentile(days, 0.9),
        satisfaction={
            level: rate(sum(1 for i in rated if i.satisfaction == level), len(rated))
            for level in levels
        },
        satisfaction_count=len(rated),
        satisfaction_by_role={
            name: rate(sum(1 for i in rated if i.satisfaction == value), len(rated))
            for name, value in role.values.items()
        },
        satisfied_or_basic_rate=rate(
            sum(1 for i in rated if i.satisfaction in (role["satisfied"], role["basic"])), len(rated)),
    )


@dataclass
class Headline:
    as_of: dt.date
    officers_in_post: int
    enterprises_served: int
    figures: Figures
    # The closed loop's figures to date (``closed_loop.closed_loop_figures``), when known.
    closed_loop: dict[str, Fraction | float | None] = field(default_factory=dict)


def headline(programme: Programme, satisfaction: EnumRole) -> Headline:
    day = programme.as_of
    return Headline(
        as_of=day,
        officers_in_post=len(programme.officers_in_post()),
        enterprises_served=len({a.enterprise_id for a in programme.active_assignments(day)}),
        figures=period_figures(programme.issues, None, day, satisfaction),
    )
