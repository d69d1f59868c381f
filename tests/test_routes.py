"""一件事 (issue 15): the sheets 一件事 and 一件事政策, their rules, and the route pages:
the published policies in order with their steps numbered across the route, every
material once, the promised days added up, linked from each policy in it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import build, validate
from htmltree import article

from generator.render.views.routes import materials_of

AS_OF = dt.date(2022, 12, 31)


def route_findings(path, schema):
    checked = validate([str(path)], AS_OF, schema)
    return [f for f in checked.report.findings if f.sheet in ("一件事", "一件事政策")]


@pytest.fixture(scope="module")
def site(tmp_path_factory, sample_rows):
    from conftest import write_workbook

    tmp = tmp_path_factory.mktemp("routes")
    book = write_workbook(tmp / "book.xlsx", sample_rows)
    built = build([str(book)], AS_OF, site_dir=tmp / "site", docs_dir=tmp / "docs")
    return built


def test_the_sample_routes_are_valid(make_workbook, schema):
    assert route_findings(make_workbook(), schema) == []


@pytest.mark.parametrize(("sheet", "values", "code", "place"), [
    ("route_policies", {"policy_id": "P9999"}, "reference", "一件事政策!C2"),
    ("route_policies", {"route_id": "YJS99"}, "reference", "一件事政策!A2"),
    ("route_policies", {"order": 0}, "minimum", "一件事政策!B2"),
    ("routes", {"title": None}, "required", "一件事!B2"),
    ("routes", {"dept_id": "D999"}, "reference", "一件事!D2"),
])
def test_a_wrong_cell_is_named(make_workbook, schema, sheet, values, code, place):
    path = make_workbook(lambda rows: rows[sheet][0].update(values))
    assert (code, place) in [(f.code, f.place) for f in route_findings(path, schema)]


def test_policies_out_of_order_are_named_once(make_workbook, schema, sample_rows):
    first = [r for r in sample_rows["route_policies"] if r["route_id"] == "YJS01"]

    def edit(rows):
        for r in rows["route_policies"]:
            if r["route_id"] == "YJS01" and r["order"] == 2:
                r["order"] = 3

    [f] = [f for f in route_findings(make_workbook(edit), schema) if f.code == "route_order_gap"]
    assert f.sheet == "一件事政策" and f.severity == "error"
    found = "、".join(str(n) for n in sorted([1, 3, 3, *range(4, len(first) + 1)][:len(first)]))
    assert f.message.startswith(f"YJS01 的政策顺序为 {found}，应为 1 至 {len(first)}")


def test_a_route_with_no_policy_is_warned(make_workbook, schema):
    def edit(rows):
        rows["route_policies"] = [r for r in rows["route_policies"] if r["route_id"] != "YJS02"]

    [f] = route_findings(make_workbook(edit), schema)
    assert (f.code, f.severity, f.place) == ("route_without_policies", "warning", "一件事!A3")
    assert "YJS02 在“一件事政策”中没有列出任何政策" in f.message


def test_a_draft_policy_in_a_route_is_warned_at_its_cell(make_workbook, schema):
    def edit(rows):
        first = rows["route_policies"][0]["policy_id"]
        for p in rows["policies"]:
            if p["policy_id"] == first:
                p["published"] = "否"

    checked = validate([str(make_workbook(edit))], AS_OF, schema)
    [f] = [f for f in checked.report.findings if f.code == "draft_in_route"]
    assert f.severity == "warning" and f.sheet == "政策"
    assert "尚未发布（发布为“否”），但“一件事政策”中有 1 行列出了它（第一处在第 2 行）" in f.message


def test_a_route_page_lists_its_policies_steps_in_order(site, sample_rows):
    programme = site.programme
    root = site.result.site_dir
    assert programme.routes
    for route in programme.routes.values():
        page = article(root / "routes" / f"{route.route_id}.html")
        assert page.find("h1").text() == route.title
        policies = [programme.policies[p] for p in route.policy_ids]
        parts = [h for h in page.find_all("h3")]
        assert [h.text() for h in parts] == [f"第 {n} 项：{p.title}" for n, p in enumerate(policies, 1)]
        # Steps numbered across the route, each with its department.
        numbers = [s.find("span", "nq-step__no").text() for s in page.find_all("li", "nq-step")]
        steps = [s for p in policies for s in sorted((r for r in sample_rows["policy_steps"]
                                                       if r["policy_id"] == p.policy_id), key=lambda r: r["step"])]
        assert numbers == [f"第 {n} 步" for n in range(1, len(steps) + 1)]
        actions = [s.find("strong", "nq-step__action").text() for s in page.find_all("li", "nq-step")]
        assert actions == [s["action"] for s in steps]
        # The promised days, added up from the workbook.
        total = sum(s["days"] for s in steps)
        assert f"依次办理承诺时限合计 {total} 个工作日" in page.text()
        # Every material once, and every material of every policy.
        expected: list[str] = []
        for p in policies:
            cells = [p.materials] + [s["materials"] for s in steps if s["policy_id"] == p.policy_id]
            for item in (i for c in cells for i in materials_of(c)):
                if item not in expected:
                    expected.append(item)
        listed = [li.text().rsplit("（第", 1)[0] for li in _section_items(page, "所需材料")]
        assert listed == expected and len(set(listed)) == len(listed)


def _section_items(page, heading: str):
    """The list items after the h2 ``heading``, up to the next h2."""
    out, inside = [], False
    for node in page.children:
        if getattr(node, "tag", None) == "h2":
            inside = node.text().startswith(heading)
        elif inside and getattr(node, "tag", None) == "ul":
            out += node.children_tagged("li")
    return out


def test_each_policy_of_a_route_links_to_it(site):
    programme = site.programme
    root = site.result.site_dir
    for route in programme.routes.values():
        for place, policy_id in enumerate(route.policy_ids, 1):
            page = article(root / "policies" / f"{policy_id}.html")
            links = [a for a in page.find_all("a") if a.attrs.get("href") == f"../routes/{route.route_id}.html"]
            assert [a.text() for a in links] == [route.title]
            assert f"的第 {place} 项（共 {len(route.policy_ids)} 项政策" in page.text()
    index = article(root / "policies" / "index.html")
    assert any(a.attrs.get("href") == "../routes/index.html" for a in index.find_all("a"))
    listed = [a.attrs["href"] for a in article(root / "routes" / "index.html").find_all("a")]
    assert [f"{r}.html" for r in programme.routes] == [h for h in listed if re.fullmatch(r"YJS\d+\.html", h)]


def test_an_unpublished_policy_is_left_out_of_its_route(tmp_path, sample_rows):
    from conftest import write_workbook

    rows = {k: [dict(r) for r in v] for k, v in sample_rows.items()}
    members = [r for r in rows["route_policies"] if r["route_id"] == "YJS01"]
    draft = next(p for p in rows["policies"] if p["policy_id"] == members[0]["policy_id"])
    draft["published"] = "否"
    draft["title"] = "草稿政策标题不得公开"
    book = write_workbook(tmp_path / "book.xlsx", rows)
    built = build([str(book)], AS_OF, site_dir=tmp_path / "site", docs_dir=tmp_path / "docs")
    page = article(built.result.site_dir / "routes" / "YJS01.html")
    assert "草稿政策标题不得公开" not in page.text()
    assert len(page.find_all("h3")) == len(members) - 1
    assert page.find("h3").text().startswith("第 1 项：")


def test_an_older_workbook_without_the_sheets_builds_without_routes(tmp_path, sample_rows):
    from conftest import write_workbook

    rows = {k: v for k, v in sample_rows.items() if k not in ("routes", "route_policies")}
    book = write_workbook(tmp_path / "book.xlsx", rows)
    built = build([str(book)], AS_OF, site_dir=tmp_path / "site", docs_dir=tmp_path / "docs")
    assert built.programme.routes == {}
    assert not (built.result.site_dir / "routes").exists()
    index = article(built.result.site_dir / "policies" / "index.html")
    assert not any("routes/" in a.attrs.get("href", "") for a in index.find_all("a"))


def test_routes_taken_out_of_the_workbook_leave_the_site(tmp_path, sample_rows):
    """docs/routes/ is rendering's own: the next build without the sheets removes its pages."""
    from conftest import write_workbook

    dirs = {"site_dir": tmp_path / "site", "docs_dir": tmp_path / "docs"}
    build([str(write_workbook(tmp_path / "a.xlsx", sample_rows))], AS_OF, **dirs)
    assert (tmp_path / "docs/routes/YJS01.md").is_file()
    rows = {k: v for k, v in sample_rows.items() if k not in ("routes", "route_policies")}
    built = build([str(write_workbook(tmp_path / "b.xlsx", rows))], AS_OF, **dirs)
    assert not (tmp_path / "docs/routes").exists() and not (built.result.site_dir / "routes").exists()


def test_a_hostile_route_title_is_text(tmp_path, sample_rows):
    from conftest import write_workbook

    rows = {k: [dict(r) for r in v] for k, v in sample_rows.items()}
    rows["routes"][0]["title"] = "<script>alert(1)</script> {{ 7*7 }} --8<-- [x](javascript:alert(1))"
    rows["routes"][0]["description"] = "*强调* <img src=x onerror=alert(1)>"
    book = write_workbook(tmp_path / "book.xlsx", rows)
    built = build([str(book)], AS_OF, site_dir=tmp_path / "site", docs_dir=tmp_path / "docs")
    page = article(built.result.site_dir / "routes" / "YJS01.html")
    # As every page title: shown as typed, its angle brackets full-width (the page's <title> and the
    # search index take the heading as text); never evaluated as a template.
    assert page.find("h1").text() == rows["routes"][0]["title"].replace("<", "＜").replace(">", "＞")
    assert "*强调* <img src=x onerror=alert(1)>" in page.text()
    assert page.find_all("script") == [] and page.find_all("img") == [] and page.find_all("em") == []
    assert not [a for a in page.find_all("a") if a.attrs.get("href", "").startswith("javascript")]


@pytest.mark.parametrize(("cell", "items"), [
    ("申请表；营业执照复印件；相关证明材料。", ["申请表", "营业执照复印件", "相关证明材料"]),
    ("1. 申请表\n2、法人身份证（复印件）\n（3）审计报告", ["申请表", "法人身份证（复印件）", "审计报告"]),
    ("① 合同、发票", ["合同、发票"]),
    (None, []),
])
def test_materials_are_read_item_by_item(cell, items):
    assert materials_of(cell) == items
