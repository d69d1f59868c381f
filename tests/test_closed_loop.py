"""The closed loop (issue 14): 交办, 办结类型, 回访, 重新办理 and 督办 in the ledger,
their rules, their figures, and an older workbook without them."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from conftest import build, write_workbook
from hypothesis import given, settings
from hypothesis import strategies as st
from test_figures import plain_closed_loop

from generator.cli import cli
from generator.figures.breakdowns import LedgerIndex, figures_of
from generator.figures.closed_loop import CLOSED_LOOP_FIGURES
from generator.figures.periods import period_of
from generator.model import Department, Enterprise, Issue, Programme
from generator.schema import load_schema

AS_OF = "2022-12-31"
CLOSED_LOOP_TITLES = ("交办日期", "办结类型", "回访日期", "回访结果", "原问题编号")


def without_columns(path: Path, sheet: str, titles: tuple[str, ...]) -> Path:
    """The workbook as an older one: the columns headed ``titles`` of ``sheet`` removed."""
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    for index in sorted((c.column for c in ws[1] if c.value in titles), reverse=True):
        ws.delete_cols(index)
    book.save(path)
    return path


def test_an_older_workbook_warns_once_and_builds(runner, make_workbook, tmp_path):
    book = without_columns(make_workbook(), "问题清单", CLOSED_LOOP_TITLES)
    del_sheet = openpyxl.load_workbook(book)
    del del_sheet["督办记录"]
    del_sheet.save(book)
    result = runner.invoke(cli, ["validate", "--source", str(book), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "问题清单" in line]
    assert lines == [
        "警告 问题清单!1:1：问题清单 没有列：交办日期、办结类型、回访日期。需要这些列的数字显示为“—”，"
        "加上这些列（模板里有）即可计算；不影响其他内容。",
        "共 0 个错误，10 个警告（问题清单：1 个警告；政策：9 个警告）",
    ]
    built = build([str(book)], dt.date(2022, 12, 31), site_dir=tmp_path / "site", docs_dir=tmp_path / "docs")
    data = json.loads((built.result.site_dir / "progress/month/2022-11.json").read_text(encoding="utf-8"))
    assert {key: data["figures"][key] for key in CLOSED_LOOP_FIGURES} == dict.fromkeys(CLOSED_LOOP_FIGURES)
    assert data["figures"]["closure_rate"] is not None
    page = (tmp_path / "docs/progress/month/2022-11.md").read_text(encoding="utf-8")
    assert "| 问题化解率 | — |" in page and "| 及时交办率 | — |" in page


def _closed(rows, n: int = 0) -> dict:
    return [r for r in rows["issues"] if r["status"] == "已销号" and not r["reopens"]][n]


def test_the_rules_of_the_loop_name_their_cells(runner, make_workbook):
    planted: dict[str, str] = {}

    def edit(rows):
        issues = rows["issues"]
        letter = {f.name: openpyxl.utils.get_column_letter(n) for n, f in
                  enumerate(load_schema().sheet("issues").fields, start=1)}

        def cell(row, field):
            return f"{letter[field]}{issues.index(row) + 2}"

        a = _closed(rows, 0)
        a["assigned_on"] = a["closed_on"] + dt.timedelta(days=1)  # 交办 after 销号
        planted[cell(a, "closed_on")] = "not_before"
        b = _closed(rows, 1)
        b["closure_type"] = None                                   # closed without 办结类型
        planted[cell(b, "closure_type")] = "required_if"
        c = next(r for r in issues if r["status"] == "办理中")
        d = _closed(rows, 2)
        d["reopens"] = c["issue_id"]                               # reopens an open issue
        planted[cell(d, "reopens")] = "reopens_open"
        e = _closed(rows, 3)
        e["reopens"] = e["issue_id"]                               # reopens itself
        planted[cell(e, "reopens")] = "reopens_itself"
        f = _closed(rows, 4)
        f["revisit_on"] = f["closed_on"] - dt.timedelta(days=1)    # 回访 before 销号
        planted[cell(f, "revisit_on")] = "not_before"
        g = next(r for r in issues if r["status"] == "办理中")
        g["closure_type"] = issues[0]["closure_type"] or "已解决"  # a type on an open issue
        planted[cell(g, "closure_type")] = "only_if"
        s = rows["supervisions"][0]
        target = next(r for r in issues if r["issue_id"] == s["issue_id"])
        s["supervised_on"] = target["reported_on"] - dt.timedelta(days=1)
        planted[f"B{2}"] = "supervised_before_reported"

    result = runner.invoke(cli, ["validate", "--source", str(make_workbook(edit)), "--as-of", AS_OF,
                                 "--format", "json"])
    assert result.exit_code == 1
    errors = {(f["sheet"], f["cell"], f["code"]) for f in json.loads(result.output) if f["severity"] == "error"}
    expected = {("督办记录" if code == "supervised_before_reported" else "问题清单", cell, code)
                for cell, code in planted.items()}
    assert errors == expected


def test_an_unhappy_enterprise_not_revisited_is_warned(runner, make_workbook):
    def edit(rows):
        issue = next(r for r in rows["issues"] if r["satisfaction"] == "不满意" and r["revisit_on"]
                     and r["closed_on"] < dt.date(2022, 12, 1))
        issue.update(revisit_on=None, revisit_result=None)
        edit.row = rows["issues"].index(issue) + 2

    result = runner.invoke(cli, ["validate", "--source", str(make_workbook(edit)), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    (line,) = [x for x in result.output.splitlines() if "回访" in x]
    assert line.startswith(f"警告 问题清单!P{edit.row}：回访日期：企业评价为不满意，但销号（")
    assert line.endswith("7 天后仍未回访。请回访企业，并填写回访日期。")


@pytest.mark.parametrize("setting, shown", [
    ("{assignWithinDays: -1}", "closedLoop.assignWithinDays 必须是 0 到 3650 之间的整数，不能是 -1"),
    ("{departmentMinimum: 五}", "closedLoop.departmentMinimum 必须是 1 到 3650 之间的整数，不能是 '五'"),
    ("{revisitDays: 7}", "closedLoop 中有无法识别的设置：revisitDays"),
])
def test_a_wrong_closed_loop_setting_stops_at_start(runner, tmp_path, monkeypatch, setting, shown):
    schema_dir = tmp_path / "schema"
    source = load_schema().directory
    schema_dir.mkdir()
    for path in source.glob("*.yaml"):
        (schema_dir / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    book = schema_dir / "workbook.yaml"
    text = book.read_text(encoding="utf-8")
    start = text.index("closedLoop: {")
    book.write_text(text[:start] + f"closedLoop: {setting}\n", encoding="utf-8")
    monkeypatch.setenv("NUANQI_SCHEMA_DIR", str(schema_dir))
    result = runner.invoke(cli, ["validate", "--as-of", AS_OF])
    assert result.exit_code == 2
    assert str(book) in result.output and shown in result.output
    assert "Traceback" not in result.output


# --- the figures, recomputed independently ---------------------------------------

def _pct(a: int, b: int) -> float | None:
    return None if b == 0 else float((Decimal(100 * a) / Decimal(b)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def plain(issues: list[Issue], end: dt.date) -> dict[str, object]:
    """issue 14's definitions, recomputed one by one (tests/test_figures.py)."""
    return plain_closed_loop(issues, end, _pct)


@st.composite
def loops(draw):
    issues: list[Issue] = []
    for n in range(draw(st.integers(0, 25))):
        reported = dt.date(2022, 1, 1) + dt.timedelta(days=draw(st.integers(0, 60)))
        assign = draw(st.one_of(st.none(), st.integers(0, 6)))
        lag = draw(st.one_of(st.none(), st.integers(0, 30))) if assign is not None else None
        closed = None if lag is None else reported + dt.timedelta(days=assign + lag)  # type: ignore[operator]
        revisit = draw(st.one_of(st.none(), st.integers(0, 10))) if closed else None
        earlier = [i.issue_id for i in issues if i.closed_on and i.closed_on <= reported]
        issues.append(Issue(
            issue_id=f"Q{n}", enterprise_id="E1", officer_id="O1", category="政策咨询", description="x",
            reported_on=reported, status="已销号" if closed else "办理中", dept_id="D1",
            closed_on=closed, resolution="x" if closed else None,
            assigned_on=None if assign is None else reported + dt.timedelta(days=assign),
            closure_type=draw(st.sampled_from(["已解决", "解释说明", "暂无法解决"])) if closed else None,
            revisit_on=None if revisit is None or closed is None else closed + dt.timedelta(days=revisit),
            reopens=draw(st.one_of(st.none(), st.sampled_from(earlier))) if earlier else None,
        ))
    return issues


@settings(max_examples=80, deadline=None)
@given(loops(), st.integers(0, 90), st.sampled_from(["week", "month"]))
def test_the_loop_figures_are_their_definitions(issues, offset, kind):
    schema = load_schema()
    columns = frozenset(f.name for f in schema.sheet("issues").fields)
    programme = Programme(
        as_of=dt.date(2022, 12, 31), departments={"D1": Department("D1", "区某局")},
        enterprises={"E1": Enterprise("E1", "91330902MA2A00001X", "甲", "新材料", "小型", False, "解放街道")},
        officers={}, assignments=[], issues=issues, policies={}, columns={"issues": columns},
    )
    period = period_of(kind, dt.date(2022, 1, 1) + dt.timedelta(days=offset))
    published = LedgerIndex(programme, schema).figures(period)
    assert published == figures_of(issues, period, schema, columns)
    assert {k: published[k] for k in CLOSED_LOOP_FIGURES} == plain(issues, period.end)


def test_the_example_publishes_the_loop_figures_it_recomputes(tmp_path, sample_rows):
    rows = copy.deepcopy(sample_rows)
    book = write_workbook(tmp_path / "book.xlsx", rows)
    built = build([str(book)], dt.date(2022, 12, 31), site_dir=tmp_path / "site", docs_dir=tmp_path / "docs")
    issues = built.programme.issues
    for key in ("2022-06", "2022-12"):
        data = json.loads((built.result.site_dir / f"progress/month/{key}.json").read_text(encoding="utf-8"))
        end = dt.date.fromisoformat(data["period"]["end"])
        assert {k: data["figures"][k] for k in CLOSED_LOOP_FIGURES} == plain(issues, end)
        assert all(data["figures"][k] is not None for k in CLOSED_LOOP_FIGURES)
    assert "**问题化解率**" in (tmp_path / "docs/progress/index.md").read_text(encoding="utf-8")


def test_a_department_with_few_issues_is_not_rated(tmp_path, example_workbook):
    """closedLoop.departmentMinimum (5): a department's rate from fewer issues is — on the page,
    empty in the CSV and null in the JSON, with a note; the frozen file keeps the exact rate."""
    built = build([str(example_workbook)], dt.date(2022, 12, 31), site_dir=tmp_path / "site",
                  docs_dir=tmp_path / "docs", published_dir=tmp_path / "published", freeze="week")
    site = built.result.site_dir
    few = many = 0
    for path in sorted((site / "progress/week").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        frozen = json.loads((tmp_path / "published/week" / path.name).read_text(encoding="utf-8"))
        exact = {r["department"]: r for r in frozen["tables"]["department"]["rows"]}
        page = (tmp_path / "docs/progress/week" / path.name).with_suffix(".md").read_text(encoding="utf-8")
        for row in data["tables"]["department"]["rows"]:
            if row["issues_closed"] < 5:
                few += 1
                assert row["resolution_rate"] is None and exact[row["department"]]["resolution_rate"] is not None
                assert "办结不足 5 件的部门，比率显示为“—”" in page
            else:
                many += 1
                assert row["resolution_rate"] == _pct(row["closed_resolved"], row["issues_closed"])
            if row["closed_with_due"] >= 5:
                assert row["on_time_rate"] == _pct(row["closed_on_time"], row["closed_with_due"])
            else:
                assert row["on_time_rate"] is None
    assert few > 100 and many > 10
    csv_text = (site / "progress/week/2022-W30.csv").read_text(encoding="utf-8-sig")
    small = [line for line in csv_text.splitlines() if line.startswith("按责任单位") and ",问题化解率," in line]
    assert small and all(line.split(",")[4] in ("F",) for line in small)


def _attribute(enterprise: Enterprise, dimension: str) -> str:
    if dimension == "above_scale":
        return "规上" if enterprise.above_scale else "规下"
    return str(getattr(enterprise, dimension))


def _in_part(part: str, issue: Issue, end: dt.date, reopened: dict[str, dt.date]) -> bool:
    """issue 14's parts of the closed issues, one by one: 已解决, 交办 within 2 days, 回访 and
    重新办理 by the end of the period."""
    if part == "closed_resolved":
        return issue.closure_type == "已解决"
    if part == "closed_assigned_on_time":
        return issue.assigned_on is not None and (issue.assigned_on - issue.reported_on).days <= 2
    if part == "closed_revisited":
        return issue.revisit_on is not None and issue.revisit_on <= end
    return issue.issue_id in reopened and reopened[issue.issue_id] <= end


PART_RATES = {"closed_resolved": "resolution_rate", "closed_assigned_on_time": "assigned_on_time_rate",
              "closed_revisited": "revisit_rate", "closed_reopened": "reopen_rate"}


@pytest.fixture(scope="module")
def published_example(tmp_path_factory, example_workbook):
    tmp = tmp_path_factory.mktemp("published")
    for kind in ("week", "month"):  # published: each kind frozen in turn, as publish does
        built = build([str(example_workbook)], dt.date(2022, 12, 31), site_dir=tmp / "site",
                      docs_dir=tmp / "docs", published_dir=tmp / "published", freeze=kind)
    return built


def _periods(built):
    for path in sorted((built.result.site_dir / "progress").glob("*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        start, end = (dt.date.fromisoformat(data["period"][k]) for k in ("start", "end"))
        yield path, data, end, [i for i in built.programme.issues if i.closed_on and start <= i.closed_on <= end]


def test_the_tables_by_category_and_department_carry_the_loop_they_recompute(published_example):
    """Each part of a row's closed issues and its rate, and the median days to 交办, recomputed
    from the ledger one issue at a time; a department's rates only from 5 closed issues."""
    programme = published_example.programme
    reopened: dict[str, dt.date] = {}
    for i in programme.issues:
        if i.reopens and (i.reopens not in reopened or i.reported_on < reopened[i.reopens]):
            reopened[i.reopens] = i.reported_on
    names = {d.name: d.dept_id for d in programme.departments.values()}
    rows = 0
    for _path, data, end, closed in _periods(published_example):
        for table, key in (("category", lambda i: i.category), ("department", lambda i: i.dept_id)):
            for row in data["tables"][table]["rows"]:
                value = names[row["department"]] if table == "department" else row["category"]
                mine = [i for i in closed if key(i) == value]
                assert row["issues_closed"] == len(mine)
                few = table == "department" and len(mine) < 5
                for part, rate_key in PART_RATES.items():
                    n = sum(1 for i in mine if _in_part(part, i, end, reopened))
                    assert row[part] == n, (data["period"]["key"], table, value, part)
                    assert row[rate_key] == (None if few else _pct(n, len(mine)))
                waits = sorted((i.assigned_on - i.reported_on).days for i in mine if i.assigned_on)
                median = None if few or not waits else float(np.median(waits))
                assert row["median_days_to_assign"] == (None if median is None else
                                                        int(median) if median.is_integer() else median)
                rows += 1
    assert rows > 500


def test_the_tables_by_enterprise_attribute_carry_the_parts_they_recompute(published_example):
    """已解决, 及时交办, 已回访 and 重新办理 by town, industry, size and 规上, with their rates: each
    shown number is the count of issues 销号 in the period, in that part (回访 and 重新办理 by the
    period's end), of enterprises of that value; a withheld one (null, "C") is a value of fewer
    than 3 such enterprises, or one whose 销号 is withheld, or one whose number the others would
    give away; a rate is shown exactly where both counts are."""
    firms = published_example.programme.enterprises
    reopened: dict[str, dt.date] = {}
    for i in published_example.programme.issues:
        if i.reopens and (i.reopens not in reopened or i.reported_on < reopened[i.reopens]):
            reopened[i.reopens] = i.reported_on
    shown = withheld = tables = 0
    late: Counter[str] = Counter()
    for path, data, end, closed in _periods(published_example):
        for dimension in ("town", "industry", "size", "above_scale"):
            table = data["tables"][dimension]
            if table["withheld"]:
                continue
            for part in PART_RATES:
                if part not in table["columns"]:
                    continue
                tables += 1
                for row in table["rows"]:
                    mine = [i for i in closed if _attribute(firms[i.enterprise_id], dimension) == row[dimension]]
                    ok = [i for i in mine if _in_part(part, i, end, reopened)]
                    if part in ("closed_revisited", "closed_reopened") and row["conf_status"][part] == "F":
                        late[part] += 1
                    status = row["conf_status"]
                    if status[part] == "F":
                        shown += 1
                        assert row[part] == len(ok), (path.name, dimension, part, row)
                    else:
                        withheld += 1
                        assert row[part] is None
                        assert status["issues_closed"] == "C" or len({i.enterprise_id for i in ok}) < 3 or any(
                            r["conf_status"][part] == "C" for r in table["rows"] if r is not row)
                    if status[part] == "F" and status["issues_closed"] == "F":
                        assert row[PART_RATES[part]] == _pct(len(ok), len(mine))
                    else:
                        assert row[PART_RATES[part]] is None and status[PART_RATES[part]] == "C"
    assert tables > 300 and shown > 1000 and withheld > 40
    # 回访 and 重新办理 come after 销号, and are published by enterprise attribute too.
    assert late["closed_revisited"] > 200 and late["closed_reopened"] > 200, late
