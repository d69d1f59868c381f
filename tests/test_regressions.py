"""Regressions that are not timing noise (issue 8): how many pages the example
site has, how big they are, and that a rebuild with unchanged inputs skips
MkDocs. No timing assertions; ``python -m benchmarks.run`` measures time."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import build, render_page

from generator.render.escape import slug
from generator.render.views import public as public_views
from generator.site.build import BUILD_MARKER, DEFAULT_DOCS, build_site, copy_handwritten
from generator.sources import EXAMPLE_WORKBOOK

AS_OF = dt.date(2022, 12, 31)
POLICY_PAGE_BUDGET = 100 * 1024  # bytes of HTML, at any scale (the nav does not list policies)
# The officer directory: an index of towns and a page per town of at most
# OFFICERS_PER_PAGE cards (a province's largest town page measured 92 KB).
OFFICER_PAGE_BUDGET = 100 * 1024
PAGE_BUDGET = 200 * 1024  # any page of the example site
SINGLE_PAGES = 20  # index pages, help pages, 404 …: pages that are not one per record


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    root = tmp_path_factory.mktemp("regressions")
    docs = root / "docs"
    docs.mkdir()
    copy_handwritten(DEFAULT_DOCS, docs)
    built = build([str(EXAMPLE_WORKBOOK)], AS_OF, site_dir=root / "site", docs_dir=docs,
                  published_dir=root / "published")
    return built, docs


def _pages(site: Path, folder: str) -> list[Path]:
    return sorted((site / folder).glob("*.html"))


def _record_pages(site: Path, folder: str, ids: list[str]) -> list[Path]:
    """The page of each record (a policy, a department …), which must exist."""
    pages = [site / folder / f"{slug(i)}.html" for i in ids]
    missing = [p.name for p in pages if not p.is_file()]
    assert missing == [], f"{folder}: no page for {missing}"
    return pages


def _policy_pages(built) -> list[Path]:
    return _record_pages(built.result.site_dir, "policies", [p.policy_id for p in built.programme.published_policies()])


class _NavItems(HTMLParser):
    """Counts the entries of the site navigation (``md-nav__item``) in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.items = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "li" and "md-nav__item" in classes:
            self.items += 1


def test_one_page_per_published_policy_and_department_none_for_drafts(example):
    built, _docs = example
    site = built.result.site_dir
    programme = built.programme
    _record_pages(site, "departments", list(programme.departments))
    published = {f"{slug(p.policy_id)}.html" for p in programme.published_policies()}
    drafts = {f"{slug(p.policy_id)}.html" for p in programme.policies.values()} - published
    assert drafts
    assert not drafts & {p.name for p in _pages(site, "policies")}
    assert len(_policy_pages(built)) == len(published)


def _town_pages_bound(programme) -> int:
    """How many pages the officer directory may have beside its index: per town
    served (or none), one per OFFICERS_PER_PAGE officers in post serving it."""
    serving: dict[str, int] = {}
    for o in programme.officers_in_post():
        for town in set(o.towns or ("",)):
            serving[town] = serving.get(town, 0) + 1
    return sum(math.ceil(n / public_views.OFFICERS_PER_PAGE) for n in serving.values())


def test_no_page_per_enterprise_issue_or_officer(example):
    """Every page is an index page or a page of a policy, department, project,
    period or town (the officer directory): the page count grows with those,
    never with the ledger."""
    built, _docs = example
    site = built.result.site_dir
    programme = built.programme
    pages = list(site.rglob("*.html"))
    towns = _town_pages_bound(programme)
    assert len(_pages(site, "officers")) == towns + 1  # the index
    per_record = len(programme.published_policies()) + len(programme.departments) + len(
        getattr(programme, "projects", {})) + len(programme.challenges) + towns  # 揭榜挂帅: a page a project
    periods = sum(len(list((site / "progress" / kind).glob("*.html"))) for kind in ("week", "month"))
    assert periods <= 53 + 12  # one year of weeks and months
    assert len(pages) <= per_record + periods + SINGLE_PAGES, sorted(
        p.relative_to(site).as_posix() for p in pages)
    assert built.result.pages == len(pages)


def test_policy_pages_stay_under_the_budget(example):
    built, _docs = example
    policies = _policy_pages(built)
    assert policies
    largest = max(policies, key=lambda p: p.stat().st_size)
    assert largest.stat().st_size < POLICY_PAGE_BUDGET, largest


def test_officer_pages_stay_under_the_budget(example):
    """The directory is an index plus town pages: no page lists the whole district."""
    built, _docs = example
    officers = _pages(built.result.site_dir, "officers")
    assert len(officers) > 1
    largest = max(officers, key=lambda p: p.stat().st_size)
    assert largest.stat().st_size < OFFICER_PAGE_BUDGET, largest
    index = (built.result.site_dir / "officers" / "index.html").read_text(encoding="utf-8")
    assert "nq-officer" not in index


def test_every_page_stays_under_the_budget(example):
    built, _docs = example
    site = built.result.site_dir
    over = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.html")
            if p.stat().st_size >= PAGE_BUDGET}
    assert over == {}


def test_the_navigation_does_not_list_policy_pages(example):
    """A nav listing every policy makes every page grow with the policy count (n²)."""
    built, _docs = example
    policies = _policy_pages(built)
    nav = _NavItems()
    nav.feed(policies[0].read_text(encoding="utf-8"))
    assert 0 < nav.items < len(policies)


def test_a_rebuild_with_unchanged_inputs_keeps_the_site(example):
    built, docs = example
    site = built.result.site_dir
    assert not built.result.skipped
    marker = (site / BUILD_MARKER).read_text(encoding="utf-8")
    stamp = (site / "index.html").stat().st_mtime_ns
    again = build([str(EXAMPLE_WORKBOOK)], AS_OF, site_dir=site, docs_dir=docs,
                  published_dir=site.parent / "published")
    assert again.result.skipped
    assert again.result.pages == built.result.pages
    assert again.result.warnings == built.result.warnings
    assert (site / "index.html").stat().st_mtime_ns == stamp
    assert (site / BUILD_MARKER).read_text(encoding="utf-8") == marker
    assert (docs / "policies" / "P0001.md").is_file()


# build_site on its own, with a tiny configuration: what invalidates the last build.


def test_a_changed_page_rebuilds(tiny):
    config, docs, site = tiny
    assert not build_site(render_page("# 甲\n"), site, config_file=config, docs_dir=docs).skipped
    assert build_site(render_page("# 甲\n"), site, config_file=config, docs_dir=docs).skipped
    assert not build_site(render_page("# 乙\n"), site, config_file=config, docs_dir=docs).skipped
    assert "乙" in (site / "index.html").read_text(encoding="utf-8")


def test_a_changed_configuration_or_handwritten_page_rebuilds(tiny):
    config, docs, site = tiny
    build_site(render_page("# 甲\n"), site, config_file=config, docs_dir=docs)
    config.write_text("site_name: t2\nuse_directory_urls: false\n", encoding="utf-8")
    assert not build_site(render_page("# 甲\n"), site, config_file=config, docs_dir=docs).skipped
    assert "t2" in (site / "index.html").read_text(encoding="utf-8")
    (docs / "help.md").write_text("# 帮助\n", encoding="utf-8")
    assert not build_site(render_page("# 甲\n"), site, config_file=config, docs_dir=docs).skipped
    assert (site / "help.html").is_file()


def test_a_changed_theme_override_rebuilds(tiny):
    config, docs, site = tiny
    overrides = config.parent / "overrides"
    overrides.mkdir()
    (overrides / "main.html").write_text('{% extends "base.html" %}\n', encoding="utf-8")
    config.write_text("site_name: t\nuse_directory_urls: false\ntheme:\n  name: mkdocs\n  custom_dir: overrides\n",
                      encoding="utf-8")
    # MkDocs' own theme "mkdocs" (Zensical reads only Material's templates).
    build_site(render_page("# 甲\n"), site, config_file=config, docs_dir=docs, engine="mkdocs")
    (overrides / "main.html").write_text('{% extends "base.html" %}\n{% block footer %}改{% endblock %}\n',
                                         encoding="utf-8")
    assert not build_site(render_page("# 甲\n"), site, config_file=config, docs_dir=docs, engine="mkdocs").skipped


def test_new_guarded_values_rerun_the_leak_guard(tiny):
    config, docs, site = tiny
    assert not build_site(render_page("# 甲乙丙丁\n"), site, config_file=config, docs_dir=docs, internal_values={}).skipped
    from generator.errors import LeakError

    with pytest.raises(LeakError):
        build_site(render_page("# 甲乙丙丁\n"), site, config_file=config, docs_dir=docs,
                   internal_values={"甲乙丙丁": "企业!C2"})
    assert (site / "index.html").is_file()  # the last good site stays


def test_a_site_missing_pages_is_built_again(tiny):
    config, docs, site = tiny
    build_site(render_page("# 甲\n"), site, config_file=config, docs_dir=docs)
    (site / "index.html").unlink()
    assert not build_site(render_page("# 甲\n"), site, config_file=config, docs_dir=docs).skipped
    assert (site / "index.html").is_file()


def test_a_deleted_site_is_built_again(tiny):
    config, docs, site = tiny
    build_site(render_page("# 甲\n"), site, config_file=config, docs_dir=docs)
    shutil.rmtree(site)
    result = build_site(render_page("# 甲\n"), site, config_file=config, docs_dir=docs)
    assert not result.skipped
    assert (site / "index.html").is_file()
