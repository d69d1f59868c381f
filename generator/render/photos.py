"""The 照片 of a report (项目进度, 揭榜挂帅进度) made fit to publish.

A file (checked by check/photos.py: inside the workbook's folder, an image) is
published as JPEG at most PHOTO_EDGES px on its long side, turned upright by its
EXIF orientation and then drawn onto a new image, so that no metadata (EXIF with
GPS position, XMP, comments, ICC profile) reaches the site. The files are named by
the hash of the source's bytes, never by the cell's text, in docs/photos/; a
file already there is not encoded again. A link (http/https only) is shown as a
link, never embedded: the intranet the site may be read on may not reach it.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup
from PIL import Image, ImageOps

from ..check.photos import PhotoProblem, is_link, open_photo, photo_file
from ..model import Programme
from .escape import safe_url
from .writer import PageWriter

# The sizes published: the smaller for phones (srcset picks it), the larger for wide screens.
PHOTO_EDGES = (800, 1600)
PHOTO_QUALITY = 82
PHOTO_DIR = "photos"
# Bumped when the processing changes, so that files made the old way are made again.
_VERSION = b"1"


@dataclass(frozen=True)
class Shown:
    """A photo as a page shows it. An image: ``files`` (path under docs/, width) from
    small to large, ``size`` of the smallest; a link: ``url``."""

    alt: str
    files: tuple[tuple[str, int], ...] = ()
    size: tuple[int, int] = (0, 0)
    url: str = ""

    # Every page that shows photos is one folder deep (projects/, challenges/). The names
    # are a hash and an edge, nothing of a cell: safe in an attribute as they are.
    @property
    def src(self) -> Markup:
        return Markup(f"../{self.files[0][0]}")

    @property
    def srcset(self) -> Markup:
        return Markup(", ".join(f"../{name} {width}w" for name, width in self.files))


def _encoded(image: Image.Image, size: tuple[int, int]) -> bytes:
    resized = image.resize(size, Image.Resampling.LANCZOS) if size != image.size else image.copy()
    clean = Image.new("RGB", resized.size, "white")  # a fresh image: nothing of the source's info
    clean.paste(resized, mask=resized.getchannel("A") if resized.mode == "RGBA" else None)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=PHOTO_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def _sizes(width: int, height: int) -> list[tuple[int, tuple[int, int]]]:
    """(edge, size) of each file made: an edge the image is not larger than is made once."""
    out: list[tuple[int, tuple[int, int]]] = []
    long_side = max(width, height)
    for edge in PHOTO_EDGES:
        scale = min(1.0, edge / long_side)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        if not out or out[-1][1] != size:
            out.append((edge, size))
    return out


class PhotoPublisher:
    """Publishes photos through a page writer, each source file once per build."""

    def __init__(self, w: PageWriter) -> None:
        self.w = w
        self._done: dict[Path, tuple[tuple[tuple[str, int], ...], tuple[int, int]]] = {}

    def show(self, items: tuple[str, ...] | None, folder: Path | None, alt: str) -> list[Shown]:
        """The photos of one cell; ``alt`` + 1, 2 … is each image's alternative text."""
        shown: list[Shown] = []
        for number, item in enumerate(items or (), start=1):
            text = f"{alt}（{number}）" if len(items or ()) > 1 else alt
            if is_link(item):
                url = str(safe_url(item))
                if url and item.lower().startswith(("http://", "https://")):
                    shown.append(Shown(alt=text, url=item))
                continue
            try:
                files, size = self._file(photo_file(item, folder))
            except PhotoProblem:
                continue  # validate warned of it at its cell: left out
            shown.append(Shown(alt=text, files=files, size=size))
        return shown

    def _file(self, path: Path) -> tuple[tuple[tuple[str, int], ...], tuple[int, int]]:
        if path in self._done:
            return self._done[path]
        digest = hashlib.sha256(_VERSION + path.read_bytes()).hexdigest()[:32]
        with open_photo(path) as source:
            upright = ImageOps.exif_transpose(source)
            image = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
            files = []
            for edge, size in _sizes(*image.size):
                name = f"{PHOTO_DIR}/{digest}-{edge}.jpg"
                if not self.w.kept(name):
                    self.w.data(name, _encoded(image, size))
                files.append((name, size[0]))
            smallest = _sizes(*image.size)[0][1]
        self._done[path] = (tuple(files), smallest)
        return self._done[path]


def photo_files(programme: Programme) -> list[str]:
    """Every file a 照片 cell names, as a path (one not there too: a photo added later
    under the name a cell gives builds the site again); the build key covers them
    (``site.build_key.with_files``). Links and names refused at their cell are not files."""
    out: set[str] = set()
    for sheet, reports in (("project_reports", programme.project_reports),
                           ("challenge_reports", programme.challenge_reports)):
        folder = programme.folders.get(sheet)
        for report in reports:
            for item in report.photos or ():
                if is_link(item) or folder is None:
                    continue
                try:
                    out.add(str(photo_file(item, folder)))
                except PhotoProblem as problem:
                    if problem.code in ("photo_missing", "photo_too_large"):
                        out.add(str(folder / item))
    return sorted(out)
