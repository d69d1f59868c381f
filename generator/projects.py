"""The records of 重点项目 and 项目进度, part of the typed workbook (model.py, stage 3):
kept apart only so that model.py stays a readable size (as delivery.py, visits.py,
activities.py and challenges.py are)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class KeyProject:
    project_id: str
    name: str
    level: str
    sector: str
    total_investment: float
    annual_plan: float
    lead: str
    taskforce: str | None = None
    start_on: dt.date | None = None


@dataclass(frozen=True)
class ProjectReport:
    """项目进度: one weekly report of a key project."""

    project_id: str
    report_on: dt.date
    invested: float
    progress_note: str | None = None
    blockers: str | None = None  # internal
    photos: tuple[str, ...] | None = None  # 照片 as written: files beside the workbook or links

    @property
    def iso_week(self) -> tuple[int, int]:
        year, week, _day = self.report_on.isocalendar()
        return year, week
