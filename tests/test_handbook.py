"""The printed 惠企政策汇编 (issue 15): ``python -m generator handbook OUT.pdf``.

Read back as a reader would: the PDF's text (pypdf) holds every published
policy of the example workbook and no unpublished one, its contents give the
page each policy is on, its QR codes (pages rendered with pypdfium2, decoded
with zxing-cpp) lead to the policies' pages on the public site, and a hostile
cell is printed as the text it is. Nothing is fetched."""

from __future__ import annotations

import copy
import re
import socket
from pathlib import Path

import pypdf
import pypdfium2
import pytest
import zxingcpp
from conftest import AS_OF

from generator.check import read_and_check
from generator.cli import cli
from generator.model import build_programme
from generator.render.escape import slug
from generator.render.handbook import render_handbook
from generator.render.views.handbook import handbook_view, page_address
from generator.schema import load_schema
from generator.site.leakguard import normalise, value_sets
from generator.sources import parse_sources
from generator.workbook.sample import write_rows

SITE = "https://qiye.dinghai.example.gov.cn/"


def _page_texts(pdf: Path) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(pdf).pages]


def _flat(text: str) -> str:
    """Text without white space: a title wrapped over two lines is found whole."""
    return "".join(text.split())


def _qr_codes(pdf: Path) -> list[list[str]]:
    """The QR codes decoded on each page."""
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [[code.text for code in zxingcpp.read_barcodes(document[i].render(scale=2).to_pil())]
                for i in range(len(document))]
    finally:
        document.close()


@pytest.fixture(scope="module")
def example(example_workbook):
    checked = read_and_check(parse_sources([str(example_workbook)]), load_schema(), AS_OF)
    return checked, build_programme(checked)


@pytest.fixture(scope="module")
def handbook(example_workbook, tmp_path_factory):
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("handbook") / "惠企政策汇编.pdf"
    result = CliRunner().invoke(cli, ["handbook", str(out), "--source", str(example_workbook),
                                      "--as-of", AS_OF.isoformat(), "--site-url", SITE])
    assert result.exit_code == 0, result.output
    assert "已生成" in result.output and "58" in result.output
    return out


def test_every_published_policy_is_in_it_and_no_unpublished_one(handbook, example):
    _checked, programme = example
    text = _flat("\n".join(_page_texts(handbook)))
    published = [p for p in programme.policies.values() if p.published]
    unpublished = [p for p in programme.policies.values() if not p.published]
    assert published and unpublished
    assert [p.title for p in published if _flat(p.title) not in text] == []
    assert [p.title for p in unpublished if _flat(p.title) in text] == []
    assert [p.policy_id for p in unpublished if f"/{slug(p.policy_id)}.html" in text] == []


def test_nothing_internal_is_in_it(handbook, example):
    checked, _programme = example
    internal, _public = value_sets(checked, load_schema())
    text = normalise("\n".join(_page_texts(handbook)))
    assert internal and [v for v in internal if v in text] == []


def test_the_cover_names_the_district_and_the_date(handbook):
    cover = _page_texts(handbook)[0]
    assert "定海区暖企服务工程" in cover and "惠企政策汇编" in cover
    assert "信息截至2022年12月31日" in _flat(cover) and "共收录政策58项" in _flat(cover)


def test_the_chinese_text_is_real_text_in_an_embedded_font(handbook):
    reader = pypdf.PdfReader(handbook)
    fonts = {str(font["/BaseFont"]) for page in reader.pages[:3]
             for font in page["/Resources"]["/Font"].values()}
    assert any("CJK" in name for name in fonts), fonts
    text = reader.pages[4].extract_text()
    assert "办理流程" in text and "办理部门" in text and "\ufffd" not in text


def test_the_contents_give_the_page_of_each_policy(handbook, example):
    _checked, programme = example
    pages = _page_texts(handbook)
    contents = {}
    for page in pages[1:4]:
        for line in page.splitlines():
            if m := re.match(r"^(.+?)\s*\.{3,}\s*(\d+)$", line.strip()):
                contents[_flat(m[1])] = int(m[2])
    published = [p for p in programme.policies.values() if p.published]
    for policy in published:
        number = contents[_flat(policy.title)]
        # The page it begins on holds its title outside the contents pages.
        assert _flat(policy.title) in _flat(pages[number - 1]), policy.title
    assert "降本减负（7项）" in contents


def test_each_policy_has_its_steps_departments_materials_and_update_date(handbook, example):
    _checked, programme = example
    text = _flat("\n".join(_page_texts(handbook)[3:]))
    policy = next(p for p in sorted(programme.policies.values(), key=lambda p: p.policy_id)
                  if p.published and p.steps and any(s.materials for s in p.steps))
    for step in policy.steps:
        department = programme.departments[step.dept_id]
        assert _flat(department.name) in text
        assert department.phone is None or department.phone in text
        assert department.address is None or _flat(department.address) in text
    assert _flat(policy.materials or "申报材料") in text
    assert "更新日期：2022年12月31日" in text


def test_the_qr_codes_lead_to_the_pages_of_the_published_policies(handbook, example):
    _checked, programme = example
    codes = _qr_codes(handbook)
    found = [code for page in codes for code in page]
    expected = {f"{SITE}policies/{slug(p.policy_id)}.html" for p in programme.policies.values() if p.published}
    assert codes[0] == [f"{SITE}policies/index.html"]
    assert sorted(found[1:]) == sorted(expected)


def test_page_addresses_follow_use_directory_urls():
    assert page_address("https://a.example.cn", "policies/P1") == "https://a.example.cn/policies/P1.html"
    assert page_address("https://a.example.cn/x/", "policies/P1", True) == "https://a.example.cn/x/policies/P1/"
    assert page_address("https://a.example.cn/", "policies/index", True) == "https://a.example.cn/policies/"


HOSTILE_TITLE = '<script>alert(1)</script> --8<-- "/etc/passwd" {{ 7*7 }} **粗体** [点此](javascript:alert(1))'


@pytest.fixture(scope="module")
def small_rows(sample_rows):
    """The sample with four policies published, the first with a hostile title."""
    rows = copy.deepcopy(sample_rows)
    for n, policy in enumerate(rows["policies"]):
        policy["published"] = "是" if n < 4 else "否"
    rows["policies"][0]["title"] = HOSTILE_TITLE
    rows["policies"][1]["benefit"] = "<img src=https://evil.example/x.png>\n第二行 {% raw %}"
    return rows


def test_a_hostile_cell_is_printed_as_text(small_rows, tmp_path, runner, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the handbook opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    book = tmp_path / "book.xlsx"
    write_rows(book, small_rows, load_schema())
    out = tmp_path / "out.pdf"
    result = runner.invoke(cli, ["handbook", str(out), "-s", str(book), "--as-of", "2022-12-31", "--site-url", SITE])
    assert result.exit_code == 0, result.output
    text = "\n".join(_page_texts(out))
    assert _flat(HOSTILE_TITLE) in _flat(text)
    assert "<img src=https://evil.example/x.png>" in text and "{% raw %}" in text
    assert "{{ 7*7 }}" in text and "**粗体**" in text
    for title in (p["title"] for p in small_rows["policies"][4:]):
        assert _flat(title) not in _flat(text)


def test_the_html_escapes_every_cell(small_rows, tmp_path):
    book = tmp_path / "book.xlsx"
    write_rows(book, small_rows, load_schema())
    checked = read_and_check(parse_sources([str(book)]), load_schema(), AS_OF)
    html = render_handbook(handbook_view(build_programme(checked), load_schema(), SITE))
    assert "<script" not in html and "<img src=https://evil" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; --8&lt;--" in html


def test_a_template_asking_for_another_host_gets_nothing(small_rows, tmp_path, runner, monkeypatch):
    asked = []

    def no_network(self, address):
        asked.append(address)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    templates = tmp_path / "templates" / "handbook"
    templates.mkdir(parents=True)
    bundled = Path(__file__).resolve().parent.parent / "generator/render/templates/handbook/handbook.css"
    (templates / "handbook.css").write_text(
        '@import url("https://evil.example/a.css");\n' + bundled.read_text(encoding="utf-8")
        + '\n.cover { background: url("file:///etc/hostname"); }\n', encoding="utf-8")
    book = tmp_path / "book.xlsx"
    write_rows(book, small_rows, load_schema())
    out = tmp_path / "out.pdf"
    result = runner.invoke(cli, ["handbook", str(out), "-s", str(book), "--as-of", "2022-12-31",
                                 "--site-url", SITE, "--templates", str(tmp_path / "templates")])
    assert result.exit_code == 0, result.output
    assert "https://evil.example/a.css" in result.output and "file:///etc/hostname" in result.output
    assert asked == []


def test_without_the_site_address_it_says_how_to_give_it(runner, tmp_path, example_workbook):
    out = tmp_path / "a.pdf"
    result = runner.invoke(cli, ["handbook", str(out), "-s", str(example_workbook), "--as-of", "2022-12-31"])
    assert result.exit_code == 2 and "--site-url" in result.output and "site_url" in result.output
    assert "Traceback" not in result.output and not out.exists()
    result = runner.invoke(cli, ["handbook", str(out), "-s", str(example_workbook), "--site-url", "javascript:alert(1)"])
    assert result.exit_code == 2 and "不是网址" in result.output


def test_it_writes_only_a_pdf_and_replaces_one_only_with_force(runner, tmp_path, example_workbook):
    kept = tmp_path / "book.xlsx"
    kept.write_bytes(b"staff's own workbook")
    result = runner.invoke(cli, ["handbook", str(kept), "--force", "--site-url", SITE])
    assert result.exit_code == 2 and ".pdf" in result.output and kept.read_bytes() == b"staff's own workbook"
    old = tmp_path / "old.pdf"
    old.write_bytes(b"last edition")
    result = runner.invoke(cli, ["handbook", str(old), "--site-url", SITE])
    assert result.exit_code == 2 and "--force" in result.output and old.read_bytes() == b"last edition"


def test_invalid_data_writes_no_handbook(runner, tmp_path, make_workbook):
    def break_it(rows):
        rows["policies"][0]["effective_from"] = "不是日期"

    book = make_workbook(break_it)
    out = tmp_path / "a.pdf"
    result = runner.invoke(cli, ["handbook", str(out), "-s", str(book), "--site-url", SITE])
    assert result.exit_code == 1 and "政策" in result.output and not out.exists()


def test_the_help_is_in_chinese(runner):
    result = runner.invoke(cli, ["handbook", "--help"])
    assert result.exit_code == 0 and "惠企政策汇编" in result.output and "二维码" in result.output


def test_an_internal_value_in_a_policy_cell_stops_it(small_rows, tmp_path, runner):
    rows = copy.deepcopy(small_rows)
    secret = next(e for e in rows["enterprises"] if e["publish_name"] in ("否", False, None))
    rows["policies"][2]["benefit"] = f"例如{secret['name']}已获支持"
    book = tmp_path / "book.xlsx"
    write_rows(book, rows, load_schema())
    out = tmp_path / "out.pdf"
    result = runner.invoke(cli, ["handbook", str(out), "-s", str(book), "--as-of", "2022-12-31", "--site-url", SITE])
    assert result.exit_code == 2, result.output
    assert "汇编中出现了内部数据" in result.output and "企业" in result.output and not out.exists()
