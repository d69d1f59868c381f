"""The internal edition (site.md, "The internal edition"): for the service
office's intranet only, built into its own site directory.

Pages: the full ledger by status (a filter page over a generated data file,
plus server-free per-status pages that work with JavaScript off), overdue
issues per responsible department (督办), each officer's enterprises and open
issues, a printable 限时解决交办单 per open issue (one order per printed page),
the 容错纠错 checks and return visits due or late, key projects without a
report in the as-of week, and the data-quality report.

Internal pages may show every value; every value is still escaped. Nothing
here is ever rendered by the public build (``render_public`` does not import
this module), and the pipeline never syncs these pages into ``docs/``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..check import Checked
from ..check.report import ERROR, Finding
from ..figures.leniency import follow_ups
from ..figures.projects import project_figures, week_label
from ..model import Issue, Officer, Programme
from ..schema import WorkbookSchema
from .environment import make_environment
from .escape import slug
from .ledgers import enum_of
from .pages import PageWriter

INTERNAL_NAV: list[dict[str, str]] = [
    {"内部版首页": "index.md"},
    {"问题台账": "ledger/index.md"},
    {"督办": "overdue/index.md"},
    {"专员服务": "officers/index.md"},
    {"交办单": "orders/index.md"},
    {"容错纠错": "leniency/index.md"},
    {"重点项目": "projects/index.md"},
    {"数据质量": "quality/index.md"},
]
# Rows per server-free ledger page (a province has hundreds of thousands).
LEDGER_PAGE_ROWS = 1000
UNASSIGNED = "unassigned"
LEDGER_JS_PREFIX = "window.NUANQI_LEDGER = "


@dataclass(frozen=True)
class IssueView:
    """An issue with the names the internal pages show beside it."""

    issue: Issue
    enterprise: str
    town: str
    officer: str
    officer_mobile: str
    dept: str
    contact: str
    overdue_days: int | None  # open and past its deadline at the as-of date

    @property
    def open(self) -> bool:
        return self.issue.closed_on is None


def _views(programme: Programme) -> list[IssueView]:
    day = programme.as_of
    out = []
    for i in sorted(programme.issues, key=lambda i: i.issue_id):
        if i.reported_on > day:
            continue
        e = programme.enterprises.get(i.enterprise_id)
        o = programme.officers.get(i.officer_id)
        d = programme.departments.get(i.dept_id) if i.dept_id else None
        contact = "、".join(x for x in ((e.contact_name, e.contact_phone) if e else ()) if x)
        out.append(IssueView(
            issue=i,
            enterprise=e.name if e else i.enterprise_id,
            town=e.town if e else "",
            officer=o.name if o else i.officer_id,
            officer_mobile=(o.mobile or o.office_phone or "") if o else "",
            dept=d.name if d else "",
            contact=contact,
            overdue_days=(day - i.due_on).days if i.overdue_at(day) and i.due_on else None,
        ))
    return out


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[n:n + size] for n in range(0, len(items), size)] or [[]]


def _ledger(w: PageWriter, views: list[IssueView], schema: WorkbookSchema, programme: Programme) -> None:
    statuses = list(schema.enums.get("issue_statuses", ()))
    statuses += sorted({v.issue.status for v in views} - set(statuses))
    pages: list[dict[str, Any]] = []
    for n, status in enumerate(statuses, start=1):
        rows = [v for v in views if v.issue.status == status]
        chunks = _chunks(rows, LEDGER_PAGE_ROWS)
        names = [f"status-{n}.md" if k == 0 else f"status-{n}-{k + 1}.md" for k in range(len(chunks))]
        pages.append({"status": status, "count": len(rows), "names": names})
        for k, chunk in enumerate(chunks):
            w.page(
                "internal/ledger_status.md.j2", f"ledger/{names[k]}", status=status, rows=chunk,
                part=k + 1, parts=len(chunks), names=names, first=k * LEDGER_PAGE_ROWS + 1, total=len(rows),
            )
    data = {
        "as_of": programme.as_of.isoformat(),
        "columns": ["id", "enterprise", "town", "category", "description", "reported", "status",
                    "dept", "owner", "due", "closed", "officer", "overdue"],
        "rows": [
            [v.issue.issue_id, v.enterprise, v.town, v.issue.category, v.issue.description,
             v.issue.reported_on.isoformat(), v.issue.status, v.dept, v.issue.owner or "",
             v.issue.due_on.isoformat() if v.issue.due_on else "",
             v.issue.closed_on.isoformat() if v.issue.closed_on else "", v.officer, v.overdue_days]
            for v in views
        ],
    }
    # JSON in a script (not fetched), so that the filter also works from file://.
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    w.text("data/ledger.js", LEDGER_JS_PREFIX + _js_safe(payload) + ";\n")
    w.text("ledger/filter.js", _asset(w, "internal/filter.js"))
    options = {
        "status": statuses,
        "dept": sorted({v.dept for v in views if v.dept}),
        "officer": sorted({v.officer for v in views}),
        "category": list(schema.enums.get("issue_categories", ())),
        "town": list(schema.enums.get("towns", ())),
    }
    w.page("internal/ledger.md.j2", "ledger/index.md", pages=pages, options=options, total=len(views))


def _asset(w: PageWriter, name: str) -> str:
    """A static file kept beside the templates (overridable like them), copied as it is."""
    assert w.env.loader is not None
    source, _filename, _uptodate = w.env.loader.get_source(w.env, name)
    return source


def _js_safe(payload: str) -> str:
    """JSON as a JavaScript literal: no line separators, no closing tag."""
    return payload.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("</", "<\\/")


def _overdue(w: PageWriter, views: list[IssueView], programme: Programme) -> list[tuple[str, list[IssueView]]]:
    by_dept: dict[str, list[IssueView]] = defaultdict(list)
    for v in views:
        if v.overdue_days is not None:
            by_dept[v.issue.dept_id or ""].append(v)
    groups = []
    for dept_id, rows in by_dept.items():
        rows.sort(key=lambda v: (-(v.overdue_days or 0), v.issue.issue_id))
        groups.append((dept_id, rows))
    groups.sort(key=lambda g: (-len(g[1]), g[0]))
    named = [
        (dept_id, programme.departments[dept_id].name if dept_id in programme.departments else dept_id, rows)
        for dept_id, rows in groups
    ]
    w.page("internal/overdue.md.j2", "overdue/index.md", groups=named, as_of=programme.as_of,
           total=sum(len(r) for _, _, r in named))
    return [(name, rows) for _, name, rows in named]


def _officers(w: PageWriter, views: list[IssueView], programme: Programme) -> None:
    day = programme.as_of
    served: dict[str, list[Any]] = defaultdict(list)
    for a in programme.active_assignments(day):
        e = programme.enterprises.get(a.enterprise_id)
        if e is not None:
            served[a.officer_id].append((e, a))
    open_by: dict[str, list[IssueView]] = defaultdict(list)
    for v in views:
        if v.open:
            open_by[v.issue.officer_id].append(v)
    officers: list[Officer] = sorted(programme.officers.values(), key=lambda o: (not o.active, o.role, o.officer_id))
    summary = []
    for o in officers:
        mine = sorted(served[o.officer_id], key=lambda p: p[0].enterprise_id)
        issues = sorted(open_by[o.officer_id], key=lambda v: (-(v.overdue_days or -1), v.issue.issue_id))
        overdue = sum(1 for v in issues if v.overdue_days is not None)
        summary.append((o, len(mine), len(issues), overdue))
        w.page("internal/officer.md.j2", f"officers/{slug(o.officer_id)}.md",
               officer=o, served=mine, issues=issues, overdue=overdue, as_of=day)
    w.page("internal/officers.md.j2", "officers/index.md", summary=summary, as_of=day)


def _orders(w: PageWriter, views: list[IssueView], programme: Programme, schema: WorkbookSchema) -> None:
    open_views = [v for v in views if v.open]
    by_dept: dict[str, list[IssueView]] = defaultdict(list)
    for v in open_views:
        by_dept[v.issue.dept_id or UNASSIGNED].append(v)
    w.text("orders/print.css", _asset(w, "internal/print.css"))
    index = []
    for dept_id in sorted(by_dept, key=lambda d: (d == UNASSIGNED, d)):
        rows = sorted(by_dept[dept_id], key=lambda v: (v.issue.due_on is None, v.issue.due_on, v.issue.issue_id))
        if dept_id == UNASSIGNED:
            name, page = "尚未交办（已挂号）", f"{UNASSIGNED}.md"
        else:
            d = programme.departments.get(dept_id)
            name, page = (d.name if d else dept_id), f"dept-{slug(dept_id)}.md"
        index.append((name, page, len(rows), sum(1 for v in rows if v.overdue_days is not None)))
        w.page("internal/orders.md.j2", f"orders/{page}", dept_name=name, rows=rows,
               issuer=schema.title, as_of=programme.as_of, unassigned=dept_id == UNASSIGNED)
    w.page("internal/orders_index.md.j2", "orders/index.md", index=index, total=len(open_views))


def _quality(w: PageWriter, checked: Checked, schema: WorkbookSchema) -> None:
    order = {s.title: n for n, s in enumerate(schema.sheets)}
    by_sheet: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in checked.report.sorted():
        by_sheet[f.sheet][f.code].append(f)
    groups = [
        (sheet, sorted(codes.items(), key=lambda c: (c[1][0].severity != ERROR, c[0])))
        for sheet, codes in sorted(by_sheet.items(), key=lambda s: (order.get(s[0], len(order)), s[0]))
    ]
    counts = {s.title: len(checked.rows(s.name)) for s in schema.sheets if s.name in checked.tables}
    missing = [s.title for s in schema.sheets if s.name not in checked.tables]
    w.page("internal/quality.md.j2", "quality/index.md", groups=groups, report=checked.report,
           counts=counts, missing=missing, sources=checked.sources, as_of=checked.as_of)


def _leniency(w: PageWriter, programme: Programme) -> list[Any]:
    items = follow_ups(programme)
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
    w.page("internal/leniency.md.j2", "leniency/index.md", items=items, names=names, as_of=programme.as_of,
           outcomes=sorted(outcomes.items()), total=len(programme.leniency_cases))
    return items


def _projects(w: PageWriter, programme: Programme, schema: WorkbookSchema) -> list[Any]:
    figures = project_figures(programme, enum_of(schema, "key_projects", "level"))
    blockers = [
        (p, r) for p in figures.projects for r in p.reports[-4:]
        if r.blockers and (figures.as_of - r.report_on).days < 28
    ]
    blockers.sort(key=lambda pr: (pr[1].report_on, pr[0].project.project_id), reverse=True)
    missing = figures.missing
    w.page("internal/projects.md.j2", "projects/index.md", figures=figures, missing=missing,
           blockers=blockers, week_label=week_label)
    return missing


def render_internal(
    programme: Programme, checked: Checked, schema: WorkbookSchema, docs_dir: Path, templates: Path | None = None,
) -> list[Path]:
    """Write the internal pages into ``docs_dir`` (a staging folder) and return their paths."""
    w = PageWriter(make_environment(templates), docs_dir)
    views = _views(programme)
    _ledger(w, views, schema, programme)
    overdue = _overdue(w, views, programme)
    _officers(w, views, programme)
    _orders(w, views, programme, schema)
    _quality(w, checked, schema)
    due = _leniency(w, programme)
    missing = _projects(w, programme, schema)
    w.page(
        "internal/index.md.j2", "index.md", site_title=schema.title, as_of=programme.as_of,
        open_count=sum(1 for v in views if v.open), overdue_count=sum(len(r) for _, r in overdue),
        overdue_depts=len(overdue), findings=_count(checked.report.findings),
        late_followups=sum(1 for f in due if f.late), followups=len(due), missing_reports=len(missing),
    )
    return w.written


def _count(findings: Iterable[Finding]) -> tuple[int, int]:
    items = list(findings)
    errors = sum(1 for f in items if f.severity == ERROR)
    return errors, len(items) - errors
