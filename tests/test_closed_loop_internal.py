"""The closed loop in the internal edition (issue 14): each issue's timeline on
the ledger pages, 升级督办 on the 督办 page, each officer's 回访 due."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import build
from htmltree import Node, article

AS_OF = dt.date(2022, 12, 31)


@pytest.fixture(scope="module")
def internal(tmp_path_factory, example_workbook):
    tmp = tmp_path_factory.mktemp("loop")
    built = build([str(example_workbook)], AS_OF, site_dir=tmp / "site-internal", docs_dir=tmp / "docs",
                  audience="internal")
    return built.result.site_dir, built.programme


def rows(path: Path) -> list[list[str]]:
    """The body rows of the page's tables, a row's own header (th scope=row) first."""
    return [[c.text().strip() for c in tr.children if isinstance(c, Node) and c.tag in ("th", "td")]
            for tr in article(path).find_all("tr") if tr.find_all("td")]


def test_each_issue_shows_its_timeline(internal):
    site, programme = internal
    chased = next(s for s in programme.supervisions)
    issue = next(i for i in programme.issues if i.issue_id == chased.issue_id)
    found = [r for p in sorted((site / "ledger").glob("status-*.html")) for r in rows(p) if r and r[0] == issue.issue_id]
    (row,) = found
    steps = row[-1].split(" → ")
    assert steps[0] == f"反映 {issue.reported_on.isoformat()}"
    assert steps[1] == f"交办 {issue.assigned_on.isoformat()}"
    assert f"督办 {chased.supervised_on.isoformat()}（{chased.method}）" in steps
    days = [dt.date.fromisoformat(re.search(r"\d{4}-\d{2}-\d{2}", s).group()) for s in steps]
    assert days == sorted(days)
    if issue.closed_on:
        assert f"销号 {issue.closed_on.isoformat()}（{issue.closure_type}）" in steps


def test_escalated_issues_are_those_overdue_long_or_chased_often(internal):
    site, programme = internal
    times = {}
    for s in programme.supervisions:
        times[s.issue_id] = times.get(s.issue_id, 0) + 1
    expected = {
        i.issue_id for i in programme.issues
        if i.open_at(AS_OF) and (i.overdue_at(AS_OF) and (AS_OF - i.due_on).days > 15 or times.get(i.issue_id, 0) > 2)
    }
    listed = [r for r in rows(site / "overdue/index.html") if len(r) == 9]
    assert {r[0] for r in listed} == expected and len(listed) == len(expected) > 10
    for r in listed:
        assert int(r[6]) == times.get(r[0], 0)
        assert r[8] in ("超期过久", "多次督办未办结", "超期过久、多次督办未办结")
    overdue_days = [int(r[5]) if r[5] != "—" else 0 for r in listed]
    assert overdue_days == sorted(overdue_days, reverse=True)


def test_each_officer_sees_the_revisits_due(internal):
    site, programme = internal
    officer = max(programme.officers, key=lambda o: sum(1 for i in programme.issues if i.officer_id == o))
    due = {i.issue_id: i for i in programme.issues
           if i.officer_id == officer and i.closed_on and i.revisit_on is None}
    listed = [r for r in rows(site / f"officers/{officer}.html") if len(r) == 8 and r[0].startswith("Q")]
    assert {r[0] for r in listed} == set(due) and due
    for r in listed:
        closed = due[r[0]].closed_on
        late = closed + dt.timedelta(days=7) < AS_OF
        assert r[-1].endswith("（逾期）") == late
    text = article(site / f"officers/{officer}.html").text()
    assert f"待回访（{len(due)} 件）" in text


def test_the_public_site_has_none_of_it(tmp_path, example_workbook):
    built = build([str(example_workbook)], AS_OF, site_dir=tmp_path / "site", docs_dir=tmp_path / "docs")
    pages = "".join(p.read_text(encoding="utf-8") for p in built.result.site_dir.rglob("*.html"))
    assert "升级督办" not in pages and "待回访" not in pages and "办理经过" not in pages
