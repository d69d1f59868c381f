"""The page writer: Markdown pages from templates, and data files (JSON, CSV,
SVG, scripts, stylesheets) written as they are, into a docs folder.

Every page module writes through one ``PageWriter``, which keeps the list of
what it wrote (the pipeline syncs exactly those into docs/).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment

# What rendering owns inside docs/ (ignored by git); everything else there is
# hand-written and copied as it is.
GENERATED_PATHS = ("index.md", "policies", "officers", "departments", "progress", "data", "projects", "leniency", "status",
                   "open311", "routes", "activities",
                   "challenges", "photos")

LABELS = "_labels.j2"


class PageWriter:
    def __init__(self, env: Environment, docs_dir: Path) -> None:
        self.env = env
        self.docs_dir = docs_dir
        self.written: list[Path] = []

    def page(self, template: str, path: str, **context: Any) -> None:
        self.text(path, self.env.get_template(template).render(**context))

    def text(self, path: str, content: str) -> None:
        """Write a page, unless the file already holds exactly this content: an
        unchanged page keeps its modification time, so that an engine with a
        cache (Zensical) does not build it again (``site/workdocs.py``)."""
        self.data(path, content.encode("utf-8"))

    def data(self, path: str, data: bytes) -> None:
        """Write a file as it is (an image), unless it already holds exactly these bytes."""
        target = self.docs_dir / path
        try:
            same = target.stat().st_size == len(data) and target.read_bytes() == data
        except OSError:
            same = False
        if not same:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        self.written.append(target)

    def kept(self, path: str) -> bool:
        """Whether the file is there already (then it counts as written): a file named
        by the hash of what it is made from need not be made again."""
        target = self.docs_dir / path
        if not target.is_file():
            return False
        self.written.append(target)
        return True

    @property
    def labels(self) -> Any:
        """The macros of ``_labels.j2`` (overridable like every template): the
        labels and sentences that render code needs as well as templates."""
        return self.env.get_template(LABELS).module

    def label(self, name: str, *args: Any) -> str:
        """One of those labels as text, e.g. ``label("leniency_total")``."""
        return str(getattr(self.labels, name)(*args))

    def asset(self, name: str) -> str:
        """A static file kept beside the templates (overridable like them), as it is."""
        assert self.env.loader is not None
        source, _filename, _uptodate = self.env.loader.get_source(self.env, name)
        return source

    def copy_asset(self, name: str, path: str) -> None:
        self.text(path, self.asset(name))
