"""Issue 15, eligibility beyond list values: the optional sheet 申报条件 (a policy's
conditions: 成立年限, 员工人数, 营业收入 in 万元, 研发投入占比 in %, with ≥ / ≤ / 介于;
高新技术企业, 专精特新, 规上 with 是 / 否). In the schema, the template and the Data
Package; each bad row an error at its cell; listed as text on the policy page
(JavaScript off too) and carried in data/policies.json for the finder; an older
workbook without the sheet still builds."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import build, write_workbook
from htmltree import Node, article

from generator.cli import cli
from generator.pipeline import Built
from generator.schema import load_schema
from generator.workbook.template import build_template

AS_OF = dt.date(2022, 12, 31)
HEADERS = ["政策编号", "条件", "比较", "下限", "上限", "说明"]
KEYS = ["policy_id", "condition", "comparison", "min", "max", "note"]
HOSTILE = "</li><script>alert(1)</script> [x](javascript:alert(1)) {{ 7*7 }}"
Rows = dict[str, list[dict[str, Any]]]


def _row(pid: str, condition: str, comparison: str, low: float | None = None, high: float | None = None,
         note: str | None = None) -> dict[str, Any]:
    return dict(zip(KEYS, [pid, condition, comparison, low, high, note], strict=True))


# P0001's conditions in the built site, and what its page says of each.
CONDITIONS = [
    (_row("P0001", "员工人数", "≥", 10, note="以上年度末参保人数为准"), "员工人数 ≥ 10 人（以上年度末参保人数为准）"),
    (_row("P0001", "营业收入", "介于", 100, 5000), "营业收入 介于 100 至 5000 万元"),
    (_row("P0001", "研发投入占比", "≥", 3.5), "研发投入占比 ≥ 3.5%"),
    (_row("P0001", "成立年限", "≤", high=5), "成立年限 ≤ 5 年"),
    (_row("P0001", "高新技术企业", "是"), "高新技术企业：是"),
    (_row("P0001", "规上", "否"), "规上：否"),
]


def _policy(rows: Rows, pid: str) -> dict[str, Any]:
    return next(p for p in rows["policies"] if p["policy_id"] == pid)


def _edit(rows: Rows) -> None:
    for pid in ("P0001", "P0002", "P0003"):
        _policy(rows, pid).update(published="是", effective_from=dt.date(2022, 1, 1), effective_to=None)
    rows["policy_conditions"] = [row for row, _text in CONDITIONS] + [
        _row("P0003", "专精特新", "是", note=HOSTILE),
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, sample_rows: Rows) -> Built:
    rows = copy.deepcopy(sample_rows)
    _edit(rows)
    base = tmp_path_factory.mktemp("conditions")
    book = write_workbook(base / "book.xlsx", rows)
    return build([str(book)], AS_OF, site_dir=base / "site", docs_dir=base / "docs")


@pytest.fixture(scope="module")
def site(built: Built) -> Path:
    return built.result.site_dir


def _conditions(page: Node) -> list[Node]:
    heading = next(h for h in page.find_all("h2") if h.text() == "申报条件")
    parent = heading.parent
    assert parent is not None
    after = parent.children[parent.children.index(heading) + 1:]
    lists = [c for c in after if isinstance(c, Node) and c.tag in ("ul", "h2")]
    assert lists and lists[0].tag == "ul" and "nq-conditions" in lists[0].classes, "no list right under 申报条件"
    return lists[0].find_all("li")


def test_the_sheet_in_the_schema_the_template_and_the_data_package(runner) -> None:
    sheet = load_schema().sheet("policy_conditions")
    assert sheet.title == "申报条件" and not sheet.required and sheet.visibility == "public"
    assert [f.title for f in sheet.fields] == HEADERS and [f.name for f in sheet.fields] == KEYS
    assert sheet.field("condition").enum == ("成立年限", "员工人数", "营业收入", "研发投入占比", "高新技术企业", "专精特新", "规上")
    assert sheet.field("comparison").enum == ("≥", "≤", "介于", "是", "否")
    assert "营业收入（万元）" in (sheet.field("condition").description or "")
    ws = build_template()["申报条件"]
    assert [c.value for c in ws[1]] == HEADERS
    notes = {c.value: c.comment.text for c in ws[1] if c.comment is not None}
    assert "万元" in notes["下限"] and "万元" in notes["条件"]
    result = runner.invoke(cli, ["schema", "export"])
    assert result.exit_code == 0, result.output
    resource = next(r for r in json.loads(result.output)["resources"] if r["name"] == "policy_conditions")
    assert [f["name"] for f in resource["schema"]["fields"]] == KEYS


def test_bad_condition_rows_are_errors_at_their_cells(runner, make_workbook) -> None:
    def edit(rows: Rows) -> None:
        rows["policy_conditions"] = [
            _row("P0001", "员工人数", "≥", 10),            # row 2: fine
            _row("P9999", "规上", "是"),                  # 3: no such policy
            _row("P0001", "高新技术企业", "≥", 3),         # 4: a yes/no condition compared as a number
            _row("P0001", "营业收入", "是"),               # 5: a number compared as yes/no
            _row("P0001", "营业收入", "介于", high=500),   # 6: 介于 without 下限
            _row("P0001", "营业收入", "介于", 5000, 500),  # 7: 上限 below 下限
            _row("P0001", "成立年限", "≥", 3, 10),         # 8: ≥ with an 上限
            _row("P0001", "专精特新", "是", 1),            # 9: a yes/no condition with a bound
            _row("P0001", "员工人数", "≤"),                # 10: ≤ without 上限
            _row("P0001", "规模", "是"),                   # 11: not a condition
        ]

    result = runner.invoke(cli, ["validate", "--source", str(make_workbook(edit)), "--as-of", "2022-12-31"])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if "申报条件!" in line]
    assert sorted(lines) == sorted([
        "错误 申报条件!A3 [P9999]：在“政策”的“政策编号”中找不到“P9999”。请先在“政策”中登记，或改正编号。",
        "错误 申报条件!C4 [≥]：“比较”≥ 不适用于“条件”高新技术企业。“高新技术企业”的比较只能选：是、否。",
        "错误 申报条件!C5 [是]：“比较”是 不适用于“条件”营业收入。“营业收入”的比较只能选：≥、≤、介于。",
        "错误 申报条件!D6：“比较”为“介于”时，“下限”必填。请填写“下限”。",
        "错误 申报条件!E7 [500]：“上限”500 小于“下限”5000。“上限”不能小于“下限”。",
        "错误 申报条件!E8 [10]：“比较”为“≥”时不应填写“上限”。请清空“上限”，或把“比较”改为“≤、介于”。",
        "错误 申报条件!D9 [1]：“比较”为“是”时不应填写“下限”。请清空“下限”，或把“比较”改为“≥、介于”。",
        "错误 申报条件!E10：“比较”为“≤”时，“上限”必填。请填写“上限”。",
        "错误 申报条件!B11 [规模]：条件：“规模”不在可选值之内。请从以下选项中选择：成立年限、员工人数、营业收入、研发投入占比、"
        "高新技术企业、专精特新、规上。",
    ])
    assert result.output.splitlines()[-1] == "共 9 个错误，9 个警告（申报条件：9 个错误；政策：9 个警告）"


def test_the_policy_page_lists_the_conditions_as_text(site: Path) -> None:
    page = article(site / "policies/P0001.html")
    items = _conditions(page)
    assert [li.text() for li in items] == [text for _row_, text in CONDITIONS]
    # The page works without JavaScript: the conditions are in the HTML, no script renders them.
    assert all(not li.find_all("script") for li in items)
    link = next(a for a in page.find_all("a") if a.text() == "填写企业情况，看符合几项")
    assert link.attrs["href"] == "finder.html"
    # A policy without conditions keeps its 申报条件 text alone.
    assert not article(site / "policies/P0002.html").find_all("ul", "nq-conditions")


def test_the_finder_asks_for_each_condition(site: Path) -> None:
    form = article(site / "policies/finder.html").find("form", id="policy-finder")
    profile = form.find("fieldset", "nq-finder__profile")
    labels = {label.attrs["for"]: label.text() for label in profile.find_all("label")}
    assert labels == {"nq-c-years": "成立年限（年）", "nq-c-employees": "员工人数（人）", "nq-c-revenue": "营业收入（万元）",
                      "nq-c-rd_share": "研发投入占比（%）", "nq-c-high_tech": "高新技术企业",
                      "nq-c-specialised": "专精特新", "nq-c-above_scale": "规上"}
    numbers = {i.attrs["id"]: i.attrs["name"] for i in profile.find_all("input", type="number")}
    assert numbers == {"nq-c-years": "c-years", "nq-c-employees": "c-employees", "nq-c-revenue": "c-revenue",
                       "nq-c-rd_share": "c-rd_share"}
    flags = profile.find_all("select")
    assert [s.attrs["name"] for s in flags] == ["c-high_tech", "c-specialised", "c-above_scale"]
    assert all([(o.attrs["value"], o.text()) for o in s.find_all("option")] == [("", "不填"), ("yes", "是"), ("no", "否")]
               for s in flags)


def test_a_hostile_note_stays_text(site: Path) -> None:
    path = site / "policies/P0003.html"
    items = _conditions(article(path))
    assert [li.text() for li in items] == [f"专精特新：是（{HOSTILE}）"]
    assert not items[0].find_all("script") and not items[0].find_all("a")
    assert "<script>alert(1)" not in path.read_text(encoding="utf-8")


def test_policies_json_carries_amount_and_deadline(site: Path, built: Built) -> None:
    data = json.loads((site / "data/policies.json").read_text(encoding="utf-8"))
    programme = built.programme
    for p in data["policies"]:
        policy = programme.policies[p["id"]]
        assert p["apply_to"] == (policy.apply_to.isoformat() if policy.apply_to else None)
        assert p["apply_closed"] == bool(policy.apply_to and policy.apply_to < AS_OF)
        assert p["support_cap"] == policy.support_cap
    assert {p["apply_closed"] for p in data["policies"]} == {True, False}
    capped = next(p for p in data["policies"] if p["support_cap"] and p["support_cap"] % 10_000 == 0)
    assert capped["support_cap_text"] == f"{int(capped['support_cap']) // 10_000} 万元"


def test_policies_json_carries_the_conditions(site: Path) -> None:
    data = json.loads((site / "data/policies.json").read_text(encoding="utf-8"))
    assert data["conditions"] == [
        {"field": "years", "label": "成立年限", "kind": "number", "unit": "年"},
        {"field": "employees", "label": "员工人数", "kind": "number", "unit": "人"},
        {"field": "revenue", "label": "营业收入", "kind": "number", "unit": "万元"},
        {"field": "rd_share", "label": "研发投入占比", "kind": "number", "unit": "%"},
        {"field": "high_tech", "label": "高新技术企业", "kind": "flag", "unit": ""},
        {"field": "specialised", "label": "专精特新", "kind": "flag", "unit": ""},
        {"field": "above_scale", "label": "规上", "kind": "flag", "unit": ""},
    ]
    policies = {p["id"]: p for p in data["policies"]}
    got = policies["P0001"]["conditions"]
    assert [{k: c[k] for k in KEYS if k != "policy_id"} for c in got] == [
        {k: row[k] for k in KEYS if k != "policy_id"} for row, _text in CONDITIONS]
    assert [(c["field"], c["test"]) for c in got] == [
        ("employees", "at_least"), ("revenue", "between"), ("rd_share", "at_least"), ("years", "at_most"),
        ("high_tech", "yes"), ("above_scale", "no")]
    assert [c["text"] for c in got] == [text.split("（")[0] for _row_, text in CONDITIONS]
    assert policies["P0002"]["conditions"] == []
    # The script the finder loads from a file holds the same data.
    script = (site / "data/policies.js").read_text(encoding="utf-8")
    literal = script.removeprefix("window.NUANQI_POLICIES = ").removesuffix(";\n").replace("<\\/", "</")
    assert json.loads(literal) == data


def test_a_workbook_without_the_sheet_still_builds(tmp_path: Path, sample_rows: Rows) -> None:
    rows = {k: v for k, v in copy.deepcopy(sample_rows).items() if k != "policy_conditions"}
    book = write_workbook(tmp_path / "old.xlsx", rows)
    built = build([str(book)], AS_OF, site_dir=tmp_path / "site", docs_dir=tmp_path / "docs")
    assert all(not p.conditions for p in built.programme.policies.values())
    assert not article(tmp_path / "site/policies/P0001.html").find_all("ul", "nq-conditions")
    data = json.loads((tmp_path / "site/data/policies.json").read_text(encoding="utf-8"))
    assert all(p["conditions"] == [] for p in data["policies"])


def test_the_printed_handbook_lists_the_conditions(built: Built) -> None:
    from generator.render.handbook import render_handbook
    from generator.render.views.handbook import handbook_view

    view = handbook_view(built.programme, load_schema(), "https://policy.example.gov.cn/")
    entry = next(e for s in view.sections for e in s.entries if e.policy.policy_id == "P0001")
    assert [f"{text}（{note}）" if note else text for text, note in entry.conditions] == [t for _r, t in CONDITIONS]
    html = render_handbook(view)
    assert "营业收入 介于 100 至 5000 万元" in html and "<script>alert(1)" not in html


def test_google_sheets_reads_the_tab(tmp_path: Path) -> None:
    """The recorded spreadsheet (tests/cassettes, regenerated with the sheet) has the tab 申报条件,
    read into the same typed rows the sample has, with no finding."""
    from cassettes import make_cassettes as mc
    from cassettes.playback import play, write_key_file
    from conftest import read_and_check

    key_file = write_key_file(tmp_path / "service-account.json")
    with play("gsheets_read_sample"):
        checked = read_and_check([f"gsheet:{mc.SAMPLE_KEY}"], load_schema(), AS_OF, credentials=key_file)
    assert checked.report.ok, checked.report.to_text()
    assert not [f for f in checked.report.findings if f.sheet == "申报条件"]
    kept = {p["policy_id"] for p in mc.dataset()["policies"]}
    expected = [r for r in mc.dataset()["policy_conditions"] if r["policy_id"] in kept]
    got = [r.values for r in checked.tables["policy_conditions"].rows]
    assert len(got) == len(expected) > 0
    assert [{k: r[k] for k in KEYS} for r in got] == [{k: r[k] for k in KEYS} for r in expected]
