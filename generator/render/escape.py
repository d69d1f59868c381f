"""Making cell text inert in Markdown and HTML.

Every value a template prints goes through ``finalize`` (see environment.py),
so a cell can never become markup, a link, a template or an extension
directive; a template marks the few fragments it builds itself as ``Markup``.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
import unicodedata
import urllib.parse
from typing import Any

from markupsafe import Markup
from pypinyin import lazy_pinyin

from ..check.cells import url_problem

# The characters Python-Markdown lets a backslash make literal (its
# ESCAPED_CHARS, plus `|` for tables); a backslash before any other character
# would show. `<`, `>`, `&` become entities instead, which Markdown passes on.
# mkdocs.yml enables no extension that gives other characters a meaning.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


# Anything ``md`` would change besides stripping: most cells (names, towns,
# categories, Chinese text) have none of these and are returned as they are.
_MD_ANY = re.compile(r"[\\`*_{}\[\]()#+\-.!|<>&\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Everything that ends a line somewhere: Python-Markdown reads a bare CR as a
# line break, ``str.splitlines`` also splits at VT, FF, FS..RS, NEL, LS and PS.
_LINE_BREAK = re.compile(r"\s*(?:\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029])\s*")
# In HTML text the Markdown characters become numeric character references:
# the browser shows them as they are, and Markdown (which processes the text
# of inline HTML in a paragraph or table row) sees nothing to act on, so such
# text is inert in a raw HTML block and in a Markdown table cell alike.
_HTML_INERT = {ord(c): f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+-.!|~"}


def md(value: Any) -> Markup:
    """Text for a Markdown context (paragraph, list item, table cell)."""
    if isinstance(value, Markup):
        return value
    return _md_text(str(value))


@functools.lru_cache(maxsize=65536)
def _md_text(raw: str) -> Markup:
    # Cached: the internal ledger prints the same towns, categories, departments
    # and names hundreds of thousands of times at province scale (benchmarks/).
    if not _MD_ANY.search(raw):
        return Markup(raw.strip())
    text = html.escape(raw, quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # A line break inside a cell would end a table row or start a block.
    text = _LINE_BREAK.sub("<br>", text.strip())
    return Markup(text)


def title(value: Any) -> Markup:
    """Text for a page's H1. MkDocs makes the page title from it and the theme
    un-escapes it once into <title>; with no angle brackets left there, no tag
    can come back to life. Full-width brackets read the same to people."""
    text = _LINE_BREAK.sub(" ", str(value).strip())  # a heading is one line
    return md(text.replace("<", "＜").replace(">", "＞"))


def html_text(value: Any) -> Markup:
    """Text for a raw HTML context, where Markdown is not processed."""
    if isinstance(value, Markup):
        return value
    return Markup(_html_inert(str(value)))


def _html_inert(raw: str) -> str:
    return _LINE_BREAK.sub("<br>", raw.strip().translate(_HTML_INERT))


def safe_url(value: Any) -> Markup:
    """An http(s) URL fit for an href, by the check's own rule for a whole web
    address (``cells.url_problem``: a real host, no markup, quote, space or
    invisible character); anything else becomes an empty string."""
    text = str(value or "").strip()
    if not text or url_problem(text) is not None or url_problem(unicodedata.normalize("NFKC", text)) is not None:
        return Markup("")
    return Markup(html.escape(text, quote=True))


# What ends a 镇街's name, kept apart in its page name: 解放街道 → jiefang-jiedao.
_PLACE_SUFFIXES = ("街道", "镇", "乡", "社区", "村")


def place_slug(name: str) -> str:
    """A file name a flyer or a QR code can carry for a place (a 镇街): its pinyin,
    the 街道/镇/乡 apart (白泉镇 → baiquan-zhen); the hashed ``slug`` when that is
    not a plainly safe name. Pinyin of a character with two readings may be the
    other one (长 → zhang): still readable, and the same on every build."""
    text = unicodedata.normalize("NFKC", name).strip()
    suffix = next((s for s in _PLACE_SUFFIXES if text.endswith(s) and len(text) > len(s)), "")
    words = [text[: len(text) - len(suffix)], suffix] if suffix else [text]
    spelled = "-".join("".join(lazy_pinyin(w)) for w in words).lower()
    readable = re.sub(r"[^a-z0-9]+", "-", spelled).strip("-")
    if _SAFE_ID.match(readable) and readable not in _RESERVED and not _HASHED.match(readable):
        return readable
    return slug(name)


def url_host(value: Any) -> Markup:
    """The host of an http(s) URL that ``safe_url`` accepts (zwfw.example.gov.cn), to say where
    a link leads; an empty string for anything else."""
    if not str(safe_url(value)):
        return Markup("")
    return Markup(html.escape(urllib.parse.urlsplit(str(value).strip()).hostname or "", quote=True))


# Names a record page must not take, whatever the case: a folder's own index page
# (MkDocs also reads README as one), the policy finder beside the policy pages,
# and device names Windows will not store.
_RESERVED = frozenset(
    ["index", "readme", "finder", "con", "prn", "aux", "nul"]
    + [f"{device}{n}" for device in ("com", "lpt") for n in range(1, 10)]
)


# The shape of a hashed name: an ID typed in that shape is hashed too, so it
# can never take (and overwrite) the page of the ID whose hash it copies.
_HASHED = re.compile(r"^id-[0-9a-f]{12}$", re.IGNORECASE)


def slug(identifier: str) -> str:
    """A file name for an ID: the ID itself when plainly safe, else a hash."""
    if _SAFE_ID.match(identifier) and identifier.lower() not in _RESERVED and not _HASHED.match(identifier):
        return identifier
    digest = hashlib.sha1(identifier.encode("utf-8")).hexdigest()[:12]
    return f"id-{digest}"


# What a spreadsheet program may take as the start of a formula (OWASP, CSV
# injection), with the full-width forms some read the same way.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"^-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$")


def csv_cell(value: Any) -> str:
    """A cell for a CSV file we publish: text that begins like a formula gets a
    leading single quote, so a spreadsheet opening the file shows it as text
    (OWASP's CSV injection advice). A plain number (-3, -0.5) stays a number."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not (isinstance(value, (int, float)) or _PLAIN_NUMBER.match(text)):
        return "'" + text
    return text


def js_literal(payload: str) -> str:
    """JSON text made safe as a JavaScript literal in a script file or element: no
    line separators (not JSON's business, but JavaScript's end of line), no closing tag."""
    return payload.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("</", "<\\/")
