"""The example site in a real browser: built once into a temporary folder,
served over HTTP on localhost, visited with Playwright driving Debian's
Chromium. Every request is logged and any to another host is blocked (and so
shows in the log); console errors and page errors are collected.

Without /usr/bin/chromium (or axe-core) the tests are skipped on a developer
machine; in CI (``CI`` set) they fail instead, so that they always run there.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from generator.pipeline import Built, build
from generator.render import GENERATED_PATHS
from generator.request import BuildRequest
from generator.schema import PROJECT_ROOT
from generator.sources import EXAMPLE_WORKBOOK, parse_sources

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _unavailable(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing; in CI the browser tests must run (see .ci/run)")
    pytest.skip(f"{what} is missing; browser tests skipped outside CI")


@dataclass
class ExampleSite:
    root: Path
    built: Built
    engine: str = "mkdocs"


ENGINES = ("zensical", "mkdocs")


def build_example(base: Path, engine: str, **fields: Any) -> Any:
    """The bundled example workbook built by ``engine`` into ``base / "site"`` (or the
    ``site_dir`` given), from a copy of the hand-written docs; ``fields``: more of the
    build request (audience, published_dir, freeze, receipt_key …)."""
    source = PROJECT_ROOT / "docs"
    shutil.copytree(source, base / "docs", ignore=lambda d, names: [
        n for n in names if Path(d) == source and n in GENERATED_PATHS])
    return build(BuildRequest(sources=parse_sources([str(EXAMPLE_WORKBOOK)]), as_of=dt.date(2022, 12, 31),
                              docs_dir=base / "docs", engine=engine, **{"site_dir": base / "site", **fields}))


def _build_example(base: Path, engine: str) -> ExampleSite:
    """The bundled example workbook built into ``base`` by ``engine``, from a copy of the hand-written docs."""
    return ExampleSite(root=base / "site", built=build_example(base, engine), engine=engine)


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Every browser test runs on the site each engine builds (issue 19)."""
    return str(request.param)


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory, engine: str) -> ExampleSite:
    """The bundled example workbook built once by each engine."""
    return _build_example(tmp_path_factory.mktemp(f"browser-site-{engine}"), engine)


# Officers per directory page in the paged site: the example's busier towns take several pages.
PAGED_OFFICERS_PER_PAGE = 4


@pytest.fixture(scope="session")
def paged_site(tmp_path_factory: pytest.TempPathFactory, engine: str) -> ExampleSite:
    """The example again, with so few officers per directory page that towns have several."""
    from generator.render.views import public as public_views

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(public_views, "OFFICERS_PER_PAGE", PAGED_OFFICERS_PER_PAGE)
        return _build_example(tmp_path_factory.mktemp(f"browser-paged-site-{engine}"), engine)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


def _serve(root: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(example_site: ExampleSite) -> Iterator[str]:
    yield from _serve(example_site.root)


@pytest.fixture(scope="session")
def paged_site_url(paged_site: ExampleSite) -> Iterator[str]:
    yield from _serve(paged_site.root)


@pytest.fixture(scope="session")
def staff_url(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Iterator[str]:
    """The example's internal edition (build --audience internal), served."""
    base = tmp_path_factory.mktemp(f"staff-{engine}")
    build_example(base, engine, site_dir=base / "site-internal", audience="internal")
    yield from _serve(base / "site-internal")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(str(CHROMIUM))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        _unavailable(f"{AXE} (run `npm install` in tests/browser)")
    return AXE.read_text(encoding="utf-8")


@dataclass
class Visit:
    """One browser tab on the served site, with what it saw."""

    page: Any
    base: str
    axe_source: str = field(repr=False)
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base + path, wait_until="networkidle")
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return response

    def foreign_requests(self) -> list[str]:
        own = urlsplit(self.base).netloc
        return [u for u in self.requests if urlsplit(u).scheme not in ("data", "blob")
                and urlsplit(u).netloc != own]

    def assert_clean(self) -> None:
        """No console error, no page error, no request to another host."""
        assert self.requests, "no request logged"
        assert self.foreign_requests() == []
        assert self.console_errors == []

    def axe(self) -> list[dict[str, Any]]:
        """axe-core's serious and critical violations on the current page, as
        the reader sees it once transitions have ended: axe run while Material
        fades the search results in measures the half-faded text."""
        self.page.wait_for_function(
            "() => document.getAnimations().every(a => a.playState !== 'running')", timeout=5_000)
        self.page.add_script_tag(content=self.axe_source)
        result = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [
            {"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5], "why": v["nodes"][0].get("failureSummary", "")}
            for v in result["violations"] if v["impact"] in ("serious", "critical")
        ]

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def _visit(name: str, browser: Any, site_url: str, axe_source: str, **context: Any) -> Iterator[Visit]:
    ctx = browser.new_context(locale="zh-CN", **context)
    visit = Visit(page=None, base=site_url, axe_source=axe_source)
    own = urlsplit(site_url).netloc

    def route(r: Any) -> None:
        url = r.request.url
        visit.requests.append(url)
        if urlsplit(url).netloc == own:
            r.continue_()
        else:
            r.abort()  # an intranet without internet: nothing leaves the machine

    ctx.route("**/*", route)
    page = ctx.new_page()
    page.on("console", lambda m: visit.console_errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: visit.console_errors.append(f"pageerror: {e}"))
    visit.page = page
    try:
        yield visit
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        log = {"requests": visit.requests, "foreign": visit.foreign_requests(), "console_errors": visit.console_errors}
        (ARTIFACTS / f"requests-{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.json").write_text(json.dumps(log, ensure_ascii=False, indent=1), encoding="utf-8")
        ctx.close()


@pytest.fixture
def visit(request: pytest.FixtureRequest, browser: Any, site_url: str, axe_source: str) -> Iterator[Visit]:
    """A desktop-sized tab."""
    yield from _visit(request.node.name, browser, site_url, axe_source, viewport=DESKTOP)


def phone_tab(request: pytest.FixtureRequest, browser: Any, url: str, axe_source: str) -> Iterator[Visit]:
    """A phone-sized tab (390 × 844 CSS pixels, touch) on the site served at ``url``."""
    yield from _visit(request.node.name, browser, url, axe_source, viewport=PHONE, device_scale_factor=2,
                      is_mobile=True, has_touch=True)


@pytest.fixture
def paged_visit(request: pytest.FixtureRequest, browser: Any, paged_site_url: str, axe_source: str) -> Iterator[Visit]:
    """A phone-sized tab on the paged site."""
    yield from phone_tab(request, browser, paged_site_url, axe_source)


@pytest.fixture
def phone(request: pytest.FixtureRequest, browser: Any, site_url: str, axe_source: str) -> Iterator[Visit]:
    """A phone-sized tab (390 × 844 CSS pixels, touch)."""
    yield from phone_tab(request, browser, site_url, axe_source)
