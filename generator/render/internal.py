"""The internal edition (site.md, "The internal edition"): for the service
office's intranet only, built into its own site directory.

Pages: the full ledger by status (a filter page over a generated data file,
plus server-free per-status pages that work with JavaScript off), overdue
issues per responsible department (督办), each officer's enterprises and open
issues, a printable 限时解决交办单 per open issue (one order per printed page),
each officer's printable 政策推送清单 (the open policies that apply to their
enterprises, told or not yet told; 兑付 overdue are in the 督办 page),
the officers' scorecards (考核) by month, quarter and year and the printable
monthly 驻企出勤表 the attendance allowance is computed from (走访记录),
the 容错纠错 checks and return visits due or late, key projects without a
report in the as-of week, each event's participants by name and the 研修计划
nominees (研修助学), and the data-quality report.

Internal pages may show every value; every value is still escaped. Nothing
here is ever rendered by the public build (``render_public`` does not import
this module), and the pipeline never syncs these pages into ``docs/``.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..check import Checked
from ..model import Programme
from ..schema import WorkbookSchema
from .environment import make_environment
from .escape import js_literal
from .open311 import render_requests, render_services
from .receipts import code
from .views.delivery import OverduePayment, PushList, overdue_payments, push_lists
from .views.followups import (
    LeniencyView,
    ProjectsView,
    QualityView,
    finding_counts,
    leniency_view,
    projects_view,
    quality_view,
)
from .views.issues import (
    LEDGER_PAGE_ROWS,
    IssueView,
    LedgerView,
    OfficerView,
    OrderGroup,
    OverdueGroup,
    issue_views,
    ledger_view,
    officer_summary,
    officer_views,
    order_groups,
    overdue_groups,
)
from .views.loop import Escalation, RevisitDue, escalations, revisits_due, timelines
from .views.scorecard import AttendanceSheet, Period, Scorecards, attendance, scorecards
from .writer import PageWriter

INTERNAL_NAV: list[dict[str, object]] = [
    {"内部版首页": "index.md"},
    {"问题台账": "ledger/index.md"},
    {"督办": "overdue/index.md"},
    {"专员服务": "officers/index.md"},
    {"交办单": "orders/index.md"},
    {"政策推送": "pushes/index.md"},
    {"专员考核": "scorecards/index.md"},
    {"驻企出勤表": "attendance/index.md"},
    {"容错纠错": "leniency/index.md"},
    {"重点项目": "projects/index.md"},
    {"研修助学": "activities/index.md"},
    {"数据质量": "quality/index.md"},
    # The staff's hand-written help (docs/help/), left out of the public edition.
    {"使用说明": [{"使用说明": "help/index.md"}, {"Google 表格": "help/google-sheets.md"},
                  {"发布与部署": "help/publishing.md"}, {"回执码与办理进度查询": "help/receipts.md"},
                  {"Open311 数据文件": "help/open311.md"}]},
]
# The staff edition's stylesheet (full width, landscape print), added to mkdocs.yml's extra_css.
INTERNAL_CSS = "assets/stylesheets/internal.css"
LEDGER_JS_PREFIX = "window.NUANQI_LEDGER = "
LEDGER_COLUMNS = ["id", "enterprise", "town", "category", "description", "reported", "status",
                  "dept", "owner", "due", "closed", "officer", "overdue"]


def _ledger_row(v: IssueView) -> list[str | int | None]:
    i = v.issue
    return [i.issue_id, v.enterprise, v.town, i.category, i.description, i.reported_on.isoformat(), i.status,
            v.dept, i.owner or "", i.due_on.isoformat() if i.due_on else "",
            i.closed_on.isoformat() if i.closed_on else "", v.officer, v.overdue_days]


def _ledger(w: PageWriter, view: LedgerView, programme: Programme) -> None:
    steps = timelines(programme)
    for status in view.pages:
        for k, chunk in enumerate(status.chunks):
            w.page(
                "internal/ledger_status.md.j2", f"ledger/{status.names[k]}", status=status.status, rows=chunk,
                part=k + 1, parts=len(status.chunks), names=status.names, first=k * LEDGER_PAGE_ROWS + 1,
                total=status.count, steps=steps,
            )
    data = {"as_of": programme.as_of.isoformat(), "columns": LEDGER_COLUMNS,
            "rows": [_ledger_row(v) for v in view.rows]}
    # JSON in a script (not fetched), so that the filter also works from file://.
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    w.text("data/ledger.js", LEDGER_JS_PREFIX + js_literal(payload) + ";\n")
    w.copy_asset("internal/filter.js", "ledger/filter.js")
    pages = [{"status": s.status, "count": s.count, "names": s.names} for s in view.pages]
    w.page("internal/ledger.md.j2", "ledger/index.md", pages=pages, options=view.options, total=len(view.rows))


def _overdue(w: PageWriter, groups: list[OverdueGroup], programme: Programme, escalated: list[Escalation],
             schema: WorkbookSchema, payments: list[OverduePayment] | None) -> None:
    w.page("internal/overdue.md.j2", "overdue/index.md", groups=groups, as_of=programme.as_of,
           total=sum(len(g.rows) for g in groups), escalated=escalated, closed_loop=schema.closed_loop,
           payments=payments)


def _pushes(w: PageWriter, lists: list[PushList], programme: Programme) -> None:
    """Each officer's printable 政策推送清单, and an index of them."""
    w.copy_asset("internal/push_print.css", "pushes/print.css")
    for view in lists:
        w.page("internal/pushes.md.j2", view.page, view=view, as_of=programme.as_of)
    w.page("internal/pushes_index.md.j2", "pushes/index.md", lists=lists, as_of=programme.as_of)


def _scorecards(w: PageWriter, cards: Scorecards, sheets: dict[str, list[AttendanceSheet]], programme: Programme,
                schema: WorkbookSchema) -> None:
    """The scorecard of each period and its index; each month's 驻企出勤表 and theirs."""
    notes = cards.has.notes()
    rows = []
    for p in cards.periods:
        scores = cards.by_period[p.key]
        w.page("internal/scorecard.md.j2", p.page, period=p, scores=scores, notes=notes, as_of=programme.as_of)
        days = None if not cards.has.visits else sum(s.stationed_days or 0 for s in scores)
        visits = None if not cards.has.visits else sum(s.visits or 0 for s in scores)
        rows.append((p, days, visits, sum(s.collected for s in scores)))
    w.page("internal/scorecards_index.md.j2", "scorecards/index.md", rows=rows, notes=notes, as_of=programme.as_of)
    w.copy_asset("internal/attendance_print.css", "attendance/print.css")
    months = [p for p in cards.periods if p.month]
    in_post = sorted(programme.officers_in_post(), key=lambda o: o.officer_id)
    for p in months if cards.has.visits else []:
        listed = {s.officer.officer_id for s in sheets[p.key]}
        w.page("internal/attendance.md.j2", p.attendance_page, period=p, sheets=sheets[p.key], issuer=schema.title,
               as_of=programme.as_of, without=[o.name for o in in_post if o.officer_id not in listed])
    w.page("internal/attendance_index.md.j2", "attendance/index.md", as_of=programme.as_of,
           has_visits=cards.has.visits, months=[(p, sheets[p.key]) for p in months])


def _attendance_links(cards: Scorecards, sheets: dict[str, list[AttendanceSheet]]) -> dict[str, list[tuple[Period, str]]]:
    """Officer ID -> the months they have a 驻企出勤表 in, with its anchor."""
    out: dict[str, list[tuple[Period, str]]] = {}
    for p in cards.periods:
        for s in sheets.get(p.key, []):
            out.setdefault(s.officer.officer_id, []).append((p, s.anchor))
    return out


def _officers(w: PageWriter, officers: list[OfficerView], programme: Programme,
              revisits: dict[str, list[RevisitDue]], schema: WorkbookSchema, pushes: dict[str, PushList],
              cards: Scorecards, sheets: dict[str, list[AttendanceSheet]]) -> None:
    links = _attendance_links(cards, sheets)
    notes = cards.has.notes()
    for o in officers:
        push = pushes.get(o.officer.officer_id)
        w.page("internal/officer.md.j2", o.page, officer=o.officer, served=o.served, issues=o.issues,
               overdue=o.overdue, as_of=programme.as_of, revisits=revisits.get(o.officer.officer_id, []),
               revisit_column="revisit_on" in programme.columns.get("issues", frozenset()),
               revisit_days=schema.closed_loop.revisit_within_days,
               push_page="../" + push.page if push else None,
               push_untold=push.untold if push else 0,
               scores=cards.by_officer.get(o.officer.officer_id, []), score_notes=notes,
               attendance=links.get(o.officer.officer_id, []))
    w.page("internal/officers.md.j2", "officers/index.md", summary=officer_summary(officers), as_of=programme.as_of)


def _orders(w: PageWriter, groups: list[OrderGroup], programme: Programme, schema: WorkbookSchema, key: bytes | None,
            status_url: str | None) -> None:
    w.copy_asset("internal/print.css", "orders/print.css")
    # The issues not yet assigned are named by their status (schema.roles["issue_status"]).
    unassigned = w.label("unassigned_orders", schema.roles["issue_status"]["registered"])
    index = []
    for g in groups:
        name = unassigned if g.dept_name is None else g.dept_name
        index.append((name, g.page, len(g.rows), g.overdue))
        codes = {} if key is None else {v.issue.issue_id: code(key, v.issue.issue_id) for v in g.rows}
        w.page("internal/orders.md.j2", f"orders/{g.page}", dept_name=name, rows=g.rows, codes=codes,
               issuer=schema.title, as_of=programme.as_of, unassigned=g.unassigned, status_url=status_url)
    w.page("internal/orders_index.md.j2", "orders/index.md", index=index, total=sum(len(g.rows) for g in groups))


def _quality(w: PageWriter, view: QualityView, checked: Checked) -> None:
    w.page("internal/quality.md.j2", "quality/index.md", groups=view.groups, report=checked.report,
           counts=view.counts, missing=view.missing, sources=checked.sources, as_of=checked.as_of)


def _leniency(w: PageWriter, view: LeniencyView, programme: Programme) -> None:
    w.page("internal/leniency.md.j2", "leniency/index.md", items=view.items, names=view.names,
           as_of=programme.as_of, outcomes=view.outcomes, total=view.total, follow_up_kind=w.labels.follow_up_kind)


def _projects(w: PageWriter, view: ProjectsView) -> None:
    w.page("internal/projects.md.j2", "projects/index.md", figures=view.figures, missing=view.missing,
           blockers=view.blockers, week_label=w.labels.week_label)


def _activities(w: PageWriter, programme: Programme) -> None:
    """Each event with its participants by name, and the 研修计划 nominees (internal only)."""
    acts = programme.activities
    firms = {e.enterprise_id: e.name for e in programme.enterprises.values()}
    officers = {o.officer_id: o.name for o in programme.officers.values()}
    depts = {d.dept_id: d.name for d in programme.departments.values()}
    events = []
    for e in sorted(acts.events, key=lambda e: (e.held_on, e.event_id), reverse=True):
        people = [("企业", p.enterprise_id, firms.get(p.enterprise_id, "")) if p.enterprise_id is not None
                  else ("专员", p.officer_id, officers.get(p.officer_id or "", "")) for p in acts.participants_of(e.event_id)]
        events.append((e, depts.get(e.organiser, e.organiser), people))
    plans = [(p, firms.get(p.enterprise_id, "")) for p in sorted(acts.study_plans, key=lambda p: (p.plan, p.nominated_on))]
    grants = sum(p.grant for p in acts.study_plans if p.grant is not None)
    w.page("internal/activities.md.j2", "activities/index.md", events=events, plans=plans, grants=grants,
           as_of=programme.as_of)


def render_internal(
    programme: Programme, checked: Checked, schema: WorkbookSchema, docs_dir: Path, templates: Path | None = None,
    receipt_key: bytes | None = None, status_url: str | None = None,
) -> list[Path]:
    """Write the internal pages into ``docs_dir`` (a staging folder) and return their paths.
    ``receipt_key``: the key of the receipt codes on the 交办单 and of Open311's request IDs (the
    public build's; None: no codes, no requests);
    ``status_url``: the public status page's address printed beside them (None: its path in the public site)."""
    w = PageWriter(make_environment(templates), docs_dir)
    w.copy_asset("internal/staff.css", INTERNAL_CSS)
    views = issue_views(programme)
    overdue = overdue_groups(views, programme)
    followups = leniency_view(programme, schema)
    projects = projects_view(programme, schema)
    _ledger(w, ledger_view(views, schema), programme)
    # 兑付 past the policy's 承诺期限 (None: the workbook has no 兑付 sheet, and the pages say nothing of it).
    late_payments = overdue_payments(programme, schema) if "payments" in programme.columns else None
    _overdue(w, overdue, programme, escalations(views, programme, schema), schema, late_payments)
    pushes = push_lists(programme, schema)
    cards, sheets = scorecards(programme, schema), attendance(programme, schema)
    _officers(w, officer_views(views, programme), programme, revisits_due(views, programme, schema), schema,
              {p.officer.officer_id: p for p in pushes}, cards, sheets)
    _scorecards(w, cards, sheets, programme, schema)
    _orders(w, order_groups(views, programme), programme, schema, receipt_key, status_url)
    _pushes(w, pushes, programme)
    render_services(w, schema)
    if receipt_key is not None:
        render_requests(w, programme, schema, receipt_key)
    _quality(w, quality_view(checked, schema), checked)
    _leniency(w, followups, programme)
    _projects(w, projects)
    _activities(w, programme)
    w.page(
        "internal/index.md.j2", "index.md", site_title=schema.title, as_of=programme.as_of,
        open_count=sum(1 for v in views if v.open), overdue_count=sum(len(g.rows) for g in overdue),
        overdue_depts=len(overdue), findings=finding_counts(list(checked.report.findings)),
        late_followups=followups.late, followups=len(followups.items), missing_reports=len(projects.missing),
        pushes_total=sum(p.total for p in pushes), pushes_untold=sum(p.untold for p in pushes),
        payments_overdue=None if late_payments is None else len(late_payments),
    )
    return w.written
