"""The officer directory: officers in post by town and role, their public
contact, the enterprises they serve named only with consent (the rest
counted); never a mobile number or a former post; nobody out of post."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import write_workbook
from htmltree import Node, article

from generator.pipeline import Built, build
from generator.schema import load_schema

AS_OF = dt.date(2022, 12, 31)


def _edit(rows: dict[str, list[dict[str, Any]]]) -> None:
    officers = rows["officers"]
    officers[0].update(towns="金塘镇、册子乡", former_post="原某某局副局长（内部）")
    officers[1].update(towns=None)  # serves no town in particular
    officers[2].update(active="否", name="离岗专员甲")
    # The first officer's enterprises: two named, the rest not.
    mine = [a["enterprise_id"] for a in rows["assignments"]
            if a["officer_id"] == officers[0]["officer_id"] and a["end_on"] is None]
    assert len(mine) >= 3
    by_id = {e["enterprise_id"]: e for e in rows["enterprises"]}
    for i, ent in enumerate(mine):
        by_id[ent]["publish_name"] = "是" if i < 2 else "否"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, sample_rows) -> Built:
    rows = copy.deepcopy(sample_rows)
    _edit(rows)
    base = tmp_path_factory.mktemp("officers")
    book = write_workbook(base / "book.xlsx", rows)
    return build([str(book)], AS_OF, site_dir=base / "site", docs_dir=base / "docs")


@pytest.fixture(scope="module")
def page(built: Built) -> Node:
    return article(built.result.site_dir / "officers/index.html")


def _cards(page: Node) -> list[tuple[str, str, Node]]:
    """(town, role heading, card) for every card, in page order."""
    out = []
    town = role = ""
    for node in page.iter():
        if node.tag == "h2":
            town = node.text()
        elif node.tag == "h3":
            role = node.text()
        elif node.tag == "li" and "nq-officer" in node.classes:
            out.append((town, role, node))
    return out


def _facts(card: Node) -> dict[str, Node]:
    return dict(zip([d.text() for d in card.find_all("dt")], card.find_all("dd"), strict=True))


def _who(card: Node) -> tuple[str, str, str]:
    """Names repeat; name, home unit and email tell officers apart."""
    facts = _facts(card)
    return card.find("p", "nq-officer__name").text(), facts["派出单位"].text(), facts["电子邮箱"].text()


def _key(o: Any) -> tuple[str, str, str]:
    return o.name, o.home_unit, o.email or "—"


def test_officers_in_post_by_town_and_role(page: Node, built: Built) -> None:
    programme = built.programme
    enums = load_schema().enums
    towns = [h.text() for h in page.find_all("h2")]
    assert towns == [t for t in [*enums["towns"], "未指定镇街"] if t in towns]
    assert "未指定镇街" in towns
    cards = _cards(page)
    in_post = programme.officers_in_post()
    for o in in_post:
        where = [(town, role) for town, role, card in cards if _who(card) == _key(o)]
        expected_towns = list(o.towns) if o.towns else ["未指定镇街"]
        assert [t for t, _ in where] == [t for t in towns if t in expected_towns], o.name
        assert all(role.startswith(o.role + "（") for _, role in where)
    count = page.find("p").text()
    assert count.startswith(f"在岗专员 {len(in_post)} 名")


def test_officer_card_shows_public_contact_only(page: Node, built: Built) -> None:
    officer = built.programme.officers["O0001"]
    card = next(c for _, _, c in _cards(page) if _who(c) == _key(officer))
    facts = _facts(card)
    assert list(facts) == ["类别", "派出单位", "办公电话", "电子邮箱", "服务镇街", "结对企业"]
    assert facts["类别"].text() == officer.role
    assert facts["派出单位"].text() == officer.home_unit
    assert facts["办公电话"].find("a").attrs["href"] == f"tel:{officer.office_phone}"
    assert facts["电子邮箱"].find("a").attrs["href"] == f"mailto:{officer.email}"
    assert facts["服务镇街"].text() == "金塘镇、册子乡"


def test_enterprises_named_only_with_consent_and_the_rest_counted(page: Node, built: Built) -> None:
    programme = built.programme
    officer = programme.officers["O0001"]
    served = sorted({a.enterprise_id for a in programme.active_assignments() if a.officer_id == "O0001"})
    named = sorted(programme.enterprises[e].name for e in served if programme.enterprises[e].publish_name)
    assert len(named) >= 2
    card = next(c for _, _, c in _cards(page) if _who(c) == _key(officer))
    text = _facts(card)["结对企业"].text()
    assert text == f"{'、'.join(named)}；另服务 {len(served) - len(named)} 家企业"
    for e in served:
        if not programme.enterprises[e].publish_name:
            assert programme.enterprises[e].name not in page.text()


def test_never_a_mobile_a_former_post_or_an_officer_out_of_post(page: Node, built: Built) -> None:
    text = page.text()
    for o in built.programme.officers.values():
        if o.mobile:
            assert o.mobile not in text
        if o.former_post and len(o.former_post) >= 4:
            assert o.former_post not in text
    assert "离岗专员甲" not in text
    html = (built.result.site_dir / "officers/index.html").read_text(encoding="utf-8")
    assert "原某某局副局长（内部）" not in html


def test_department_index_counts_the_steps(built: Built) -> None:
    programme = built.programme
    page = article(built.result.site_dir / "departments/index.html")
    rows = [tr.find_all("td") for tr in page.find("table").find_all("tr") if tr.find_all("td")]
    assert len(rows) == len(programme.departments)
    for cells in rows:
        dept_id = cells[0].find("a").attrs["href"].removesuffix(".html")
        dept = programme.departments[dept_id]
        assert cells[0].text() == dept.name
        assert int(cells[3].text()) == sum(1 for p in programme.published_policies() for s in p.steps
                                           if s.dept_id == dept_id)


def test_site_has_no_external_asset(built: Built) -> None:
    """No stylesheet, script, font or image from another host on any page."""
    site: Path = built.result.site_dir
    for path in site.rglob("*.html"):
        root = article_or_root(path)
        for node in root.iter():
            for attr in ("src", "href"):
                value = node.attrs.get(attr, "")
                if node.tag in ("script", "img", "link", "iframe", "source") and value:
                    assert not value.startswith(("http:", "https:", "//")), (path, node.tag, value)
    css = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.css"))
    assert "fonts.googleapis" not in css and "@import url(http" not in css


def article_or_root(path: Path) -> Node:
    from htmltree import parse

    return parse(path)
