"""活动, 参加人员 and 研修计划 (issue 18): validate's exact messages for bad rows;
the 研修助学 page's counts recomputed here from the workbook's rows; the
iCalendar file read back with ``icalendar`` holding the upcoming events only;
the 研修计划 counts suppressed so that no cell under k enterprises shows and none
can be worked out from a total; no enterprise name of either internal sheet in
the public edition; the internal edition's participant lists; a workbook without
the sheets."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections import Counter

import icalendar
import pytest
from conftest import build, validate, write_workbook
from htmltree import read

from generator.cli import cli

AS_OF = dt.date(2022, 12, 31)
SHEETS = ("活动", "参加人员", "研修计划")
K = 3


def findings(path, schema):
    checked = validate([str(path)], AS_OF, schema)
    return [f for f in checked.report.findings if f.sheet in SHEETS]


def _validate(runner, path):
    result = runner.invoke(cli, ["validate", "--source", str(path), "--as-of", AS_OF.isoformat()])
    return result.exit_code, [line for line in result.output.splitlines() if line.split(" ")[-1:] and
                              any(f" {s}!" in line for s in SHEETS)]


def test_the_sample_activities_are_valid(make_workbook, schema, sample_rows):
    assert sample_rows["events"] and sample_rows["event_participants"] and sample_rows["study_plans"]
    assert any(e["held_on"] > AS_OF for e in sample_rows["events"])
    assert findings(make_workbook(), schema) == []


def _officer_row(rows):
    return next(i for i, p in enumerate(rows["event_participants"]) if p["officer_id"])


@pytest.mark.parametrize(("edit", "line"), [
    (lambda rows: rows["events"][0].update(attendance=-3),
     "错误 活动!H2 [-3]：人数：“-3”小于最小值 0。请填写不小于 0 的数。"),
    (lambda rows: rows["events"][0].update(ends_on=rows["events"][0]["held_on"] - dt.timedelta(days=1)),
     "错误 活动!E2 [2022-12-25]：“结束日期”2022-12-25 早于“日期”2022-12-26。“结束日期”不能早于“日期”。"),
    (lambda rows: rows["events"][0].update(organiser="D999"),
     "错误 活动!G2 [D999]：主办部门：在“部门”的“部门编号”中找不到“D999”。请先在“部门”中登记，或改正编号。"),
    (lambda rows: rows["events"][0].update(held_on=dt.date(2014, 5, 1)),
     "错误 活动!D2 [2014-05-01]：日期 2014-05-01 早于工程开始日期（2015-01-01）或晚于 2052-12-31。"
     "请检查年份；可填写 2015-01-01 至 2052-12-31 之间的日期。"),
    (lambda rows: rows["events"][0].update(kind="培训"),
     "错误 活动!B2 [培训]：类型：“培训”不在可选值之内。请从以下选项中选择：专员培训、企业家研修、交流营、座谈会、其他。"),
    (lambda rows: rows["event_participants"][0].update(enterprise_id=None, officer_id=None),
     "错误 参加人员!B2：这一行没有填参加者：“企业编号”和“专员编号”都为空。企业参加填“企业编号”，专员参加填“专员编号”，一行一个参加者。"),
    (lambda rows: rows["event_participants"][0].update(enterprise_id="E00001", officer_id="O0041"),
     "错误 参加人员!C2 [O0041]：这一行填了两个参加者：“企业编号”E00001 和“专员编号”O0041。"
     "只保留其中一个编号，另一个参加者另起一行。"),
    (lambda rows: rows["event_participants"][0].update(event_id="HD999"),
     "错误 参加人员!A2 [HD999]：在“活动”的“活动编号”中找不到“HD999”。请先在“活动”中登记，或改正编号。"),
    (lambda rows: rows["event_participants"][0].update(officer_id="O9999"),
     "错误 参加人员!C2 [O9999]：在“专员”的“专员编号”中找不到“O9999”。请先在“专员”中登记，或改正编号。"),
    (lambda rows: rows["study_plans"][0].update(grant="2万元"),
     "错误 研修计划!E2 [2万元]：“2万元”是以万元为单位填写的，而“资助金额”以元为单位。请以元为单位填写数字，例如 20000。"),
    (lambda rows: rows["study_plans"][0].update(grant=-100),
     "错误 研修计划!E2 [-100]：资助金额：“-100”小于最小值 0。请填写不小于 0 的数。"),
    (lambda rows: rows["study_plans"][0].update(nominated_on=dt.date(2023, 1, 5)),
     "错误 研修计划!C2 [2023-01-05]：“推荐日期”2023-01-05 晚于统计截止日 2022-12-31。请检查年份，此处不能填写将来的日期。"),
    (lambda rows: rows["study_plans"][0].update(status="在读"),
     "错误 研修计划!D2 [在读]：状态：“在读”不在可选值之内。请从以下选项中选择：推荐、报考、录取、结业。"),
])
def test_a_wrong_cell_is_named_with_exit_code_1(make_workbook, runner, edit, line):
    code, lines = _validate(runner, make_workbook(edit))
    assert code == 1
    assert lines == [line]


def test_a_past_event_with_fewer_attending_than_listed_is_warned_at_its_count(make_workbook, runner):
    def edit(rows):
        event = rows["events"][0]
        listed = sum(1 for p in rows["event_participants"] if p["event_id"] == event["event_id"])
        event["attendance"] = listed - 2
        # An upcoming event is not held to it: its list is of those registered.
        later = next(e for e in rows["events"] if e["held_on"] > AS_OF)
        later["attendance"] = 0
        rows["event_participants"].append({"event_id": later["event_id"], "enterprise_id": "E00001",
                                           "officer_id": None})

    code, lines = _validate(runner, make_workbook(edit))
    assert code == 0
    assert lines == ["警告 活动!H2 [18]：“人数”18 少于“参加人员”为这次活动登记的 20 人。"
                     "请更正“人数”，或从“参加人员”中删去没有参加的人员。"]


def test_a_participant_listed_twice_is_warned_at_the_second_row(make_workbook, runner):
    def edit(rows):
        rows["event_participants"].insert(1, dict(rows["event_participants"][0]))
        rows["events"][0]["attendance"] = None  # not also below the list now one longer

    code, lines = _validate(runner, make_workbook(edit))
    assert code == 0
    assert lines == ["警告 参加人员!C3 [O0041]：专员编号：“O0041”在活动 HD001 中登记了两次（另见第 2 行）。请删除其中一行。"]


# The editions, built once from the sample with a hostile event name and a consenting enterprise in 研修计划.


@pytest.fixture(scope="module")
def editions(tmp_path_factory, sample_rows):
    tmp = tmp_path_factory.mktemp("activities")
    rows = copy.deepcopy(sample_rows)
    rows["events"][0]["name"] = "<script>alert(1)</script>*培训*|班"
    book = write_workbook(tmp / "book.xlsx", rows)
    public = build([str(book)], AS_OF, site_dir=tmp / "public", docs_dir=tmp / "docs-public")
    internal = build([str(book)], AS_OF, site_dir=tmp / "internal", docs_dir=tmp / "docs-internal",
                     audience="internal")
    return rows, public.result.site_dir, internal.result.site_dir


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _tables(page):
    """Each table of the page as its rows of cells, the header row first."""
    tables, current = [], None
    for row in page.rows:
        if current is None or (row and current and len(row) != len(current[0])):
            current = []
            tables.append(current)
        current.append(row)
    return tables


def test_event_counts_by_kind_and_month_are_those_of_the_rows(editions, schema):
    rows, public, _internal = editions
    held = [e for e in rows["events"] if e["held_on"] <= AS_OF]
    listed = Counter(p["event_id"] for p in rows["event_participants"])
    people = {e["event_id"]: e["attendance"] if e["attendance"] is not None else listed[e["event_id"]] for e in held}
    page = read(public / "activities" / "index.html")
    kinds = list(schema.enums["event_kinds"])
    header = ["月份", *kinds, "合计", "参加人次"]
    assert header in page.rows
    start = page.rows.index(header)
    months = sorted({(e["held_on"].year, e["held_on"].month) for e in held})
    want = []
    for y, m in months:
        these = [e for e in held if (e["held_on"].year, e["held_on"].month) == (y, m)]
        want.append([f"{y}年{m}月", *[str(sum(1 for e in these if e["kind"] == k)) for k in kinds],
                     str(len(these)), str(sum(people[e["event_id"]] for e in these))])
    want.append(["合计", *[str(sum(1 for e in held if e["kind"] == k)) for k in kinds], str(len(held)),
                 str(sum(people.values()))])
    assert page.rows[start + 1:start + 1 + len(want)] == want
    text = "".join(page.text)
    assert f"共举办活动 {len(held)} 次，参加 {sum(people.values())} 人次" in text
    data = json.loads((public / "activities" / "index.json").read_text(encoding="utf-8"))
    assert (data["events_held"], data["participants"]) == (len(held), sum(people.values()))
    assert data["by_kind"] == {k: sum(1 for e in held if e["kind"] == k) for k in kinds}


def test_the_event_lists_give_date_place_and_organiser_and_escape_the_name(editions):
    rows, public, _internal = editions
    depts = {d["dept_id"]: d["name"] for d in rows["departments"]}
    page = read(public / "activities" / "index.html")
    held = sorted((e for e in rows["events"] if e["held_on"] <= AS_OF), key=lambda e: (e["held_on"], e["event_id"]),
                  reverse=True)

    def span(e):
        return _cn(e["held_on"]) + (f"至{_cn(e['ends_on'])}" if e["ends_on"] else "")

    start = page.rows.index(["日期", "活动", "类型", "地点", "主办部门", "参加人数"])
    assert page.rows[start + 1 + len(held)][0] == "计划"  # the next table: 研修计划
    assert page.rows[start + 1:start + 1 + len(held)] == [[span(e), e["name"], e["kind"], e["place"], depts[e["organiser"]], str(e["attendance"])]
                      for e in held]
    upcoming = sorted((e for e in rows["events"] if e["held_on"] > AS_OF), key=lambda e: (e["held_on"], e["event_id"]))
    assert [r for r in page.rows if len(r) == 5 and r[0] != "日期"] == [
        [span(e), e["name"], e["kind"], e["place"], depts[e["organiser"]]] for e in upcoming]
    html = (public / "activities" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "upcoming.ics" in page.hrefs


def test_the_calendar_holds_only_the_upcoming_events_with_stable_uids(editions, tmp_path, sample_rows):
    rows, public, _internal = editions
    depts = {d["dept_id"]: d["name"] for d in rows["departments"]}
    cal = icalendar.Calendar.from_ical((public / "activities" / "upcoming.ics").read_bytes())
    events = cal.walk("VEVENT")
    upcoming = sorted((e for e in rows["events"] if e["held_on"] > AS_OF), key=lambda e: (e["held_on"], e["event_id"]))
    assert len(upcoming) >= 2
    got = [(str(v["SUMMARY"]), v.decoded("DTSTART"), v.decoded("DTEND"), str(v["LOCATION"]), str(v["DESCRIPTION"]))
           for v in events]
    assert got == [(e["name"], e["held_on"], (e["ends_on"] or e["held_on"]) + dt.timedelta(days=1), e["place"],
                    f"{e['kind']}\n主办：{depts[e['organiser']]}") for e in upcoming]
    # A later as-of date: the events now past leave the calendar, the others keep their UIDs.
    later = build([str(write_workbook(tmp_path / "book.xlsx", sample_rows))], upcoming[0]["held_on"],
                  site_dir=tmp_path / "site", docs_dir=tmp_path / "docs")
    again = icalendar.Calendar.from_ical((later.result.site_dir / "activities" / "upcoming.ics").read_bytes())
    uids = {str(v["SUMMARY"]): str(v["UID"]) for v in events}
    kept = {str(v["SUMMARY"]): str(v["UID"]) for v in again.walk("VEVENT")}
    assert set(kept) == {e["name"] for e in upcoming[1:]} and all(uids[name] == uid for name, uid in kept.items())


def _study_cells(rows, schema):
    """(plan, status) -> (nominees, distinct enterprises), with the totals (None for all)."""
    statuses = list(schema.enums["study_statuses"])
    plans = sorted({p["plan"] for p in rows["study_plans"]})
    cells = {}
    for plan in [*plans, None]:
        for status in [*statuses, None]:
            these = [p for p in rows["study_plans"] if plan in (None, p["plan"]) and status in (None, p["status"])]
            cells[(plan, status)] = (len(these), len({p["enterprise_id"] for p in these}))
    return plans, statuses, cells


def test_study_plan_counts_are_suppressed_and_cannot_be_worked_out(editions, schema):
    rows, public, _internal = editions
    plans, statuses, cells = _study_cells(rows, schema)
    page = read(public / "activities" / "index.html")
    header = ["计划", *statuses, "合计"]
    start = page.rows.index(header)
    shown = page.rows[start + 1:start + 2 + len(plans)]
    assert [r[0] for r in shown] == [*plans, "合计"]
    grid = {(plan, status): r[j + 1] for plan, r in zip([*plans, None], shown, strict=True)
            for j, status in enumerate([*statuses, None])}
    hidden = 0
    for key, (count, firms) in cells.items():
        if grid[key] == "*":
            hidden += 1
            assert count > 0
        else:
            assert grid[key] == str(count) and (count == 0 or firms >= K), key
    assert hidden >= 4  # the sample's two plans with 1 and 2 nominees in 录取 and 结业
    # No hidden cell is alone in its row or column: none is a total minus the shown cells.
    for plan in [*plans, None]:
        assert [grid[(plan, s)] for s in [*statuses, None]].count("*") != 1
    for status in [*statuses, None]:
        assert [grid[(p, status)] for p in [*plans, None]].count("*") != 1
    assert not any(p["enterprise_id"] in "".join(page.text) for p in rows["study_plans"])


def test_a_table_that_cannot_be_protected_leaves_only_safe_totals(tmp_path, sample_rows, schema):
    rows = copy.deepcopy(sample_rows)
    # Three plans: no column can hide two of its cells without hiding more than half of them.
    rows["study_plans"] = [p for p in rows["study_plans"] if p["plan"] != "高级经营管理研修班"]
    built = build([str(write_workbook(tmp_path / "book.xlsx", rows))], AS_OF, site_dir=tmp_path / "site",
                  docs_dir=tmp_path / "docs")
    page = read(built.result.site_dir / "activities" / "index.html")
    text = "".join(page.text)
    assert f"推荐参加研修计划共 {len(rows['study_plans'])} 人。按计划和阶段交叉的人数涉及的企业过少" in text
    by_plan = Counter(p["plan"] for p in rows["study_plans"])
    by_status = Counter(p["status"] for p in rows["study_plans"])
    assert [r for r in page.rows if r and r[0] in by_plan] == [[p, str(n)] for p, n in sorted(by_plan.items())]
    assert [r for r in page.rows if r and r[0] in by_status and len(r) == 2] == [
        [s, str(by_status[s])] for s in schema.enums["study_statuses"]]


def test_no_enterprise_or_officer_of_either_internal_sheet_is_named_in_the_public_edition(editions):
    rows, public, _internal = editions
    firms = {e["enterprise_id"]: e for e in rows["enterprises"]}
    officers = {o["officer_id"]: o["name"] for o in rows["officers"]}
    named = {firms[p["enterprise_id"]]["name"] for p in rows["study_plans"]}
    named |= {firms[p["enterprise_id"]]["name"] for p in rows["event_participants"] if p["enterprise_id"]}
    unconsented = {n for n in named if any(e["name"] == n and e["publish_name"] != "是" for e in firms.values())}
    assert unconsented
    page = (public / "activities" / "index.html").read_text(encoding="utf-8")
    # The activities page names no enterprise and no officer at all, consent or not.
    assert not [n for n in named if n in page]
    assert not [n for p in rows["event_participants"] if (n := officers.get(p["officer_id"] or "")) and n in page]
    for path in public.rglob("*"):
        if path.suffix in (".html", ".json", ".js", ".ics", ".md", ".xml", ".csv"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not [n for n in unconsented if n in text], path


def test_the_internal_edition_lists_each_events_participants_by_name(editions):
    rows, _public, internal = editions
    firms = {e["enterprise_id"]: e["name"] for e in rows["enterprises"]}
    officers = {o["officer_id"]: o["name"] for o in rows["officers"]}
    page = read(internal / "activities" / "index.html")
    want = [["企业", p["enterprise_id"], firms[p["enterprise_id"]]] if p["enterprise_id"]
            else ["专员", p["officer_id"], officers[p["officer_id"]]] for p in rows["event_participants"]]
    got = [r for r in page.rows if len(r) == 3 and r[0] in ("企业", "专员")]
    assert sorted(got) == sorted(want)
    plans = [r for r in page.rows if len(r) == 6 and r[0] != "计划"]
    assert sorted(r[1] for r in plans) == sorted(p["enterprise_id"] for p in rows["study_plans"])


def test_a_workbook_without_the_sheets_has_an_empty_activities_page(tmp_path, sample_rows):
    rows = {k: v for k, v in sample_rows.items() if k not in ("events", "event_participants", "study_plans")}
    built = build([str(write_workbook(tmp_path / "book.xlsx", rows))], AS_OF, site_dir=tmp_path / "site",
                  docs_dir=tmp_path / "docs")
    site = built.result.site_dir
    page = read(site / "activities" / "index.html")
    text = "".join(page.text)
    assert "尚无活动记录。" in text and "尚无研修计划记录。" in text
    assert icalendar.Calendar.from_ical((site / "activities" / "upcoming.ics").read_bytes()).walk("VEVENT") == []
    home = read(site / "index.html")
    assert "activities/index.html" in home.hrefs


def test_the_template_and_schema_export_carry_the_three_sheets(tmp_path, runner):
    import openpyxl

    out = tmp_path / "模板.xlsx"
    result = runner.invoke(cli, ["template", str(out)])
    assert result.exit_code == 0 and "活动、参加人员、研修计划" in result.output
    book = openpyxl.load_workbook(out)
    assert [c.value for c in book["活动"][1]] == ["活动编号", "类型", "名称", "日期", "结束日期", "地点", "主办部门", "人数"]
    assert [c.value for c in book["参加人员"][1]] == ["活动编号", "企业编号", "专员编号"]
    assert [c.value for c in book["研修计划"][1]] == ["计划", "企业编号", "推荐日期", "状态", "资助金额"]
    result = runner.invoke(cli, ["schema", "export"])
    assert result.exit_code == 0
    resources = {r["name"]: r for r in json.loads(result.output)["resources"]}
    fields = {f["name"]: f for f in resources["events"]["schema"]["fields"]}
    assert fields["kind"]["constraints"]["enum"] == ["专员培训", "企业家研修", "交流营", "座谈会", "其他"]
    fields = {f["name"]: f for f in resources["study_plans"]["schema"]["fields"]}
    assert fields["status"]["constraints"]["enum"] == ["推荐", "报考", "录取", "结业"]
