"""Views of the internal edition's other pages: the 容错纠错 checks and return
visits due or late, the key projects without a report in the as-of week (and
the problems their recent reports raise), the data-quality report by sheet."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from ...check import Checked
from ...check.report import ERROR, Finding
from ...figures.leniency import FollowUp, follow_ups
from ...figures.projects import ProjectProgress, ProjectsFigures, project_figures
from ...model import Programme, ProjectReport
from ...schema import WorkbookSchema
from .ledgers import enum_of

# Reports of the last this many days (at most the last four of a project) show their 存在问题.
BLOCKER_DAYS = 28
BLOCKER_REPORTS = 4


@dataclass(frozen=True)
class LeniencyView:
    items: list[FollowUp]  # latest first
    names: dict[str, tuple[str, str]]  # case id -> (enterprise, department) names
    outcomes: list[tuple[str, int]]  # cases found by the as-of date, per outcome
    total: int  # cases on the sheet

    @property
    def late(self) -> int:
        return sum(1 for f in self.items if f.late)


def leniency_view(programme: Programme, schema: WorkbookSchema) -> LeniencyView:
    items = follow_ups(programme, schema.roles["leniency_outcome"])
    names = {
        c.case_id: (
            programme.enterprises[c.enterprise_id].name if c.enterprise_id in programme.enterprises else c.enterprise_id,
            programme.departments[c.dept_id].name if c.dept_id in programme.departments else c.dept_id,
        )
        for c in programme.leniency_cases
    }
    outcomes: dict[str, int] = defaultdict(int)
    for c in programme.leniency_cases:
        if c.found_on <= programme.as_of:
            outcomes[c.outcome] += 1
    return LeniencyView(items, names, sorted(outcomes.items()), len(programme.leniency_cases))


class Blocker(NamedTuple):
    project: ProjectProgress
    report: ProjectReport


@dataclass(frozen=True)
class ProjectsView:
    figures: ProjectsFigures
    missing: list[ProjectProgress]  # without a report in the as-of week
    blockers: list[Blocker]  # problems raised lately, newest first


def projects_view(programme: Programme, schema: WorkbookSchema) -> ProjectsView:
    figures = project_figures(programme, enum_of(schema, "key_projects", "level"))
    blockers = [
        Blocker(p, r) for p in figures.projects for r in p.reports[-BLOCKER_REPORTS:]
        if r.blockers and (figures.as_of - r.report_on).days < BLOCKER_DAYS
    ]
    blockers.sort(key=lambda pr: (pr[1].report_on, pr[0].project.project_id), reverse=True)
    return ProjectsView(figures, figures.missing, blockers)


@dataclass(frozen=True)
class QualityView:
    # (sheet, [(rule code, its findings)]) in the schema's order of sheets, errors first
    groups: list[tuple[str, list[tuple[str, list[Finding]]]]]
    counts: dict[str, int]  # data rows per sheet read
    missing: list[str]  # optional sheets not given


def quality_view(checked: Checked, schema: WorkbookSchema) -> QualityView:
    order = {s.title: n for n, s in enumerate(schema.sheets)}
    by_sheet: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in checked.report.sorted():
        by_sheet[f.sheet][f.code].append(f)
    groups = [
        (sheet, sorted(codes.items(), key=lambda c: (c[1][0].severity != ERROR, c[0])))
        for sheet, codes in sorted(by_sheet.items(), key=lambda s: (order.get(s[0], len(order)), s[0]))
    ]
    counts = {s.title: checked.tables[s.name].height for s in schema.sheets if s.name in checked.tables}
    missing = [s.title for s in schema.sheets if s.name not in checked.tables]
    return QualityView(groups, counts, missing)


def finding_counts(findings: list[Finding]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = sum(1 for f in findings if f.severity == ERROR)
    return errors, len(findings) - errors
