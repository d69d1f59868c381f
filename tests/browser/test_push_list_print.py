"""An officer's 政策推送清单 (issue 16) on paper: A4 portrait, every column inside
the page, the table's header repeated on each printed page, nothing of the site's
chrome printed; on screen it passes axe."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import ARTIFACTS, DESKTOP, Visit, _visit

# A4 portrait, 12 mm side margins (pushes/print.css), in CSS pixels.
PRINT_WIDTH = round((210 - 24) / 25.4 * 96)


@pytest.fixture
def desk(request: pytest.FixtureRequest, browser: Any, staff_url: str, axe_source: str) -> Iterator[Visit]:
    yield from _visit(request.node.name, browser, staff_url, axe_source, viewport=DESKTOP)


def test_a_push_list_prints_in_portrait_with_its_header_on_every_page(desk: Visit) -> None:
    from pypdf import PdfReader

    desk.goto("pushes/index.html")
    first = desk.page.locator("article table a").first.get_attribute("href")
    assert first
    desk.goto(f"pushes/{first}")
    assert desk.page.locator("section.nq-push").count() > 0
    assert desk.axe() == []
    desk.page.emulate_media(media="print")
    desk.page.set_viewport_size({"width": PRINT_WIDTH, "height": 1000})
    right = desk.page.evaluate("() => Math.max(...[...document.querySelectorAll('article table')]"
                               ".map(t => t.getBoundingClientRect().right))")
    assert right <= PRINT_WIDTH + 1, "a column would be cut off on paper"
    assert desk.page.locator(".md-header").is_hidden() and desk.page.locator(".nq-noprint").first.is_hidden()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "staff-push-list.pdf"
    desk.page.pdf(path=str(pdf), prefer_css_page_size=True)
    reader = PdfReader(str(pdf))
    box = reader.pages[0].mediabox
    assert float(box.width) < float(box.height)  # portrait, not the staff pages' landscape
    assert len(reader.pages) > 1
    # the PDF's fonts map some ideographs to their Kangxi radical forms: NFKC undoes it
    texts = [unicodedata.normalize("NFKC", p.extract_text()) for p in reader.pages]
    assert "政策推送清单" in texts[0]
    assert all("告知情况" in t for t in texts), "the table's header is not repeated on every page"
    assert "专员签名" in texts[-1]
    desk.assert_clean()
