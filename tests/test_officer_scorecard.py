"""走访记录 and the officers' scorecards (issue 18): the sheet's rules (validate names
the cell, in its exact words), each officer's scorecard and monthly 驻企出勤表 in the
internal edition recomputed here from the workbook's rows, a workbook without the
sheet still builds (its figures —, with a note), and nothing of either in the
public edition, which groups no figure by officer."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from conftest import build, validate, write_workbook
from htmltree import article

from generator.check import read_and_check
from generator.schema import load_schema
from generator.site.leakguard import normalise, value_sets
from generator.sources import parse_sources

AS_OF = dt.date(2022, 12, 31)
MONTH = "2022-11"
NOV = (dt.date(2022, 11, 1), dt.date(2022, 11, 30))


def _first(rows, **values):
    """Put a copy of the first 走访记录 row, changed by ``values``, in row 2."""
    rows["visits"].insert(0, {**rows["visits"][0], **values})


def _unpaired(rows):
    """(officer ID, enterprise ID) never paired (结对) with each other."""
    officer = rows["officers"][0]["officer_id"]
    paired = {a["enterprise_id"] for a in rows["assignments"] if a["officer_id"] == officer}
    return officer, next(e["enterprise_id"] for e in rows["enterprises"] if e["enterprise_id"] not in paired)


def test_the_sample_log_is_valid_and_every_visit_is_paired(make_workbook, schema, sample_rows):
    assert len(sample_rows["visits"]) > 1000
    assert {v["method"] for v in sample_rows["visits"]} == {"驻企", "走访", "电话"}
    checked = validate([str(make_workbook())], AS_OF, schema)
    assert [f for f in checked.report.findings if f.sheet == "走访记录"] == []


@pytest.mark.parametrize(("values", "line"), [
    ({"hours": 25}, "错误 走访记录!E2 [25]：时长：“25”大于最大值 24。请填写不大于 24 的数。"),
    ({"hours": 24.5}, "错误 走访记录!E2 [24.5]：时长：“24.5”大于最大值 24。请填写不大于 24 的数。"),
    ({"hours": -1}, "错误 走访记录!E2 [-1]：时长：“-1”小于最小值 0。请填写不小于 0 的数。"),
    ({"hours": "半天"}, "错误 走访记录!E2 [半天]：时长：“半天”不是数字。请填写数字，例如 1.25。"),
    ({"method": "上门"}, "错误 走访记录!D2 [上门]：方式：“上门”不在可选值之内。请从以下选项中选择：驻企、走访、电话。"),
    ({"officer_id": "O9999"}, "错误 走访记录!A2 [O9999]：在“专员”的“专员编号”中找不到“O9999”。请先在“专员”中登记，或改正编号。"),
    ({"enterprise_id": "E99999"},
     "错误 走访记录!B2 [E99999]：在“企业”的“企业编号”中找不到“E99999”。请先在“企业”中登记，或改正编号。"),
    ({"visited_on": dt.date(2023, 1, 5)},
     "错误 走访记录!C2 [2023-01-05]：“日期”2023-01-05 晚于统计截止日 2022-12-31。请检查年份，此处不能填写将来的日期。"),
    ({"issues_collected": -1}, "错误 走访记录!G2 [-1]：收集问题数：“-1”小于最小值 0。请填写不小于 0 的数。"),
    ({"issues_collected": 1.5}, "错误 走访记录!G2 [1.5]：收集问题数：“1.5”不是整数。请填写整数，例如 3。"),
])
def test_validate_names_the_cell_of_a_wrong_visit(make_workbook, runner, values, line):
    from generator.cli import cli

    path = make_workbook(lambda rows: _first(rows, **values))
    result = runner.invoke(cli, ["validate", "--source", str(path), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 1, result.output
    assert [x for x in result.output.splitlines() if "走访记录!" in x] == [line], result.output


def test_time_24_hours_is_allowed_and_hours_may_have_decimals(make_workbook, schema):
    checked = validate([str(make_workbook(lambda rows: _first(rows, hours=24)))], AS_OF, schema)
    assert [f for f in checked.report.findings if f.sheet == "走访记录"] == []
    checked = validate([str(make_workbook(lambda rows: _first(rows, hours="1.5")))], AS_OF, schema)
    assert checked.tables["visits"].value("hours", 0) == 1.5


def test_a_visit_to_an_enterprise_not_paired_that_day_is_a_warning(make_workbook, runner, sample_rows):
    from generator.cli import cli

    officer, enterprise = _unpaired(sample_rows)
    path = make_workbook(lambda rows: _first(rows, officer_id=officer, enterprise_id=enterprise,
                                             visited_on=dt.date(2022, 6, 1)))
    result = runner.invoke(cli, ["validate", "--source", str(path), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    assert [x for x in result.output.splitlines() if "走访记录!" in x] == [
        f"警告 走访记录!B2 [{enterprise}]：企业编号：“{enterprise}”在 2022-06-01 未与专员 {officer} 结对。"
            "请核对日期、专员编号和企业编号；如果走访无误，请在“结对”表中补登或更正结对关系"
            "（走访其他专员的结对企业是允许的，这里只作提示）。"]


def test_a_visit_after_the_pairing_ended_is_warned_and_one_during_it_is_not(make_workbook, schema, sample_rows):
    ended = next(a for a in sample_rows["assignments"] if a["end_on"] is not None
                 and not any(b["officer_id"] == a["officer_id"] and b["enterprise_id"] == a["enterprise_id"]
                             and b is not a for b in sample_rows["assignments"]))
    pair = {"officer_id": ended["officer_id"], "enterprise_id": ended["enterprise_id"]}
    after = make_workbook(lambda rows: _first(rows, **pair, visited_on=ended["end_on"] + dt.timedelta(days=1)))
    [f] = [f for f in validate([str(after)], AS_OF, schema).report.findings if f.sheet == "走访记录"]
    assert (f.code, f.severity, f.place) == ("visit_not_paired", "warning", "走访记录!B2")
    during = make_workbook(lambda rows: _first(rows, **pair, visited_on=ended["end_on"]), name="during.xlsx")
    assert [f for f in validate([str(during)], AS_OF, schema).report.findings if f.sheet == "走访记录"] == []


# The internal edition, recomputed here from the workbook's rows.


@pytest.fixture(scope="module")
def editions(tmp_path_factory, sample_rows):
    tmp = tmp_path_factory.mktemp("scorecard")
    rows = {**sample_rows, "visits": [dict(v) for v in sample_rows["visits"]]}
    # Cell text is untrusted: a 事项 with Markdown and HTML in it stays text, and never reaches the public site.
    first = next(i for i, v in enumerate(rows["visits"]) if v["method"] == "驻企" and NOV[0] <= v["visited_on"])
    rows["visits"][first]["matter"] = "<b>机密</b>*驻企事项*|甲"
    book = write_workbook(tmp / "book.xlsx", rows)
    internal = build([str(book)], AS_OF, site_dir=tmp / "internal", docs_dir=tmp / "docs-internal", audience="internal")
    public = build([str(book)], AS_OF, site_dir=tmp / "public", docs_dir=tmp / "docs-public")
    return rows, internal.result.site_dir, public.result.site_dir, book, rows["visits"][first]


def _pct(part, whole):
    if not whole:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def _num(value):
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def expected_scores(rows, start, end):
    """Officer ID -> the row of the scorecard, computed from the sheets' rows alone."""
    out = {}
    for o in rows["officers"]:
        if o["active"] != "是":
            continue
        oid = o["officer_id"]
        log = [v for v in rows["visits"] if v["officer_id"] == oid and start <= v["visited_on"] <= end]
        days = {v["visited_on"] for v in log if v["method"] == "驻企"}
        mine = [i for i in rows["issues"] if i["officer_id"] == oid and start <= i["reported_on"] <= end]
        closed = [i for i in mine if i["closed_on"] is not None and i["closed_on"] <= AS_OF]
        due = [i for i in closed if i["due_on"] is not None]
        typed = [i for i in closed if i["closure_type"]]
        rated = [i for i in closed if i["satisfaction"]]
        out[oid] = [
            str(len(days)), *(str(sum(1 for v in log if v["method"] == m)) for m in ("驻企", "走访", "电话")),
            _num(sum(v["hours"] or 0 for v in log)), str(sum(v["issues_collected"] or 0 for v in log)),
            str(len(mine)), str(len(closed)),
            _pct(sum(1 for i in due if i["closed_on"] <= i["due_on"]), len(due)),
            str(sum(1 for i in mine if (i["closed_on"] is None or i["closed_on"] > AS_OF)
                    and i["due_on"] is not None and i["due_on"] < AS_OF)),
            _pct(sum(1 for i in typed if i["closure_type"] == "已解决"), len(typed)),
            _pct(sum(1 for i in rated if i["satisfaction"] in ("满意", "基本满意")), len(rated)),
            str(sum(1 for i in closed if i["revisit_on"] is not None and i["revisit_on"] <= AS_OF)),
        ]
    return out


def _scorecard(path):
    """Officer ID -> the cells after 专员 and 派出单位, from the page's table."""
    page = article(path)
    found = {}
    for tr in page.find("table").find("tbody").find_all("tr"):
        cells = tr.find_all("td")
        officer = re.search(r"officers/([^/]+)\.html$", cells[0].find("a").attrs["href"]).group(1)
        found[officer] = [c.text().strip() for c in cells[2:]]
    return page, found


def test_the_monthly_scorecard_is_recomputed_from_the_rows(editions):
    rows, internal, _public, _book, _row = editions
    page, found = _scorecard(internal / "scorecards" / f"{MONTH}.html")
    assert found == expected_scores(rows, *NOV)
    text = page.text()
    # The definitions are on the page itself.
    assert "驻企天数" in text and "同一天驻两家企业算 1 天" in text and "办结类型为“已解决”的比例" in text


def test_the_quarter_and_year_are_scorecards_too(editions):
    rows, internal, _public, _book, _row = editions
    _page, quarter = _scorecard(internal / "scorecards" / "2022-Q4.html")
    assert quarter == expected_scores(rows, dt.date(2022, 10, 1), AS_OF)
    _page, year = _scorecard(internal / "scorecards" / "2022.html")
    assert year == expected_scores(rows, dt.date(2022, 1, 1), AS_OF)
    index = article(internal / "scorecards" / "index.html")
    links = {a.attrs["href"] for a in index.find_all("a")}
    assert {f"2022-{m:02d}.html" for m in range(1, 13)} | {"2022-Q4.html", "2022.html"} <= links


def test_the_officer_page_carries_the_scorecard_and_links_the_attendance_sheets(editions):
    rows, internal, _public, _book, _row = editions
    officer = rows["officers"][0]["officer_id"]
    page = article(internal / "officers" / f"{officer}.html")
    table = next(t for t in page.find_all("table") if "驻企天数" in "".join(h.text() for h in t.find_all("thead")))
    by_period = {tr.find_all("td")[0].text(): [c.text().strip() for c in tr.find_all("td")[1:]]
                 for tr in table.find("tbody").find_all("tr")}
    want = expected_scores(rows, *NOV)[officer]
    # 驻企天数, rows, 时长, 收集问题数, then the issues' columns but 已销号.
    assert by_period["2022年11月"] == [want[0], str(sum(map(int, want[1:4]))), *want[4:7], *want[8:]]
    links = {a.attrs["href"] for a in page.find_all("a")}
    assert f"../attendance/{MONTH}.html#officer-{officer}" in links
    assert f"../scorecards/{MONTH}.html" in links


def test_the_attendance_sheet_lists_each_day_stationed(editions):
    rows, internal, _public, _book, planted = editions
    page = article(internal / "attendance" / f"{MONTH}.html")
    sections = {s.attrs["id"]: s for s in page.find_all("section", "nq-attend")}
    stationed = {}
    for v in rows["visits"]:
        if v["method"] == "驻企" and NOV[0] <= v["visited_on"] <= NOV[1]:
            stationed.setdefault(v["officer_id"], []).append(v)
    in_post = {o["officer_id"] for o in rows["officers"] if o["active"] == "是"}
    assert set(sections) == {f"officer-{o}" for o in stationed if o in in_post}
    for officer, visits in stationed.items():
        section = sections[f"officer-{officer}"]
        got = [(tds[1].text(), tds[2].text(), tds[4].text())
               for tds in (tr.find_all("td") for tr in section.find("tbody").find_all("tr"))]
        want = [(f"{v['visited_on'].year}年{v['visited_on'].month}月{v['visited_on'].day}日", v["enterprise_id"],
                 _num(v["hours"])) for v in sorted(visits, key=lambda v: (v["visited_on"], v["enterprise_id"]))]
        assert got == want
        foot = section.find("tfoot").text()
        assert f"{len({v['visited_on'] for v in visits})} 天" in foot
        assert "经办人" in section.text() and "审核人" in section.text()
    # The planted 事项 is text, not markup.
    section = sections[f"officer-{planted['officer_id']}"]
    assert "<b>机密</b>*驻企事项*|甲" in section.text() and not section.find_all("b")
    css = (internal / "attendance" / "print.css").read_text(encoding="utf-8")
    assert "size: A4" in css and "break-after: page" in css


# Never published.


WORDS = ("走访记录", "驻企", "走访", "出勤", "考核", "收集问题", "经办人", "审核人", "机密")


def test_nothing_of_the_log_or_the_scorecards_is_in_the_public_edition(editions):
    rows, _internal, public, _book, _row = editions
    assert not (public / "scorecards").exists() and not (public / "attendance").exists()
    matters = {v["matter"] for v in rows["visits"]}
    for path in public.rglob("*"):
        if path.suffix in (".html", ".json", ".js", ".xml", ".csv", ".txt", ".atom", ".ics", ".md"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not [w for w in WORDS if w in text], path
            assert not [m for m in matters if m in text], path


def test_no_public_data_file_is_grouped_by_officer(editions):
    """The public figures and data files are by enterprise attribute and period only:
    no officer's name or ID, and no column or key that names one."""
    rows, _internal, public, _book, _row = editions
    officers = {o["officer_id"] for o in rows["officers"]} | {o["name"] for o in rows["officers"]}
    checked = 0
    for path in list(public.rglob("*.json")) + list(public.rglob("*.csv")):
        if path.name == "search.json" or path.parts[-2] == "open311":
            continue  # the search index holds the officers' public contact pages, not figures
        text = path.read_text(encoding="utf-8")
        # 专员培训 is a kind of 活动 (training for the officers), not a figure by officer
        assert not re.search(r"officer|专员(?!培训)", text, re.IGNORECASE), path
        assert not [o for o in officers if o in text], path
        checked += 1
    assert checked > 10
    # Public officer pages are the contact directory by town: no scorecard column.
    for path in (public / "officers").glob("*.html"):
        text = article(path).text()
        assert not [w for w in ("驻企天数", "按期办结率", "问题化解率", "满意度", "已回访") if w in text], path


def test_the_leak_guard_looks_for_visit_cells(editions):
    _rows, _internal, _public, book, planted = editions
    schema = load_schema()
    checked = read_and_check(parse_sources([str(book)]), schema, AS_OF)
    internal, _public_values = value_sets(checked, schema)
    assert internal[normalise(planted["matter"])].startswith("走访记录!F")


def test_a_workbook_without_the_sheet_still_builds_and_shows_a_dash(tmp_path, sample_rows):
    rows = {k: v for k, v in sample_rows.items() if k != "visits"}
    book = write_workbook(tmp_path / "book.xlsx", rows)
    built = build([str(book)], AS_OF, site_dir=tmp_path / "internal", docs_dir=tmp_path / "docs", audience="internal")
    site = built.result.site_dir
    page, found = _scorecard(site / "scorecards" / f"{MONTH}.html")
    assert "工作簿没有“走访记录”表" in page.text()
    want = expected_scores({**rows, "visits": []}, *NOV)
    for officer, cells in found.items():
        assert cells[:6] == ["—"] * 6
        assert cells[6:] == want[officer][6:]
    assert "工作簿没有“走访记录”表" in article(site / "attendance" / "index.html").text()
    assert not (site / "attendance" / f"{MONTH}.html").exists()


def test_the_template_and_schema_export_carry_the_sheet(tmp_path, runner):
    import json

    import openpyxl

    from generator.cli import cli

    out = tmp_path / "模板.xlsx"
    assert runner.invoke(cli, ["template", str(out)]).exit_code == 0
    sheet = openpyxl.load_workbook(out)["走访记录"]
    assert [c.value for c in sheet[1]] == ["专员编号", "企业编号", "日期", "方式", "时长", "事项", "收集问题数"]
    [hours] = [dv for dv in sheet.data_validations.dataValidation if "E2" in str(dv.sqref)]
    assert (hours.operator, hours.formula1, hours.formula2) == ("between", "0", "24")
    result = runner.invoke(cli, ["schema", "export"])
    resources = {r["name"]: r for r in json.loads(result.output)["resources"]}
    fields = {f["name"]: f for f in resources["visits"]["schema"]["fields"]}
    assert fields["method"]["constraints"]["enum"] == ["驻企", "走访", "电话"]
    assert fields["hours"]["constraints"] == {"minimum": 0, "maximum": 24}
    assert {fk["reference"]["resource"] for fk in resources["visits"]["schema"]["foreignKeys"]} == {
        "officers", "enterprises"}


def _drop_columns(path, sheet, titles):
    import openpyxl

    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    for title in titles:
        ws.delete_cols([c.value for c in ws[1]].index(title) + 1)
    book.save(path)


def test_columns_an_older_workbook_lacks_show_a_dash_with_a_note(tmp_path, sample_rows):
    book = write_workbook(tmp_path / "book.xlsx", sample_rows)
    _drop_columns(book, "走访记录", ["时长", "收集问题数"])
    _drop_columns(book, "问题清单", ["办结类型", "回访日期"])
    built = build([str(book)], AS_OF, site_dir=tmp_path / "internal", docs_dir=tmp_path / "docs", audience="internal")
    page, found = _scorecard(built.result.site_dir / "scorecards" / f"{MONTH}.html")
    text = page.text()
    for note in ("“走访记录”表没有“时长”列", "“走访记录”表没有“收集问题数”列", "“问题清单”没有“办结类型”列",
                 "“问题清单”没有“回访日期”列"):
        assert note in text
    want = expected_scores(sample_rows, *NOV)
    for officer, cells in found.items():
        w = want[officer]
        # 时长, 收集问题数, 问题化解率 and 已回访 are —; the rest as before.
        assert cells == [*w[:4], "—", "—", *w[6:10], "—", w[11], "—"]
    sheet = article(built.result.site_dir / "attendance" / f"{MONTH}.html").find("section", "nq-attend")
    assert {tr.find_all("td")[4].text() for tr in sheet.find("tbody").find_all("tr")} == {"—"}
