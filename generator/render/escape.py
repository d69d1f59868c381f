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
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

# The characters Python-Markdown lets a backslash make literal (its
# ESCAPED_CHARS, plus `|` for tables); a backslash before any other character
# would show. `<`, `>`, `&` become entities instead, which Markdown passes on.
# mkdocs.yml enables no extension that gives other characters a meaning.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


# Anything ``md`` would change besides stripping: most cells (names, towns,
# categories, Chinese text) have none of these and are returned as they are.
_MD_ANY = re.compile(r"[\\`*_{}\[\]()#+\-.!|<>&\n]")


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
    text = re.sub(r"\s*\n\s*", "<br>", text.strip())
    return Markup(text)


def title(value: Any) -> Markup:
    """Text for a page's H1. MkDocs makes the page title from it and the theme
    un-escapes it once into <title>; with no angle brackets left there, no tag
    can come back to life. Full-width brackets read the same to people."""
    return md(str(value).replace("<", "＜").replace(">", "＞"))


def html_text(value: Any) -> Markup:
    """Text for a raw HTML context, where Markdown is not processed."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(str(value), quote=True).replace("\n", "<br>"))


def safe_url(value: Any) -> Markup:
    """An http(s) URL fit for an href; anything else becomes an empty string."""
    text = str(value or "").strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return Markup("")
    return Markup(html.escape(text, quote=True))


# Names a record page must not take, whatever the case: a folder's own index page
# (MkDocs also reads README as one), the policy finder beside the policy pages,
# and device names Windows will not store.
_RESERVED = frozenset(
    ["index", "readme", "finder", "con", "prn", "aux", "nul"]
    + [f"{device}{n}" for device in ("com", "lpt") for n in range(1, 10)]
)


def slug(identifier: str) -> str:
    """A file name for an ID: the ID itself when plainly safe, else a hash."""
    if _SAFE_ID.match(identifier) and identifier.lower() not in _RESERVED:
        return identifier
    digest = hashlib.sha1(identifier.encode("utf-8")).hexdigest()[:12]
    return f"id-{digest}"
