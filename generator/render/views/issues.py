"""Views of the internal edition's issue pages: every issue with the names
shown beside it, the ledger by status, 督办 (overdue issues per responsible
department), each officer's enterprises and open issues, the 交办单 by
department."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from ...model import Assignment, Enterprise, Issue, Officer, Programme
from ...schema import WorkbookSchema
from ..escape import slug

# Rows per server-free ledger page (a province has hundreds of thousands).
LEDGER_PAGE_ROWS = 1000
UNASSIGNED = "unassigned"


@dataclass(frozen=True)
class IssueView:
    """An issue with the names the internal pages show beside it."""

    issue: Issue
    enterprise: str
    town: str
    officer: str
    officer_mobile: str
    dept: str
    contact_name: str  # the enterprise's contact person, "" when none
    contact_phone: str  # and their phone, "" when none
    overdue_days: int | None  # open and past its deadline at the as-of date

    @property
    def contact(self) -> str:
        """Name and phone together (陈帅、13739881645), "" when neither."""
        return "、".join(x for x in (self.contact_name, self.contact_phone) if x)

    @property
    def open(self) -> bool:
        return self.issue.closed_on is None


def issue_views(programme: Programme) -> list[IssueView]:
    """The issues reported by the as-of date, by id."""
    day = programme.as_of
    out = []
    for i in sorted(programme.issues, key=lambda i: i.issue_id):
        if i.reported_on > day:
            continue
        e = programme.enterprises.get(i.enterprise_id)
        o = programme.officers.get(i.officer_id)
        d = programme.departments.get(i.dept_id) if i.dept_id else None
        out.append(IssueView(
            issue=i,
            enterprise=e.name if e else i.enterprise_id,
            town=e.town if e else "",
            officer=o.name if o else i.officer_id,
            officer_mobile=(o.mobile or o.office_phone or "") if o else "",
            dept=d.name if d else "",
            contact_name=(e.contact_name or "") if e else "",
            contact_phone=(e.contact_phone or "") if e else "",
            overdue_days=(day - i.due_on).days if i.overdue_at(day) and i.due_on else None,
        ))
    return out


@dataclass(frozen=True)
class StatusPages:
    """The issues of one status, on pages of LEDGER_PAGE_ROWS."""

    status: str
    count: int
    names: list[str]  # file names of its pages
    chunks: list[list[IssueView]]  # the rows of each page


@dataclass(frozen=True)
class LedgerOptions:
    """The choices of the ledger's filter, in the order shown."""

    status: list[str]
    dept: list[str]
    officer: list[str]
    category: list[str]
    town: list[str]


@dataclass(frozen=True)
class LedgerView:
    pages: list[StatusPages]  # in the schema's order of statuses, unknown ones after
    options: LedgerOptions
    rows: list[IssueView]


def _chunks(items: list[IssueView], size: int) -> list[list[IssueView]]:
    return [items[n:n + size] for n in range(0, len(items), size)] or [[]]


def ledger_view(views: list[IssueView], schema: WorkbookSchema) -> LedgerView:
    statuses = list(schema.enums.get("issue_statuses", ()))
    statuses += sorted({v.issue.status for v in views} - set(statuses))
    pages = []
    for n, status in enumerate(statuses, start=1):
        rows = [v for v in views if v.issue.status == status]
        chunks = _chunks(rows, LEDGER_PAGE_ROWS)
        names = [f"status-{n}.md" if k == 0 else f"status-{n}-{k + 1}.md" for k in range(len(chunks))]
        pages.append(StatusPages(status, len(rows), names, chunks))
    options = LedgerOptions(
        status=statuses,
        dept=sorted({v.dept for v in views if v.dept}),
        officer=sorted({v.officer for v in views}),
        category=list(schema.enums.get("issue_categories", ())),
        town=list(schema.enums.get("towns", ())),
    )
    return LedgerView(pages, options, views)


class OverdueGroup(NamedTuple):
    dept_id: str  # "" when no department is responsible yet
    name: str
    rows: list[IssueView]  # longest overdue first


def overdue_groups(views: list[IssueView], programme: Programme) -> list[OverdueGroup]:
    """督办: the overdue issues per responsible department, the department with
    most of them first."""
    by_dept: dict[str, list[IssueView]] = defaultdict(list)
    for v in views:
        if v.overdue_days is not None:
            by_dept[v.issue.dept_id or ""].append(v)
    groups = []
    for dept_id, rows in by_dept.items():
        rows.sort(key=lambda v: (-(v.overdue_days or 0), v.issue.issue_id))
        groups.append((dept_id, rows))
    groups.sort(key=lambda g: (-len(g[1]), g[0]))
    return [
        OverdueGroup(dept_id, programme.departments[dept_id].name if dept_id in programme.departments else dept_id,
                     rows)
        for dept_id, rows in groups
    ]


class Served(NamedTuple):
    enterprise: Enterprise
    assignment: Assignment


@dataclass(frozen=True)
class OfficerView:
    officer: Officer
    served: list[Served]  # by enterprise id
    issues: list[IssueView]  # open ones, longest overdue first
    overdue: int

    @property
    def page(self) -> str:
        return f"officers/{slug(self.officer.officer_id)}.md"


class OfficerSummary(NamedTuple):
    officer: Officer
    served: int
    open: int
    overdue: int


def officer_views(views: list[IssueView], programme: Programme) -> list[OfficerView]:
    """Every officer (those in post first), with the enterprises served at the
    as-of date and their open issues."""
    served: dict[str, list[Served]] = defaultdict(list)
    for a in programme.active_assignments(programme.as_of):
        e = programme.enterprises.get(a.enterprise_id)
        if e is not None:
            served[a.officer_id].append(Served(e, a))
    open_by: dict[str, list[IssueView]] = defaultdict(list)
    for v in views:
        if v.open:
            open_by[v.issue.officer_id].append(v)
    out = []
    for o in sorted(programme.officers.values(), key=lambda o: (not o.active, o.role, o.officer_id)):
        mine = sorted(served[o.officer_id], key=lambda p: p.enterprise.enterprise_id)
        issues = sorted(open_by[o.officer_id], key=lambda v: (-(v.overdue_days or -1), v.issue.issue_id))
        out.append(OfficerView(o, mine, issues, sum(1 for v in issues if v.overdue_days is not None)))
    return out


def officer_summary(officers: list[OfficerView]) -> list[OfficerSummary]:
    return [OfficerSummary(o.officer, len(o.served), len(o.issues), o.overdue) for o in officers]


@dataclass(frozen=True)
class OrderGroup:
    """The 交办单 of one responsible department, or of the issues not yet assigned."""

    dept_name: str | None  # None: not yet assigned to a department
    page: str  # file name in orders/
    rows: list[IssueView]  # earliest deadline first, none last

    @property
    def unassigned(self) -> bool:
        return self.dept_name is None

    @property
    def overdue(self) -> int:
        return sum(1 for v in self.rows if v.overdue_days is not None)


def order_groups(views: list[IssueView], programme: Programme) -> list[OrderGroup]:
    """One group of orders per department of the open issues, by id; the issues
    not yet assigned last."""
    by_dept: dict[str, list[IssueView]] = defaultdict(list)
    for v in views:
        if v.open:
            by_dept[v.issue.dept_id or UNASSIGNED].append(v)
    out = []
    for dept_id in sorted(by_dept, key=lambda d: (d == UNASSIGNED, d)):
        rows = sorted(by_dept[dept_id], key=lambda v: (v.issue.due_on is None, v.issue.due_on, v.issue.issue_id))
        if dept_id == UNASSIGNED:
            out.append(OrderGroup(None, f"{UNASSIGNED}.md", rows))
        else:
            d = programme.departments.get(dept_id)
            out.append(OrderGroup(d.name if d else dept_id, f"dept-{slug(dept_id)}.md", rows))
    return out
