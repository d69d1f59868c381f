"""办理进度查询 in Chromium, on the site each engine builds: a valid code shows
status, department and deadline (and 办结类型 once closed), typed in lower
case with spaces too; an unknown code shows what to do; over HTTP and opened
from file:// without a server; with crypto.subtle absent (plain http on an
intranet); with JavaScript off the <noscript> explains."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from generator.render.receipts import code, published_issues
from generator.sources.receipt_key import ReceiptKey

from .conftest import DESKTOP, ExampleSite, Visit, _serve, _visit, build_example

SECRET = "browser status test key, not a real one"
KEY = SECRET.encode()
PAGE = "status/index.html"


@pytest.fixture(scope="module")
def status_site(tmp_path_factory: pytest.TempPathFactory, engine: str) -> ExampleSite:
    base = tmp_path_factory.mktemp(f"status-site-{engine}")
    built = build_example(base, engine, receipt_key=ReceiptKey(secret=SECRET))
    return ExampleSite(root=base / "site", built=built, engine=engine)


@pytest.fixture(scope="module")
def status_url(status_site: ExampleSite) -> Iterator[str]:
    yield from _serve(status_site.root)


@pytest.fixture
def status_visit(request: pytest.FixtureRequest, browser: Any, status_url: str, axe_source: str) -> Iterator[Visit]:
    yield from _visit(request.node.name, browser, status_url, axe_source, viewport=DESKTOP)


def _issues(site: ExampleSite) -> tuple[Any, Any]:
    """An open and a closed issue that have records."""
    programme = site.built.programme
    assert programme is not None
    issues = published_issues(programme)
    return (next(i for i in issues if i.closed_on is None and i.due_on),
            next(i for i in issues if i.closed_on is not None and i.closure_type))


def _ask(page: Any, typed: str, answer: str) -> str:
    page.fill("#nq-status-code", typed)
    page.click("#nq-status-form button[type=submit]")
    page.wait_for_selector(answer, state="visible", timeout=5_000)
    return str(page.inner_text(answer))


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _check_lookups(page: Any, site: ExampleSite) -> None:
    programme = site.built.programme
    assert programme is not None
    open_issue, closed_issue = _issues(site)
    shown = _ask(page, code(KEY, open_issue.issue_id), "#nq-status-found")
    assert open_issue.status in shown
    assert programme.departments[open_issue.dept_id].name in shown
    assert _cn(open_issue.due_on) in shown
    assert page.locator("#nq-status-closure-row").is_hidden()
    # Lower case, spaces instead of dashes, O for 0 and l for 1: the same code.
    typed = code(KEY, closed_issue.issue_id).lower().replace("-", " ").replace("0", "o").replace("1", "l")
    shown = _ask(page, typed, "#nq-status-found")
    assert closed_issue.status in shown and closed_issue.closure_type in shown
    assert programme.departments[closed_issue.dept_id].name in shown
    enterprise = programme.enterprises[closed_issue.enterprise_id]
    assert enterprise.name not in page.inner_text("article")
    assert closed_issue.description not in page.inner_text("article")
    unknown = _ask(page, "ZZZZ-ZZZZ-ZZZZ", "#nq-status-unknown")
    assert "没有查到" in unknown and "对照交办单" in unknown and "暖企专员" in unknown
    assert page.locator("#nq-status-found").is_hidden()
    assert "12 位" in _ask(page, "12345", "#nq-status-invalid")


def test_codes_are_looked_up_over_http(status_visit: Visit, status_site: ExampleSite) -> None:
    status_visit.goto(PAGE)
    _check_lookups(status_visit.page, status_site)
    # Only the one records file of each code asked for was loaded.
    loaded = [u for u in status_visit.requests if "/status/records/" in u]
    assert 1 <= len(loaded) <= 3
    status_visit.screenshot(f"status-{status_site.engine}")
    assert status_visit.axe() == []
    status_visit.assert_clean()


def _file_page(browser: Any, site: ExampleSite, script: str | None = None) -> tuple[Any, Any, list[str]]:
    ctx = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    if script:
        ctx.add_init_script(script)
    page = ctx.new_page()
    errors: list[str] = []
    # The theme's search cannot start its worker from file:// (Material says so): not this page's error.
    page.on("pageerror", lambda e: None if "search" in str(e) else errors.append(str(e)))
    page.goto((site.root / PAGE).as_uri())
    return ctx, page, errors


def test_codes_are_looked_up_from_a_file_without_a_server(browser: Any, status_site: ExampleSite) -> None:
    ctx, page, errors = _file_page(browser, status_site)
    try:
        _check_lookups(page, status_site)
        assert errors == []
    finally:
        ctx.close()


def test_the_lookup_needs_no_crypto_subtle(browser: Any, status_site: ExampleSite) -> None:
    """Plain http on an intranet is not a secure context: no crypto.subtle there."""
    ctx, page, errors = _file_page(browser, status_site, "Object.defineProperty(window.crypto, 'subtle', {value: undefined})")
    try:
        assert page.evaluate("typeof crypto.subtle") == "undefined"
        _check_lookups(page, status_site)
        assert errors == []
    finally:
        ctx.close()


def test_without_javascript_the_page_says_so(browser: Any, status_url: str) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto(status_url + PAGE)
        assert page.locator("#nq-status-form").is_hidden()
        assert "启用 JavaScript" in page.locator("article").inner_text()
    finally:
        ctx.close()
