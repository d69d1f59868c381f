"""The policy guide: one page per published policy (tags, facts, the steps as
an ordered flow with each department's contact), the index by category with
expired policies apart, the finder page and its JSON, department pages; and
page size independent of the number of policies."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import build, write_workbook
from htmltree import Node, article

from generator.pipeline import Built
from generator.render.escape import slug
from generator.render.pages import finder_data
from generator.workbook.sample import grow_policies

AS_OF = dt.date(2022, 12, 31)


def _policy(rows: dict[str, list[dict[str, Any]]], policy_id: str) -> dict[str, Any]:
    return next(p for p in rows["policies"] if p["policy_id"] == policy_id)


def _edit(rows: dict[str, list[dict[str, Any]]]) -> None:
    p1 = _policy(rows, "P0001")
    p1.update(industries="新材料、机械制造", sizes="小型", towns="白泉镇", published="是", effective_to=None)
    _policy(rows, "P0002").update(industries=None, sizes=None, towns=None, published="是", effective_to=None)
    _policy(rows, "P0003").update(published="否")
    _policy(rows, "P0004").update(published="是", effective_from=dt.date(2021, 1, 1),
                                  effective_to=dt.date(2022, 6, 30), title="已过期的示例政策甲")
    steps = [s for s in rows["policy_steps"] if s["policy_id"] == "P0001"]
    steps[-1]["days"] = None  # one step without a promised time


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, sample_rows) -> Built:
    rows = copy.deepcopy(sample_rows)
    _edit(rows)
    base = tmp_path_factory.mktemp("policies")
    book = write_workbook(base / "book.xlsx", rows)
    return build([str(book)], AS_OF, site_dir=base / "site", docs_dir=base / "docs")


@pytest.fixture(scope="module")
def site(built: Built) -> Path:
    return built.result.site_dir


def _rows_of(table: Node) -> dict[str, Node]:
    """A table of facts: no header row, each row named by its own header cell."""
    assert table.find_all("thead") == []
    rows = table.find_all("tr")
    assert all([c.tag for c in tr.children_tagged("th") + tr.children_tagged("td")] == ["th", "td"] for tr in rows)
    assert all(tr.find("th").attrs.get("scope") == "row" for tr in rows)
    return {tr.find("th").text(): tr.find("td") for tr in rows}


def test_policy_page_tags_link_to_the_finder(site: Path) -> None:
    page = article(site / "policies/P0001.html")
    tags = page.find("p", "nq-tags")
    links = [(a.text(), a.attrs["href"]) for a in tags.find_all("a")]
    assert [text for text, _ in links] == ["降本减负", "新材料", "机械制造", "小型", "白泉镇"]
    queries = [parse_qs(urlsplit(href).query) for _, href in links]
    assert [urlsplit(href).path for _, href in links] == ["finder.html"] * 5
    assert queries == [{"category": ["降本减负"]}, {"industry": ["新材料"]}, {"industry": ["机械制造"]},
                       {"size": ["小型"]}, {"town": ["白泉镇"]}]
    other = article(site / "policies/P0002.html").find("p", "nq-tags")
    assert "行业不限" in other.text() and "规模不限" in other.text() and "镇街不限" in other.text()


def test_policy_page_facts(site: Path, built: Built) -> None:
    policy = built.programme.policies["P0001"]
    page = article(site / "policies/P0001.html")
    assert page.find("h1").text() == policy.title
    facts = _rows_of(page.find("table"))
    assert facts["文号"].text() == policy.doc_no
    assert facts["适用行业"].text() == "新材料、机械制造"
    assert facts["适用规模"].text() == "小型"
    assert facts["适用镇街"].text() == "白泉镇"
    assert facts["有效期"].text() == f"{policy.effective_from.year}年{policy.effective_from.month}月{policy.effective_from.day}日 至 长期"
    assert facts["咨询电话"].find("a").attrs["href"] == f"tel:{policy.phone}"
    assert "线上办理" not in facts  # a button, not a raw address in a cell
    (button,) = page.find("p", "nq-apply").find_all("a")
    assert button.classes == ["md-button", "md-button--primary"] and button.text() == "线上办理"
    assert button.attrs["href"] == policy.online_url == "https://zwfw.example.gov.cn/apply/P0001"
    assert page.find("span", "nq-apply__where").text() == "在 zwfw.example.gov.cn 办理"
    headings = [h.text() for h in page.find_all("h2")]
    # The sample gives P0001 a 办事指南 (tests/test_policy_guide_fields.py checks it).
    assert headings == ["支持内容", "申报条件", "申报材料", "办理流程", "办事指南"]


def test_online_link_must_be_http() -> None:
    # The checks already refuse such a cell; the template does not trust them.
    from generator.model import Policy
    from generator.render.environment import make_environment
    from generator.render.structured import policy_jsonld

    policy = Policy(policy_id="P1", title="t", issuer="甲", category="其他", benefit="b", effective_from=AS_OF,
                    published=True, online_url="javascript:alert(1)")
    env = make_environment()
    text = env.get_template("policies/policy.md.j2").render(
        policy=policy, departments={}, expired=False, as_of=AS_OF,
        countdown=env.get_template("_labels.j2").module.deadline_countdown,  # type: ignore[attr-defined]
        jsonld=policy_jsonld(policy, {}, ""), routes=[])
    assert "javascript" not in text and "线上办理" not in text and "md-button" not in text


def test_search_snippets_begin_with_the_facts(site: Path) -> None:
    """No "项目 内容" header row at the top of a policy or department page, nor of its search entry."""
    index = json.loads((site / "search.json").read_text(encoding="utf-8"))
    entries = index.get("items") or index.get("docs")
    pages = [e for e in entries if e["location"].split("#")[0].startswith(("policies/P", "departments/D"))]
    assert len(pages) > 20
    for entry in pages:
        assert "项目 内容" not in entry["text"] and "项目内容" not in entry["text"], entry["location"]
    policy = next(e for e in pages if e["location"] == "policies/P0001.html")
    assert "政策类别 降本减负" in policy["text"]


def test_steps_are_an_ordered_flow_with_each_department(site: Path, built: Built) -> None:
    programme = built.programme
    policy = programme.policies["P0001"]
    page = article(site / "policies/P0001.html")
    flow = page.find("ol", "nq-steps")
    items = flow.children_tagged("li")
    assert len(items) == len(policy.steps) >= 2
    for li, step in zip(items, policy.steps, strict=True):
        dept = programme.departments[step.dept_id]
        head = li.find("p", "nq-step__head").text()
        assert head.startswith(f"第 {step.step} 步 {step.action}")
        assert (f"承诺 {step.days} 个工作日" in head) == (step.days is not None)
        facts = dict(zip([dt_.text() for dt_ in li.find_all("dt")], li.find_all("dd"), strict=True))
        link = facts["办理部门"].find("a")
        assert (link.text(), link.attrs["href"]) == (dept.name, f"../departments/{dept.dept_id}.html")
        assert facts["电话"].text() == dept.phone
        assert facts["地址"].text() == dept.address
        assert ("所需材料" in facts) == bool(step.materials)
    known = sum(s.days for s in policy.steps if s.days is not None)
    summary = flow.parent.find_all("p")  # the sentence before the flow
    assert f"共 {len(policy.steps)} 步，承诺办理时限合计 {known} 个工作日（部分步骤未标明时限）。" in [
        p.text() for p in summary]


def test_index_lists_current_policies_by_category_and_expired_apart(site: Path, built: Built) -> None:
    programme = built.programme
    page = article(site / "policies/index.html")
    published = programme.published_policies()
    current = [p for p in published if not p.expired_at(AS_OF)]
    expired = [p for p in published if p.expired_at(AS_OF)]
    assert "P0004" in {p.policy_id for p in expired}
    headings = [h.text() for h in page.find_all("h2")]
    from generator.schema import load_schema

    order = [c for c in load_schema().enums["policy_categories"] if any(p.category == c for p in current)]
    assert headings == [f"{c}（{sum(p.category == c for p in current)} 项）" for c in order] + [
        f"已过期政策（{len(expired)} 项）"]
    lists = page.find_all("ul")
    expired_list = lists[-1]
    assert sorted(a.attrs["href"] for a in expired_list.find_all("a")) == sorted(
        f"{p.policy_id}.html" for p in expired)
    current_links = [a.attrs["href"] for ul in lists[:-1] for a in ul.find_all("a")]
    assert sorted(current_links) == sorted(f"{p.policy_id}.html" for p in current)
    assert "P0003.html" not in current_links
    assert not (site / "policies/P0003.html").exists()
    assert page.find("a", href="finder.html").text() == "政策查找：哪些政策适用于我的企业"


def test_expired_policy_page_is_marked(site: Path) -> None:
    page = article(site / "policies/P0004.html")
    assert page.find("span", "nq-tag--expired").text() == "已过期"
    assert "本政策已于2022年6月30日截止，仅供查阅。" in page.find("div", "admonition").text()


def test_finder_json_holds_current_published_policies_with_public_fields(site: Path, built: Built) -> None:
    data = json.loads((site / "data/policies.json").read_text(encoding="utf-8"))
    programme = built.programme
    current = sorted(p.policy_id for p in programme.published_policies() if not p.expired_at(AS_OF))
    assert [p["id"] for p in data["policies"]] == current
    assert "P0003" not in current and "P0004" not in current
    assert {k for p in data["policies"] for k in p} == {
        "id", "url", "title", "issuer", "category", "industries", "sizes", "towns", "effective_to",
        "apply_to", "apply_closed", "support_cap", "support_cap_text", "conditions"}
    p1 = next(p for p in data["policies"] if p["id"] == "P0001")
    assert (p1["industries"], p1["sizes"], p1["towns"], p1["url"]) == (["新材料", "机械制造"], ["小型"], ["白泉镇"], "P0001.html")
    p2 = next(p for p in data["policies"] if p["id"] == "P0002")
    assert (p2["industries"], p2["sizes"], p2["towns"]) == ([], [], [])  # blank fits all
    assert [d["key"] for d in data["dimensions"]] == ["industry", "size", "town"]


def test_finder_json_escapes_nothing_it_should_not(schema) -> None:
    from generator.model import Policy

    p = Policy(policy_id="P1", title='</script><b>"x"', issuer="甲", category="其他", benefit="b",
               effective_from=AS_OF, published=True)
    data = finder_data([p], schema)
    assert data["policies"][0]["title"] == '</script><b>"x"'  # the script sets it with textContent


def test_finder_page_offers_every_choice_and_a_no_script_path(site: Path) -> None:
    from generator.schema import load_schema

    enums = load_schema().enums
    page = article(site / "policies/finder.html")
    form = page.find("form", id="policy-finder")
    assert "hidden" in form.attrs and form.attrs["data-src"] == "../data/policies.json"
    for key, enum in [("industry", "industries"), ("size", "sizes"), ("town", "towns"), ("category", "policy_categories")]:
        select = form.find("select", id=f"nq-{key}")
        assert form.find("label", **{"for": f"nq-{key}"}).text()
        assert [o.attrs["value"] for o in select.find_all("option")] == ["", *enums[enum]]
    noscript = page.find("noscript")
    assert "index.html" in noscript.text() or noscript.find_all("a")
    assert page.find("p", id="policy-finder-status").attrs["role"] == "status"
    html = (site / "policies/finder.html").read_text(encoding="utf-8")
    assert 'src="../assets/javascripts/finder.js"' in html


def test_department_page_lists_the_steps_it_handles(site: Path, built: Built) -> None:
    programme = built.programme
    dept = programme.departments["D001"]
    page = article(site / "departments/D001.html")
    facts = _rows_of(page.find("table"))
    assert facts["联系电话"].text() == dept.phone and facts["办公地址"].text() == dept.address
    handled = [(p, s) for p in programme.published_policies() for s in p.steps if s.dept_id == "D001"]
    items = page.find_all("ul")[-1].children_tagged("li")
    assert len(items) == len(handled)
    expired_ids = {p.policy_id for p, _ in handled if p.expired_at(AS_OF)}
    for li, (policy, step) in zip(items, sorted(handled, key=lambda ps: (ps[0].expired_at(AS_OF), ps[0].policy_id)), strict=True):
        link = li.find("a")
        assert link.attrs["href"] == f"../policies/{policy.policy_id}.html"
        tail = li.text().removeprefix(policy.title)
        days = f"，承诺 {step.days} 个工作日" if step.days is not None else ""
        assert tail == ("（已过期）" if policy.policy_id in expired_ids else "") + f"：第 {step.step} 步，{step.action}{days}"


# --- size: a policy page does not list the other policies --------------------------------

def test_policy_pages_do_not_grow_with_the_number_of_policies(tmp_path: Path, sample_rows, site: Path) -> None:
    """300 policies here (about 25 s); benchmarks/policy_scale.py checks 2,000 (a
    policy page under 100 KB) and is run by hand."""
    rows = copy.deepcopy(sample_rows)
    grow_policies(rows, 300)
    book = write_workbook(tmp_path / "many.xlsx", rows)
    many = build([str(book)], AS_OF, site_dir=tmp_path / "site", docs_dir=tmp_path / "docs").result.site_dir
    pages = list((many / "policies").glob("P*.html"))
    assert len(pages) > 250
    largest = max(p.stat().st_size for p in pages)
    assert largest < 100_000
    # The same policy's page is as big with 300 policies as with 60: nothing lists them all.
    for name in ["P0005.html", "P0010.html"]:
        assert abs((many / "policies" / name).stat().st_size - (site / "policies" / name).stat().st_size) < 200
        links = [a.attrs["href"] for a in article(many / "policies" / name).find_all("a")]
        assert not [h for h in links if h.startswith("P") and h.endswith(".html")]


def test_a_policy_or_department_with_the_id_index_keeps_the_index_pages(tmp_path, sample_rows) -> None:
    """A record page is named after its ID; ``index`` must not overwrite the list it is on."""
    rows = copy.deepcopy(sample_rows)
    _policy(rows, "P0005").update(policy_id="Index", published="是", effective_to=None)
    dept = rows["departments"][0]["dept_id"]
    for sheet, key, old, new in (("policy_steps", "policy_id", "P0005", "Index"),
                                 ("policy_conditions", "policy_id", "P0005", "Index"),
                                 ("departments", "dept_id", dept, "index"), ("policy_steps", "dept_id", dept, "index"),
                                 ("issues", "dept_id", dept, "index"), ("leniency_cases", "dept_id", dept, "index"),
                                 ("routes", "dept_id", dept, "index"), ("route_policies", "policy_id", "P0005", "Index"),
                                 ("policy_pushes", "policy_id", "P0005", "Index"), ("payments", "policy_id", "P0005", "Index"),
                                 ("events", "organiser", dept, "index")):
        for row in rows[sheet]:
            if row.get(key) == old:
                row[key] = new
    book = write_workbook(tmp_path / "book.xlsx", rows)
    built = build([str(book)], AS_OF, site_dir=tmp_path / "site", docs_dir=tmp_path / "docs")
    site = built.result.site_dir
    policy_list = article(site / "policies/index.html")
    links = {a.attrs["href"] for a in policy_list.find_all("a")}
    assert "P0001.html" in links and "index.html" not in links
    (own,) = [h for h in links if h.startswith("id-")]
    assert article(site / "policies" / own).find("h1").text() == built.programme.policies["Index"].title
    departments = article(site / "departments/index.html")
    (dept_page,) = [a.attrs["href"] for a in departments.find_all("a") if a.attrs["href"].startswith("id-")]
    pages = [a for a in departments.find_all("a") if not a.attrs["href"].startswith("tel:")]
    assert len(pages) == len(built.programme.departments)
    assert (site / "departments" / dept_page).is_file()


def test_a_long_policy_list_is_split_into_pages(tmp_path, sample_rows, monkeypatch) -> None:
    """A province lists thousands of policies: the list goes on pages of
    POLICIES_PER_PAGE, each category's link leads to the page it begins on, and
    pages named after policies (``index-2``, ``Finder``) take nothing's place."""
    import generator.render.views.public as public_views

    monkeypatch.setattr(public_views, "POLICIES_PER_PAGE", 20)
    rows = copy.deepcopy(sample_rows)
    for old, new in (("P0005", "index-2"), ("P0006", "Finder")):
        _policy(rows, old).update(policy_id=new, published="是", effective_to=None)
        for step in (rows["policy_steps"] + rows["route_policies"] + rows["policy_conditions"]
                     + rows["policy_pushes"] + rows["payments"]):
            if step["policy_id"] == old:
                step["policy_id"] = new
    book = write_workbook(tmp_path / "book.xlsx", rows)
    built = build([str(book)], AS_OF, site_dir=tmp_path / "site", docs_dir=tmp_path / "docs")
    # MkDocs found every link and anchor (the hand-written help pages are not in this docs folder)
    assert [w for w in built.result.warnings if "'help/" not in w] == []
    site = built.result.site_dir
    published = built.programme.published_policies()
    names = ["index.html", "list-2.html", "list-3.html", "list-4.html"][:-(-len(published) // 20)]
    assert len(names) >= 3
    assert sorted(p.name for p in (site / "policies").glob("*.html") if p.name.startswith(("index", "list"))) == sorted(
        names + ["index-2.html"])
    assert article(site / "policies/index-2.html").find("h1").text() == built.programme.policies["index-2"].title
    assert article(site / "policies/finder.html").find("h1").text() != built.programme.policies["Finder"].title
    linked: list[str] = []
    for number, name in enumerate(names, 1):
        page = article(site / "policies" / name)
        (pager, _end) = [n for n in page.find_all("nav") if "nq-pages" in n.attrs.get("class", "")]
        assert [a.attrs["href"] for a in pager.find_all("a")] == [n for n in names if n != name]
        assert pager.find("span").text() == f"第 {number} 页"
        for a in page.find_all("a"):
            href = a.attrs["href"]
            if "#cat-" in href:  # a category: its heading is on the page the link names
                target, anchor = href.split("#")
                heading = article(site / "policies" / (target or name)).find_all("h2")
                assert any(h.attrs.get("id") == anchor for h in heading), href
            elif href.endswith(".html") and href not in names and href not in ("finder.html", "../routes/index.html"):
                linked.append(href)
    assert sorted(linked) == sorted(f"{slug(p.policy_id)}.html" for p in published)
