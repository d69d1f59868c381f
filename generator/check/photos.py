"""照片 cells (项目进度, 揭榜挂帅进度): each item is a file beside the workbook or
an http(s) link. File names come from a cell, so they are untrusted: no
absolute path, drive letter or ``..``; the file, symbolic links followed, must
lie inside the workbook's folder, be a regular file of at most PHOTO_MAX_BYTES
and an image Pillow opens in one of PHOTO_FORMATS. Any other scheme than http(s)
(javascript:, file:, data:) is refused. A name that reaches out of the folder,
or a link of another scheme, is an error at its cell (it is never followed); a
file that is missing, too large or no image is a warning at its cell and the
photo is left out, so that a forgotten photo does not hold back the week's figures.

"Beside the workbook": the folder of the .xlsx/.ods file, or the CSV folder
itself; a Google spreadsheet has no folder, so only links can be given there.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePosixPath
from typing import Any

from PIL import Image

from .cells import url_problem
from .frames import Tables, add_finding
from .report import ERROR, WARNING, Report

PHOTO_SHEETS = ("project_reports", "challenge_reports")
PHOTO_FIELD = "photos"
# Formats a phone or camera writes, and Pillow decodes without plugins.
PHOTO_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF"})
PHOTO_MAX_BYTES = 40 * 1024 * 1024
# More pixels than any camera takes: a larger image is refused before it is decoded.
PHOTO_MAX_PIXELS = 120_000_000
# A scheme ("javascript:", "https:"), but not a drive letter ("C:").
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+:")
_DRIVE = re.compile(r"^[A-Za-z]:")


# What a photo that cannot be published is: refused (an error), or only left out (a warning).
SEVERITY = {"photo_outside": ERROR, "photo_scheme": ERROR, "photo_link": ERROR}


class PhotoProblem(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def is_link(item: str) -> bool:
    return bool(_SCHEME.match(item))


def folder_of(spec: str) -> Path | None:
    """The folder a source's photos are taken from: the workbook's own folder, the
    CSV folder; None for a Google spreadsheet (or anything that is not a local path)."""
    path = Path(spec)
    try:
        if path.is_dir():
            return path.resolve()
        if path.is_file():
            return path.resolve().parent
    except OSError:
        return None
    return None


def photo_file(item: str, folder: Path | None) -> Path:
    """The file a cell's item names, inside ``folder``; PhotoProblem when it may not be read."""
    if folder is None:
        raise PhotoProblem("photo_no_folder")
    name = item.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or _DRIVE.match(name) or ".." in parts or any(ord(c) < 32 for c in name):
        raise PhotoProblem("photo_outside")
    path = _named(folder, PurePosixPath(name).parts).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise PhotoProblem("photo_outside")  # a symbolic link out of the folder
    if not path.is_file():
        raise PhotoProblem("photo_missing")
    if path.stat().st_size > PHOTO_MAX_BYTES:
        raise PhotoProblem("photo_too_large")
    return path


def _named(folder: Path, parts: tuple[str, ...]) -> Path:
    """The file the parts name. A cell's text is read NFKC-folded (（1） becomes (1)), a file
    name on disk is not: a part that is not there as written is matched by its folded form."""
    path = folder
    for part in parts:
        if part in ("", "."):
            continue
        if not (path / part).exists() and path.is_dir():
            wanted = unicodedata.normalize("NFKC", part)
            part = next((p.name for p in sorted(path.iterdir()) if unicodedata.normalize("NFKC", p.name) == wanted), part)
        path = path / part
    return path


def open_photo(path: Path) -> Image.Image:
    """The image, decoded; PhotoProblem when it is not an image of PHOTO_FORMATS."""
    try:
        image = Image.open(path)
    except (OSError, ValueError, Image.DecompressionBombError):
        raise PhotoProblem("photo_unreadable") from None
    width, height = image.size
    if image.format not in PHOTO_FORMATS or width * height > PHOTO_MAX_PIXELS:
        image.close()
        raise PhotoProblem("photo_unreadable")
    try:
        image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        image.close()
        raise PhotoProblem("photo_unreadable") from None
    return image


def check_item(item: str, folder: Path | None) -> None:
    """PhotoProblem when the item cannot be published."""
    if is_link(item):
        if not item.lower().startswith(("http://", "https://")):
            raise PhotoProblem("photo_scheme")
        if url_problem(item) is not None:
            raise PhotoProblem("photo_link")
        return
    with open_photo(photo_file(item, folder)):
        pass


def check_photos(tables: Tables, report: Report, folders: dict[str, Path | None]) -> None:
    """Every item of every 照片 cell, column by column (no row objects)."""
    for sheet in PHOTO_SHEETS:
        table = tables.get(sheet)
        if table is None or table.column_of(PHOTO_FIELD) is None:
            continue
        folder = folders.get(sheet)
        values: list[Any] = table.col(PHOTO_FIELD).to_list()
        seen: dict[str, str | None] = {}  # item -> its problem: a photo named in many rows is opened once
        for index, items in enumerate(values):
            for item in items or ():
                if item not in seen:
                    try:
                        check_item(str(item), folder)
                        seen[item] = None
                    except PhotoProblem as problem:
                        seen[item] = problem.code
                code = seen[item]
                if code is not None:
                    add_finding(report, table, index, PHOTO_FIELD, code, item=item,
                                severity=SEVERITY.get(code, WARNING))
