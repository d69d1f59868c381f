"""The officers' scorecards (考核) and attendance sheets (出勤) in the internal
edition (issue 18), from 走访记录 and 问题清单.

For each officer in post and each period (every month of the as-of year up to the
as-of month, the current quarter and the year to date; a period never runs past
the as-of date):

- 驻企天数: distinct dates with a 走访记录 row of 方式 驻企 (the role ``stationed``);
- 走访记录 rows by 方式 (驻企, 走访, 电话), their 时长 and their 收集问题数;
- 收集问题: the officer's issues of 问题清单 with 反映日期 in the period; what became
  of them is counted at the as-of date by the published definitions, not a second
  set: on-time rate and overdue (figures/ledger.py ``period_figures``), resolution
  rate (figures/closed_loop.py ``closed_loop_figures``), 满意及基本满意率 (ledger),
  and 回访 done (closed issues with a 回访日期 by the as-of date).

A figure whose sheet or column the workbook lacks is None (shown as —), and the
page says which. Internal only: the public build imports nothing of this."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

from ...figures.closed_loop import closed_loop_figures
from ...figures.ledger import period_figures
from ...model import Issue, Officer, Programme
from ...schema import WorkbookSchema
from ...visits import Visit
from ..escape import slug

T = TypeVar("T")
METHODS = ("stationed", "visit", "phone")  # roles.visit_method, in the order the pages show them
_QUARTERS = "一二三四"


@dataclass(frozen=True)
class Period:
    key: str  # 2022-11, 2022-Q4, 2022: the page's name
    label: str
    start: dt.date
    end: dt.date  # the period's last day, or the as-of date when that comes first
    month: bool

    @property
    def page(self) -> str:
        return f"scorecards/{self.key}.md"

    @property
    def attendance_page(self) -> str:
        return f"attendance/{self.key}.md"


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def periods(as_of: dt.date) -> list[Period]:
    """The months of the as-of year up to the as-of month, then the quarter and the year to date."""
    out = []
    for month in range(1, as_of.month + 1):
        first = dt.date(as_of.year, month, 1)
        out.append(Period(f"{as_of.year}-{month:02d}", f"{as_of.year}年{month}月", first,
                          min(_month_end(first), as_of), True))
    q = (as_of.month - 1) // 3
    out.append(Period(f"{as_of.year}-Q{q + 1}", f"{as_of.year}年第{_QUARTERS[q]}季度",
                      dt.date(as_of.year, 3 * q + 1, 1), as_of, False))
    out.append(Period(str(as_of.year), f"{as_of.year}年（截至{as_of.month}月{as_of.day}日）",
                      dt.date(as_of.year, 1, 1), as_of, False))
    return out


@dataclass(frozen=True)
class Score:
    """One officer's figures for one period; None: the workbook lacks what it needs (—)."""

    officer: Officer
    stationed_days: int | None
    by_method: dict[str, int] | None  # 走访记录 rows by role of 方式
    hours: float | None
    logged_issues: int | None  # the sum of 收集问题数
    collected: int  # issues of 问题清单 反映 in the period
    closed: int
    on_time_rate: Fraction | None
    overdue: int
    resolution_rate: Fraction | None
    satisfaction_rate: Fraction | None
    rated: int
    revisited: int | None

    @property
    def visits(self) -> int | None:
        return None if self.by_method is None else sum(self.by_method.values())


@dataclass(frozen=True)
class Availability:
    """What the workbook has: a figure without its sheet or column is —, and the page says why."""

    visits: bool
    hours: bool
    logged: bool
    issue_columns: frozenset[str]

    def notes(self) -> list[str]:
        out = []
        if not self.visits:
            out.append("工作簿没有“走访记录”表：驻企天数、走访次数、时长和收集问题数显示为“—”。")
        else:
            if not self.hours:
                out.append("“走访记录”表没有“时长”列：时长显示为“—”。")
            if not self.logged:
                out.append("“走访记录”表没有“收集问题数”列：该列显示为“—”。")
        if "closure_type" not in self.issue_columns:
            out.append("“问题清单”没有“办结类型”列：问题化解率显示为“—”。")
        if "revisit_on" not in self.issue_columns:
            out.append("“问题清单”没有“回访日期”列：已回访显示为“—”。")
        return out


def availability(programme: Programme) -> Availability:
    columns = programme.columns.get("visits")
    return Availability(columns is not None, columns is not None and "hours" in columns,
                        columns is not None and "issues_collected" in columns,
                        programme.columns.get("issues", frozenset()))


def in_period(day: dt.date, period: Period) -> bool:
    return period.start <= day <= period.end


def stationed(visits: list[Visit], period: Period, schema: WorkbookSchema) -> list[Visit]:
    """The officer's 驻企 rows in the period, by date then enterprise."""
    value = schema.roles["visit_method"]["stationed"]
    return sorted((v for v in visits if v.method == value and in_period(v.visited_on, period)),
                  key=lambda v: (v.visited_on, v.enterprise_id))


def score(officer: Officer, visits: list[Visit], issues: list[Issue], period: Period, programme: Programme,
          schema: WorkbookSchema, has: Availability) -> Score:
    end = programme.as_of
    mine = [v for v in visits if in_period(v.visited_on, period)]
    methods = schema.roles["visit_method"]
    cohort = [i for i in issues if in_period(i.reported_on, period)]
    figures = period_figures(cohort, None, end, schema.roles["satisfaction"])
    loop = closed_loop_figures(cohort, end, schema, has.issue_columns)
    resolution = loop["resolution_rate"]
    return Score(
        officer=officer,
        stationed_days=len({v.visited_on for v in stationed(mine, period, schema)}) if has.visits else None,
        by_method={role: sum(1 for v in mine if v.method == methods[role]) for role in METHODS} if has.visits else None,
        hours=sum(v.hours or 0 for v in mine) if has.hours else None,
        logged_issues=sum(v.issues_collected or 0 for v in mine) if has.logged else None,
        collected=len(cohort),
        closed=figures.issues_closed_total,
        on_time_rate=figures.on_time_rate,
        overdue=figures.issues_overdue,
        resolution_rate=resolution if isinstance(resolution, Fraction) else None,
        satisfaction_rate=figures.satisfied_or_basic_rate,
        rated=figures.satisfaction_count,
        revisited=sum(1 for i in cohort if i.closed_by(end) and i.revisit_on is not None and i.revisit_on <= end)
        if "revisit_on" in has.issue_columns else None,
    )


@dataclass(frozen=True)
class Scorecards:
    periods: list[Period]
    by_period: dict[str, list[Score]]  # period key -> one score per officer in post, by officer ID
    by_officer: dict[str, list[tuple[Period, Score]]]
    has: Availability


def officer_page(officer: Officer) -> str:
    return f"officers/{slug(officer.officer_id)}.md"


def grouped(programme: Programme) -> tuple[dict[str, list[Visit]], dict[str, list[Issue]]]:
    visits: dict[str, list[Visit]] = defaultdict(list)
    for v in programme.visits:
        if v.visited_on <= programme.as_of:
            visits[v.officer_id].append(v)
    issues: dict[str, list[Issue]] = defaultdict(list)
    for i in programme.issues:
        if i.reported_on <= programme.as_of:
            issues[i.officer_id].append(i)
    return visits, issues


def _by_month(items: list[T], day: Callable[[T], dt.date], year: int) -> dict[int, list[T]]:
    """The items of the as-of year by month: a period looks only at its own months
    (a province has 2,000 officers, 100 issues each, and 14 periods)."""
    out: dict[int, list[T]] = defaultdict(list)
    for item in items:
        if day(item).year == year:
            out[day(item).month].append(item)
    return out


def _within(months: dict[int, list[T]], period: Period) -> list[T]:
    return [item for m in range(period.start.month, period.end.month + 1) for item in months.get(m, ())]


def scorecards(programme: Programme, schema: WorkbookSchema) -> Scorecards:
    has = availability(programme)
    spans = periods(programme.as_of)
    visits, issues = grouped(programme)
    year = programme.as_of.year
    by_period: dict[str, list[Score]] = {p.key: [] for p in spans}
    by_officer: dict[str, list[tuple[Period, Score]]] = {}
    for officer in sorted(programme.officers_in_post(), key=lambda o: o.officer_id):
        mine = by_officer.setdefault(officer.officer_id, [])
        logged = _by_month(visits[officer.officer_id], lambda v: v.visited_on, year)
        reported = _by_month(issues[officer.officer_id], lambda i: i.reported_on, year)
        for period in spans:
            s = score(officer, _within(logged, period), _within(reported, period), period, programme, schema, has)
            by_period[period.key].append(s)
            mine.append((period, s))
    return Scorecards(spans, by_period, by_officer, has)


@dataclass(frozen=True)
class AttendanceRow:
    day: dt.date
    enterprise_id: str
    enterprise: str  # its name, or its ID when it has no row
    hours: float | None
    matter: str | None


@dataclass(frozen=True)
class AttendanceSheet:
    """One officer's 驻企 days in one month: what the 出勤补贴 is computed from."""

    officer: Officer
    rows: tuple[AttendanceRow, ...]

    @property
    def days(self) -> int:
        return len({r.day for r in self.rows})

    @property
    def hours(self) -> float:
        return sum(r.hours or 0 for r in self.rows)

    @property
    def anchor(self) -> str:
        return f"officer-{slug(self.officer.officer_id)}"


def attendance(programme: Programme, schema: WorkbookSchema) -> dict[str, list[AttendanceSheet]]:
    """Month key -> a sheet for each officer in post stationed at least one day that month, by officer ID."""
    months = [p for p in periods(programme.as_of) if p.month]
    visits, _issues = grouped(programme)
    out: dict[str, list[AttendanceSheet]] = {p.key: [] for p in months}
    for officer in sorted(programme.officers_in_post(), key=lambda o: o.officer_id):
        for month in months:
            rows = tuple(AttendanceRow(v.visited_on, v.enterprise_id, _name(programme, v.enterprise_id), v.hours,
                                       v.matter) for v in stationed(visits[officer.officer_id], month, schema))
            if rows:
                out[month.key].append(AttendanceSheet(officer, rows))
    return out


def _name(programme: Programme, enterprise_id: str) -> str:
    e = programme.enterprises.get(enterprise_id)
    return e.name if e else enterprise_id
