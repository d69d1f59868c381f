"""``build``: a real MkDocs build from a real workbook; atomic; inert cells; leak guard."""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import build, plant_hostile, validate

from generator.cli import cli
from generator.errors import LeakError
from generator.site.leakguard import normalise, value_sets


class Collect(HTMLParser):
    """Text, script bodies, and link targets of a page. A JSON-LD block (a script
    of type application/ld+json, which no browser runs) is data, kept apart."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.hrefs: list[str] = []
        self.scripts: list[str] = []
        self.data_blocks: list[str] = []
        self._in: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        self._in = None
        if tag == "script":
            self._in = self.data_blocks if attrs.get("type") == "application/ld+json" else self.scripts

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        (self._in if self._in is not None else self.text).append(data)

    def assert_data_blocks_inert(self) -> None:
        """Each JSON-LD block is one JSON value with no character that could end the element."""
        for block in self.data_blocks:
            assert not set(block) & set("<>&"), block[:200]
            json.loads(block)


def parse(path: Path) -> Collect:
    c = Collect()
    c.feed(path.read_text(encoding="utf-8"))
    return c


@pytest.fixture(scope="module")
def example_build(tmp_path_factory):
    site = tmp_path_factory.mktemp("site") / "site"
    docs = tmp_path_factory.mktemp("docs")
    # The hand-written pages (help/, assets/) come along, as in a real build.
    from generator.site.build import DEFAULT_DOCS, copy_handwritten
    from generator.sources import EXAMPLE_WORKBOOK

    copy_handwritten(DEFAULT_DOCS, docs)
    return build([str(EXAMPLE_WORKBOOK)], dt.date(2022, 12, 31), site_dir=site, docs_dir=docs)


@pytest.fixture(scope="module")
def example_site(example_build) -> Path:
    return example_build.result.site_dir


def test_example_builds_without_mkdocs_warnings(example_build):
    assert example_build.result.warnings == []
    # The example keeps published policies past their end date (shown as expired): warnings only.
    assert {f.code for f in example_build.checked.report.findings} == {"expired"}


def test_example_site_has_the_pages(example_site):
    for page in ["index.html", "policies/index.html", "officers/index.html", "departments/index.html",
                 "progress/index.html", "policies/P0001.html", "departments/D001.html"]:
        assert (example_site / page).is_file(), page
    home = " ".join(parse(example_site / "index.html").text)
    assert "在岗专员" in home and "销号率" in home


def test_policy_page_lists_steps_in_order_with_department_contact(example_site):
    page = " ".join(parse(example_site / "policies/P0001.html").text)
    assert "办理流程" in page
    assert page.index("提交申请材料") < page.index("受理并初审")
    assert "0580-" in page


def test_cli_build_prints_where_and_how(runner, example_workbook, tmp_path):
    site = tmp_path / "out"
    result = runner.invoke(cli, ["build", "--source", str(example_workbook), "--as-of", "2022-12-31",
                                 "--site-dir", str(site)])
    assert result.exit_code == 0, result.output
    assert f"into {site}" in result.output or f"位于 {site}" in result.output
    assert "python -m http.server" in result.output
    assert (site / "index.html").is_file()


def test_invalid_data_leaves_last_good_site(runner, make_workbook, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("last good", encoding="utf-8")
    bad = make_workbook(lambda rows: rows["issues"][0].update(reported_on="2023-05-01"))
    result = runner.invoke(cli, ["build", "--source", str(bad), "--as-of", "2022-12-31", "--site-dir", str(site)])
    assert result.exit_code == 1
    assert "问题清单!F2" in result.output
    assert result.output.splitlines()[-1] == f"网站没有改动：{site} 中仍是上次生成的网站。"
    assert (site / "index.html").read_text(encoding="utf-8") == "last good"
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]
    assert not list(tmp_path.glob(".nuanqi-build-*"))


def test_a_first_build_that_fails_says_no_site_was_built(runner, make_workbook, tmp_path):
    bad = make_workbook(lambda rows: rows["issues"][0].update(reported_on="2023-05-01"))
    result = runner.invoke(cli, ["build", "--source", str(bad), "--as-of", "2022-12-31",
                                 "--site-dir", str(tmp_path / "site")])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "没有生成网站。"


HOSTILE = [
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "{% include 'x' %}",
    '--8<-- "/etc/passwd"',
    "[x](javascript:alert(1))",
]


def test_hostile_cells_are_inert(make_workbook, tmp_path):
    def edit(rows):
        p = rows["policies"][0]
        p["title"] = "政策" + HOSTILE[0]
        p["benefit"] = "\n".join(HOSTILE)
        p["eligibility"] = HOSTILE[3]
        p["materials"] = HOSTILE[4]
        p["published"] = "是"
        rows["departments"][0]["address"] = HOSTILE[1] + HOSTILE[2]
        for s in rows["policy_steps"]:
            if s["policy_id"] == p["policy_id"]:
                s["action"] = HOSTILE[4]

    path = make_workbook(edit)
    site = tmp_path / "site"
    build([str(path)], dt.date(2022, 12, 31), site_dir=site, docs_dir=tmp_path / "docs")
    page = parse(site / "policies/P0001.html")
    text = "".join(page.text)
    for hostile in HOSTILE:
        assert hostile in text, hostile
    assert not any("alert(1)" in s for s in page.scripts)
    page.assert_data_blocks_inert()
    assert not any(h.startswith("javascript:") for h in page.hrefs)
    assert "49" not in text.split("{{ 7*7 }}")[0][-5:]
    assert "root:" not in text
    dept = "".join(parse(site / "departments/D001.html").text)
    assert HOSTILE[1] + HOSTILE[2] in dept


def test_no_internal_value_in_public_site(example_site, example_workbook, schema):
    checked = validate([str(example_workbook)], dt.date(2022, 12, 31), schema)
    internal, _ = value_sets(checked, schema)
    issue_texts = [r.get("description") for r in checked.rows("issues")]
    assert normalise(issue_texts[0]) in internal  # compared normalised (NFKC: （ is ( there)
    blob = "\n".join(p.read_text(encoding="utf-8") for p in example_site.rglob("*")
                     if p.is_file() and p.suffix in {".html", ".json", ".xml", ".csv"})
    import html as h

    blob = normalise(h.unescape(blob))
    hits = [v for v in internal if v in blob]
    assert hits == []


def test_leak_guard_stops_a_leaking_build(make_workbook, tmp_path, monkeypatch):
    # A deployment template that prints an internal value must fail the build.
    templates = tmp_path / "templates" / "progress"
    templates.mkdir(parents=True)
    secret = "某某泄露测试企业有限公司"
    (templates / "index.md.j2").write_text("# 工作进展\n\n" + secret + "\n", encoding="utf-8")
    path = make_workbook(lambda rows: rows["enterprises"][0].update(name=secret, publish_name="否"))
    site = tmp_path / "site"
    with pytest.raises(LeakError) as err:
        build([str(path)], dt.date(2022, 12, 31), site_dir=site, docs_dir=tmp_path / "docs",
              templates=tmp_path / "templates")
    assert "progress/index.html" in str(err.value)
    assert "企业!C2" in str(err.value)
    assert not site.exists()


def test_hostile_cells_stay_inert_on_every_page(make_workbook, tmp_path):
    """The same hostile texts in every public text column the site shows; no page of the
    built site (progress, projects, finder data included) may run or link them."""

    def edit(rows):
        plant_hostile(rows, HOSTILE)

    site = tmp_path / "site"
    build([str(make_workbook(edit))], dt.date(2022, 12, 31), site_dir=site, docs_dir=tmp_path / "docs")
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 100
    shown = 0
    for path in pages:
        page = parse(path)
        assert not any("alert(1)" in s for s in page.scripts), path
        page.assert_data_blocks_inert()
        assert not any(h.strip().lower().startswith("javascript:") for h in page.hrefs), path
        shown += HOSTILE[0] in "".join(page.text)
    assert shown > 50  # the texts are there, as text
    finder = (site / "data" / "policies.json").read_text(encoding="utf-8")
    assert "<script>" in finder or "\\u003cscript" in finder  # data, shown by textContent
