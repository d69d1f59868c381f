"""``build --audience internal``: its own site with the ledger, 督办, officers,
printable 交办单 and the data-quality report; none of it in the public build;
never written into the public site or into docs/."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import build, reopen
from htmltree import article

from generator.cli import cli
from generator.errors import ConfigError
from generator.pipeline import DEFAULT_SITE
from generator.render.internal import LEDGER_JS_PREFIX

AS_OF = dt.date(2022, 12, 31)
HOSTILE = "<script>alert(1)</script>{{ 7*7 }}"
INTERNAL_DIRS = ["ledger", "overdue", "orders", "quality"]
INTERNAL_TITLES = ["内部版", "问题台账", "督办清单", "限时解决交办单", "数据质量报告", "专员服务", "周报催报", "待核查与待回访"]


class Page(HTMLParser):
    """Title, text (outside scripts), script bodies and sources, stylesheet links,
    table rows of the article, and the text of each element with a given class."""

    def __init__(self, watch: str = "nq-order") -> None:
        super().__init__()
        self.title = ""
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.script_src: list[str] = []
        self.styles: list[str] = []
        self.rows: list[list[str]] = []
        self.watched: list[list[str]] = []
        self._watch = watch
        self._depth = 0  # depth inside a watched element
        self._tag: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._tag = tag
        if tag == "script" and a.get("src"):
            self.script_src.append(a["src"])
        if tag == "link" and a.get("rel") == "stylesheet":
            self.styles.append(a["href"])
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = []
        if self._depth:
            self._depth += 1
        elif self._watch in (a.get("class") or "").split():
            self._depth = 1
            self.watched.append([])

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        if self._depth:
            self._depth -= 1
        self._tag = None

    def handle_data(self, data):
        if self._tag == "title":
            self.title += data
        elif self._tag == "script":
            self.scripts.append(data)
        else:
            self.text.append(data)
            if self._cell is not None:
                self._cell.append(data)
            if self._depth:
                self.watched[-1].append(data)


def page(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def row_of(p: Page, first: str) -> list[str]:
    found = [r for r in p.rows if r and r[0] == first]
    assert len(found) == 1, (first, found)
    return found[0]


def edit(rows):
    issues = rows["issues"]
    # Q000001: open, handed to D002, deadline 2022-12-01 → 30 days overdue on 2022-12-31.
    reopen(issues[0], "办理中", issues, dept_id="D002", owner="测试责任人甲", due_on=dt.date(2022, 12, 1),
           reported_on=dt.date(2022, 11, 20), assigned_on=dt.date(2022, 11, 21), description="测试问题" + HOSTILE)
    # Q000002: open, deadline in the future → not overdue.
    reopen(issues[1], "已交办", issues, dept_id="D002", owner="测试责任人乙", due_on=dt.date(2023, 1, 15),
           reported_on=dt.date(2022, 12, 20), assigned_on=dt.date(2022, 12, 20))


@pytest.fixture(scope="module")
def rows(sample_rows):
    data = copy.deepcopy(sample_rows)
    edit(data)
    return data


@pytest.fixture(scope="module")
def sites(tmp_path_factory, rows):
    from conftest import write_workbook

    tmp = tmp_path_factory.mktemp("internal")
    book = write_workbook(tmp / "book.xlsx", rows)
    docs = tmp / "docs"
    (docs / "help").mkdir(parents=True)
    (docs / "help" / "index.md").write_text("# 使用说明\n", encoding="utf-8")
    before = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*"))
    public = build([str(book)], AS_OF, site_dir=tmp / "site", docs_dir=tmp / "public-docs")
    internal = build([str(book)], AS_OF, site_dir=tmp / "site-internal", docs_dir=docs, audience="internal")
    after = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*"))
    return {"public": tmp / "site", "internal": tmp / "site-internal", "docs_before": before, "docs_after": after,
            "checked": internal.checked, "programme": internal.programme, "pages": internal.result.pages,
            "public_pages": public.result.pages}


def test_public_build_has_no_internal_page(sites):
    public = sites["public"]
    for name in INTERNAL_DIRS:
        assert not (public / name).exists(), name
    for html_file in public.rglob("*.html"):
        title = page(html_file).title
        for t in INTERNAL_TITLES:
            assert t not in title, (html_file, title)
    assert not (public / "data" / "ledger.js").exists()
    assert not (public / "orders" / "print.css").exists()


def test_internal_build_has_its_pages(sites):
    site = sites["internal"]
    expected = {
        "index.html": "内部版首页", "ledger/index.html": "问题台账", "overdue/index.html": "督办清单",
        "officers/index.html": "专员服务", "orders/index.html": "交办单", "quality/index.html": "数据质量报告",
        "leniency/index.html": "容错纠错", "projects/index.html": "重点项目周报",
    }
    for path, title in expected.items():
        assert page(site / path).title.startswith(title), path
    assert "定海区暖企服务工程（内部版）" in page(site / "index.html").title


def test_internal_build_leaves_docs_alone(sites):
    assert sites["docs_after"] == sites["docs_before"] == ["help", "help/index.md"]


def test_internal_build_refuses_the_public_site_dir(example_workbook, tmp_path):
    with pytest.raises(ConfigError) as err:
        build([str(example_workbook)], AS_OF, site_dir=DEFAULT_SITE, docs_dir=tmp_path, audience="internal")
    assert "公开站点目录" in str(err.value)
    with pytest.raises(ConfigError):
        build([str(example_workbook)], AS_OF, site_dir=tmp_path / "docs" / "x", docs_dir=tmp_path / "docs",
              audience="internal")


def test_cli_internal_into_public_site_exits_2(runner, example_workbook):
    result = runner.invoke(cli, ["build", "--source", str(example_workbook), "--audience", "internal",
                                 "--site-dir", str(DEFAULT_SITE)])
    assert result.exit_code == 2
    assert "内部版不能生成到公开站点目录" in result.output


def test_overdue_list_per_department_with_days(sites):
    p = page(sites["internal"] / "overdue/index.html")
    p.rows = [r for r in p.rows if len(r) == 11]  # the lists per department (升级督办: tests/test_closed_loop_internal.py)
    row = row_of(p, "Q000001")
    assert row[4] == "测试责任人甲"
    assert row[6] == "2022年12月1日"
    assert row[7] == "30"
    assert not [r for r in p.rows if r and r[0] == "Q000002"]
    programme = sites["programme"]
    overdue = [i for i in programme.issues if i.overdue_at(AS_OF)]
    listed = [r for r in p.rows if r and re.fullmatch(r"Q\d{6}", r[0])]
    assert len(listed) == len(overdue)
    text = "".join(p.text)
    assert f"共 {len(overdue)} 件" in text
    dept = programme.departments["D002"].name
    assert f"{dept}（{sum(1 for i in overdue if i.dept_id == 'D002')} 件）" in text


def test_ledger_by_status_pages_and_filter_data(sites):
    site = sites["internal"]
    programme = sites["programme"]
    script = (site / "data/ledger.js").read_text(encoding="utf-8")
    assert script.startswith(LEDGER_JS_PREFIX) and script.endswith(";\n")
    data = json.loads(script[len(LEDGER_JS_PREFIX):-2])
    assert len(data["rows"]) == len(programme.issues)
    first = dict(zip(data["columns"], data["rows"][0], strict=True))
    assert first["id"] == "Q000001" and first["overdue"] == 30 and first["status"] == "办理中"
    index = page(site / "ledger/index.html")
    src = index.script_src
    assert "../data/ledger.js" in src and src.index("../data/ledger.js") < src.index("filter.js")
    script = (site / "ledger/filter.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "textContent" in script
    # Server-free pages: every issue appears on exactly one status page.
    ids: list[str] = []
    for status_page in sorted((site / "ledger").glob("status-*.html")):
        ids += [r[0] for r in page(status_page).rows if r and re.fullmatch(r"Q\d{6}", r[0])]
    assert sorted(ids) == sorted(i.issue_id for i in programme.issues)


def test_officer_page_lists_enterprises_and_open_issues(sites):
    programme = sites["programme"]
    issue = next(i for i in programme.issues if i.issue_id == "Q000001")
    officer = programme.officers[issue.officer_id]
    p = page(sites["internal"] / f"officers/{officer.officer_id}.html")
    assert p.title.startswith(officer.name)
    served = {a.enterprise_id for a in programme.active_assignments() if a.officer_id == officer.officer_id}
    listed = {r[0] for r in p.rows if r and r[0].startswith("E")}
    assert listed == served
    row = row_of(p, "Q000001")
    assert row[-1] == "30"
    open_ids = {i.issue_id for i in programme.issues if i.officer_id == officer.officer_id and i.open_at(AS_OF)}
    assert {r[0] for r in p.rows if len(r) == 9 and r[0].startswith("Q")} == open_ids
    facts = article(sites["internal"] / f"officers/{officer.officer_id}.html").find("table")
    assert facts.find_all("thead") == []  # no "项目 | 内容" header row: each row's th names it
    assert [th.text().strip() for th in facts.find_all("th")][:2] == ["专员编号", "类别"]


def test_orders_one_per_open_issue_printable(sites):
    site = sites["internal"]
    programme = sites["programme"]
    p = page(site / "orders/dept-D002.html")
    assert "print.css" in p.styles
    open_d002 = sorted(i.issue_id for i in programme.issues if i.dept_id == "D002" and i.open_at(AS_OF))
    orders = ["".join(o) for o in p.watched]
    assert len(orders) == len(open_d002)
    order = next(o for o in orders if "Q000001" in o)
    issue = next(i for i in programme.issues if i.issue_id == "Q000001")
    for expected in ["限时解决交办单", "编号：Q000001", programme.enterprises[issue.enterprise_id].name,
                     "测试问题" + HOSTILE, programme.departments["D002"].name, "测试责任人甲", "2022年12月1日",
                     programme.officers[issue.officer_id].name, "已超期 30 天"]:
        assert expected in order, expected
    css = (site / "orders/print.css").read_text(encoding="utf-8")
    media = css[css.index("@media print"):]
    assert re.search(r"\.nq-order\s*\{[^}]*break-after:\s*page", media)
    # Issues not yet handed over get orders with blanks to fill in.
    waiting = [i for i in programme.issues if i.status == "已挂号" and i.open_at(AS_OF)]
    assert len(page(site / "orders/unassigned.html").watched) == len(waiting)


def test_hostile_cells_are_inert_in_internal_pages(sites):
    site = sites["internal"]
    for path in ["ledger/status-3.html", "orders/dept-D002.html", "overdue/index.html"]:
        p = page(site / path)
        assert "测试问题" + HOSTILE in "".join(p.text), path
        assert not any("alert(1)" in s for s in p.scripts), path
        assert "49" not in "".join(p.text).split("{{ 7*7 }}")[0][-3:]


def test_quality_report_lists_every_finding_at_its_cell(sites):
    checked = sites["checked"]
    assert checked.report.findings, "the sample has warnings to show"
    p = page(sites["internal"] / "quality/index.html")
    cells = [r[0] for r in p.rows]
    for f in checked.report.findings:
        assert f.place in cells, f.place
    text = "".join(p.text)
    assert f"共 {len(checked.report.errors)} 个错误，{len(checked.report.warnings)} 个警告" in text
    # Headings name the column in Chinese, not the finding's code (“警告：expired”).
    for f in checked.report.findings:
        assert f"：{f.code}（" not in text, f.code
    assert re.search(r"警告：截止日期（\d+ 处）", text)
