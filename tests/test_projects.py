"""重点项目 and 项目进度: the sheets' rules (one report per project per ISO
week), progress against the annual plan per project and per level, the public
page without the internal 存在问题, and the internal list of projects without
a report in the as-of week."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import build, validate
from htmltree import article, read

from generator.figures.projects import project_figures
from generator.model import KeyProject, Programme, ProjectReport
from generator.render.environment import make_environment
from generator.render.writer import PageWriter

AS_OF = dt.date(2022, 12, 31)
LEVELS = ("省重点", "市重点", "区重点")


def label(name, *args):
    """A label of templates/_labels.j2 as the pages print it (before escaping)."""
    return PageWriter(make_environment(), Path("unused")).label(name, *args)


def report_findings(path, schema, as_of=AS_OF):
    checked = validate([str(path)], as_of, schema)
    return [f for f in checked.report.findings if f.sheet in ("项目进度", "重点项目")]


def reports_of(rows, project_id):
    return [r for r in rows["project_reports"] if r["project_id"] == project_id]


def test_sample_sheets_are_valid(make_workbook, schema):
    assert report_findings(make_workbook(), schema) == []


def test_two_reports_in_one_iso_week(make_workbook, schema):
    def edit(rows):
        reports = rows["project_reports"]
        reports.insert(1, {**reports[0], "report_on": reports[0]["report_on"] - dt.timedelta(days=reports[0]["report_on"].weekday())})
        reports[0]["report_on"] = reports[1]["report_on"] + dt.timedelta(days=6)  # the Sunday of the same week

    path = make_workbook(edit)
    [f] = report_findings(path, schema)
    assert (f.code, f.place) == ("one_per_week", "项目进度!B3")
    assert "XM0001" in f.message and "（第 2 行）" in f.message


def test_sunday_and_next_monday_are_two_weeks(make_workbook, schema):
    def edit(rows):
        rows["project_reports"] = [
            {"project_id": "XM0001", "report_on": dt.date(2022, 3, 6), "invested": 0.1},  # Sunday, W09
            {"project_id": "XM0001", "report_on": dt.date(2022, 3, 7), "invested": 0.1},  # Monday, W10
            # 2022-01-01 is in ISO week 2021-W52, like 2021-12-27
            {"project_id": "XM0002", "report_on": dt.date(2021, 12, 27), "invested": 0.1},
            {"project_id": "XM0002", "report_on": dt.date(2022, 1, 1), "invested": 0.1},
        ]

    findings = report_findings(make_workbook(edit), schema)
    assert [(f.code, f.place) for f in findings] == [("one_per_week", "项目进度!B5")]
    assert "2021-W52" in findings[0].message


@pytest.mark.parametrize(("sheet", "values", "expected"), [
    ("key_projects", {"level": "国重点"}, ("enum", "重点项目!C2")),
    ("key_projects", {"annual_plan": -1}, ("minimum", "重点项目!F2")),
    ("key_projects", {"lead": None}, ("required", "重点项目!G2")),
    ("project_reports", {"project_id": "XM9999"}, ("reference", "项目进度!A2")),
    ("project_reports", {"invested": "三千万"}, ("decimal_type", "项目进度!C2")),
    ("project_reports", {"report_on": dt.date(2023, 1, 6)}, ("not_after_as_of", "项目进度!B2")),
])
def test_rules(make_workbook, schema, sheet, values, expected):
    path = make_workbook(lambda rows: rows[sheet][0].update(values))
    assert [(f.code, f.place) for f in report_findings(path, schema)] == [expected]


def project(n: int, level: str, plan: float, start: dt.date | None = None) -> KeyProject:
    return KeyProject(project_id=f"XM{n:03d}", name=f"项目{n}", level=level, sector="新材料",
                      total_investment=plan * 4, annual_plan=plan, lead="示例领导", start_on=start)


def test_progress_per_project_and_level():
    plans = [2.5, 3.1, 1.9, 4.0, 2.2, 2.0]  # 15.70
    invested = [[1.2, 2.3], [4.01], [0.5, 0.5, 1.0], [8.0], [3.3], [1.82]]  # 22.63
    projects = {p.project_id: p for p in (project(n, "省重点", plan) for n, plan in enumerate(plans, 1))}
    reports = []
    for n, amounts in enumerate(invested, 1):
        for w, amount in enumerate(amounts):
            reports.append(ProjectReport(f"XM{n:03d}", dt.date(2022, 3, 4) + dt.timedelta(weeks=w), amount))
    # a city project, a report of the previous year (not counted) and one after the as-of date (not counted)
    projects["XM010"] = project(10, "市重点", 0.0)
    reports.append(ProjectReport("XM010", dt.date(2021, 12, 31), 9.0))
    reports.append(ProjectReport("XM010", dt.date(2022, 12, 30), 0.4))
    reports.append(ProjectReport("XM001", dt.date(2023, 1, 2), 5.0))
    programme = Programme(as_of=AS_OF, departments={}, enterprises={}, officers={}, assignments=[], issues=[],
                          policies={}, projects=projects, project_reports=reports)
    f = project_figures(programme, LEVELS)
    assert [label("level_sentence", lv) for lv in f.levels] == [
        "6 个省重点项目完成投资 22.63 亿元，完成年度计划的 144.1%",
        "1 个市重点项目完成投资 0.40 亿元，完成年度计划的 —",
    ]
    assert f.total.level is None
    assert label("level_sentence", f.total) == "7 个重点项目完成投资 23.03 亿元，完成年度计划的 146.7%"
    assert f.as_dict(label("total_level"))["total"]["level"] == "重点"
    assert label("week_label", f.week) == "2022年第52周"
    first = f.projects[0]
    assert (first.project.project_id, str(first.invested), first.rate) == ("XM001", "3.5", Fraction(7, 5))
    assert [str(total) for _r, total in first.history(2022)] == ["3.5", "1.2"]
    assert f.week == (2022, 52)
    assert [p.project.project_id for p in f.missing] == ["XM001", "XM002", "XM003", "XM004", "XM005", "XM006"]


def test_projects_not_started_are_not_missing():
    projects = {"XM001": project(1, "区重点", 1.0, start=dt.date(2023, 3, 1))}
    programme = Programme(as_of=AS_OF, departments={}, enterprises={}, officers={}, assignments=[], issues=[],
                          policies={}, projects=projects, project_reports=[])
    assert project_figures(programme, LEVELS).missing == []




SECRET = "某某泄露测试施工受阻问题"


@pytest.fixture(scope="module")
def built(tmp_path_factory, sample_rows):
    import copy

    from conftest import write_workbook

    rows = copy.deepcopy(sample_rows)
    last = reports_of(rows, "XM0001")[-1]
    last["blockers"] = SECRET
    last["progress_note"] = "公开的形象进度说明"
    # XM0002 stops reporting before the as-of week
    rows["project_reports"] = [r for r in rows["project_reports"]
                               if not (r["project_id"] == "XM0002" and r["report_on"] >= dt.date(2022, 12, 26))]
    tmp = tmp_path_factory.mktemp("projects")
    path = write_workbook(tmp / "book.xlsx", rows)
    public = build([str(path)], AS_OF, site_dir=tmp / "site", docs_dir=tmp / "docs")
    build([str(path)], AS_OF, site_dir=tmp / "internal", docs_dir=tmp / "docs", audience="internal")
    return tmp, public.programme


def test_public_page_per_level(built, schema):
    tmp, programme = built
    f = project_figures(programme, LEVELS)
    page = read(tmp / "site/projects/index.html")
    text = "".join(page.text)
    for level in f.levels:
        assert label("level_sentence", level) in text
    assert "XM0001.html" in page.hrefs
    province = [r for r in page.rows if r and r[0] == "省重点"]
    lv = f.levels[0]
    assert province == [["省重点", str(lv.projects), f"{lv.plan:.2f}", f"{lv.invested:.2f}", f"{float(lv.rate) * 100:.1f}%"]]
    data = json.loads((tmp / "site/projects/index.json").read_text(encoding="utf-8"))
    assert data["levels"][0] == {"level": "省重点", "projects": lv.projects, "invested": float(lv.invested),
                                 "annual_plan": float(lv.plan), "plan_rate": float(lv.rate)}
    assert "blockers" not in json.dumps(data)


def test_public_project_page_has_reports_without_blockers(built):
    tmp, programme = built
    page = read(tmp / "site/projects/XM0001.html")
    text = "".join(page.text)
    assert "公开的形象进度说明" in text
    assert SECRET not in text
    reports = [r for r in programme.project_reports if r.project_id == "XM0001"]
    rows = [r for r in page.rows if r and r[0].startswith("2022年第")]
    assert len(rows) == len(reports)
    assert rows[0][1] == f"{reports[-1].report_on.year}年{reports[-1].report_on.month}月{reports[-1].report_on.day}日"
    facts = article(tmp / "site/projects/XM0001.html").find("table")
    assert facts.find_all("thead") == []  # no "项目 | 内容" header row: each row's th names it
    assert [th.text().strip() for th in facts.find_all("th")][:2] == ["项目编号", "项目级别"]
    for path in (tmp / "site").rglob("*.html"):
        assert SECRET not in path.read_text(encoding="utf-8"), path


def test_internal_page_lists_projects_without_a_report_this_week(built):
    tmp, programme = built
    f = project_figures(programme, LEVELS)
    page = read(tmp / "internal/projects/index.html")
    listed = [r[0] for r in page.rows if r and r[0].startswith("XM")]
    assert "XM0002" in listed
    assert listed == [p.project.project_id for p in f.missing]
    assert any(r[-1] == SECRET for r in page.rows if r)
