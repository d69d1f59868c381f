"""The leak guard compares normalised text and never lets an enterprise's own
name, ID or credit code through because the same text is also typed into a
public cell (issue: hostile input)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import build, validate

from generator.errors import LeakError
from generator.pipeline import model_of
from generator.site.leakguard import consented_values, normalise, scan, value_sets

AS_OF = dt.date(2022, 12, 31)
SECRET = "某某泄露测试企业有限公司"


def _non_consenting(rows, name: str = SECRET) -> None:
    rows["enterprises"][0].update(name=name, publish_name="否")


def test_normalise_removes_invisible_characters_and_width():
    assert normalise("某某\u200b泄露\u202e测试\ufeff") == "某某泄露测试"
    assert normalise("ＡＢＣ１２３") == "ABC123"
    assert normalise("a \t\n b") == "a b"


def test_a_name_typed_into_a_public_cell_is_still_internal(make_workbook, schema):
    def edit(rows):
        _non_consenting(rows)
        rows["policies"][0].update(issuer=SECRET, published="是")

    checked = validate([str(make_workbook(edit))], AS_OF, schema)
    internal, public = value_sets(checked, schema)
    assert SECRET in public  # the 发文单位 cell is public text …
    assert internal[SECRET].startswith("企业!")  # … and the name is looked for all the same


def test_build_refuses_a_non_consenting_name_typed_as_issuer(make_workbook, tmp_path: Path):
    def edit(rows):
        _non_consenting(rows)
        rows["policies"][0].update(issuer=SECRET, published="是")

    site = tmp_path / "site"
    with pytest.raises(LeakError) as err:
        build([str(make_workbook(edit))], AS_OF, site_dir=site, docs_dir=tmp_path / "docs")
    assert SECRET in str(err.value)
    assert "企业!" in str(err.value)
    assert not site.exists()


def test_a_consenting_name_may_be_published_as_issuer(make_workbook, tmp_path: Path):
    def edit(rows):
        rows["enterprises"][0].update(name=SECRET, publish_name="是")
        rows["policies"][0].update(issuer=SECRET, published="是")

    site = tmp_path / "site"
    build([str(make_workbook(edit))], AS_OF, site_dir=site, docs_dir=tmp_path / "docs")
    assert (site / "index.html").is_file()


def test_a_contact_name_that_is_also_public_is_not_a_leak(make_workbook, schema):
    # Not identifying (联系人 is not unique): the same text in a public cell is
    # ordinary public text, as before.
    def edit(rows):
        rows["enterprises"][0].update(contact_name="区经信局联络员")
        rows["policies"][0].update(issuer="区经信局联络员")

    checked = validate([str(make_workbook(edit))], AS_OF, schema)
    internal, _public = value_sets(checked, schema)
    assert "区经信局联络员" not in internal


@pytest.mark.parametrize("disguise", ["\u200b", "\u200d", "\u202e", "\u00ad", "\ufeff"])
def test_scan_finds_a_name_split_by_an_invisible_character(tmp_path: Path, disguise: str):
    site = tmp_path / "site"
    site.mkdir()
    hidden = SECRET[:3] + disguise + SECRET[3:]
    (site / "page.html").write_text(f"<p>{hidden}</p>", encoding="utf-8")
    (site / "data.json").write_text(json.dumps({"x": hidden}), encoding="utf-8")  # as \uXXXX escapes
    leaks = scan(site, {normalise(SECRET): "企业!C2"})
    assert sorted(leak.page for leak in leaks) == ["data.json", "page.html"]


def test_a_line_that_many_pages_share_is_a_leak_on_each_of_them(tmp_path: Path):
    """The scan normalises a line it has met before only once (pages share their navigation);
    a name in such a line is still found on every page, and next to a line met before."""
    site = tmp_path / "site"
    site.mkdir()
    shared = f"<li>导航 {SECRET[:3]}\u200b{SECRET[3:]}</li>"
    for n in range(3):
        (site / f"p{n}.html").write_text(f"<nav>\n{shared}\n</nav>\n<p>第 {n} 页</p>", encoding="utf-8")
    (site / "q.html").write_text(f"<nav>\n{shared}\n</nav>\n<p>{SECRET}</p>", encoding="utf-8")
    (site / "r.html").write_text("<nav>\n<li>导航</li>\n</nav>\n<p>第 4 页</p>", encoding="utf-8")
    leaks = scan(site, {normalise(SECRET): "企业!C2"})
    assert [leak.page for leak in leaks] == ["p0.html", "p1.html", "p2.html", "q.html"]
    assert normalise(f"a\n{shared}\n{shared}", {}) == normalise(f"a\n{shared}\n{shared}")


def test_scan_finds_a_full_width_credit_code(tmp_path: Path):
    site = tmp_path / "site"
    site.mkdir()
    code = "91330902MA2A00001X"
    wide = "".join(chr(ord(c) + 0xFEE0) for c in code)
    (site / "page.html").write_text(f"<td>{wide}</td>", encoding="utf-8")
    leaks = scan(site, {normalise(code): "企业!B2"})
    assert [(leak.page, leak.origin) for leak in leaks] == [("page.html", "企业!B2")]


def test_consent_and_drafts_come_from_the_schema(example_workbook, schema):
    """enterprises.yaml's publish_name releases [name]; policies.yaml is publishedBy published."""
    assert schema.sheet("enterprises").field("publish_name").releases == ("name",)
    assert schema.sheet("policies").published_by == "published"
    checked = validate([str(example_workbook)], AS_OF, schema)
    named = {normalise(e.name) for e in model_of(checked).enterprises.values() if e.publish_name}
    assert named and consented_values(checked, schema) == named
