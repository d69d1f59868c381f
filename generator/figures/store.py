"""Frozen periods (site.md, "Periods"): ``publish`` stores a finished period's
published figures in a small JSON file, and later builds render that period
from the file, so a published number never changes silently.

Files live in a *published folder* kept in the repository: by default a
``published/`` folder next to the first source workbook (``examples/published``
for the bundled example, the current folder for Google Sheets), or
``--published-dir DIR``. One file per period: ``week/2022-W05.json``,
``month/2022-05.json``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..i18n import _
from .breakdowns import PeriodDoc
from .periods import KINDS, parse_key
from .report import FrozenKey, Progress

FORMAT = 1


def frozen_path(directory: Path, kind: str, key: str) -> Path:
    return directory / kind / f"{key}.json"


def load_frozen(directory: Path | None) -> dict[FrozenKey, PeriodDoc]:
    """Every frozen period in the folder; ConfigError naming the file if one is damaged."""
    out: dict[FrozenKey, PeriodDoc] = {}
    if directory is None or not directory.is_dir():
        return out
    for kind in KINDS:
        for path in sorted((directory / kind).glob("*.json")):
            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
                period = doc["period"]
                if period["kind"] != kind or period["key"] != path.stem:
                    raise ValueError("period does not match the file name")
                parse_key(kind, period["key"])
                doc["figures"]["issues_new"]  # noqa: B018 - shape check
                doc["tables"]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise ConfigError(_("The frozen statistics file {path} cannot be read ({reason}). "
                                    "Restore it from version control.").format(path=path, reason=exc)) from exc
            doc["frozen"] = doc.get("frozen") or {"on": None}
            out[(kind, path.stem)] = doc
    return out


def mark_for_freezing(progress: Progress, kind: str, as_of: dt.date) -> list[PeriodDoc]:
    """The finished periods of ``kind`` not frozen yet, marked as frozen today."""
    marked = []
    for doc in progress.docs.get(kind, []):
        if doc.get("frozen"):
            continue
        doc["frozen"] = {"on": as_of.isoformat()}
        marked.append(doc)
    progress.to_freeze = marked
    return marked


def frozen_text(doc: PeriodDoc) -> str:
    stored: dict[str, Any] = {"format": FORMAT}
    stored.update({k: v for k, v in doc.items() if k != "revisions"})
    return json.dumps(stored, ensure_ascii=False, indent=1) + "\n"


def write_frozen(directory: Path, docs: list[PeriodDoc]) -> list[Path]:
    """Write the files; an existing file is never rewritten."""
    written = []
    for doc in docs:
        path = frozen_path(directory, doc["period"]["kind"], doc["period"]["key"])
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(frozen_text(doc), encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    return written


def prepare(
    programme: Any, schema: Any, published_dir: Path, freeze_kind: str | None,
) -> tuple[Progress, Path]:
    """The audited progress figures with the frozen periods; with ``freeze_kind``, the
    finished periods of that kind not frozen yet are marked for freezing (written by
    ``write_frozen`` only after the site built)."""
    from .report import compile_progress
    from .suppression import threshold

    folder = published_dir.resolve()  # the default folder is the first source's (Source.published_dir)
    progress = compile_progress(programme, schema, threshold(schema), load_frozen(folder))
    if freeze_kind:
        mark_for_freezing(progress, freeze_kind, programme.as_of)
    return progress, folder
