"""政策推送 and 兑付 (issue 16, the sheets and the internal edition): their rules
(yuan, not 万元; no negative amount; 申报 ≤ 受理 ≤ 拨付; 已拨付 needs 拨付日期, and only it has one;
policy and enterprise exist; an enterprise the policy does not apply to warned),
each officer's printable push list, the 兑付 overdue in 督办, and nothing of
either sheet in the public edition."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import build, validate, write_workbook
from htmltree import article

AS_OF = dt.date(2022, 12, 31)
SHEETS = ("政策推送", "兑付")


def findings(path, schema, sheets=SHEETS):
    checked = validate([str(path)], AS_OF, schema)
    return [f for f in checked.report.findings if f.sheet in sheets]


def test_the_sample_pushes_and_payments_are_valid(make_workbook, schema, sample_rows):
    assert sample_rows["policy_pushes"] and sample_rows["payments"]
    assert findings(make_workbook(), schema) == []


@pytest.mark.parametrize("cell", ["12万元", "12万", "1.5 万元", "１２万元"])
def test_an_amount_in_wan_is_refused_and_never_read_as_yuan(make_workbook, schema, cell):
    path = make_workbook(lambda rows: rows["payments"][0].update(amount=cell))
    [f] = findings(path, schema)
    assert (f.code, f.severity, f.place) == ("amount_in_wan", "error", "兑付!F2")
    wan = 1.5 if "1.5" in cell else 12
    assert f.message == f"“{cell}”是以万元为单位填写的，而“金额（元）”以元为单位"
    assert f.hint == f"请以元为单位填写数字，例如 {int(wan * 10_000)}。"


def test_an_amount_in_yuan_is_read_as_yuan(make_workbook, schema):
    path = make_workbook(lambda rows: rows["payments"][0].update(amount="120,000"))
    assert findings(path, schema) == []
    checked = validate([str(path)], AS_OF, schema)
    assert checked.tables["payments"].value("amount", 0) == 120000


@pytest.mark.parametrize(("values", "code", "place"), [
    ({"amount": -5000}, "minimum", "兑付!F2"),
    ({"accepted_on": dt.date(2022, 1, 1)}, "not_before", "兑付!D2"),
    ({"paid_on": None, "status": "已拨付"}, "required_if", "兑付!E2"),
    ({"amount": None, "status": "已拨付"}, "required_if", "兑付!F2"),
    ({"status": "已受理"}, "only_if", "兑付!E2"),
    ({"policy_id": "P9999"}, "reference", "兑付!A2"),
    ({"enterprise_id": "E99999"}, "reference", "兑付!B2"),
    ({"status": "已到账"}, "enum", "兑付!G2"),
])
def test_a_wrong_payment_cell_is_named(make_workbook, schema, values, code, place):
    def edit(rows):
        paid = next(r for r in rows["payments"] if r["paid_on"])
        rows["payments"].remove(paid)
        rows["payments"].insert(0, {**paid, **values})

    assert (code, place) in [(f.code, f.place) for f in findings(make_workbook(edit), schema)]


def test_paid_before_accepted_is_an_error_at_the_paid_date(make_workbook, schema):
    def edit(rows):
        paid = next(r for r in rows["payments"] if r["paid_on"])
        paid["paid_on"] = paid["accepted_on"] - dt.timedelta(days=1)
        rows["payments"].remove(paid)
        rows["payments"].insert(0, paid)

    [f] = findings(make_workbook(edit), schema)
    assert (f.code, f.place) == ("not_before", "兑付!E2")


@pytest.mark.parametrize(("values", "code", "place"), [
    ({"policy_id": "P9999"}, "reference", "政策推送!A2"),
    ({"enterprise_id": "E99999"}, "reference", "政策推送!B2"),
    ({"officer_id": "O9999"}, "reference", "政策推送!C2"),
    ({"method": "邮寄"}, "enum", "政策推送!E2"),
    ({"notified_on": dt.date(2023, 2, 1)}, "not_after_as_of", "政策推送!D2"),
])
def test_a_wrong_push_cell_is_named(make_workbook, schema, values, code, place):
    path = make_workbook(lambda rows: rows["policy_pushes"][0].update(values))
    assert (code, place) in [(f.code, f.place) for f in findings(path, schema)]


def _unfit_pair(rows):
    """A policy that names its industries and an enterprise outside them."""
    policy = next(p for p in rows["policies"] if p["industries"] and p["published"] == "是")
    allowed = policy["industries"].split("、")
    firm = next(e for e in rows["enterprises"] if e["industry"] not in allowed)
    return policy, firm


def test_an_enterprise_the_policy_does_not_apply_to_is_warned(make_workbook, schema, sample_rows):
    policy, firm = _unfit_pair(sample_rows)

    def edit(rows):
        rows["policy_pushes"][0].update(policy_id=policy["policy_id"], enterprise_id=firm["enterprise_id"])
        rows["payments"][0].update(policy_id=policy["policy_id"], enterprise_id=firm["enterprise_id"])

    found = findings(make_workbook(edit), schema)
    assert [(f.code, f.severity, f.place) for f in found] == [
        ("not_eligible", "warning", "政策推送!B2"), ("not_eligible", "warning", "兑付!B2")]
    assert found[0].message.startswith(
        f"{firm['enterprise_id']} 不符合政策 {policy['policy_id']} 的适用范围：适用行业")


def test_an_enterprise_failing_a_condition_it_answers_is_warned(make_workbook, schema, sample_rows):
    """规上 is the 申报条件 the 企业 sheet answers (规上企业); 成立年限 and the like it does not."""
    policy_id = next(p["policy_id"] for p in sample_rows["policies"]
                     if not p["industries"] and not p["sizes"] and not p["towns"] and p["published"] == "是")
    firm = next(e for e in sample_rows["enterprises"] if e["above_scale"] == "否")

    def edit(rows):
        rows["policy_conditions"] = [c for c in rows["policy_conditions"] if c["policy_id"] != policy_id] + [
            {"policy_id": policy_id, "condition": "规上", "comparison": "是"},
            {"policy_id": policy_id, "condition": "员工人数", "comparison": "≥", "min": 10}]
        rows["policy_pushes"][0].update(policy_id=policy_id, enterprise_id=firm["enterprise_id"])

    found = findings(make_workbook(edit), schema)
    assert {f.code for f in found} == {"not_eligible"}  # the other rows of that policy too, if not 规上
    [f] = [f for f in found if f.place == "政策推送!B2"]
    assert f.message.endswith("的适用范围：规上：是")


# The internal edition: push lists and 兑付 overdue, recomputed here from the workbook's rows.


@pytest.fixture(scope="module")
def editions(tmp_path_factory, sample_rows):

    tmp = tmp_path_factory.mktemp("delivery")
    rows = {**sample_rows, "enterprises": [dict(e) for e in sample_rows["enterprises"]]}
    # Cell text is untrusted: a name with Markdown and HTML in it stays text.
    rows["enterprises"][0]["name"] = "<b>恶意</b>*企业*|名称"
    book = write_workbook(tmp / "book.xlsx", rows)
    internal = build([str(book)], AS_OF, site_dir=tmp / "internal", docs_dir=tmp / "docs-internal", audience="internal")
    public = build([str(book)], AS_OF, site_dir=tmp / "public", docs_dir=tmp / "docs-public")
    return rows, internal.result.site_dir, public.result.site_dir


def _items(cell):
    return cell.split("、") if cell else []


def expected_push_lists(rows):
    """Officer ID -> [(policy ID, [(enterprise ID, told mark)])], from the rows alone."""
    open_ids = {p["policy_id"] for p in rows["policies"]
                if p["published"] == "是" and p["effective_from"] <= AS_OF
                and (p["effective_to"] is None or p["effective_to"] >= AS_OF)
                and (p.get("apply_to") is None or p["apply_to"] >= AS_OF)}
    firms = {e["enterprise_id"]: e for e in rows["enterprises"]}
    in_post = {o["officer_id"] for o in rows["officers"] if o["active"] == "是"}
    above = {}
    for c in rows["policy_conditions"]:
        if c["condition"] == "规上":
            above[c["policy_id"]] = c["comparison"] == "是"
    told = {}
    for push in sorted(rows["policy_pushes"], key=lambda p: (p["notified_on"], p["officer_id"])):
        told.setdefault((push["policy_id"], push["enterprise_id"]), push)
    paired = {}
    for a in rows["assignments"]:
        if a["start_on"] <= AS_OF and (a["end_on"] is None or a["end_on"] >= AS_OF) and a["officer_id"] in in_post:
            paired.setdefault(a["officer_id"], []).append(firms[a["enterprise_id"]])
    out = {}
    for officer, enterprises in paired.items():
        lists = []
        # the most urgent first: 申报 closing soonest, then those without a deadline, the newest first
        urgent = sorted((p for p in rows["policies"] if p["policy_id"] in open_ids),
                        key=lambda p: (p.get("apply_to") or dt.date.max, -p["effective_from"].toordinal(), p["policy_id"]))
        for p in urgent:
            fits = [e for e in sorted(enterprises, key=lambda e: e["enterprise_id"])
                    if all(not _items(p[k]) or e[f] in _items(p[k])
                           for k, f in (("industries", "industry"), ("sizes", "size"), ("towns", "town")))
                    and (p["policy_id"] not in above or (e["above_scale"] == "是") == above[p["policy_id"]])]
            marks = []
            for e in fits:
                push = told.get((p["policy_id"], e["enterprise_id"]))
                marks.append((e["enterprise_id"], "☐ 未告知" if push is None else
                              f"已告知 {push['notified_on'].year}年{push['notified_on'].month}月"
                              f"{push['notified_on'].day}日（{push['method']}）"))
            if marks:
                lists.append((p["policy_id"], marks))
        out[officer] = _capped(lists, [p["policy_id"] for p in urgent])
    return out


def _capped(lists, urgent):
    """Whole policies up to 200 rows, the first one always (views.delivery.PUSH_LIST_ROWS);
    and how many open policies come after the last one listed."""
    kept, rows = [], 0
    for policy, marks in lists:
        if kept and rows + len(marks) > 200:
            return kept, len(urgent) - urgent.index(policy)
        kept.append((policy, marks))
        rows += len(marks)
    return kept, 0


def _push_page(path):
    page = article(path)
    found = []
    for section in page.find_all("section", "nq-push"):
        policy_id = re.search(r"（(P\d+)）$", section.find("h2").text()).group(1)
        marks = [(tr.find_all("td")[0].text(), tr.find_all("td")[-1].text()) for tr in section.find("tbody").find_all("tr")]
        found.append((policy_id, marks))
    return page, found


def test_each_officer_push_list_is_the_open_policies_that_apply_to_their_enterprises(editions):
    rows, internal, _public = editions
    expected = expected_push_lists(rows)
    assert len(expected) > 10
    told_marks = 0
    left_off = 0
    for officer, (lists, more) in expected.items():
        page, found = _push_page(internal / "pushes" / f"{officer}.html")
        assert found == lists, officer
        if more:
            left_off += 1
            assert f"其后还有 {more} 项在办政策未列入本清单" in page.text()
        else:
            assert "其后还有" not in page.text()
        told_marks += sum(1 for _p, marks in lists for _e, mark in marks if mark != "☐ 未告知")
        untold = sum(1 for _p, marks in lists for _e, mark in marks if mark == "☐ 未告知")
        assert f"其中尚未告知 {untold} 家次" in page.text()
    assert told_marks > 100
    total = sum(len(marks) for lists, _m in expected.values() for _p, marks in lists)
    untold = sum(1 for lists, _m in expected.values() for _p, marks in lists for _e, m in marks if m == "☐ 未告知")
    assert left_off
    index = article(internal / "index.html").text()
    assert f"推送清单列出结对企业适用的在办政策 {total} 家次，尚未告知 {untold} 家次" in index
    assert {a.attrs["href"] for a in article(internal / "pushes" / "index.html").find_all("a")} >= {
        f"{officer}.html" for officer in expected}
    # and from each officer's own page, with what is not yet told
    for officer, (lists, _more) in expected.items():
        page = article(internal / "officers" / f"{officer}.html")
        link = next(a for a in page.find_all("a") if a.text() == "政策推送清单")
        assert link.attrs["href"] == f"../pushes/{officer}.html"
        untold = sum(1 for _p, marks in lists for _e, mark in marks if mark == "☐ 未告知")
        assert f"尚未告知 {untold} 家次" in page.text()


def test_the_push_list_prints_and_escapes_cell_text(editions):
    rows, internal, _public = editions
    html = (internal / "pushes" / "O0001.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="print.css">' in html
    css = (internal / "pushes" / "print.css").read_text(encoding="utf-8")
    assert "@media print" in css and "table-header-group" in css and "break-inside: avoid" in css
    first = rows["enterprises"][0]["enterprise_id"]
    pages = [p for p in (internal / "pushes").glob("O*.html") if f"<td>{first}</td>" in p.read_text(encoding="utf-8")]
    assert pages
    text = pages[0].read_text(encoding="utf-8")
    assert "<b>恶意</b>" not in text
    name = [tr.find_all("td")[1].text() for tr in article(pages[0]).find_all("tr") if tr.find_all("td")
            and tr.find_all("td")[0].text() == first]
    assert name and set(name) == {"<b>恶意</b>*企业*|名称"}


def _working_days_after(day, n):
    while n:
        day += dt.timedelta(days=1)
        n -= day.weekday() < 5
    return day


def test_payments_past_the_promised_days_are_in_the_supervision_page(editions):
    rows, internal, _public = editions
    policies = {p["policy_id"]: p for p in rows["policies"]}
    expected = []
    for pay in rows["payments"]:
        days = policies[pay["policy_id"]].get("promised_days")
        if pay["status"] in ("已申报", "已受理") and days is not None:
            due = _working_days_after(pay["applied_on"], days)
            if due < AS_OF:
                expected.append((pay["policy_id"], pay["applied_on"], (AS_OF - due).days))
    page = article(internal / "overdue" / "index.html")
    [heading] = [h for h in page.find_all("h2") if h.text().startswith("兑付超期")]
    assert heading.text() == f"兑付超期（{len(expected)} 件）" and len(expected) > 5
    listed = [[td.text() for td in tr.find_all("td")] for tr in page.find_all("tr")
              if len(tr.find_all("td")) == 11 and tr.find_all("td")[0].text() in policies]
    got = sorted((r[0], r[4], int(r[10])) for r in listed)
    want = sorted((pid, f"{d.year}年{d.month}月{d.day}日", n) for pid, d, n in expected)
    assert got == want
    assert [int(r[10]) for r in listed] == sorted((int(r[10]) for r in listed), reverse=True)


def test_nothing_of_either_sheet_is_in_the_public_edition(editions):
    rows, _internal, public = editions
    assert not (public / "pushes").exists()
    # 政策推送, 兑付 and 已拨付 are in the 统计口径 and the months' 政策兑付 sections now
    # (tests/test_money_figures.py); the words of the sheets' rows and lists are not.
    words = ("推送清单", "告知情况", "未告知", "应拨付", "兑付超期")
    for path in public.rglob("*"):
        if path.suffix in (".html", ".json", ".js", ".xml", ".csv", ".txt", ".atom", ".ics", ".md"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not [w for w in words if w in text], path


# The command line: validate names the cell; template and schema export carry both sheets.


def test_validate_refuses_a_wan_amount_with_exit_code_1(make_workbook, runner):
    from generator.cli import cli

    path = make_workbook(lambda rows: rows["payments"][0].update(amount="12万元"))
    result = runner.invoke(cli, ["validate", "--source", str(path), "--as-of", "2022-12-31"])
    assert result.exit_code == 1, result.output
    assert "错误 兑付!F2 [12万元]：“12万元”是以万元为单位填写的，而“金额（元）”以元为单位。请以元为单位填写数字，例如 120000。" in result.output


def test_the_template_and_schema_export_carry_both_sheets(tmp_path, runner):
    import json

    import openpyxl

    from generator.cli import cli

    out = tmp_path / "模板.xlsx"
    result = runner.invoke(cli, ["template", str(out)])
    assert result.exit_code == 0 and "一件事政策、政策推送、兑付、" in result.output
    book = openpyxl.load_workbook(out)
    assert [c.value for c in book["政策推送"][1]] == ["政策编号", "企业编号", "专员编号", "告知日期", "方式"]
    assert [c.value for c in book["兑付"][1]] == ["政策编号", "企业编号", "申报日期", "受理日期", "拨付日期", "金额（元）", "状态"]
    result = runner.invoke(cli, ["schema", "export"])
    assert result.exit_code == 0
    resources = {r["name"]: r for r in json.loads(result.output)["resources"]}
    fields = {f["name"]: f for f in resources["payments"]["schema"]["fields"]}
    assert fields["status"]["constraints"]["enum"] == ["已申报", "已受理", "已拨付", "未通过"]
    assert fields["amount"]["constraints"] == {"minimum": 0}
    pushes = {f["name"]: f for f in resources["policy_pushes"]["schema"]["fields"]}
    assert pushes["method"]["constraints"]["enum"] == ["上门", "电话", "短信", "微信", "会议", "其他"]
    assert {fk["reference"]["resource"] for fk in resources["policy_pushes"]["schema"]["foreignKeys"]} == {
        "policies", "enterprises", "officers"}


def test_unit_yuan_is_only_for_a_number_field(tmp_path):
    import shutil
    from pathlib import Path

    from generator.errors import ConfigError
    from generator.schema import load_schema

    schema_dir = tmp_path / "schema"
    shutil.copytree(Path(load_schema().directory), schema_dir)
    sheet = schema_dir / "payments.yaml"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace("kind: enum, enumRef: payment_statuses,", "kind: enum, enumRef: payment_statuses, unit: 元,"),
                     encoding="utf-8")
    with pytest.raises(ConfigError, match="字段 status 的 unit “元” 无效"):
        load_schema(schema_dir)
    sheet.write_text(text.replace("unit: 元", "unit: 万元"), encoding="utf-8")
    with pytest.raises(ConfigError, match="字段 amount 的 unit “万元” 无效"):
        load_schema(schema_dir)


def test_a_workbook_without_either_sheet_still_builds_its_push_lists(tmp_path, sample_rows):
    """Both sheets are optional: without 政策推送 every enterprise is not yet told; without 兑付
    the 督办 page says nothing of 兑付."""
    rows = {k: v for k, v in sample_rows.items() if k not in ("policy_pushes", "payments")}
    book = write_workbook(tmp_path / "book.xlsx", rows)
    built = build([str(book)], AS_OF, site_dir=tmp_path / "internal", docs_dir=tmp_path / "docs", audience="internal")
    site = built.result.site_dir
    assert "兑付" not in article(site / "overdue" / "index.html").text()
    _page, found = _push_page(site / "pushes" / "O0001.html")
    assert found and {mark for _p, marks in found for _e, mark in marks} == {"☐ 未告知"}
