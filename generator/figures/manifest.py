"""The frozen store's manifest (``manifest.json`` in the published folder): what
every ``publish`` froze, with a SHA-256 of each file, release by release, each
release naming the hash of the one before it.

A build checks the folder against it before reading any frozen period: a
listed file that is missing or edited, a period file nobody published, or an
edited manifest stops the build (exit 2) with the file and how to restore it.
Without the chain, deleting a frozen file would silently republish its period
with today's numbers. A folder frozen before the manifest existed has none; the
first ``publish`` that writes one adopts the files already there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..i18n import _
from .periods import KINDS

MANIFEST = "manifest.json"
FORMAT = 1


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _release_hash(release: dict[str, Any]) -> str:
    text = json.dumps(release, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def period_files(folder: Path) -> list[str]:
    """The period files in the folder, as the manifest names them (``month/2022-05.json``)."""
    return sorted(f"{kind}/{p.name}" for kind in KINDS for p in (folder / kind).glob("*.json"))


def restore_hint(folder: Path, name: str) -> str:
    return _("Restore it from the repository's history (git log -- {path}; git checkout <commit> -- {path}).").format(
        path=folder / name)


def _load(folder: Path) -> list[dict[str, Any]] | None:
    path = folder / MANIFEST
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        releases = data["releases"]
        if data.get("format") != FORMAT or not isinstance(releases, list):
            raise ValueError
        for release in releases:
            if not isinstance(release["files"], dict) or not isinstance(release["on"], str):
                raise ValueError
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(_("The manifest {path} of the frozen periods cannot be read. {hint}").format(
            path=path, hint=restore_hint(folder, MANIFEST))) from exc
    return releases


def verify(folder: Path) -> None:
    """ConfigError unless every frozen file is the one ``publish`` wrote, and none is missing or extra."""
    releases = _load(folder)
    if releases is None:
        return
    previous = None
    listed: dict[str, str] = {}
    for release in releases:
        if release.get("previous") != previous:
            raise ConfigError(_("The manifest {path} of the frozen periods has been edited: its releases no longer "
                                "chain. {hint}").format(path=folder / MANIFEST, hint=restore_hint(folder, MANIFEST)))
        previous = _release_hash(release)
        listed.update(release["files"])
    for name, digest in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            raise ConfigError(_("The frozen period file {path} is missing: it was published and its figures must "
                                "not change. {hint}").format(path=path, hint=restore_hint(folder, name)))
        if _sha256(path) != digest:
            raise ConfigError(_("The frozen period file {path} has been edited since it was published. {hint}").format(
                path=path, hint=restore_hint(folder, name)))
    for name in period_files(folder):
        if name not in listed:
            raise ConfigError(_("The file {path} is not in the manifest of the frozen periods: only publish writes "
                                "frozen periods. Remove it, or restore the folder from the repository's history.").format(
                path=folder / name))


def releases_of(folder: Path) -> dict[str, int] | None:
    """The release (its position in the manifest) that froze each listed file; None without a manifest."""
    releases = _load(folder)
    if releases is None:
        return None
    return {name: n for n, release in enumerate(releases) for name in release["files"]}


def record(folder: Path, on: dt.date) -> None:
    """Add a release for the period files not listed yet (all of them in a folder without a manifest)."""
    releases = _load(folder) or []
    listed = {name for release in releases for name in release["files"]}
    new = {name: _sha256(folder / name) for name in period_files(folder) if name not in listed}
    if not new:
        return
    release = {"on": on.isoformat(), "previous": _release_hash(releases[-1]) if releases else None, "files": new}
    releases.append(release)
    path = folder / MANIFEST
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"format": FORMAT, "releases": releases}, ensure_ascii=False, indent=1) + "\n",
                   encoding="utf-8")
    tmp.replace(path)
