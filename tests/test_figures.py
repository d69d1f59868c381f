"""Periods and per-period figures, checked against a straightforward recomputation."""

from __future__ import annotations

import datetime as dt
import statistics
from decimal import ROUND_HALF_UP, Decimal

import pytest
from conftest import validate
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.figures.breakdowns import LedgerIndex, figures_of, period_doc
from generator.figures.closed_loop import CLOSED_LOOP_FIGURES
from generator.figures.document import to_json
from generator.figures.ledger import period_figures
from generator.figures.periods import (
    KINDS,
    finished_periods,
    month_of,
    parse_key,
    period_of,
    segments,
    week_of,
)
from generator.figures.report import compile_progress
from generator.model import Department, Enterprise, Issue, Programme
from generator.pipeline import model_of
from generator.render.labels import period_label
from generator.schema import EnumRole, load_schema

D = dt.date


def issue(n: int, reported: dt.date, closed: dt.date | None = None, due: dt.date | None = None,
          enterprise: str = "E1", category: str = "政策咨询", satisfaction: str | None = None) -> Issue:
    return Issue(
        issue_id=f"Q{n}", enterprise_id=enterprise, officer_id="O1", category=category, description="x",
        reported_on=reported, status="已销号" if closed else "办理中", dept_id="D1", owner="x",
        due_on=due, closed_on=closed, resolution="x" if closed else None, satisfaction=satisfaction,
    )


def programme(issues: list[Issue], as_of: dt.date, enterprises: dict[str, Enterprise] | None = None) -> Programme:
    enterprises = enterprises or {
        "E1": Enterprise("E1", "91330902MA2A00001X", "甲", "新材料", "小型", False, "解放街道"),
    }
    return Programme(
        as_of=as_of, departments={"D1": Department("D1", "区某局")}, enterprises=enterprises,
        officers={}, assignments=[], issues=issues, policies={},
    )


def test_iso_weeks_run_monday_to_sunday_and_cross_years():
    week = week_of(D(2022, 1, 1))
    assert (week.key, week.start, week.end) == ("2021-W52", D(2021, 12, 27), D(2022, 1, 2))
    assert period_label(week) == "2021年第52周"
    assert week_of(D(2022, 1, 3)).key == "2022-W01"
    assert parse_key("week", "2022-W05") == week_of(D(2022, 2, 2))
    month = month_of(D(2024, 2, 10))
    assert (month.key, month.start, month.end, period_label(month)) == ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "2024年2月")
    assert parse_key("month", "2022-12") == month_of(D(2022, 12, 31))


def test_only_finished_periods_get_a_page():
    weeks = finished_periods("week", D(2022, 1, 1), D(2022, 1, 15))
    assert [w.key for w in weeks] == ["2021-W52", "2022-W01"]  # 2022-W02 ends on the 16th
    assert [m.key for m in finished_periods("month", D(2022, 1, 1), D(2022, 3, 30))] == ["2022-01", "2022-02"]
    assert finished_periods("month", None, D(2022, 3, 30)) == []


def test_segments_partition_weeks_and_months():
    periods = finished_periods("week", D(2022, 1, 1), D(2022, 3, 31)) + finished_periods("month", D(2022, 1, 1), D(2022, 3, 31))
    parts = segments(sorted(periods))
    assert parts[0][0] == D(2021, 12, 27)
    for (_, b), (c, _) in zip(parts, parts[1:], strict=False):
        assert c == b + dt.timedelta(days=1)
    bounds = {a for a, _ in parts}
    for p in periods:
        assert p.start in bounds
        assert any(b == p.end for _, b in parts)


def test_figures_of_a_small_ledger():
    ledger = [
        issue(1, D(2022, 1, 3), closed=D(2022, 1, 5), due=D(2022, 1, 10), satisfaction="满意"),
        issue(2, D(2022, 1, 4), closed=D(2022, 1, 20), due=D(2022, 1, 10), satisfaction="不满意"),
        issue(3, D(2022, 1, 6), due=D(2022, 1, 8)),
        issue(4, D(2022, 1, 12)),
    ]
    f = period_figures(ledger, D(2022, 1, 3), D(2022, 1, 9), load_schema().roles["satisfaction"])
    assert (f.issues_new, f.issues_closed, f.issues_received_total, f.issues_closed_total) == (3, 1, 3, 1)
    assert (f.issues_open, f.issues_overdue) == (2, 1)
    assert f.closure_rate == pytest.approx(1 / 3)
    assert f.on_time_rate == 1.0
    assert f.median_days_to_close == 2.0
    assert f.satisfaction == {"满意": 1.0, "基本满意": 0.0, "不满意": 0.0}
    later = period_figures(ledger, D(2022, 1, 17), D(2022, 1, 23), load_schema().roles["satisfaction"])
    assert (later.issues_new, later.issues_closed, later.issues_open, later.issues_overdue) == (0, 1, 2, 1)
    assert later.on_time_rate == 0.5
    assert later.median_days_to_close == 9.0
    assert later.p90_days_to_close == 16.0


def test_satisfaction_levels_come_from_the_schemas_role():
    """The ratings counted are workbook.yaml's roles.satisfaction, in its order."""
    role = EnumRole("satisfaction", {"satisfied": "好", "basic": "一般", "dissatisfied": "差"})
    ledger = [issue(1, D(2022, 1, 3), closed=D(2022, 1, 5), satisfaction="好"),
              issue(2, D(2022, 1, 4), closed=D(2022, 1, 6), satisfaction="差"),
              issue(3, D(2022, 1, 4), closed=D(2022, 1, 7))]
    f = period_figures(ledger, None, D(2022, 1, 31), role)
    assert list(f.satisfaction) == ["好", "一般", "差"]
    assert f.satisfaction == {"好": 0.5, "一般": 0.0, "差": 0.5}
    assert f.satisfaction_count == 2


def test_a_zero_denominator_is_none_and_the_page_shows_a_dash(schema):
    p = programme([issue(1, D(2022, 1, 4))], D(2022, 1, 31))
    doc = to_json(period_doc(p, schema, week_of(D(2022, 1, 4)), 3))
    assert doc["figures"]["on_time_rate"] is None
    assert doc["figures"]["median_days_to_close"] is None
    assert doc["figures"]["closure_rate"] == 0.0
    from generator.render.progress import display

    assert display(doc["figures"]["on_time_rate"], percent=True) == "—"
    assert display(0.0, percent=True) == "0.0%"
    assert display(66.7, percent=True) == "66.7%"


# --- the example workbook, recomputed the plain way -------------------------------------

@pytest.fixture(scope="module")
def example(example_workbook, schema):
    checked = validate([str(example_workbook)], D(2022, 12, 31), schema)
    p = model_of(checked)
    progress = compile_progress(p, schema, 3, freeze=KINDS)  # as publish: every table computed
    # The documents as plain JSON values (to_json), which these tests read.
    progress.docs = {kind: [to_json(d) for d in docs] for kind, docs in progress.docs.items()}  # type: ignore[misc]
    return p, progress


def plain_closed_loop(issues: list[Issue], end: dt.date, pct, within: int = 2) -> dict[str, object]:
    """issue 14's definitions, recomputed one by one."""
    assigned = [(i.assigned_on - i.reported_on).days for i in issues if i.assigned_on and i.assigned_on <= end]
    closed = [i for i in issues if i.closed_on and i.closed_on <= end]
    typed = [i for i in closed if i.closure_type]
    reopened = {i.reopens for i in issues if i.reopens and i.reported_on <= end}
    median = statistics.median(assigned) if assigned else None
    return {
        "assigned_on_time_rate": pct(sum(d <= within for d in assigned), len(assigned)),
        "median_days_to_assign": None if median is None else (int(median) if median == int(median) else median),
        "resolution_rate": pct(sum(i.closure_type == "已解决" for i in typed), len(typed)),
        "revisit_rate": pct(sum(bool(i.revisit_on and i.revisit_on <= end) for i in closed), len(closed)),
        "reopen_rate": pct(sum(i.issue_id in reopened for i in closed), len(closed)),
    }


def plain_figures(issues: list[Issue], start: dt.date, end: dt.date, closed_loop: bool = False) -> dict[str, object]:
    received = [i for i in issues if i.reported_on <= end]
    closed = [i for i in received if i.closed_on is not None and i.closed_on <= end]
    due = [i for i in closed if i.due_on is not None]
    days = sorted((i.closed_on - i.reported_on).days for i in closed)  # type: ignore[operator]
    rated = [i for i in closed if i.satisfaction]

    def pct(a: int, b: int) -> float | None:
        # 四舍五入 in decimal arithmetic (site.md), independently of generator.figures.rounding
        return None if b == 0 else float((Decimal(100 * a) / Decimal(b)).quantize(Decimal("0.1"), ROUND_HALF_UP))

    median = statistics.median(days) if days else None
    return {
        "issues_new": sum(start <= i.reported_on <= end for i in issues),
        "issues_closed": sum(i.closed_on is not None and start <= i.closed_on <= end for i in issues),
        "issues_received_total": len(received),
        "issues_closed_total": len(closed),
        "issues_open": len(received) - len(closed),
        "issues_overdue": sum(1 for i in received if i not in closed and i.due_on is not None and i.due_on < end),
        "closure_rate": pct(len(closed), len(received)),
        "on_time_rate": pct(sum(i.closed_on <= i.due_on for i in due), len(due)),  # type: ignore[operator]
        "median_days_to_close": None if median is None else (int(median) if median == int(median) else median),
        "p90_days_to_close": days[-(-len(days) * 9 // 10) - 1] if days else None,
        "satisfied_rate": pct(sum(i.satisfaction == "满意" for i in rated), len(rated)),
        "satisfied_or_basic_rate": pct(sum(i.satisfaction in ("满意", "基本满意") for i in rated), len(rated)),
        "satisfaction_basic": pct(sum(i.satisfaction == "基本满意" for i in rated), len(rated)),
        "satisfaction_dissatisfied": pct(sum(i.satisfaction == "不满意" for i in rated), len(rated)),
        "satisfaction_count": len(rated),
        # a ledger without the closed-loop columns: those figures are not computed
        **(plain_closed_loop(issues, end, pct) if closed_loop else dict.fromkeys(CLOSED_LOOP_FIGURES)),
    }


def test_example_periods(example):
    _p, progress = example
    weeks, months = progress.docs["week"], progress.docs["month"]
    assert [d["period"]["key"] for d in months] == [f"2022-{m:02d}" for m in range(1, 13)]
    assert weeks[0]["period"]["key"] == "2021-W52" and weeks[-1]["period"]["key"] == "2022-W51"
    assert len(weeks) == 52  # 2022-W52 ends on 2023-01-01, after the as-of date


def test_example_figures_match_a_plain_recomputation(example):
    p, progress = example
    for doc in progress.all_docs():
        start, end = D.fromisoformat(doc["period"]["start"]), D.fromisoformat(doc["period"]["end"])
        assert doc["figures"] == plain_figures(p.issues, start, end, closed_loop=True), doc["period"]["key"]


def test_example_tables_match_a_plain_recomputation(example):
    p, progress = example
    attribute = {
        "town": lambda e: e.town, "industry": lambda e: e.industry, "size": lambda e: e.size,
        "above_scale": lambda e: "规上" if e.above_scale else "规下",
    }
    checked_cells = suppressed = 0
    for doc in progress.all_docs():
        start, end = D.fromisoformat(doc["period"]["start"]), D.fromisoformat(doc["period"]["end"])
        for row in doc["tables"]["category"]["rows"]:
            mine = [i for i in p.issues if i.category == row["category"]]
            assert row["issues_new"] == sum(start <= i.reported_on <= end for i in mine)
            assert row["issues_closed"] == sum(i.closed_on is not None and start <= i.closed_on <= end for i in mine)
        for row in doc["tables"]["department"]["rows"]:
            mine = [i for i in p.issues if i.closed_on and start <= i.closed_on <= end
                    and i.dept_id and p.departments[i.dept_id].name == row["department"]]
            assert row["issues_closed"] == len(mine)
            assert row["closed_on_time"] == sum(1 for i in mine if i.due_on and i.closed_on <= i.due_on)
        for dim, get in attribute.items():
            table = doc["tables"][dim]
            for row in table["rows"]:
                for column, day in (("issues_new", "reported_on"), ("issues_closed", "closed_on")):
                    mine = [i for i in p.issues if get(p.enterprises[i.enterprise_id]) == row[dim]
                            and getattr(i, day) is not None and start <= getattr(i, day) <= end]
                    firms = {i.enterprise_id for i in mine}
                    shown = row[column]
                    if shown == "*":
                        suppressed += 1
                        assert len(mine) > 0  # zero stays zero
                    else:
                        checked_cells += 1
                        assert shown == len(mine), (doc["period"]["key"], dim, row[dim], column)
                        assert len(mine) == 0 or len(firms) >= 3  # the threshold rule
    assert checked_cells > 1000 and suppressed > 0


@st.composite
def small_ledgers(draw):
    issues = []
    for n in range(draw(st.integers(0, 30))):
        reported = D(2022, 1, 1) + dt.timedelta(days=draw(st.integers(0, 70)))
        lag = draw(st.one_of(st.none(), st.integers(0, 30)))
        due = draw(st.one_of(st.none(), st.integers(0, 20)))
        issues.append(issue(
            n, reported, closed=None if lag is None else reported + dt.timedelta(days=lag),
            due=None if due is None else reported + dt.timedelta(days=due),
            satisfaction=draw(st.sampled_from([None, "满意", "基本满意", "不满意"])) if lag is not None else None,
        ))
    return issues


@settings(max_examples=60, deadline=None)
@given(small_ledgers(), st.integers(0, 100), st.sampled_from(["week", "month"]))
def test_the_ledger_index_gives_the_reference_figures(schema, issues, offset, kind):
    """Pages use a numpy index over the ledger; it must agree with ledger.period_figures."""
    period = period_of(kind, D(2022, 1, 1) + dt.timedelta(days=offset))
    index = LedgerIndex(programme(issues, D(2022, 12, 31)), schema)
    assert index.figures(period) == figures_of(issues, period, schema, frozenset())
    assert index.figures(period) == plain_figures(issues, period.start, period.end)
