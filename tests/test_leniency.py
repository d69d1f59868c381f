"""容错纠错: the sheet's rules, the public anonymized figures under the
threshold rule, and the internal list of checks and return visits due or late."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import build, validate
from htmltree import read

from generator.figures.leniency import FollowUpKind, follow_ups, leniency_figures
from generator.model import LeniencyCase, Programme
from generator.render.environment import make_environment
from generator.render.writer import PageWriter
from generator.schema import load_schema

OUTCOMES = load_schema().roles["leniency_outcome"]


def label(name, *args):
    """A label of templates/_labels.j2 as the pages print it (before escaping)."""
    return PageWriter(make_environment(), Path("unused")).label(name, *args)

AS_OF = dt.date(2022, 12, 31)
FIELDS = ("安全生产", "生态环境", "市场监管", "消防", "其他")


def findings(path, schema, sheet="容错纠错"):
    checked = validate([str(path)], AS_OF, schema)
    return {(f.code, f.cell) for f in checked.report.findings if f.sheet == sheet}


def first_case(rows, **values):
    rows["leniency_cases"][0].update(
        found_on=dt.date(2022, 6, 1), fix_due_on=dt.date(2022, 6, 15), checked_on=dt.date(2022, 6, 14),
        revisit_on=dt.date(2022, 7, 10), outcome="已整改", first_offence="是", minor="是",
    )
    rows["leniency_cases"][0].update(values)


def test_sample_sheet_is_valid(make_workbook, schema):
    assert findings(make_workbook(), schema) == set()


@pytest.mark.parametrize(("values", "expected"), [
    ({"first_offence": "否"}, {("must_be", "G2")}),
    ({"minor": "否"}, {("must_be", "H2")}),
    ({"outcome": "已整改", "checked_on": None, "revisit_on": None}, {("required_if", "J2")}),
    ({"fix_due_on": dt.date(2022, 5, 31)}, {("not_before", "I2")}),
    ({"checked_on": dt.date(2022, 5, 1), "revisit_on": None}, {("not_before", "J2")}),
    ({"revisit_on": dt.date(2022, 6, 13)}, {("not_before", "K2")}),
    ({"found_on": dt.date(2023, 1, 2), "fix_due_on": dt.date(2023, 1, 9), "checked_on": None,
      "revisit_on": None, "outcome": "整改中"}, {("not_after_as_of", "F2")}),
    ({"field": "交通"}, {("enum", "D2")}),
])
def test_rules(make_workbook, schema, values, expected):
    path = make_workbook(lambda rows: first_case(rows, **values))
    assert findings(path, schema) == expected


def test_must_be_message_names_cell_and_value(make_workbook, schema):
    path = make_workbook(lambda rows: first_case(rows, first_offence="否"))
    checked = validate([str(path)], AS_OF, schema)
    [f] = [f for f in checked.report.findings if f.sheet == "容错纠错"]
    assert f.place == "容错纠错!G2"
    assert f.message == "“首次违法”必须为“是”"


def test_sheet_is_optional(make_workbook, schema):
    path = make_workbook(lambda rows: rows.pop("leniency_cases"))
    checked = validate([str(path)], AS_OF, schema)
    assert checked.report.ok
    assert "容错纠错" not in {f.sheet for f in checked.report.findings}


def case(n: int, enterprise: str, field: str, outcome: str = "已整改", found: dt.date = dt.date(2022, 3, 1),
         due: dt.date = dt.date(2022, 3, 15), checked: dt.date | None = dt.date(2022, 3, 14),
         revisit: dt.date | None = dt.date(2022, 4, 10)) -> LeniencyCase:
    return LeniencyCase(
        case_id=f"L{n:04d}", enterprise_id=enterprise, dept_id="D001", field=field, description="x",
        found_on=found, first_offence=True, minor=True, fix_due_on=due, outcome=outcome,
        checked_on=checked, revisit_on=revisit,
    )


def programme_with(cases: list[LeniencyCase], as_of: dt.date = AS_OF) -> Programme:
    return Programme(as_of=as_of, departments={}, enterprises={}, officers={}, assignments=[], issues=[],
                     policies={}, leniency_cases=cases)


def test_threshold_counts_enterprises_not_cases():
    cases = [case(n, f"E{n % 4}", "安全生产") for n in range(12)]  # 12 cases, 4 enterprises
    cases += [case(100 + n, "E9", "消防") for n in range(6)]  # 6 cases, 1 enterprise
    cases += [case(200 + n, f"E{20 + n}", "生态环境") for n in range(5)]
    cases += [case(300 + n, f"E{30 + n}", "市场监管") for n in range(3)]
    cases += [case(400, "E40", "生态环境", outcome="整改中", checked=None, revisit=None)]
    f = leniency_figures(programme_with(cases), FIELDS, OUTCOMES, k=3)
    rows = {r.label: (r.found, r.rectified, None if r.rate_withheld else r.rate) for r in f.by_field}
    assert rows == {
        "安全生产": (12, 12, 1.0),
        "生态环境": (6, 5, pytest.approx(5 / 6)),
        # primary: one enterprise; secondary: the smallest other count, so that
        # neither can be recomputed from the total
        "消防": ("*", "*", None),
        "市场监管": ("*", "*", None),
        "其他": (0, 0, None),  # zero stays zero
    }
    assert (f.total.found, f.total.rectified) == (27, 26)
    assert f.total.rate == pytest.approx(26 / 27)
    assert not f.withheld
    assert f.total.label is None
    assert f.as_dict(label("leniency_total"))["total"]["label"] == "合计"


def test_rectified_needs_a_check_by_the_as_of_date():
    cases = [case(n, f"E{n}", "安全生产", checked=dt.date(2022, 12, 30), revisit=None) for n in range(4)]
    before = leniency_figures(programme_with(cases, dt.date(2022, 12, 29)), FIELDS, OUTCOMES)
    after = leniency_figures(programme_with(cases), FIELDS, OUTCOMES)
    assert (before.total.found, before.total.rectified) == (4, 0)
    assert (after.total.found, after.total.rectified) == (4, 4)


def test_too_few_enterprises_overall_withholds_the_table():
    cases = [case(n, "E1", "安全生产") for n in range(5)]
    f = leniency_figures(programme_with(cases), FIELDS, OUTCOMES)
    assert f.total.found == "*"
    assert f.withheld


def test_follow_ups_due_and_late():
    cases = [
        # check late: promised by 12-20, not checked
        case(1, "E1", "消防", outcome="整改中", found=dt.date(2022, 12, 1), due=dt.date(2022, 12, 20), checked=None, revisit=None),
        # check due in 5 days
        case(2, "E2", "消防", outcome="整改中", found=dt.date(2022, 12, 20), due=dt.date(2023, 1, 5), checked=None, revisit=None),
        # check far ahead: not listed
        case(3, "E3", "消防", outcome="整改中", found=dt.date(2022, 12, 20), due=dt.date(2023, 2, 1), checked=None, revisit=None),
        # revisit late: checked 11-01, no visit within 30 days
        case(4, "E4", "消防", checked=dt.date(2022, 11, 1), revisit=None),
        # revisit done: not listed
        case(5, "E5", "消防", checked=dt.date(2022, 11, 1), revisit=dt.date(2022, 11, 20)),
        # revisit scheduled ahead (2023-01-03): due in 3 days
        case(6, "E6", "消防", checked=dt.date(2022, 12, 28), revisit=dt.date(2023, 1, 3)),
        # turned into a case: nothing to follow
        case(7, "E7", "消防", outcome="未整改转立案", checked=dt.date(2022, 12, 1), revisit=None),
    ]
    items = follow_ups(programme_with(cases), OUTCOMES)
    visit, check = FollowUpKind.VISIT, FollowUpKind.CHECK
    assert [(i.kind, i.case.case_id, i.days_late) for i in items] == [
        (visit, "L0004", 30), (check, "L0001", 11), (visit, "L0006", -3), (check, "L0002", -5),
    ]
    assert [label("follow_up_kind", i.kind) for i in items] == ["回访", "核查", "回访", "核查"]




def test_public_and_internal_pages(make_workbook, tmp_path, sample_rows):
    def edit(rows):
        for c in rows["leniency_cases"]:
            if c["field"] == "其他":
                c["field"] = "消防"
        # One case in 其他, from one enterprise: shown as * publicly.
        first_case(rows, field="其他", description="某某泄露测试违法情形", outcome="整改中", checked_on=None,
                   revisit_on=None, found_on=dt.date(2022, 12, 1), fix_due_on=dt.date(2022, 12, 20))

    path = make_workbook(edit)
    build([str(path)], AS_OF, site_dir=tmp_path / "site", docs_dir=tmp_path / "docs")
    page = read(tmp_path / "site/leniency/index.html")
    rows = {r[0]: r[1:] for r in page.rows if r}
    assert rows["其他"] == ["*", "0", "不公布"]
    assert "某某泄露测试违法情形" not in "".join(page.text)
    total = sum(1 for c in sample_rows["leniency_cases"])
    assert rows["发现案件"] == [str(total)]
    data = json.loads((tmp_path / "site/leniency/index.json").read_text(encoding="utf-8"))
    other = next(r for r in data["by_field"] if r["label"] == "其他")
    assert other == {"label": "其他", "cases_found": None, "cases_rectified": 0, "rectification_rate": None,
                     "conf_status": {"cases_found": "C", "cases_rectified": "F", "rectification_rate": "C"}}
    assert data["total"]["cases_found"] == total
    build([str(path)], AS_OF, site_dir=tmp_path / "internal", docs_dir=tmp_path / "docs", audience="internal")
    internal = read(tmp_path / "internal/leniency/index.html")
    late = [r for r in internal.rows if len(r) > 1 and r[1] == "L00001"]
    assert late == [["核查", "L00001", late[0][2], late[0][3], "其他", "某某泄露测试违法情形", "2022年12月1日",
                     "2022年12月20日", "逾期 11 天"]]


def test_the_threshold_comes_from_the_schema(make_workbook, tmp_path, monkeypatch):
    import shutil

    from generator.schema import DEFAULT_SCHEMA_DIR, load_schema

    schema_dir = tmp_path / "schema"
    shutil.copytree(DEFAULT_SCHEMA_DIR, schema_dir)
    book = schema_dir / "workbook.yaml"
    book.write_text(book.read_text(encoding="utf-8").replace("k: 3", "k: 5"), encoding="utf-8")
    assert "k: 5" in book.read_text(encoding="utf-8")
    site = tmp_path / "site"
    build([str(make_workbook())], AS_OF, site_dir=site, docs_dir=tmp_path / "docs", schema=load_schema(schema_dir))
    data = json.loads((site / "leniency" / "index.json").read_text(encoding="utf-8"))
    assert data["k"] == 5
