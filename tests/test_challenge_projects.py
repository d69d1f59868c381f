"""揭榜挂帅 and 揭榜挂帅进度 (issue 18): their rules (经费 in yuan, start ≤ end,
the enterprise and the project exist, one report a week, none after the as-of
date), the public list whose counts and funding are recomputed here from the
rows, a page per project with its reports and photos, the 发榜企业 named only
with its consent, and a workbook without the sheets still building."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest
from conftest import build, validate, write_workbook
from htmltree import article, read

from generator.workbook.sample.challenges import write_photos

AS_OF = dt.date(2022, 12, 31)
SHEETS = ("揭榜挂帅", "揭榜挂帅进度")


def findings(path, schema):
    return [f for f in validate([str(path)], AS_OF, schema).report.findings if f.sheet in SHEETS]


def test_the_sample_challenges_are_valid(make_workbook, schema, sample_rows):
    assert len(sample_rows["challenge_projects"]) == 10 and sample_rows["challenge_reports"]
    assert findings(make_workbook(), schema) == []


@pytest.mark.parametrize(("sheet", "values", "code", "place"), [
    ("challenge_projects", {"funding": "300万"}, "amount_in_wan", "揭榜挂帅!E2"),
    ("challenge_projects", {"funding": -1}, "minimum", "揭榜挂帅!E2"),
    ("challenge_projects", {"end_on": dt.date(2021, 1, 1)}, "not_before", "揭榜挂帅!G2"),
    ("challenge_projects", {"enterprise_id": "E99999"}, "reference", "揭榜挂帅!C2"),
    ("challenge_projects", {"challenge_id": "JB002"}, "unique", "揭榜挂帅!A3"),
    ("challenge_reports", {"challenge_id": "JB999"}, "reference", "揭榜挂帅进度!A2"),
    ("challenge_reports", {"report_on": dt.date(2023, 1, 5)}, "not_after_as_of", "揭榜挂帅进度!B2"),
])
def test_a_wrong_cell_is_named(make_workbook, schema, sheet, values, code, place):
    path = make_workbook(lambda rows: rows[sheet][0].update(values))
    found = [f for f in findings(path, schema) if f.code == code]
    assert found and found[0].place == place


def test_two_reports_in_one_week_are_refused(make_workbook, schema):
    def edit(rows):
        first = rows["challenge_reports"][0]
        rows["challenge_reports"].insert(1, {**first, "report_on": first["report_on"] + dt.timedelta(
            days=1 if first["report_on"].weekday() < 6 else -1)})
    [f] = [f for f in findings(make_workbook(edit), schema) if f.code == "one_per_week"]
    assert f.sheet == "揭榜挂帅进度"


def test_wan_message_and_exit_code(make_workbook, runner):
    from generator.cli import cli

    path = make_workbook(lambda rows: rows["challenge_projects"][0].update(funding="300万"))
    result = runner.invoke(cli, ["validate", "--source", str(path), "--as-of", "2022-12-31"])
    assert result.exit_code == 1, result.output
    assert ("错误 揭榜挂帅!E2 [300万]：“300万”是以万元为单位填写的，而“经费（元）”以元为单位。"
            "请以元为单位填写数字，例如 3000000。") in result.output


def test_an_issuer_without_consent_is_warned(make_workbook, schema, sample_rows):
    unnamed = next(e["enterprise_id"] for e in sample_rows["enterprises"] if e["publish_name"] == "否")
    path = make_workbook(lambda rows: rows["challenge_projects"][0].update(enterprise_id=unnamed))
    [f] = findings(path, schema)
    assert (f.code, f.severity, f.place) == ("issuer_unnamed", "warning", "揭榜挂帅!C2")
    assert f.message == f"企业“{unnamed}”未同意公开名称（企业表的“同意公开名称”）：公开页面显示为“企业（未同意公开名称）”"


@pytest.fixture(scope="module")
def site(tmp_path_factory, sample_rows):
    """The sample with JB001 issued by an enterprise that did not consent, and a photo."""
    tmp = tmp_path_factory.mktemp("challenges")
    rows = copy.deepcopy(sample_rows)
    unnamed = next(e for e in rows["enterprises"] if e["publish_name"] == "否")
    rows["challenge_projects"][0]["enterprise_id"] = unnamed["enterprise_id"]
    first = rows["challenge_projects"][0]["challenge_id"]
    report = next(r for r in rows["challenge_reports"] if r["challenge_id"] == first)
    report["photos"] = "photos/site-2.jpg"
    write_photos(tmp)
    book = write_workbook(tmp / "book.xlsx", rows)
    built = build([str(book)], AS_OF, site_dir=tmp / "site", docs_dir=tmp / "docs")
    return rows, unnamed, built.result.site_dir


def _state(project, day):
    if project["start_on"] > day:
        return "未开始"
    return "已结束" if project["end_on"] and project["end_on"] < day else "进行中"


def _yuan(amount: Decimal) -> str:
    if amount >= 10_000 and amount == amount.to_integral_value():
        return f"{format((amount / 10_000).normalize(), 'f')} 万元"
    return f"{amount:,.2f}".removesuffix(".00") + " 元"


def test_counts_and_funding_are_the_rows(site):
    rows, _unnamed, built = site
    projects = rows["challenge_projects"]
    by_state: dict[str, tuple[int, Decimal]] = {}
    for p in projects:
        n, total = by_state.get(_state(p, AS_OF), (0, Decimal(0)))
        by_state[_state(p, AS_OF)] = (n + 1, total + Decimal(str(p["funding"])))
    total = sum((Decimal(str(p["funding"])) for p in projects), Decimal(0))
    page = read(built / "challenges" / "index.html")
    table = {r[0]: r[1:] for r in page.rows if r and r[0] in ("进行中", "未开始", "已结束", "合计")}
    for state in ("进行中", "未开始", "已结束"):
        n, amount = by_state.get(state, (0, Decimal(0)))
        assert table[state] == [str(n), _yuan(amount)]
    assert table["合计"] == [str(len(projects)), _yuan(total)]
    data = json.loads((built / "challenges" / "index.json").read_text(encoding="utf-8"))
    assert data["projects"] == len(projects) and Decimal(str(data["funding_yuan"])) == total
    listed = [r for r in page.rows if len(r) == 8 and r[0] != "项目"]
    assert sorted(r[0] for r in listed) == sorted(p["name"] for p in projects)


def test_the_issuer_is_named_only_with_consent(site):
    rows, unnamed, built = site
    named = {e["enterprise_id"]: e["name"] for e in rows["enterprises"] if e["publish_name"] == "是"}
    page = read(built / "challenges" / "index.html")
    issuers = {r[0]: r[1] for r in page.rows if len(r) == 8 and r[0] != "项目"}
    for p in rows["challenge_projects"]:
        assert issuers[p["name"]] == named.get(p["enterprise_id"], "企业（未同意公开名称）")
    assert unnamed["name"] not in "".join(page.text)
    assert all(unnamed["name"] not in f.read_text(encoding="utf-8") for f in (built / "challenges").iterdir())


def test_a_project_page_has_its_reports_newest_first_and_photos(site):
    rows, _unnamed, built = site
    first = rows["challenge_projects"][0]
    body = article(built / "challenges" / f"{first['challenge_id']}.html")
    reports = sorted((r for r in rows["challenge_reports"] if r["challenge_id"] == first["challenge_id"]),
                     key=lambda r: r["report_on"], reverse=True)
    headings = [h.text() for h in body.find_all("h3")]
    assert headings == [f"{r['report_on'].year}年{r['report_on'].month}月{r['report_on'].day}日" for r in reports]
    [img] = body.find_all("img")
    assert img.attrs["loading"] == "lazy" and img.attrs["alt"].startswith(f"{first['name']}进展照片，")
    assert (built / "challenges" / img.attrs["src"]).is_file()


def test_a_workbook_without_the_sheets_still_builds(tmp_path, sample_rows):
    rows = {k: v for k, v in sample_rows.items() if k not in ("challenge_projects", "challenge_reports")}
    book = write_workbook(tmp_path / "book.xlsx", rows)
    built = build([str(book)], AS_OF, site_dir=tmp_path / "site", docs_dir=tmp_path / "docs")
    assert "暂无揭榜挂帅项目数据。" in article(built.result.site_dir / "challenges" / "index.html").text()


def test_template_and_schema_export_carry_the_sheets(tmp_path, runner):
    import openpyxl

    from generator.cli import cli

    out = tmp_path / "template.xlsx"
    assert runner.invoke(cli, ["template", str(out)]).exit_code == 0
    book = openpyxl.load_workbook(out)
    assert [c.value for c in book["揭榜挂帅"][1]] == ["项目编号", "名称", "发榜企业", "揭榜单位", "经费（元）",
                                                  "开始日期", "结束日期", "进展"]
    assert [c.value for c in book["揭榜挂帅进度"][1]] == ["项目编号", "填报日期", "进展", "照片"]
    result = runner.invoke(cli, ["schema", "export"])
    resources = {r["name"] for r in json.loads(result.output)["resources"]}
    assert {"challenge_projects", "challenge_reports"} <= resources
