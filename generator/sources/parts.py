"""Where things are in an xlsx or ods zip: the XML namespaces, cell references
and the worksheet part of each tab (shared by the reader and the bounds checks)."""

from __future__ import annotations

import posixpath
import re
import zipfile
from xml.etree.ElementTree import iterparse

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
NS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
NS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
NS_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


def col_index(letters: str) -> int:
    """The 0-based index of column letters (A -> 0, AA -> 26)."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def xlsx_sheet_paths(book: zipfile.ZipFile) -> dict[str, str]:
    """Tab name → worksheet part, from workbook.xml and its relationships."""
    targets: dict[str, str] = {}
    with book.open("xl/_rels/workbook.xml.rels") as fh:
        for _event, el in iterparse(fh):
            if el.tag == f"{NS_PKG_REL}Relationship":
                target = el.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
                targets[el.get("Id", "")] = path
    paths: dict[str, str] = {}
    with book.open("xl/workbook.xml") as fh:
        for _event, el in iterparse(fh):
            if el.tag == f"{NS_MAIN}sheet":
                rid = el.get(f"{NS_REL}id", "")
                if rid in targets:
                    paths[el.get("name", "")] = targets[rid]
    return paths


def column_letter(index: int) -> str:
    """The A1 letters of a 0-based column index (0 -> A, 26 -> AA): the one copy
    readers, the checker and the leak guard use."""
    letters = ""
    index += 1
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
