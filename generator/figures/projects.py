"""重点项目 progress: investment completed this year against the annual plan,
per project and per level, and the weekly reports (ISO weeks, Monday to Sunday).

The year is the as-of date's calendar year; a project's completed investment
is the sum of 本期完成投资 of its reports dated in that year up to the as-of
date. Sums are exact decimals (cells are read as floats). Week labels and
the sentences of the page are render's (``render.views.ledgers``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ..model import KeyProject, Programme, ProjectReport


def _dec(value: float) -> Decimal:
    return Decimal(str(value))


def _rate(part: Decimal, whole: Decimal) -> Fraction | None:
    """Exact, so the page's one decimal is 四舍五入 of the true ratio."""
    return None if whole == 0 else Fraction(part) / Fraction(whole)


def _plain(rate: Fraction | None) -> float | None:
    """A rate in the open data file: the fraction as a decimal number."""
    return None if rate is None else float(rate)


def iso_week(day: dt.date) -> tuple[int, int]:
    year, week, _weekday = day.isocalendar()
    return year, week


def week_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


@dataclass(frozen=True)
class ProjectProgress:
    project: KeyProject
    invested: Decimal  # this year, up to the as-of date
    rate: Fraction | None  # of the annual plan
    reports: tuple[ProjectReport, ...]  # up to the as-of date, oldest first
    reported_this_week: bool

    @property
    def latest(self) -> ProjectReport | None:
        return self.reports[-1] if self.reports else None

    def history(self, year: int) -> list[tuple[ProjectReport, Decimal | None]]:
        """The reports, newest first, each with the year's running total (None
        for reports of earlier years)."""
        running = Decimal(0)
        rows: list[tuple[ProjectReport, Decimal | None]] = []
        for r in self.reports:
            if r.report_on.year == year:
                running += _dec(r.invested)
                rows.append((r, running))
            else:
                rows.append((r, None))
        return rows[::-1]


@dataclass(frozen=True)
class LevelProgress:
    level: str | None  # None: all levels together
    projects: int
    invested: Decimal
    plan: Decimal
    rate: Fraction | None


@dataclass(frozen=True)
class ProjectsFigures:
    as_of: dt.date
    year: int
    week: tuple[int, int]
    week_start: dt.date
    week_end: dt.date
    levels: tuple[LevelProgress, ...]
    total: LevelProgress
    projects: tuple[ProjectProgress, ...]

    @property
    def missing(self) -> list[ProjectProgress]:
        """Projects started (or with no start date) without a report in the as-of week."""
        return [
            p for p in self.projects
            if not p.reported_this_week and (p.project.start_on is None or p.project.start_on <= self.as_of)
        ]

    def as_dict(self, total_level: str) -> dict[str, object]:
        """The open data file; ``total_level`` names the level of the total."""
        def level(x: LevelProgress) -> dict[str, object]:
            return {"level": total_level if x.level is None else x.level, "projects": x.projects, "invested": float(x.invested),
                    "annual_plan": float(x.plan), "plan_rate": _plain(x.rate)}

        return {
            "as_of": self.as_of.isoformat(), "year": self.year,
            "levels": [level(x) for x in self.levels], "total": level(self.total),
            "projects": [
                {"project_id": p.project.project_id, "name": p.project.name, "level": p.project.level,
                 "invested": float(p.invested), "annual_plan": p.project.annual_plan, "plan_rate": _plain(p.rate)}
                for p in self.projects
            ],
        }


def _level(name: str | None, items: Sequence[ProjectProgress]) -> LevelProgress:
    invested = sum((p.invested for p in items), Decimal(0))
    plan = sum((_dec(p.project.annual_plan) for p in items), Decimal(0))
    return LevelProgress(name, len(items), invested, plan, _rate(invested, plan))


def project_figures(programme: Programme, levels: Sequence[str]) -> ProjectsFigures:
    day = programme.as_of
    week = iso_week(day)
    by_project: dict[str, list[ProjectReport]] = {}
    for r in programme.project_reports:
        if r.report_on <= day:
            by_project.setdefault(r.project_id, []).append(r)
    progress = []
    for project in sorted(programme.projects.values(), key=lambda p: (_order(levels, p.level), p.project_id)):
        reports = tuple(sorted(by_project.get(project.project_id, []), key=lambda r: r.report_on))
        invested = sum((_dec(r.invested) for r in reports if r.report_on.year == day.year), Decimal(0))
        progress.append(ProjectProgress(
            project=project, invested=invested, rate=_rate(invested, _dec(project.annual_plan)),
            reports=reports, reported_this_week=any(r.iso_week == week for r in reports),
        ))
    names = list(levels) + sorted({p.project.level for p in progress} - set(levels))
    per_level = tuple(
        _level(name, items) for name in names if (items := [p for p in progress if p.project.level == name])
    )
    start, end = week_bounds(day)
    return ProjectsFigures(
        as_of=day, year=day.year, week=week, week_start=start, week_end=end,
        levels=per_level, total=_level(None, progress), projects=tuple(progress),
    )


def _order(levels: Sequence[str], level: str) -> int:
    return levels.index(level) if level in levels else len(levels)
