"""The staff edition at a desk and on paper (issue 17): 督办, the ledger and an
officer's page use the whole screen at 1280 px with no column hidden behind a
scroll, print in landscape with every column, put an officer's open issues
first and make phone numbers tappable."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import ARTIFACTS, DESKTOP, Visit, _visit

# A4 landscape, 10 mm margins (internal.css), in CSS pixels.
PRINT_WIDTH = round((297 - 20) / 25.4 * 96)


@pytest.fixture
def desk(request: pytest.FixtureRequest, browser: Any, staff_url: str, axe_source: str) -> Iterator[Visit]:
    yield from _visit(request.node.name, browser, staff_url, axe_source, viewport=DESKTOP)


HIDDEN_COLUMNS = """() => [...document.querySelectorAll('article table')].map(t => {
  const box = t.closest('.md-typeset__scrollwrap') || t.parentElement;
  return {width: t.scrollWidth, room: box.clientWidth, cells: t.rows[0] ? t.rows[0].cells.length : 0};
}).filter(t => t.width > t.room + 1)"""


@pytest.mark.parametrize("path", ["overdue/index.html", "ledger/status-4.html"])
def test_staff_tables_show_every_column_at_a_desk_and_on_paper(desk: Visit, path: str) -> None:
    desk.goto(path)
    assert desk.page.evaluate(HIDDEN_COLUMNS) == [], "a column is hidden behind a sideways scroll"
    desk.screenshot(f"staff-{path.replace('/', '-')}-1280")
    desk.page.emulate_media(media="print")
    desk.page.set_viewport_size({"width": PRINT_WIDTH, "height": 800})
    assert desk.page.evaluate(HIDDEN_COLUMNS) == [], "a column would be cut off on paper"
    right = desk.page.evaluate("() => Math.max(...[...document.querySelectorAll('article table')]"
                               ".map(t => t.getBoundingClientRect().right))")
    assert right <= PRINT_WIDTH + 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    desk.page.pdf(path=str(ARTIFACTS / f"staff-{path.replace('/', '-')}.pdf"), prefer_css_page_size=True)
    desk.assert_clean()


def test_an_officer_page_puts_open_issues_first_with_tappable_phones(desk: Visit) -> None:
    desk.goto("officers/index.html")
    first = desk.page.locator("article table a").first.get_attribute("href")
    assert first
    desk.goto(f"officers/{first}")
    headings = desk.page.locator("article h2").all_inner_texts()
    assert headings[0].startswith("在办问题") and [h for h in headings if h.startswith("结对企业")]
    assert headings.index(next(h for h in headings if h.startswith("在办问题"))) < headings.index(
        next(h for h in headings if h.startswith("结对企业")))
    phones = desk.page.locator("article a[href^='tel:']")
    assert phones.count() > 0
    for n in range(min(phones.count(), 10)):
        box = phones.nth(n).bounding_box()
        assert box is not None and box["height"] < 30, "a phone number broke over two lines"
    assert desk.axe() == []
    desk.assert_clean()


def test_each_order_prints_on_one_page_of_its_own(desk: Visit) -> None:
    from pypdf import PdfReader

    desk.goto("orders/index.html")
    first = next(h for h in (a.get_attribute("href") for a in desk.page.locator("article table a").all())
                 if h and h.startswith("dept-"))
    desk.goto(f"orders/{first}")
    orders = desk.page.locator("section.nq-order").count()
    assert orders > 0
    desk.page.emulate_media(media="print")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "staff-orders.pdf"
    desk.page.pdf(path=str(pdf), prefer_css_page_size=True)
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == orders  # one order a page, none spilling over
    box = reader.pages[0].mediabox
    assert float(box.width) < float(box.height)  # A4 portrait, not the staff pages' landscape
    # the PDF's fonts map some ideographs to their Kangxi radical forms (⾄ for 至): NFKC undoes it
    text = unicodedata.normalize("NFKC", reader.pages[0].extract_text())
    assert "限时解决交办单" in text and "本单据内容截至" in text
