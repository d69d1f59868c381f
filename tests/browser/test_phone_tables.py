"""Tables on a phone (issue 17): at 390 px no table is wider than its box unless
it scrolls sideways with the shadow hint showing, no date, number or phone
breaks over two lines, every phone in a table is a tel: link, and lists of
records (the departments, 按责任单位, the ledger's filter results) are cards;
in both editions, on both engines, with axe-core clean."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import PHONE, ExampleSite, Visit, _serve, build_example, phone_tab

# Tables wider than their box whose box gives no sign that it scrolls: a Material
# scroll box (overflow auto) with the shadow hint (radial gradients) that the
# table's own background does not cover.
CUT_TABLES = """() => [...document.querySelectorAll('article table')].filter(t => t.offsetParent).map(t => {
  const box = t.closest('.md-typeset__scrollwrap') || t.parentElement;
  const style = getComputedStyle(box);
  const hinted = box.classList.contains('md-typeset__scrollwrap') && ['auto', 'scroll'].includes(style.overflowX)
    && style.backgroundImage.includes('radial-gradient') && getComputedStyle(t).backgroundColor === 'rgba(0, 0, 0, 0)';
  const wide = t.getBoundingClientRect().width > box.clientWidth + 1;
  return {head: t.rows[0] ? t.rows[0].innerText.slice(0, 40) : '', wide, hinted, width: t.getBoundingClientRect().width,
          room: box.clientWidth};
}).filter(t => t.wide && !t.hinted)"""

# Text that must stay on one line: each element's text, measured by the line boxes it takes.
WRAPPED = """() => [...document.querySelectorAll('article .nq-nowrap, article .nq-tel, article a[href^="tel:"]')]
  .filter(e => e.offsetParent || e.getClientRects().length).filter(e => {
    const range = document.createRange(); range.selectNodeContents(e);
    const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
    return tops.size > 1;
  }).map(e => e.textContent)"""

# Dates and phone numbers in table cells and cards that are not marked to stay whole.
DATE = r"\\d{4}年\\d{1,2}月\\d{1,2}日|\\d{4}-\\d{2}-\\d{2}"
PHONE_NO = r"\\b(?:0\\d{2,3}-\\d{7,8}|1\\d{10})\\b"
UNMARKED = f"""() => {{
  const out = [];
  const walker = document.createTreeWalker(document.querySelector('article'), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {{
    const cell = n.parentElement.closest('td, th, dd');
    if (!cell) continue;
    if (new RegExp('{DATE}').test(n.data) && !n.parentElement.closest('.nq-nowrap')) out.push(['date', n.data]);
    if (new RegExp('{PHONE_NO}').test(n.data) && !n.parentElement.closest('a[href^="tel:"]')) out.push(['phone', n.data]);
  }}
  return out.slice(0, 10);
}}"""


def _check(visit: Visit, name: str) -> None:
    page = visit.page
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
    assert page.evaluate(CUT_TABLES) == [], "a table is cut off with no sign that it scrolls"
    assert page.evaluate(WRAPPED) == [], "a date, number or phone broke over two lines"
    assert page.evaluate(UNMARKED) == [], "a date or phone in a table may break, or a phone is not a tel: link"
    visit.screenshot(name)
    assert visit.axe() == []
    visit.assert_clean()


@pytest.fixture(scope="session")
def published_site(tmp_path_factory: pytest.TempPathFactory, engine: str) -> ExampleSite:
    """The example with its months published (frozen), so that the monthly pages show the grouped tables."""
    base = tmp_path_factory.mktemp(f"phone-published-{engine}")
    built = build_example(base, engine, published_dir=base / "published", freeze="month")
    return ExampleSite(root=base / "site", built=built, engine=engine)


@pytest.fixture
def published_phone(request: pytest.FixtureRequest, browser: Any, published_site: ExampleSite,
                    axe_source: str) -> Iterator[Visit]:
    for url in _serve(published_site.root):
        yield from phone_tab(request, browser, url, axe_source)


@pytest.fixture
def staff_phone(request: pytest.FixtureRequest, browser: Any, staff_url: str, axe_source: str) -> Iterator[Visit]:
    yield from phone_tab(request, browser, staff_url, axe_source)


def test_the_departments_are_cards_with_tappable_phones(phone: Visit, example_site: ExampleSite) -> None:
    departments = example_site.built.programme.departments
    phone.goto("departments/index.html")
    cards = phone.page.locator("article ul.nq-cards > li.nq-card")
    assert cards.count() == len(departments)
    assert phone.page.locator("article table").count() == 0
    for n in range(cards.count()):
        card = cards.nth(n)
        text = card.inner_text()
        assert "经办事项" in text and "办公地址" in text
        box = card.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    tels = phone.page.locator("article a[href^='tel:']")
    assert sorted(tels.evaluate_all("els => els.map(e => e.getAttribute('href'))")) == sorted(
        f"tel:{d.phone}" for d in departments.values() if d.phone)
    _check(phone, f"phone-departments-{example_site.engine}")


@pytest.mark.parametrize("path", ["departments/D001.html", "policies/P0001.html", "progress/index.html",
                                  "projects/index.html", "officers/index.html"])
def test_public_pages_keep_every_column_and_number_whole(phone: Visit, example_site: ExampleSite, path: str) -> None:
    phone.goto(path)
    _check(phone, f"phone-{path.replace('/', '-').removesuffix('.html')}-{example_site.engine}")


def test_a_month_by_department_is_one_card_a_department(published_phone: Visit, published_site: ExampleSite) -> None:
    page = published_phone.page
    published_phone.goto("progress/month/2022-11.html")
    # Every table of more than four figures is stacked; 按责任单位 is the widest.
    assert page.locator("article .nq-stack table").count() >= 1
    stack = page.locator("article h2:has-text('按责任单位') + div.nq-stack table")
    assert stack.count() == 1
    rows = stack.locator("tbody tr")
    assert rows.count() > 5
    first = rows.first
    box = first.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    # Every cell of the card is on screen and named by its column.
    labels = first.locator("td").evaluate_all("tds => tds.map(td => getComputedStyle(td, '::before').content)")
    header = stack.locator("thead th").all_inner_texts()
    assert [label.strip('"') for label in labels] == [h.strip() for h in header[1:]]
    for cell in first.locator("td").all():
        right = cell.evaluate("td => td.getBoundingClientRect().right")
        assert right <= PHONE["width"], "a column of 按责任单位 is off the screen"
    _check(published_phone, f"phone-month-by-department-{published_site.engine}")


# ledger/status-1.html: a short status page (a long one is the same cards, up to 1,000 of them,
# taller than a screenshot can be).
@pytest.mark.parametrize("path", ["overdue/index.html", "ledger/status-1.html"])
def test_staff_records_are_one_card_an_issue(staff_phone: Visit, engine: str, path: str) -> None:
    """督办 and the ledger's status pages: each issue a card as wide as the screen, every cell
    on it and led by its column's name, the issue's code heading the card."""
    staff_phone.goto(path)
    page = staff_phone.page
    tables = page.locator("article .nq-stack--records table")
    assert tables.count() >= 1
    for t in range(tables.count()):
        table = tables.nth(t)
        header = [h.strip() for h in table.locator("thead th").all_inner_texts()]
        first = table.locator("tbody tr").first
        box = first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert first.locator("th").inner_text().startswith("Q")
        labels = first.locator("td").evaluate_all("tds => tds.map(td => getComputedStyle(td, '::before').content)")
        assert [label.strip('"') for label in labels] == header[1:]
        rights = first.locator("td").evaluate_all("tds => tds.map(td => td.getBoundingClientRect().right)")
        assert max(rights) <= PHONE["width"], "a cell of the card is off the screen"
        assert box["height"] < 600, "a card of one issue is taller than most of a screen"
    _check(staff_phone, f"phone-staff-{path.replace('/', '-').removesuffix('.html')}-{engine}")


@pytest.mark.parametrize("path", ["officers/O0001.html"])
def test_staff_tables_scroll_with_the_hint(staff_phone: Visit, engine: str, path: str) -> None:
    staff_phone.goto(path)
    # No column squeezed to a character a line: the widest cell of a row is a few characters wide.
    narrow = staff_phone.page.evaluate("""() => [...document.querySelectorAll('article table td')]
      .filter(td => td.innerText.trim().length > 4 && td.getBoundingClientRect().width < 60).length""")
    assert narrow == 0
    _check(staff_phone, f"phone-staff-{path.replace('/', '-').removesuffix('.html')}-{engine}")


def test_the_ledger_filter_shows_cards_on_a_phone(staff_phone: Visit, engine: str) -> None:
    staff_phone.goto("ledger/index.html")
    page = staff_phone.page
    rows = page.locator("#nq-ledger-rows tr")
    assert 0 < rows.count() <= 50
    assert re.search(r"显示前 50 件", page.locator("#nq-ledger-count").inner_text())
    first = rows.first
    box = first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["height"] < 700, "a card is a character a line"
    cells = first.locator("td")
    labels = cells.evaluate_all("tds => tds.map(td => td.dataset.label)")
    assert labels == page.locator("#nq-ledger-table thead th").all_inner_texts()
    _check(staff_phone, f"phone-staff-ledger-filter-{engine}")
