"""What a build is a function of, as one key: every field of the build request
(``request.build_key``: the sources, the as-of date, the schema, the
hand-written docs, the MkDocs configuration and theme, the template overrides,
the frozen periods, the message language …), this generator's own code and the
installed packages. This module has the digest; the rule for each field of the
request lives beside the fields, in ``request.py``.

When the key equals the one stored beside the site in place
(``site/target.py``: ``.nuanqi-build-<site>/build.json``), that site *is* what the build would produce again, so ``build`` keeps it
without reading, checking or rendering anything (issue 8: a rebuild with
unchanged inputs within 2 s, also at province scale where checking alone takes
seconds). Google Sheets have no fingerprint before they are fetched: the
build fetches them first (the same two requests per spreadsheet it needs
anyway) and the key covers the cells fetched, so an unchanged spreadsheet
skips checking and rendering too.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..sources import RawSheet

KEY_VERSION = "2"  # 2: the key digests the build request field by field
_CODE_DIR = Path(__file__).resolve().parent.parent  # the whole generator package


class Digest:
    """A SHA-256 of labelled pieces: texts, files and whole folders."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def text(self, label: str, value: str) -> None:
        self.bytes(label, value.encode())

    def bytes(self, label: str, data: bytes) -> None:
        self._hash.update(f"{label}\0{len(data)}\0".encode())
        self._hash.update(data)

    def file(self, label: str, path: Path) -> None:
        with path.open("rb") as fh:
            file_hash = hashlib.file_digest(fh, "sha256").digest()
        self.bytes(label, file_hash)

    def tree(self, label: str, root: Path | None, skip: Iterable[str] = ()) -> None:
        """Every file under ``root`` (names and contents); an absent folder counts as empty."""
        skipped = set(skip)
        if root is None or not root.is_dir():
            self.text(label, "-")
            return
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if rel.parts[0] in skipped or any(p.startswith(".") or p == "__pycache__" for p in rel.parts):
                continue
            if path.is_file():
                self.file(f"{label}/{rel.as_posix()}", path)

    def sheets(self, label: str, sheets: Sequence[RawSheet]) -> None:
        """Tabs as fetched: titles, merged ranges and every cell."""
        for sheet in sheets:
            self.text(f"{label}/{sheet.tab}", json.dumps([sheet.rows, sheet.merged], ensure_ascii=False, default=repr))

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def environment() -> str:
    """This Python and every installed distribution with its version: an upgrade
    of MkDocs, Material, jinja2 or any other package may change the site. The
    names of the ``*.dist-info`` folders carry both (reading each one's metadata
    would take 0.2 s)."""
    found: set[str] = set()
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as items:
                found.update(item.name for item in items if item.name.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return f"{platform.python_implementation()} {platform.python_version()}\n" + "\n".join(sorted(found))


def seal(digest: Digest) -> str:
    """The key: what was digested, then the generator's own code and the
    installed packages (the same for every build from this installation)."""
    digest.tree("code", _CODE_DIR)
    digest.text("environment", environment())
    return digest.hexdigest()


def with_files(inputs: str | None, files: Sequence[str]) -> str | None:
    """The key of a build that also read these files: the photos its cells name
    (``render.photos.photo_files``), known only once the cells are read. The key
    stored beside a site covers the files that build read; the next build, before
    reading anything, digests the same files again: a workbook unchanged names the
    same files, so a photo replaced under its name (or one added where a cell named
    a missing file) changes the key and the site is built again."""
    if inputs is None or not files:
        return inputs
    digest = Digest()
    digest.text("inputs", inputs)
    for name in files:
        path = Path(name)
        if path.is_file():
            digest.file(name, path)
        else:
            digest.text(name, "-")
    return digest.hexdigest()
