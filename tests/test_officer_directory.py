"""The officer directory: an index of towns, and per town the officers in post
by role (on several pages when a town has more than fit on one), their public
contact, the enterprises they serve named only with consent (the rest
counted); never a mobile number or a former post; nobody out of post."""

from __future__ import annotations

import copy
import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import build, write_workbook
from htmltree import Node, article, parse

import generator.render.views.public as public_views
from generator.pipeline import Built
from generator.render.escape import place_slug
from generator.schema import DEFAULT_SCHEMA_DIR, load_schema

AS_OF = dt.date(2022, 12, 31)
NO_TOWN = "未指定镇街"
# Small enough that the sample's busier towns take two pages and the quieter ones one.
PER_PAGE = 6


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


def _build(base: Path, rows: dict[str, list[dict[str, Any]]], per_page: int, **options: Any) -> Built:
    book = write_workbook(base / "book.xlsx", rows)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(public_views, "OFFICERS_PER_PAGE", per_page)
        return build([str(book)], AS_OF, site_dir=base / "site", docs_dir=base / "docs", **options)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, sample_rows) -> Built:
    rows = copy.deepcopy(sample_rows)
    _edit(rows)
    return _build(tmp_path_factory.mktemp("officers"), rows, PER_PAGE)


# Reading the built directory the way a visitor does: the index, its links, the pagers.


@dataclass
class Row:
    town: str
    href: str
    count: str


@dataclass
class Card:
    town: str  # the page it is on, by the index's link
    page: Path
    role: str  # the heading above it
    node: Node


def _index(site: Path) -> tuple[Node, list[Row]]:
    page = article(site / "officers/index.html")
    rows = []
    for tr in page.find("table").find_all("tr"):
        cells = tr.find_all("td")
        if cells:
            link = cells[0].find("a")
            rows.append(Row(link.text(), link.attrs["href"], cells[1].text()))
    return page, rows


def _town_pages(site: Path, row: Row) -> list[Path]:
    """A town's pages: the one the index links, and those its pager links, in order."""
    first = site / "officers" / row.href
    nav = [n for n in article(first).find_all("nav") if "nq-pages" in n.classes]
    if not nav:
        return [first]
    return [site / "officers" / (n.attrs.get("href") or first.name) for n in nav[0].iter() if n.tag in ("a", "span")]


def _directory(site: Path) -> dict[str, list[Path]]:
    return {row.town: _town_pages(site, row) for row in _index(site)[1]}


def _cards(site: Path) -> list[Card]:
    out = []
    for town, paths in _directory(site).items():
        for path in paths:
            role = ""
            for node in article(path).iter():
                if node.tag == "h2":
                    role = node.text()
                elif node.tag == "li" and "nq-officer" in node.classes:
                    out.append(Card(town, path, role, node))
    return out


def _facts(card: Node) -> dict[str, Node]:
    return dict(zip([d.text() for d in card.find_all("dt")], card.find_all("dd"), strict=True))


def _who(card: Node) -> tuple[str, str, str]:
    """Names repeat; name, home unit and email tell officers apart."""
    facts = _facts(card)
    return card.find("p", "nq-officer__name").text(), facts["派出单位"].text(), facts["电子邮箱"].text()


def _key(o: Any) -> tuple[str, str, str]:
    return o.name, o.home_unit, o.email or "—"


def _expected_towns(o: Any) -> list[str]:
    return list(dict.fromkeys(o.towns)) if o.towns else [NO_TOWN]


def _officer_pages(site: Path) -> list[Path]:
    return sorted((site / "officers").glob("*.html"))


# The index.


def test_index_lists_the_towns_in_order_with_their_counts(built: Built) -> None:
    site = built.result.site_dir
    page, rows = _index(site)
    in_post = built.programme.officers_in_post()
    assert page.find("p").text().startswith(f"在岗专员 {len(in_post)} 名")
    assert page.find_all("li", "nq-officer") == []  # no officer cards on the index
    towns = [r.town for r in rows]
    assert towns == [t for t in [*load_schema().enums["towns"], NO_TOWN] if t in towns]
    assert NO_TOWN in towns
    # Every town someone in post serves, and no other.
    assert set(towns) == {t for o in in_post for t in _expected_towns(o)}
    cards = _cards(site)
    for row in rows:
        assert row.href == f"{place_slug(row.town)}.html"
        shown = sum(1 for c in cards if c.town == row.town)
        pages_of_town = len(_town_pages(site, row))
        assert row.count == f"{shown} 名" + (f"（分 {pages_of_town} 页）" if pages_of_town > 1 else "")
    # The counts add up: an officer counts once in each town served.
    total = sum(int(r.count.split(" ")[0]) for r in rows)
    assert total == sum(len(_expected_towns(o)) for o in in_post) > len(in_post)


def test_the_index_reaches_every_officer_page(built: Built) -> None:
    site = built.result.site_dir
    reached = {site / "officers/index.html"} | {p for paths in _directory(site).values() for p in paths}
    assert set(_officer_pages(site)) == reached
    for paths in _directory(site).values():
        for path in paths:
            assert path.is_file(), path
            back = [a for a in article(path).find_all("a") if a.attrs.get("href") == "index.html"]
            assert back and all(a.text() == "返回全部镇街" for a in back), path


# The town pages.


def test_every_officer_in_post_is_on_each_town_they_serve_and_nowhere_else(built: Built) -> None:
    cards = _cards(built.result.site_dir)
    towns = list(_directory(built.result.site_dir))
    in_post = built.programme.officers_in_post()
    assert len({_key(o) for o in in_post}) == len(in_post)  # the key tells them apart
    for o in in_post:
        where = [c for c in cards if _who(c.node) == _key(o)]
        # once per town served, in the index's order of towns
        assert [c.town for c in where] == [t for t in towns if t in _expected_towns(o)], o.name
        assert all(c.role.startswith(o.role + "（") for c in where)
    assert len(cards) == sum(len(_expected_towns(o)) for o in in_post)


def test_the_town_page_names_its_town_and_counts_its_roles(built: Built) -> None:
    site = built.result.site_dir
    roles = load_schema().enums["officer_roles"]
    in_post = built.programme.officers_in_post()
    for town, paths in _directory(site).items():
        serving = [o for o in in_post if town in _expected_towns(o)]
        seen: list[str] = []
        for number, path in enumerate(paths, 1):
            page = article(path)
            suffix = f"（第 {number} 页）" if number > 1 else ""
            assert page.find("h1").text() == f"暖企专员：{town}{suffix}"
            intro = page.find("p").text()
            who = "未指定服务镇街的在岗专员" if town == NO_TOWN else f"服务{town}的在岗专员"
            assert intro.startswith(f"{who} {len(serving)} 名，按类别排列"), intro
            for h2 in page.find_all("h2"):
                role, count = h2.text().split("（")
                total = sum(1 for o in serving if o.role == role)
                assert count == f"{total} 名{'，续' if role in seen else ''}）"
                seen.append(role)
        # the roles in the schema's order
        assert list(dict.fromkeys(seen)) == [r for r in roles if any(o.role == r for o in serving)]


def test_a_long_list_of_officers_is_split_into_pages(built: Built) -> None:
    site = built.result.site_dir
    directory = _directory(site)
    cards = _cards(site)
    assert any(len(p) == 1 for p in directory.values())
    assert any(len(p) > 1 for p in directory.values())
    for town, paths in directory.items():
        per_page = [sum(1 for c in cards if c.page == p) for p in paths]
        # full pages, then the rest
        assert all(n == PER_PAGE for n in per_page[:-1]) and 0 < per_page[-1] <= PER_PAGE, town
        if len(paths) == 1:
            assert not [n for n in article(paths[0]).find_all("nav") if "nq-pages" in n.classes]
            continue
        assert [p.name for p in paths] == [f"{place_slug(town)}.html"] + [f"{place_slug(town)}-{n}.html"
                                                                   for n in range(2, len(paths) + 1)]
        for number, path in enumerate(paths, 1):
            navs = [n for n in article(path).find_all("nav") if "nq-pages" in n.classes]
            assert len(navs) == 2  # above and below the cards
            # landmarks told apart by their names
            assert [n.attrs["aria-label"] for n in navs] == [f"{town}专员名单分页", f"{town}专员名单分页（页末）"]
            for nav in navs:
                current = nav.find_all("span")
                assert [s.text() for s in current] == [f"第 {number} 页"]
                assert current[0].attrs["aria-current"] == "page"
                links = {a.text(): a.attrs["href"] for a in nav.find_all("a")}
                assert links == {f"第 {n} 页": p.name for n, p in enumerate(paths, 1) if n != number}


def test_officer_card_shows_public_contact_only(built: Built) -> None:
    officer = built.programme.officers["O0001"]
    cards = [c for c in _cards(built.result.site_dir) if _who(c.node) == _key(officer)]
    assert [c.town for c in cards] == ["金塘镇", "册子乡"]
    for card in cards:
        facts = _facts(card.node)
        assert list(facts) == ["类别", "派出单位", "办公电话", "电子邮箱", "服务镇街", "结对企业"]
        assert facts["类别"].text() == officer.role
        assert facts["派出单位"].text() == officer.home_unit
        assert facts["办公电话"].find("a").attrs["href"] == f"tel:{officer.office_phone}"
        assert facts["电子邮箱"].find("a").attrs["href"] == f"mailto:{officer.email}"
        assert facts["服务镇街"].text() == "金塘镇、册子乡"


def test_an_officer_serving_no_town_has_a_place(built: Built) -> None:
    officer = built.programme.officers["O0002"]
    assert not officer.towns and officer.active
    cards = [c for c in _cards(built.result.site_dir) if _who(c.node) == _key(officer)]
    assert [c.town for c in cards] == [NO_TOWN]
    assert _facts(cards[0].node)["服务镇街"].text() == "—"


def test_enterprises_named_only_with_consent_and_the_rest_counted(built: Built) -> None:
    programme = built.programme
    site = built.result.site_dir
    officer = programme.officers["O0001"]
    served = sorted({a.enterprise_id for a in programme.active_assignments() if a.officer_id == "O0001"})
    named = sorted(programme.enterprises[e].name for e in served if programme.enterprises[e].publish_name)
    assert len(named) >= 2
    cards = [c for c in _cards(site) if _who(c.node) == _key(officer)]
    assert len(cards) == 2
    for card in cards:
        text = _facts(card.node)["结对企业"].text()
        assert text == f"{'、'.join(named)}；另服务 {len(served) - len(named)} 家企业"
    text = "".join(parse(p).text() for p in _officer_pages(site))
    for e in served:
        if not programme.enterprises[e].publish_name:
            assert programme.enterprises[e].name not in text


def test_never_a_mobile_a_former_post_or_an_officer_out_of_post(built: Built) -> None:
    site = built.result.site_dir
    for path in _officer_pages(site):
        text = article(path).text()
        for o in built.programme.officers.values():
            if o.mobile:
                assert o.mobile not in text, path
            if o.former_post and len(o.former_post) >= 4:
                assert o.former_post not in text, path
        assert "离岗专员甲" not in text
        assert "原某某局副局长（内部）" not in path.read_text(encoding="utf-8")


def test_department_index_counts_the_steps(built: Built) -> None:
    programme = built.programme
    page = article(built.result.site_dir / "departments/index.html")
    cards = page.find("ul", "nq-cards").children_tagged("li")
    assert len(cards) == len(programme.departments)
    for card in cards:
        name = card.find("p", "nq-card__name")
        dept_id = name.find("a").attrs["href"].removesuffix(".html")
        dept = programme.departments[dept_id]
        assert name.text() == dept.name
        facts = dict(zip([dt.text() for dt in card.find_all("dt")], card.find_all("dd"), strict=True))
        assert list(facts) == ["联系电话", "办公地址", "经办事项"]
        assert facts["联系电话"].find("a").attrs["href"] == f"tel:{dept.phone}"
        assert facts["办公地址"].text() == (dept.address or "—")
        assert facts["经办事项"].text() == "{} 项".format(sum(1 for p in programme.published_policies() for s in p.steps
                                                            if s.dept_id == dept_id))


def test_site_has_no_external_asset(built: Built) -> None:
    """No stylesheet, script, font or image from another host on any page."""
    site: Path = built.result.site_dir
    for path in site.rglob("*.html"):
        root = parse(path)
        for node in root.iter():
            for attr in ("src", "href"):
                value = node.attrs.get(attr, "")
                if node.tag in ("script", "img", "link", "iframe", "source") and value:
                    assert not value.startswith(("http:", "https:", "//")), (path, node.tag, value)
    css = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.css"))
    assert "fonts.googleapis" not in css and "@import url(http" not in css


# Hostile town names (a deployment's schema) and officer names (cells).

HOSTILE_TOWNS = [
    "<script>alert(1)</script>镇",
    "index",
    "INDEX",
    "../../etc/passwd",
    "[x](javascript:alert(1))",
    "{{ 7*7 }}街道",
    '<img src=x onerror="alert(1)">乡',
    "# 标题 | 表格 `代码`",
]
HOSTILE_NAMES = ["<b onmouseover=alert(1)>甲</b>", "*乙* _丙_", "{% raw %}丁", "[戊](javascript:alert(1))"]


def _hostile_schema(tmp: Path) -> Path:
    schema_dir = tmp / "schema"
    shutil.copytree(DEFAULT_SCHEMA_DIR, schema_dir)
    enums_file = schema_dir / "enums.yaml"
    enums = yaml.safe_load(enums_file.read_text(encoding="utf-8"))
    enums["towns"] = HOSTILE_TOWNS + enums["towns"][len(HOSTILE_TOWNS):]
    enums_file.write_text(yaml.safe_dump(enums, allow_unicode=True), encoding="utf-8")
    return schema_dir


def _rename_towns(rows: dict[str, list[dict[str, Any]]], mapping: dict[str, str]) -> None:
    """Every town named in any cell (enterprises, officers, policies) renamed."""
    for sheet in rows.values():
        for row in sheet:
            for key, value in row.items():
                if isinstance(value, str):
                    for old, new in mapping.items():
                        value = value.replace(old, new)
                    row[key] = value


def test_hostile_town_and_officer_names_give_safe_files_and_inert_text(tmp_path: Path, sample_rows) -> None:
    towns = load_schema().enums["towns"]
    rows = copy.deepcopy(sample_rows)
    _rename_towns(rows, dict(zip(towns[:len(HOSTILE_TOWNS)], HOSTILE_TOWNS, strict=True)))
    for officer, name in zip(rows["officers"], HOSTILE_NAMES, strict=False):
        officer.update(name=name, towns="、".join(HOSTILE_TOWNS[:3]), active="是")
    schema = load_schema(_hostile_schema(tmp_path))
    built = _build(tmp_path, rows, 2, schema=schema)
    site = built.result.site_dir

    # File names: plain, inside officers/, the index left alone.
    for path in _officer_pages(site):
        assert re.fullmatch(r"[A-Za-z0-9_-]+\.html", path.name), path
    assert not (site / "etc").exists() and not list(site.rglob("passwd*"))
    page, rows_shown = _index(site)
    assert page.find("h1").text() == "暖企专员"
    directory = _directory(site)
    assert [r.town for r in rows_shown][:len(HOSTILE_TOWNS)] == HOSTILE_TOWNS  # shown as typed
    names = [directory[t][0].name for t in HOSTILE_TOWNS]
    assert len(set(n.lower() for n in names)) == len(names)
    assert names[1].startswith("id-")  # slug() never names a page index
    assert names[2].startswith("id-") and names[2].lower() != names[1].lower()
    assert set(_officer_pages(site)) == {site / "officers/index.html"} | {p for ps in directory.values() for p in ps}

    # Text: shown as typed, never markup, a link, a script or a template.
    cards = _cards(site)
    for name in HOSTILE_NAMES:
        assert any(c.node.find("p", "nq-officer__name").text() == name for c in cards), name
    for town in HOSTILE_TOWNS:
        first = article(directory[town][0])
        h1 = town.replace("<", "＜").replace(">", "＞")
        assert first.find("h1").text() == f"暖企专员：{h1}"
        assert first.find("p").text().startswith(f"服务{town}的在岗专员")
    for path in _officer_pages(site):
        root = parse(path)
        for node in root.iter():
            assert not any(k.startswith("on") for k in node.attrs), (path, node.tag, node.attrs)
            assert node.tag not in ("img", "b", "em", "code") or "nq-" in node.attrs.get("class", ""), (path, node.tag)
            assert not node.attrs.get("href", "").lower().startswith("javascript:"), path
            if node.tag == "script":
                assert "alert" not in node.text(), path
        assert "49街道" not in root.text()


def test_town_pages_have_addresses_a_flyer_can_carry(built: Built) -> None:
    """A town's page is named by its pinyin (issue 17), not by a hash of its name."""
    site = built.result.site_dir
    _page, rows = _index(site)
    assert {"解放街道": "jiefang-jiedao.html", "白泉镇": "baiquan-zhen.html"}.items() <= {
        r.town: r.href for r in rows}.items()
    assert (site / "officers/jiefang-jiedao.html").is_file()
    assert not [p for p in (site / "officers").glob("*.html") if p.name.startswith("id-")]
