"""揭榜挂帅 figures: how many projects and how much funding (经费, yuan), in all and
by state on the as-of date (未开始: 开始日期 after it; 已结束: 结束日期 before it;
else 进行中), and each project's reports up to the as-of date.

No figure is grouped by an enterprise attribute (town, industry, size): each
project is a public announcement with its own funding, and the totals are over
all of them, so neither the threshold rule nor the dominance rule applies.
Sums are exact decimals of the cells (read as floats).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..challenges import ChallengeProject, ChallengeReport
from ..model import Programme

STATES = ("running", "planned", "ended")


@dataclass(frozen=True)
class ChallengeProgress:
    project: ChallengeProject
    state: str
    reports: tuple[ChallengeReport, ...]  # up to the as-of date, newest first

    @property
    def latest(self) -> ChallengeReport | None:
        return self.reports[0] if self.reports else None


@dataclass(frozen=True)
class ChallengeFigures:
    as_of: dt.date
    projects: tuple[ChallengeProgress, ...]  # by 开始日期, then 项目编号
    count: dict[str, int]  # by state, and "total"
    funding: dict[str, Decimal]  # yuan, by state, and "total"

    def as_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "projects": self.count["total"], "funding_yuan": float(self.funding["total"]),
            "by_state": {s: {"projects": self.count[s], "funding_yuan": float(self.funding[s])} for s in STATES},
            "list": [{"id": p.project.challenge_id, "name": p.project.name, "solver": p.project.solver,
                      "funding_yuan": p.project.funding, "start": p.project.start_on.isoformat(),
                      "end": p.project.end_on.isoformat() if p.project.end_on else None, "state": p.state}
                     for p in self.projects],
        }


def challenge_figures(programme: Programme) -> ChallengeFigures:
    day = programme.as_of
    reports: dict[str, list[ChallengeReport]] = {}
    for r in programme.challenge_reports:
        if r.report_on <= day:
            reports.setdefault(r.challenge_id, []).append(r)
    projects = tuple(
        ChallengeProgress(c, c.state(day), tuple(sorted(reports.get(c.challenge_id, []), key=lambda r: r.report_on,
                                                          reverse=True)))
        for c in sorted(programme.challenges.values(), key=lambda c: (c.start_on, c.challenge_id))
    )
    count = {s: sum(1 for p in projects if p.state == s) for s in STATES}
    funding = {s: sum((Decimal(str(p.project.funding)) for p in projects if p.state == s), Decimal(0)) for s in STATES}
    count["total"] = len(projects)
    funding["total"] = sum(funding.values(), Decimal(0))
    return ChallengeFigures(as_of=day, projects=projects, count=count, funding=funding)
