"""The programme as objects: departments, enterprises, officers, assignments,
the issue ledger, policies and their steps. Built from checked rows only."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TypeVar

from .activities import Activities, Event, EventParticipant, StudyPlan
from .challenges import ChallengeProject, ChallengeReport
from .check import Checked
from .delivery import Payment, PolicyPush
from .errors import ConfigError
from .i18n import _
from .projects import KeyProject, ProjectReport
from .schema import SheetSchema, WorkbookSchema
from .visits import Visit

T = TypeVar("T")
# A field of a record type not read from its sheet (a policy's steps come from policy_steps).
DERIVED = {"derived": True}


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    """The fields a record type reads from its sheet, in order: its first
    fields, as records are made positionally (``Table.records``)."""
    every = fields(cls)
    read = tuple(f.name for f in every if not f.metadata.get("derived"))
    if tuple(f.name for f in every[:len(read)]) != read:
        raise TypeError(f"{cls.__name__}: derived fields must come after the fields read from the sheet")
    return read


def _records(checked: Checked, cls: type[T], sheet: str) -> list[T]:
    """A record per typed row of a sheet (none when the optional sheet is
    absent): every field the record type reads (check_record_types made sure
    the sheet has them); the sheet's other fields are not the model's."""
    table = checked.tables.get(sheet)
    return table.records(cls, _field_names(cls)) if table is not None else []  # type: ignore[arg-type]


@dataclass(frozen=True)
class Department:
    dept_id: str
    name: str
    phone: str | None = None
    address: str | None = None
    website: str | None = None


@dataclass(frozen=True)
class Enterprise:
    enterprise_id: str
    uscc: str
    name: str
    industry: str
    size: str
    above_scale: bool
    town: str
    contact_name: str | None = None
    contact_phone: str | None = None
    publish_name: bool = False


@dataclass(frozen=True)
class Officer:
    officer_id: str
    name: str
    role: str
    home_unit: str
    active: bool
    former_post: str | None = None
    office_phone: str | None = None
    mobile: str | None = None
    email: str | None = None
    towns: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Assignment:
    officer_id: str
    enterprise_id: str
    match_method: str
    start_on: dt.date
    end_on: dt.date | None = None

    def active_on(self, day: dt.date) -> bool:
        return self.start_on <= day and (self.end_on is None or day <= self.end_on)


@dataclass(frozen=True)
class Issue:
    issue_id: str
    enterprise_id: str
    officer_id: str
    category: str
    description: str
    reported_on: dt.date
    status: str
    dept_id: str | None = None
    owner: str | None = None
    due_on: dt.date | None = None
    closed_on: dt.date | None = None
    resolution: str | None = None
    satisfaction: str | None = None
    assigned_on: dt.date | None = None
    closure_type: str | None = None
    revisit_on: dt.date | None = None
    revisit_result: str | None = None
    reopens: str | None = None

    def assigned_by(self, day: dt.date) -> bool:
        return self.assigned_on is not None and self.assigned_on <= day

    def days_to_assign(self) -> int | None:
        return None if self.assigned_on is None else (self.assigned_on - self.reported_on).days

    def closed_by(self, day: dt.date) -> bool:
        return self.closed_on is not None and self.closed_on <= day

    def open_at(self, day: dt.date) -> bool:
        return self.reported_on <= day and not self.closed_by(day)

    def overdue_at(self, day: dt.date) -> bool:
        return self.open_at(day) and self.due_on is not None and self.due_on < day

    def days_to_close(self) -> int | None:
        return None if self.closed_on is None else (self.closed_on - self.reported_on).days

    def on_time(self) -> bool | None:
        if self.closed_on is None or self.due_on is None:
            return None
        return self.closed_on <= self.due_on


@dataclass(frozen=True)
class Supervision:
    """督办记录: one time an issue was chased."""

    issue_id: str
    supervised_on: dt.date
    method: str
    supervisor: str
    note: str | None = None


@dataclass(frozen=True)
class PolicyStep:
    policy_id: str
    step: int
    dept_id: str
    action: str
    materials: str | None = None
    days: int | None = None


@dataclass(frozen=True)
class PolicyCondition:
    """申报条件: one condition of a policy, numeric (``min``/``max`` as its 比较 needs) or yes/no."""

    policy_id: str
    condition: str
    comparison: str
    min: float | None = None
    max: float | None = None
    note: str | None = None


@dataclass(frozen=True)
class Policy:
    policy_id: str
    title: str
    issuer: str
    category: str
    benefit: str
    effective_from: dt.date
    published: bool
    doc_no: str | None = None
    industries: tuple[str, ...] | None = None
    sizes: tuple[str, ...] | None = None
    towns: tuple[str, ...] | None = None
    eligibility: str | None = None
    materials: str | None = None
    effective_to: dt.date | None = None
    online_url: str | None = None
    phone: str | None = None
    # 办事指南 (DB33/T 2036.1), all optional
    basis: str | None = None
    basis_url: str | None = None
    apply_from: dt.date | None = None
    apply_to: dt.date | None = None
    support_standard: str | None = None
    support_cap: float | None = None
    fee: str | None = None
    legal_days: int | None = None
    promised_days: int | None = None
    venue: str | None = None
    office_hours: str | None = None
    complaint_phone: str | None = None
    faq: str | None = None
    attachment_name: str | None = None
    attachment_url: str | None = None
    updated_on: dt.date | None = None
    update_note: str | None = None
    steps: tuple[PolicyStep, ...] = field(default=(), compare=False, metadata=DERIVED)
    conditions: tuple[PolicyCondition, ...] = field(default=(), compare=False, metadata=DERIVED)

    def expired_at(self, day: dt.date) -> bool:
        return self.effective_to is not None and self.effective_to < day

    def total_days(self) -> int | None:
        known = [s.days for s in self.steps if s.days is not None]
        return sum(known) if known else None


@dataclass(frozen=True)
class RoutePolicy:
    """一件事政策: one policy of a 一件事, at its place in the order."""

    route_id: str
    order: int
    policy_id: str


@dataclass(frozen=True)
class Route:
    """一件事: several policies done one after another, across departments, as one route."""

    route_id: str
    title: str
    description: str | None = None
    dept_id: str | None = None  # 牵头部门
    policy_ids: tuple[str, ...] = field(default=(), compare=False, metadata=DERIVED)  # in order


@dataclass(frozen=True)
class LeniencyCase:
    """容错纠错: a minor first violation handled by correction, not penalty."""

    case_id: str
    enterprise_id: str
    dept_id: str
    field: str
    description: str
    found_on: dt.date
    first_offence: bool
    minor: bool
    fix_due_on: dt.date
    outcome: str
    checked_on: dt.date | None = None
    revisit_on: dt.date | None = None


@dataclass
class Programme:
    as_of: dt.date
    departments: dict[str, Department]
    enterprises: dict[str, Enterprise]
    officers: dict[str, Officer]
    assignments: list[Assignment]
    issues: list[Issue]
    policies: dict[str, Policy]
    leniency_cases: list[LeniencyCase] = field(default_factory=list)
    projects: dict[str, KeyProject] = field(default_factory=dict)
    project_reports: list[ProjectReport] = field(default_factory=list)
    supervisions: list[Supervision] = field(default_factory=list)
    routes: dict[str, Route] = field(default_factory=dict)
    pushes: list[PolicyPush] = field(default_factory=list)  # 政策推送 (internal)
    payments: list[Payment] = field(default_factory=list)  # 兑付 (internal)
    visits: list[Visit] = field(default_factory=list)  # 走访记录 (internal)
    activities: Activities = field(default_factory=Activities)  # 活动, 参加人员, 研修计划
    challenges: dict[str, ChallengeProject] = field(default_factory=dict)  # 揭榜挂帅
    challenge_reports: list[ChallengeReport] = field(default_factory=list)
    folders: dict[str, Path | None] = field(default_factory=dict)  # sheet -> where its 照片 files are
    # Sheet -> the fields it has a column for: a figure whose column an older workbook lacks is —, not 0.
    columns: dict[str, frozenset[str]] = field(default_factory=dict)

    def published_policies(self) -> list[Policy]:
        return [p for p in self.policies.values() if p.published]

    def officers_in_post(self) -> list[Officer]:
        return [o for o in self.officers.values() if o.active]

    def active_assignments(self, day: dt.date | None = None) -> list[Assignment]:
        day = day or self.as_of
        return [a for a in self.assignments if a.active_on(day)]


# The sheet each record type is made from.
RECORD_SHEETS: dict[type, str] = {
    Department: "departments", Enterprise: "enterprises", Officer: "officers", Assignment: "assignments",
    Issue: "issues", Policy: "policies", PolicyStep: "policy_steps", PolicyCondition: "policy_conditions",
    LeniencyCase: "leniency_cases", KeyProject: "key_projects", ProjectReport: "project_reports",
    Supervision: "supervisions", Route: "routes", RoutePolicy: "route_policies", PolicyPush: "policy_pushes",
    Payment: "payments", ChallengeProject: "challenge_projects", ChallengeReport: "challenge_reports",
    Visit: "visits", Event: "events", EventParticipant: "event_participants", StudyPlan: "study_plans",
}


def _check_sheet(cls: type, sheet: SheetSchema, where: str) -> None:
    names = {f.name for f in sheet.fields}
    for name in _field_names(cls):
        if name not in names:
            raise ConfigError(_("{path}: the sheet {sheet} has no field {field}, which the programme reads ({record})").format(
                path=where, sheet=sheet.name, field=name, record=cls.__name__))


def check_record_types(schema: WorkbookSchema) -> None:
    """Every field a record type reads is a field of its sheet's schema: a field
    renamed in sheets_schema/ but not here is a configuration error before any
    figure is computed, not an empty column of figures. Call it right after
    loading the schema."""
    for cls, sheet_name in RECORD_SHEETS.items():
        where = str(schema.directory / f"{sheet_name}.yaml")
        try:
            sheet = schema.sheet(sheet_name)
        except KeyError:
            raise ConfigError(_("{path}: the workbook has no sheet {sheet}, which the programme reads ({record})").format(
                path=schema.directory / "workbook.yaml", sheet=sheet_name, record=cls.__name__)) from None
        _check_sheet(cls, sheet, where)


def build_programme(checked: Checked) -> Programme:
    """The model; call only when ``checked.report.ok``."""
    for cls, sheet_name in RECORD_SHEETS.items():
        table = checked.tables.get(sheet_name)
        if table is not None:
            _check_sheet(cls, table.schema, f"sheets_schema/{sheet_name}.yaml")

    def records(cls: type[T], sheet: str) -> list[T]:
        return _records(checked, cls, sheet)

    steps: dict[str, list[PolicyStep]] = {}
    for step in records(PolicyStep, "policy_steps"):
        steps.setdefault(step.policy_id, []).append(step)
    conditions: dict[str, list[PolicyCondition]] = {}
    for condition in records(PolicyCondition, "policy_conditions"):  # an optional sheet, in row order
        conditions.setdefault(condition.policy_id, []).append(condition)
    policies = {}
    for policy in records(Policy, "policies"):
        own = tuple(sorted(steps.get(policy.policy_id, []), key=lambda s: s.step))
        policies[policy.policy_id] = replace(policy, steps=own, conditions=tuple(conditions.get(policy.policy_id, [])))
    return Programme(
        routes=_routes(records(Route, "routes"), records(RoutePolicy, "route_policies")),
        as_of=checked.as_of,
        departments={d.dept_id: d for d in records(Department, "departments")},
        enterprises={e.enterprise_id: e for e in records(Enterprise, "enterprises")},
        officers={o.officer_id: o for o in records(Officer, "officers")},
        assignments=records(Assignment, "assignments"),
        issues=records(Issue, "issues"),
        policies=policies,
        leniency_cases=records(LeniencyCase, "leniency_cases"),
        projects={p.project_id: p for p in records(KeyProject, "key_projects")},
        project_reports=records(ProjectReport, "project_reports"),
        supervisions=sorted(records(Supervision, "supervisions"), key=lambda s: (s.issue_id, s.supervised_on)),
        pushes=records(PolicyPush, "policy_pushes"),
        payments=records(Payment, "payments"),
        visits=records(Visit, "visits"),
        activities=Activities(records(Event, "events"), records(EventParticipant, "event_participants"),
                              records(StudyPlan, "study_plans")),
        challenges={c.challenge_id: c for c in records(ChallengeProject, "challenge_projects")},
        challenge_reports=records(ChallengeReport, "challenge_reports"), folders=checked.folders,
        columns={name: frozenset(table.columns) for name, table in checked.tables.items()},
    )


def _routes(routes: list[Route], members: list[RoutePolicy]) -> dict[str, Route]:
    ordered: dict[str, list[RoutePolicy]] = {}
    for member in members:
        ordered.setdefault(member.route_id, []).append(member)
    out = {}
    for route in routes:
        policy_ids = tuple(m.policy_id for m in sorted(ordered.get(route.route_id, []), key=lambda m: m.order))
        out[route.route_id] = replace(route, policy_ids=policy_ids)
    return out
