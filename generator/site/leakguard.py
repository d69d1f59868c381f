"""The leak guard (site.md): after rendering, the public output is scanned for
every internal value; a hit fails the build and names the page.

Values shorter than 4 characters and codes made only of digits shorter than 7
(an ID like 1001 also occurs as an ordinary number; phone numbers and credit
codes are longer) are not looked for. A value that is also public (a contact
name that is also an officer's) is not looked for either, except a value that
identifies a row of an internal sheet (a unique field: an enterprise's name,
ID or credit code): that one is looked for wherever it appears, unless the
enterprise consented to its name being shown.

The sealed records of the status page (``status/records/*.js``, see
``render/receipts.py``) cannot be read without their codes: given the codes
(``sealed``: lookup id -> code), the guard opens every record and scans what
it says, and a record it cannot open is a leak by itself.

Both sides are compared normalised (``normalise``): NFKC, invisible format
characters removed, whitespace collapsed, so a name typed with full-width
letters or a zero-width space inside it is still found.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ahocorasick

from ..check import Checked
from ..check.report import column_letter
from ..i18n import _
from ..render.receipts import SHARD_FILE, parse_shard, record_of, shard_script, unsealed_bytes
from ..schema import WorkbookSchema

TEXT_KINDS = {"id", "text", "phone", "mobile", "email", "url", "uscc"}
SCANNED_SUFFIXES = {".html", ".htm", ".json", ".csv", ".xml", ".txt", ".svg", ".js", ".md", ".atom", ".ics"}
MIN_LENGTH = 4
MIN_DIGITS = 7


@dataclass(frozen=True)
class Leak:
    page: str
    value: str
    origin: str  # "问题清单!E12"


# Unicode's "format" characters (category Cf, Unicode 14: zero-width space and
# joiners, bidi controls, soft hyphen, BOM, tags) render as nothing, so they can
# hide a value from a plain search. Listed, not computed: scanning all code
# points at import would cost 0.3 s per build.
_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
def normalise(text: str, lines_seen: dict[str, str] | None = None) -> str:
    """The form both the internal values and the published text are compared in:
    NFKC, invisible characters removed, each run of whitespace one space, none at
    the ends (``str.split`` splits on what ``\\s`` matches, five times faster than
    the regular expression on a province site's 63 million characters).
    ``lines_seen``: lines normalised before, for a scan of many pages that share
    their navigation (at province scale 446,000 lines of text, 56,000 different)."""
    if "\n" in text:
        # Line by line, skipping the lines that are ASCII (most of a page's markup):
        # NFKC leaves them as they are, and a line feed neither composes with
        # what is before nor with what follows, so this is NFKC of the whole text.
        seen = {} if lines_seen is None else lines_seen
        out = []
        for line in text.split("\n"):
            if line.isascii():
                out.append(line)
                continue
            done = seen.get(line)
            if done is None:
                done = seen[line] = _visible(line)
            out.append(done)
        text = "\n".join(out)
    else:
        text = _visible(text)
    return " ".join(text.split())


def _visible(text: str) -> str:
    if text.isascii():  # NFKC leaves ASCII as it is, and no invisible character is ASCII
        return text
    text = unicodedata.normalize("NFKC", text)
    return text if text.isascii() else _INVISIBLE.sub("", text)


def _pieces(value: Any) -> list[str]:
    if isinstance(value, tuple):
        return [str(v) for v in value]
    text = str(value)
    return [line.strip() for line in text.splitlines() if line.strip()] or [text]


def _keep(text: str) -> bool:
    if len(text) < MIN_LENGTH:
        return False
    return not (text.isdigit() and len(text) < MIN_DIGITS)


def consented_values(checked: Checked, schema: WorkbookSchema) -> set[str]:
    """The internal values the public site may show all the same, normalised:
    in each row where a consent field (one with ``releases`` in the schema) is
    是, the fields it releases (the names of enterprises that consented)."""
    found: set[str] = set()
    for table in checked.tables.values():
        for consent in table.schema.fields:
            if not consent.releases:
                continue
            released = [table.values_of(name) for name in consent.releases]
            for index, agreed in enumerate(table.values_of(consent.name)):
                if agreed is True:
                    found.update(normalise(str(v)) for column in released if (v := column[index]) is not None)
    return found


def value_sets(checked: Checked, schema: WorkbookSchema, public_extra: Iterable[str] = ()) -> tuple[dict[str, str], set[str]]:
    """(internal value -> where it came from, public values), both normalised.

    Which values are internal comes from the schema: internal sheets and
    fields, the draft rows of a sheet with ``publishedBy``; the values a
    consent field releases (``consented_values``) and ``public_extra`` may be
    shown all the same."""
    consented = consented_values(checked, schema) | {normalise(v) for v in public_extra}
    public: set[str] = {normalise(schema.title), *consented}
    for values in schema.enums.values():
        public.update(normalise(v) for v in values)
    internal: dict[str, str] = {}
    identifying: set[str] = set()
    for _name, table in checked.tables.items():
        sheet = table.schema
        draft_key = sheet.published_by
        drafts = table.values_of(draft_key) if draft_key is not None else None
        for f in sheet.fields:
            if f.kind not in TEXT_KINDS:
                continue
            col = table.column_of(f.name)
            letter = column_letter(col) if col is not None else ""
            always_hidden = f.is_internal
            identifies = always_hidden and f.unique
            # A value repeated down a column (IDs that refer to other sheets, names)
            # adds nothing after its first row: the first origin is the one kept.
            done: set[tuple[bool, Any]] = set()
            for index, value in enumerate(table.values_of(f.name)):
                if value is None:
                    continue
                hidden = always_hidden or (drafts is not None and drafts[index] is False)
                if (hidden, value) in done:
                    continue
                done.add((hidden, value))
                for piece in map(normalise, _pieces(value)):
                    if hidden:
                        if piece not in internal and _keep(piece):
                            internal[piece] = f"{sheet.title}!{letter}{table.numbers[index]}"
                        if identifies:
                            identifying.add(piece)
                    else:
                        public.add(piece)
    kept = {v: o for v, o in internal.items()
            if v not in public or (v in identifying and v not in consented)}
    return kept, public


def _texts(path: Path, raw: str, lines_seen: dict[str, str]) -> Iterable[str]:
    yield normalise(html.unescape(raw), lines_seen)
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
        yield normalise(html.unescape("\n".join(strings)))


def guard_key(internal: dict[str, str], sealed: Mapping[str, str] | None = None) -> str:
    """What a scan's verdict on a file depends on besides the file's bytes and
    its name's suffix: the values looked for, the codes that open the sealed
    records (and this module's rules)."""
    digest = hashlib.sha256(f"leakguard 3\n{sorted(SCANNED_SUFFIXES)}\n".encode())
    # In the order the build found them (the same inputs, the same order), not sorted:
    # sorting a million values cost a second a build at province scale, and values in
    # another order only make the next scan look at every file again.
    digest.update("".join(value + "\0" for value in internal).encode("utf-8"))
    digest.update("".join(f"sealed {lookup} {code}\0" for lookup, code in (sealed or {}).items()).encode())
    return digest.hexdigest()


_SHARD_DIR = SHARD_FILE.rpartition("/")[0] + "/"


def sealed_texts(rel: str, raw: str, sealed: Mapping[str, str],
                 opened: dict[bytes, str | None] | None = None) -> tuple[list[str], list[str]] | None:
    """For a status shard: (what its sealed records say, the lookup ids in it that no
    code opens, or the file's name when it is not exactly a records file as written);
    None for any other file. The shard's own bytes are then not searched: they are
    hashes and ciphertext, random text in which a 7-character ID would turn up by
    chance at province scale, and a file that is anything more is refused whole.
    ``opened``: the text of each record's bytes read before in this scan (a
    province's 200,000 records say one of far fewer things: a status, a
    department, a date); each record is still opened with its own code."""
    stem = rel[len(_SHARD_DIR):-len(".js")] if rel.startswith(_SHARD_DIR) and rel.endswith(".js") else None
    if stem is None or "/" in stem:
        return None
    records = parse_shard(raw)
    if records is None or shard_script(stem, records) != raw or not all(map(_LOOKUP.fullmatch, records)):
        return [], [rel]
    seen = {} if opened is None else opened
    texts, unreadable = [], []
    for lookup, body in records.items():
        code = sealed.get(lookup)
        plain = None if code is None else unsealed_bytes(code, body)
        if plain is not None and plain not in seen:
            seen[plain] = _record_text(plain)
        text = None if plain is None else seen[plain]
        if text is None:
            unreadable.append(lookup)
        else:
            texts.append(text)
    return texts, unreadable


def _record_text(plain: bytes) -> str | None:
    """A record as one text to search: the record as JSON, then each value as it
    is, a NUL (which no internal value holds) between them; None when the bytes
    are not a record."""
    record = record_of(plain)
    if record is None:
        return None
    pieces = [json.dumps(record, ensure_ascii=False), *(str(v) for v in record.values() if v is not None)]
    return normalise("\0".join(pieces))


_LOOKUP = re.compile("[0-9a-f]{64}")


def scan(site_dir: Path, internal: dict[str, str], skip: Iterable[str] = ("assets/",),
         passed: Mapping[str, str] | None = None, clean: dict[str, str] | None = None,
         sealed: Mapping[str, str] | None = None) -> list[Leak]:
    """Every leak in the site. ``passed``: files (path -> SHA-256) an earlier scan
    with the same ``guard_key`` found clean; a file with the same path and bytes
    has the same verdict and is not scanned again. ``clean`` gets every file
    found clean now, for the next build's ``passed``. ``sealed``: the codes that
    open the status page's records (lookup id -> code)."""
    if not internal and sealed is None:
        return []
    automaton = ahocorasick.Automaton()
    for value in internal:
        automaton.add_word(value, value)
    automaton.make_automaton()
    leaks: list[Leak] = []
    skipped = tuple(skip)
    known = passed or {}
    lines_seen: dict[str, str] = {}
    # Status records: what a record's bytes say, and what in that is internal.
    opened: dict[bytes, str | None] = {}
    record_hits: dict[str, frozenset[str]] = {}
    for path in sorted(site_dir.rglob("*")):
        rel = path.relative_to(site_dir).as_posix()
        if not path.is_file() or path.suffix.lower() not in SCANNED_SUFFIXES or rel.startswith(skipped):
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if known.get(rel) == digest:
            if clean is not None:
                clean[rel] = digest
            continue
        raw = data.decode("utf-8", errors="replace")
        shard = sealed_texts(rel, raw, sealed, opened) if sealed is not None else None
        found: set[str] = set()
        if shard is not None:
            records, unreadable = shard
            for text in dict.fromkeys(records) if internal else ():
                hits = record_hits.get(text)
                if hits is None:
                    hits = record_hits[text] = frozenset(v for _end, v in automaton.iter(text))
                found |= hits
        else:
            unreadable = []
            for text in _texts(path, raw, lines_seen) if internal else ():
                for _end, value in automaton.iter(text):
                    found.add(value)
        leaks.extend(Leak(rel, v, internal[v]) for v in sorted(found))
        leaks.extend(Leak(rel, lookup, _("a status record that no receipt code opens")) for lookup in unreadable)
        if not found and not unreadable and clean is not None:
            clean[rel] = digest
    return leaks
