"""The leak guard (site.md): after rendering, the public output is scanned for
every internal value; a hit fails the build and names the page.

Values shorter than 4 characters, values that are also public, and codes made
only of digits shorter than 7 (an ID like 1001 also occurs as an ordinary
number; phone numbers and credit codes are longer) are not looked for.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ahocorasick

from .check import Checked
from .check.report import column_letter
from .schema import WorkbookSchema

TEXT_KINDS = {"id", "text", "phone", "mobile", "email", "url", "uscc"}
SCANNED_SUFFIXES = {".html", ".htm", ".json", ".csv", ".xml", ".txt", ".svg", ".js", ".md"}
MIN_LENGTH = 4
MIN_DIGITS = 7


@dataclass(frozen=True)
class Leak:
    page: str
    value: str
    origin: str  # "问题清单!E12"


def _pieces(value: Any) -> list[str]:
    if isinstance(value, tuple):
        return [str(v) for v in value]
    text = str(value)
    return [line.strip() for line in text.splitlines() if line.strip()] or [text]


def _keep(text: str) -> bool:
    if len(text) < MIN_LENGTH:
        return False
    return not (text.isdigit() and len(text) < MIN_DIGITS)


def value_sets(checked: Checked, schema: WorkbookSchema, public_extra: Iterable[str] = ()) -> tuple[dict[str, str], set[str]]:
    """(internal value -> where it came from, public values)."""
    public: set[str] = {schema.title, *public_extra}
    for values in schema.enums.values():
        public.update(values)
    internal: dict[str, str] = {}
    for _name, table in checked.tables.items():
        sheet = table.schema
        draft_key = "published" if sheet.name == "policies" else None
        for f in sheet.fields:
            if f.kind not in TEXT_KINDS:
                continue
            col = table.column_of(f.name)
            letter = column_letter(col) if col is not None else ""
            always_hidden = f.is_internal
            # A value repeated down a column (IDs that refer to other sheets, names)
            # adds nothing after its first row: the first origin is the one kept.
            done: set[tuple[bool, Any]] = set()
            for row in table.rows:
                value = row.values.get(f.name)
                if value is None:
                    continue
                hidden = always_hidden or (draft_key is not None and row.values.get(draft_key) is False)
                if (hidden, value) in done:
                    continue
                done.add((hidden, value))
                for piece in _pieces(value):
                    if hidden:
                        if piece not in internal and _keep(piece):
                            internal[piece] = f"{sheet.title}!{letter}{row.number}"
                    else:
                        public.add(piece)
    return {v: o for v, o in internal.items() if v not in public}, public


def _texts(path: Path) -> Iterable[str]:
    raw = path.read_text(encoding="utf-8", errors="replace")
    yield html.unescape(raw)
    if path.suffix == ".json":
        try:
            data = json.loads(raw)
        except ValueError:
            return
        strings: list[str] = []
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                strings.append(item)
            elif isinstance(item, dict):
                stack.extend(item.values())
                stack.extend(item.keys())
            elif isinstance(item, list):
                stack.extend(item)
        yield html.unescape("\n".join(strings))


def scan(site_dir: Path, internal: dict[str, str], skip: Iterable[str] = ("assets/",)) -> list[Leak]:
    if not internal:
        return []
    automaton = ahocorasick.Automaton()
    for value in internal:
        automaton.add_word(value, value)
    automaton.make_automaton()
    leaks: list[Leak] = []
    skipped = tuple(skip)
    for path in sorted(site_dir.rglob("*")):
        rel = path.relative_to(site_dir).as_posix()
        if not path.is_file() or path.suffix.lower() not in SCANNED_SUFFIXES or rel.startswith(skipped):
            continue
        found: set[str] = set()
        for text in _texts(path):
            for _end, value in automaton.iter(text):
                found.add(value)
        leaks.extend(Leak(rel, v, internal[v]) for v in sorted(found))
    return leaks
