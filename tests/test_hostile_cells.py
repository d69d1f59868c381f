"""Issue 20, hostile input: every cell is text wherever it lands. Web addresses,
phones, codes and numbers are checked by their own rules at the cell; what a
text cell holds never becomes Markdown, an attribute, a request to another
host or a spreadsheet formula (site pages, progress CSVs, the CSV export)."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import markdown
import openpyxl
import polars as pl
import pytest
from conftest import build, plant_hostile, validate
from htmltree import Node, parse

from generator.check import columns
from generator.check.cells import (
    CellError,
    parse_cell,
    parse_decimal,
    parse_id,
    parse_integer,
    parse_phone,
    parse_url,
)
from generator.render.escape import FORMULA_START, csv_cell, html_text, md, safe_url, title
from generator.schema import Field, load_schema
from generator.sources.columns import columns_from_rows
from generator.workbook.descriptor import export_csv
from generator.workbook.sample import write_rows

SCHEMA = load_schema()
SEPARATORS = SCHEMA.list_separators
AS_OF = dt.date(2022, 12, 31)
URL_FIELD = Field(name="u", title="u", kind="url")

BAD_URLS = [
    "https://x/[点此](javascript:alert(1))",
    "https://example.gov.cn/[点此](javascript:alert(1))",
    "https://example.gov.cn/{onmouseover=alert(1)}",
    "https://example.gov.cn/a b",
    "https://example.gov.cn/\u202egpj.exe",
    "https://exa\u200bmple.gov.cn/",
    "https://example.gov.cn/\r\n# heading",
    "https://example.gov.cn/<script>",
    'https://example.gov.cn/"onmouseover="x',
    "https://example.gov.cn/'x",
    "https://example.gov.cn/`x`",
    "https://example.gov.cn/a|b",
    "https://example.gov.cn/a\\b",
    "https://example.gov.cn/a^b",
    "https://example.gov.cn/（x）",  # full-width brackets: NFKC makes them ( )
    "javascript:alert(1)",
    "javascript://example.gov.cn/%0aalert(1)",
    "data:text/html,x",
    "//evil.example/",
    "https://good.gov.cn@evil.example/",
    "https://localhost/",
    "https://x/",
    "https://-a.cn/",
    "https://a..cn/",
    "https://300.1.1.1/",
    "https:example.gov.cn",
]
GOOD_URLS = ["https://example.gov.cn/", "http://www.zhoushan.gov.cn/apply?id=3&x=1#top", "HTTPS://A.CN",
             "https://1.2.3.4:8080/a", "https://例子.中国/政策"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_web_address_is_checked_whole(url):
    with pytest.raises(CellError) as err:
        parse_url(url)
    assert err.value.code in {"url", "url_character", "url_host"}
    assert str(safe_url(url)) == ""


@pytest.mark.parametrize("url", GOOD_URLS)
def test_real_web_addresses_pass(url):
    assert parse_url(url) == url
    assert str(safe_url(url)) != ""


def test_the_fast_url_path_agrees_with_the_cell_rule():
    values = BAD_URLS + GOOD_URLS + ["https://a.cn/x_y-z~1.html?q=%20&r=@s", "https://a.b/c"]
    typed = columns.type_column(columns_from_rows([["u"], *([v] for v in values)])[0], URL_FIELD, SEPARATORS)
    for i, value in enumerate(values):
        try:
            expected = parse_cell(value, URL_FIELD, SEPARATORS)
        except CellError as err:
            assert typed.errors[i].code == err.code, value
            continue
        assert i not in typed.errors and typed.values[i] == expected, value


def test_invisible_characters_are_named_in_the_message_value():
    with pytest.raises(CellError) as err:
        parse_url("https://example.gov.cn/\u202e")
    assert err.value.code == "url_character" and err.value.params == {"char": "U+202E"}


@pytest.mark.parametrize("phone", ["0580-2040448*a*", "0580-2022001<b>", "[0580-2022001](javascript:x)",
                                   "13800138000{onclick=x}", "0580_2022001", "13800138000\u202e"])
def test_phones_hold_only_what_a_phone_number_is_written_with(phone):
    with pytest.raises(CellError) as err:
        parse_phone(phone)
    assert err.value.code == "phone"


@pytest.mark.parametrize("phone", ["0580-2022001", "13800138000", "0580-2022001转123", "+86 138 0013 8000",
                                   "０５８０-２０２２００１"])
def test_usual_phones_still_pass(phone):
    assert parse_phone(phone)


@pytest.mark.parametrize("code", ["E\u202e001", "E\u200b001", "\u200bE001", "E\u2066001", "E\ufeff1", "E\r1",
                                  "E\u00ad1"])
def test_codes_refuse_bidi_zero_width_and_control_characters(code):
    with pytest.raises(CellError) as err:
        parse_id(code)
    assert err.value.code == "id_space"


@pytest.mark.parametrize("value", ["inf", "-inf", "Infinity", "NaN", "nan", float("inf"), float("nan"), float("-inf")])
def test_numbers_must_be_finite(value):
    for parse_number in (parse_integer, parse_decimal):
        with pytest.raises(CellError) as err:
            parse_number(value)
        assert err.value.code == "number_not_finite"


@pytest.mark.parametrize("value", ["12345678901234567890", "9999999999999999", "-1234567890123456", 1e20,
                                   12345678901234567])
def test_numbers_beyond_fifteen_significant_digits_are_refused(value):
    for parse_number in (parse_integer, parse_decimal):
        with pytest.raises(CellError) as err:
            parse_number(value)
        assert err.value.code == "number_precision" and err.value.params == {"digits": 15}


def test_numbers_within_fifteen_digits_are_exact():
    assert parse_integer("999999999999999") == 999999999999999
    assert parse_integer("-3") == -3 and parse_integer("1,000") == 1000
    assert parse_decimal("0.000001234567") == 0.000001234567
    with pytest.raises(CellError):
        parse_decimal("1.0000000000000001")


def test_number_messages_are_clear_and_translated():
    from generator.check.messages import describe
    from generator.i18n import set_language

    try:
        set_language("en")
        message, _hint = describe("number_precision", {"value": "1" * 20, "digits": 15, "sheet": "s", "column": "c"})
        assert "15 significant digits" in message
        set_language("zh")
        message, _hint = describe("url_character", {"value": "x", "char": "[", "sheet": "s", "column": "c"})
        assert "[" in message and "网址" in message
    finally:
        set_language("zh")


# Markdown: line separators of every kind, attr_list, images, tables.

def render(text: str) -> str:
    return markdown.markdown(text, extensions=["tables", "attr_list", "md_in_html", "admonition"])


class Page:
    def __init__(self, html: str) -> None:
        from htmltree import parse

        self.root = parse(html)

    def tags(self) -> list[str]:
        return [n.tag for n in self.root.iter()]

    def attrs(self) -> list[tuple[str, str]]:
        return [(k, v) for n in self.root.iter() for k, v in n.attrs.items()]


@pytest.mark.parametrize("sep", ["\r", "\r\n", "\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"])
def test_every_line_separator_stays_inside_the_cell(sep):
    out = str(md(f"第一行{sep}# 标题{sep}| a | b |{sep}|---|---|"))
    for char in "\r\n\x0b\x0c\x1c\x85\u2028\u2029":
        assert char not in out
    row = render(f"| 列 | 值 |\n|---|---|\n| x | {out} |\n")
    page = Page(row)
    assert "h1" not in page.tags() and page.tags().count("tr") == 2 and page.tags().count("td") == 2


@pytest.mark.parametrize("sep", ["\r", "\u2028", "\n"])
def test_a_title_is_one_line(sep):
    out = str(title(f"政策{sep}=====\r<script>"))
    assert "<br>" not in out and "\r" not in out and "\n" not in out and "<" not in out


@pytest.mark.parametrize("cell", [
    "{onmouseover=alert(1)}", "文字 {: onmouseover=alert(1) }", "![i](https://evil.example/t.png)",
    "[点此](javascript:alert(1))", "a | b | c", "0580-2040448*a*", "<img src=https://evil.example/x>",
    "[x]: https://evil.example/\n[x]", "~~del~~ __b__",
])
@pytest.mark.parametrize("escape", [md, html_text])
def test_cells_stay_text_in_a_table_row(cell, escape):
    html = render(f"| 列 | 值 |\n|---|---|\n| x | {escape(cell)} |\n")
    page = Page(html)
    assert [t for t in page.tags() if t not in {"table", "thead", "tbody", "tr", "th", "td", "br"}] == []
    assert page.tags().count("td") == 2
    assert not [k for k, _v in page.attrs() if k.startswith("on")]
    assert page.root.find_all("td")[1].text().replace("\n", "") == cell.replace("\n", "")


# CSV: formula-like text gets a leading quote.

@pytest.mark.parametrize("text", ["=1+1", "+1", "-x", "@SUM(A1)", "\tx", "\rx", "＝1", "＋1", "－1", "＠x",
                                  '=HYPERLINK("http://evil.example")'])
def test_formula_like_text_is_quoted(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-3", -3, -0.5, "-0.5", "3", "财政局", "", None, "<3"])
def test_numbers_and_plain_text_are_left_alone(value):
    assert csv_cell(value) == ("" if value is None else str(value))


FORMULA_NAMES = ["=1+1", "+财政局", "-财政局", "@财政局", "＝财政局", '=HYPERLINK("http://evil.example","x")']


def _is_formula_like(cell: str) -> bool:
    if not cell.startswith(FORMULA_START):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def test_the_csv_export_quotes_formula_like_text(sample_rows, tmp_path):
    rows = _small(sample_rows)
    for d, name in zip(rows["departments"], FORMULA_NAMES, strict=False):
        d["name"] = name
        d["address"] = "-" + d["address"]
    path = _write(tmp_path / "book.xlsx", rows)
    checked = validate([str(path)], AS_OF, SCHEMA)
    export_csv(checked, tmp_path / "csv", SCHEMA)
    cells = [c for f in (tmp_path / "csv").glob("*.csv")
             for r in csv.reader(io.StringIO(f.read_text(encoding="utf-8"))) for c in r]
    assert "'=1+1" in cells and "'-财政局" in cells
    assert [c for c in cells if _is_formula_like(c)] == []


def _write(path: Path, rows: dict[str, list[dict[str, Any]]]) -> Path:
    """Rows as an xlsx written as the sample is (text cells as strings, so a
    name starting with "=" stays text; openpyxl would make it a formula)."""
    write_rows(path, rows, SCHEMA)
    return path


def _small(sample_rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return copy.deepcopy(sample_rows)


# The built site, hostile text in public text columns.

HOSTILE_TEXT = [
    "HX![i](https://evil.example/t.png)",
    "HX{onmouseover=alert(1)}",
    "HX文字 {: onmouseover=alert(1) }",
    "HX[点此](javascript:alert(1))",
    "HX a | b | c",
    "HX*em* _em_",
    "HX第一行\r# 第二行\r| x | y |",
    "HX\u2028第二行\u2029第三行",
    "HX<img src=https://evil.example/x.png>",
]

# Pieces of the texts above that markup made from them would wrap.
HOSTILE_PARTS = ["em", "第二行", "第三行", "x | y", "点此", "文字", "a | b | c"]


@pytest.fixture(scope="module")
def hostile_site(sample_rows, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    rows = copy.deepcopy(sample_rows)
    plant_hostile(rows, HOSTILE_TEXT)
    for i, d in enumerate(rows["departments"][:12]):
        d["name"] = FORMULA_NAMES[i % len(FORMULA_NAMES)] + f"{i}"
    path = _write(tmp / "book.xlsx", rows)
    site = tmp / "site"
    # Published months: their tables by department carry the hostile names.
    build([str(path)], AS_OF, site_dir=site, docs_dir=tmp / "docs", freeze="month")
    return site


def _bad_href(href: str) -> bool:
    href = href.strip().lower()
    if ":" not in href.split("/")[0].split("?")[0].split("#")[0]:
        return False  # relative
    return not href.startswith(("http://", "https://", "tel:", "mailto:"))


def test_no_page_of_the_built_site_runs_links_or_loads_a_hostile_cell(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 100
    shown = 0
    for path in pages:
        root: Node = parse(path)
        for node in root.iter():
            assert not [k for k in node.attrs if k.lower().startswith("on")], (path, node.tag, node.attrs)
            if node.tag == "a" and node.attrs.get("href"):
                assert not _bad_href(node.attrs["href"]), (path, node.attrs["href"])
                assert "evil.example" not in node.attrs["href"], path
            if node.tag in {"img", "script", "iframe", "source", "link"}:
                src = node.attrs.get("src") or node.attrs.get("href") or ""
                assert "evil.example" not in src and not src.lower().startswith("javascript:"), (path, src)
            if node.tag in {"em", "strong", "h1", "h2", "h3", "h4", "h5", "h6", "code", "th", "td", "li"}:
                # Markup the page wraps around a whole cell is ours; markup around a part of one came from it.
                inner = node.text().strip()
                assert len(inner) < 2 or inner not in HOSTILE_PARTS, (path, node.tag, inner)
            if node.tag == "table":
                widths = {len([c for c in tr.children if isinstance(c, Node) and c.tag in {"td", "th"}])
                          for tr in node.find_all("tr")}
                assert len(widths) <= 1, (path, widths)
        text = root.text()
        shown += "HX" in text
        assert "\r" not in path.read_text(encoding="utf-8"), path
    assert shown > 50


def test_progress_csvs_have_no_formula_like_cell(hostile_site):
    files = sorted((hostile_site / "progress").rglob("*.csv"))
    assert files
    cells = [c for f in files for r in csv.reader(io.StringIO(f.read_text(encoding="utf-8"))) for c in r]
    assert [c for c in cells if _is_formula_like(c)] == []
    assert any(c.startswith("'=1+1") for c in cells)


@pytest.mark.parametrize("sheet,column,value,code", [
    ("departments", "website", "https://x/[点此](javascript:alert(1))", "url_character"),
    ("departments", "website", "https://example.gov.cn/{onmouseover=alert(1)}", "url_character"),
    ("departments", "website", "https://localhost/", "url_host"),
    ("departments", "phone", "0580-2040448*a*", "phone"),
    ("departments", "dept_id", "D\u202e01", "id_space"),
])
def test_hostile_cells_are_errors_at_their_cell(sample_rows, tmp_path, sheet, column, value, code):
    rows = copy.deepcopy(sample_rows)
    rows[sheet][0][column] = value
    checked = validate([str(_write(tmp_path / "book.xlsx", rows))], AS_OF, SCHEMA)
    found = [f for f in checked.report.errors if f.code == code]
    assert found, [f.code for f in checked.report.errors][:10]
    assert found[0].row == 2 and found[0].sheet == SCHEMA.sheet(sheet).title


def test_spreadsheets_we_write_keep_formula_like_text_as_text(tmp_path):
    rows = {"departments": [{"dept_id": "D01", "name": "=1+1", "phone": "+86 138 0013 8000"}]}
    path = _write(tmp_path / "s.xlsx", rows)
    ws = openpyxl.load_workbook(path)[SCHEMA.sheet("departments").title]
    assert ws["B2"].value == "=1+1" and ws["B2"].data_type == "s"


def test_the_template_writes_text_cells_as_strings(tmp_path):
    from generator.workbook.template import _text_cell

    book = openpyxl.Workbook()
    cell = _text_cell(book.active.cell(row=1, column=1), "=cmd|' /C calc'!A0")
    book.save(tmp_path / "t.xlsx")
    again = openpyxl.load_workbook(tmp_path / "t.xlsx").active["A1"]
    assert cell.data_type == "s" and again.data_type == "s" and again.value == "=cmd|' /C calc'!A0"


def test_fast_paths_refuse_what_the_cell_rules_refuse():
    for kind, values in {"id": ["E\u202e1", "E\u200b1"], "url": BAD_URLS}.items():
        ok, _ = columns.FAST[kind](pl.Series(values, dtype=pl.String))
        assert not any(ok.fill_null(False).to_list()), kind
