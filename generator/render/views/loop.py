"""Views of the closed loop in the internal edition (issue 14): each issue's
timeline (反映 → 交办 → 督办 … → 销号 → 回访), the open issues escalated for
督办 (overdue too long, or chased too often), and each officer's 回访 due."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from ...model import Issue, Programme, Supervision
from ...schema import WorkbookSchema
from .issues import IssueView


class Step(NamedTuple):
    label: str  # 反映, 交办, 督办, 销号, 回访
    day: dt.date
    note: str  # how (督办方式), or the outcome (办结类型, 回访结果); may be empty


def chased(programme: Programme) -> dict[str, list[Supervision]]:
    """Issue ID -> its 督办记录, earliest first."""
    out: dict[str, list[Supervision]] = defaultdict(list)
    for s in programme.supervisions:
        out[s.issue_id].append(s)
    return out


def timeline(issue: Issue, supervisions: list[Supervision], as_of: dt.date) -> tuple[Step, ...]:
    """What happened to one issue up to the as-of date, in order."""
    steps = [Step("反映", issue.reported_on, "")]
    if issue.assigned_on and issue.assigned_on <= as_of:
        steps.append(Step("交办", issue.assigned_on, ""))
    steps += [Step("督办", s.supervised_on, s.method) for s in supervisions if s.supervised_on <= as_of]
    if issue.closed_by(as_of) and issue.closed_on:
        steps.append(Step("销号", issue.closed_on, issue.closure_type or ""))
    if issue.revisit_on and issue.revisit_on <= as_of:
        steps.append(Step("回访", issue.revisit_on, issue.revisit_result or ""))
    return tuple(sorted(steps, key=lambda s: s.day))


def timelines(programme: Programme) -> dict[str, tuple[Step, ...]]:
    by_issue = chased(programme)
    return {i.issue_id: timeline(i, by_issue.get(i.issue_id, []), programme.as_of) for i in programme.issues}


class Escalation(NamedTuple):
    view: IssueView
    times: int  # 督办 so far
    last: dt.date | None  # the latest 督办
    long_overdue: bool  # overdue by more than closedLoop.escalateOverdueDays
    often_chased: bool  # chased more than closedLoop.escalateChasedTimes


def escalations(views: list[IssueView], programme: Programme, schema: WorkbookSchema) -> list[Escalation]:
    """Open issues to escalate (升级督办), longest overdue first."""
    loop = schema.closed_loop
    by_issue = chased(programme)
    out = []
    for v in views:
        if not v.open:
            continue
        done = [s for s in by_issue.get(v.issue.issue_id, []) if s.supervised_on <= programme.as_of]
        long_overdue = (v.overdue_days or 0) > loop.escalate_overdue_days
        often = len(done) > loop.escalate_chased_times
        if long_overdue or often:
            out.append(Escalation(v, len(done), done[-1].supervised_on if done else None, long_overdue, often))
    out.sort(key=lambda e: (-(e.view.overdue_days or 0), -e.times, e.view.issue.issue_id))
    return out


class RevisitDue(NamedTuple):
    view: IssueView
    due_on: dt.date  # 销号 + closedLoop.revisitWithinDays
    late: bool  # past due at the as-of date


def revisits_due(views: list[IssueView], programme: Programme, schema: WorkbookSchema) -> dict[str, list[RevisitDue]]:
    """Officer ID -> the closed issues of that officer not yet revisited, earliest due first
    (none when the ledger has no 回访日期 column)."""
    if "revisit_on" not in programme.columns.get("issues", frozenset()):
        return {}
    days = dt.timedelta(days=schema.closed_loop.revisit_within_days)
    out: dict[str, list[RevisitDue]] = defaultdict(list)
    for v in views:
        i = v.issue
        if i.closed_on is not None and i.closed_on <= programme.as_of and i.revisit_on is None:
            due = i.closed_on + days
            out[i.officer_id].append(RevisitDue(v, due, due < programme.as_of))
    for rows in out.values():
        rows.sort(key=lambda r: (r.due_on, r.view.issue.issue_id))
    return dict(out)
