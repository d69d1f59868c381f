"""The docs folder the engines build from, kept beside the site between builds
(``SiteTarget.work / "docs"``) and changed only where a page changed.

An engine with a cache (Zensical) decides what to build again by each file's
modification time: a page written again with the same content would be built
again. So the hand-written pages are copied only when they differ, rendering
rewrites only pages whose content changed (``render/writer.py``), and what
neither wrote this time is removed. ``docs/`` gets the rendered pages the same
way (for ``mkdocs serve``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path


def _same(source: os.DirEntry[str] | Path, target: Path) -> bool:
    """Same size and modification time: ``shutil.copy2`` made the target from it."""
    try:
        a, b = source.stat(), target.stat()
    except OSError:
        return False
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns


def _files(root: Path) -> Iterable[Path]:
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            else:
                yield Path(entry.path)


def copy_changed(source: Path, target: Path, names: Iterable[str] | None = None, skip: Iterable[str] = ()) -> set[Path]:
    """Copy the files under ``source`` (only its entries ``names`` when given, never
    those in ``skip`` or starting with a dot) to the same places under ``target``,
    each only when it differs there; returns the target paths of all of them."""
    placed: set[Path] = set()
    skipped = set(skip)
    if not source.is_dir():
        return placed
    wanted = set(names) if names is not None else None
    for item in source.iterdir():
        if item.name.startswith(".") or item.name in skipped or (wanted is not None and item.name not in wanted):
            continue
        for path in [item] if not item.is_dir() else _files(item):
            dest = target / path.relative_to(source)
            placed.add(dest)
            if not _same(path, dest):
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, dest)
    return placed


def prune(root: Path, keep: set[Path], only: Iterable[str] | None = None) -> None:
    """Remove the files under ``root`` (under its entries ``only`` when given) that
    are not in ``keep``, and the folders left empty."""
    if not root.is_dir():
        return
    tops = [root / name for name in only] if only is not None else [root]
    for top in tops:
        if top.is_file() or top.is_symlink():
            if top not in keep:
                top.unlink()
            continue
        if not top.is_dir():
            continue
        for path in list(_files(top)):
            if path not in keep:
                path.unlink()
        for folder in sorted((p for p in top.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
        if top != root and not any(top.iterdir()):
            top.rmdir()


def sync_generated(work_docs: Path, docs_dir: Path, generated: Iterable[str]) -> None:
    """The rendered pages of ``work_docs`` in ``docs_dir`` too, copied only where
    they differ; pages rendering no longer makes are removed there."""
    names = list(generated)
    docs_dir.mkdir(parents=True, exist_ok=True)
    placed = copy_changed(work_docs, docs_dir, names=names)
    prune(docs_dir, placed, only=[n for n in names if (docs_dir / n).exists()])
