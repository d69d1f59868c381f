"""Reporting periods (site.md, "Periods"): ISO weeks (Monday to Sunday) and
calendar months, as calendar days in Asia/Shanghai (the ledger's dates are
already such days).

Only *finished* periods get a page: a period whose last day is on or before the
as-of date. A period in progress would change from one build to the next, and
two builds a day apart could be differenced to the day; its figures show up as
the latest figures (to the as-of date) instead, which are not grouped by any
enterprise attribute.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

KINDS = ("week", "month")


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date
    kind: str
    key: str

    @property
    def path(self) -> str:
        """The page, relative to docs/progress/ (without suffix)."""
        return f"{self.kind}/{self.key}"

    def days(self) -> int:
        return (self.end - self.start).days + 1


def week_of(day: dt.date) -> Period:
    year, week, weekday = day.isocalendar()
    start = day - dt.timedelta(days=weekday - 1)
    return Period(start, start + dt.timedelta(days=6), "week", f"{year}-W{week:02d}")


def month_of(day: dt.date) -> Period:
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return Period(start, following - dt.timedelta(days=1), "month", f"{day.year}-{day.month:02d}")


def period_of(kind: str, day: dt.date) -> Period:
    if kind == "week":
        return week_of(day)
    if kind == "month":
        return month_of(day)
    raise ValueError(kind)


def parse_key(kind: str, key: str) -> Period:
    """The period named by its key, e.g. ``2022-W05`` or ``2022-05``."""
    if kind == "week":
        year, week = key.split("-W")
        return week_of(dt.date.fromisocalendar(int(year), int(week), 1))
    year, month = key.split("-")
    return month_of(dt.date(int(year), int(month), 1))


def finished_periods(kind: str, first_day: dt.date | None, as_of: dt.date) -> list[Period]:
    """Every period of the kind from the one holding ``first_day`` whose last day is on or before as_of."""
    if first_day is None or first_day > as_of:
        return []
    out: list[Period] = []
    period = period_of(kind, first_day)
    while period.end <= as_of:
        out.append(period)
        period = period_of(kind, period.end + dt.timedelta(days=1))
    return out


def segments(periods: list[Period]) -> list[tuple[dt.date, dt.date]]:
    """The coarsest partition of the days covered such that each period is a union of parts.

    Weeks and months overlap (a week can straddle two months); the audit models the
    published counts as sums over these parts.
    """
    if not periods:
        return []
    cuts = {p.start for p in periods} | {p.end + dt.timedelta(days=1) for p in periods}
    ordered = sorted(cuts)
    return [(a, b - dt.timedelta(days=1)) for a, b in zip(ordered, ordered[1:], strict=False)]
