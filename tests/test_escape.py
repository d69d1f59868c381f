"""Escaping cell text for Markdown and HTML, URLs, and IDs as file names."""

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.render.escape import md, place_slug, safe_url, slug, title


def render(text: str) -> str:
    return markdown.markdown(str(md(text)), extensions=["tables", "attr_list", "md_in_html", "admonition"])


@pytest.mark.parametrize(
    "cell",
    ["*bold* _it_ `code`", "# not a heading", "1. not a list", "- not a list", "[x](javascript:alert(1))",
     "<b>tag</b> & amp", "a | b", "{: .cls onclick=alert(1) }", "!!! warning", "\\backslash\\", "3.5 + 2"],
)
def test_markdown_shows_the_cell_as_typed(cell):
    html = render(cell)
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.tags = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_data(self, data):
            self.parts.append(data)

    parser = Text()
    parser.feed(html)
    assert "".join(parser.parts) == cell
    assert parser.tags == ["p"]


def test_line_breaks_stay_inside_one_block():
    assert str(md("第一行\n第二行")) == "第一行<br>第二行"


def test_titles_lose_angle_brackets():
    assert "<" not in str(title("</title><script>"))


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://x.cn", "//evil.example", "http:/x"])
def test_only_http_urls_become_links(url):
    assert str(safe_url(url)) == ""


def test_http_url_is_attribute_escaped():
    assert str(safe_url("https://a.cn/?q=x&y=1")) == "https://a.cn/?q=x&amp;y=1"
    assert str(safe_url('https://a.cn/?q="x"')) == ""  # a quote is no part of a web address we link to


@pytest.mark.parametrize("identifier", ["../../etc/passwd", "a/b", "政策1", ".hidden", "CON", "x" * 100])
def test_unsafe_ids_become_hashed_file_names(identifier):
    name = slug(identifier)
    assert "/" not in name and ".." not in name
    assert name == identifier or name.startswith("id-")


@pytest.mark.parametrize("identifier", ["index", "INDEX", "Readme", "CON", "nul", "com1", "LPT9"])
def test_ids_that_name_an_index_page_or_a_device_are_hashed(identifier):
    """A policy with the ID ``index`` must not overwrite policies/index.md."""
    assert slug(identifier).startswith("id-")


def test_plain_ids_are_kept():
    assert slug("P0001") == "P0001"


@pytest.mark.parametrize("other", ["政策1", "index", "../x"])
def test_an_id_shaped_like_a_hashed_name_cannot_take_that_page(other):
    hashed = slug(other)
    assert hashed.startswith("id-")
    for copy in (hashed, hashed.upper()):
        assert slug(copy).startswith("id-")
        assert slug(copy) != hashed


@pytest.mark.parametrize(("town", "name"), [
    ("解放街道", "jiefang-jiedao"), ("白泉镇", "baiquan-zhen"), ("册子乡", "cezi-xiang"), ("镇", "zhen"),
    ("东港 A区", "donggang-aqu"), ("../../etc/passwd", "etc-passwd"),
])
def test_a_town_page_is_named_by_its_pinyin(town, name):
    assert place_slug(town) == name


@pytest.mark.parametrize("town", ["index", "INDEX", "Finder", "id-0123456789ab", "", "···", "长" * 70])
def test_a_town_whose_pinyin_is_no_safe_name_is_hashed(town):
    assert place_slug(town) == slug(town) and slug(town).startswith("id-")


def _md_reference(value: str) -> str:
    """md() as first written, without its shortcut for text it leaves alone."""
    import html
    import re

    text = html.escape(value, quote=False)
    text = re.sub(r"([\\`*_{}\[\]()#+\-.!|])", r"\\\1", text)
    return re.sub(r"\s*(?:\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029])\s*", "<br>", text.strip())


@given(st.text(alphabet=st.sampled_from(list("ab 中文\t\n\r\\`*_{}[]()#+-.!|<>&'\"=:/\u3000\x0b")), max_size=30))
def test_md_shortcut_changes_nothing(value):
    assert str(md(value)) == _md_reference(value)
