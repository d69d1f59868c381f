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
from collections.abc import Collection
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..i18n import _
from .consistency import chain_problems, problems
from .document import PeriodDocument, from_json, to_json
from .manifest import MANIFEST, record, releases_of, restore_hint, verify
from .periods import KINDS, parse_key
from .report import FrozenKey, Progress

# The version of the files this store writes, and the versions it reads. Version
# 1 also held the labels of the period and the tables (ignored: labels are
# render's); version 2 holds only the published values; version 3 marks every
# withheld cell "*" (2 wrote "<k", read now as "*"), rounds rates 四舍五入 in
# decimal arithmetic, names the satisfaction rates satisfied_rate and
# satisfied_or_basic_rate, and says why a withheld table is withheld.
FORMAT = 3
READABLE = frozenset({1, 2, 3})


def frozen_path(directory: Path, kind: str, key: str) -> Path:
    return directory / kind / f"{key}.json"


def load_frozen(directory: Path | None, complete: Collection[str] = ("category",)) -> dict[FrozenKey, PeriodDocument]:
    """Every frozen period in the folder; ConfigError naming the file if one is damaged,
    edited or inconsistent (``consistency``; ``complete``: the tables that cover every issue)."""
    out: dict[FrozenKey, PeriodDocument] = {}
    if directory is None or not directory.is_dir():
        return out
    verify(directory)  # every file the one publish wrote, none missing: before any is read
    releases = releases_of(directory)
    for kind in KINDS:
        previous: tuple[PeriodDocument, str] | None = None
        for path in sorted((directory / kind).glob("*.json"), key=lambda p: parse_key(kind, p.stem).start
                           if _is_key(kind, p.stem) else dt.date.min):
            doc = _read(path, kind)
            name = f"{kind}/{path.name}"
            if releases is None and not doc.legacy_rounding:
                raise ConfigError(_("The frozen period file {path} was written with a manifest, but {manifest} is "
                                    "missing. {hint}").format(path=path, manifest=directory / MANIFEST,
                                                              hint=restore_hint(directory, MANIFEST)))
            reasons = problems(doc, complete)
            if previous is not None and _frozen_together(previous, (doc, name), releases):
                reasons += chain_problems(previous[0], doc)
            if reasons:
                raise ConfigError(_("The frozen period file {path} contradicts itself: {reasons}. It was not written "
                                    "by publish as it is now. {hint}").format(
                    path=path, reasons="；".join(reasons), hint=restore_hint(directory, name)))
            out[doc.id] = doc
            previous = (doc, name)
    return out


def _is_key(kind: str, key: str) -> bool:
    try:
        parse_key(kind, key)
    except ValueError:
        return False
    return True


def _frozen_together(a: tuple[PeriodDocument, str], b: tuple[PeriodDocument, str], releases: dict[str, int] | None) -> bool:
    """Consecutive periods of one kind frozen by one publish (one release and one day): one ledger made both."""
    (first, first_name), (second, second_name) = a, b
    if first.period.end + dt.timedelta(days=1) != second.period.start or first.frozen_on != second.frozen_on:
        return False
    return releases is not None and releases.get(first_name) == releases.get(second_name) is not None


def _read(path: Path, kind: str) -> PeriodDocument:
    """One stored period; ConfigError in plain words when the file is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        version = data.get("format", 1) if isinstance(data, dict) else None
        if version not in READABLE:
            reason = _("format {version} is not one this version reads ({known})").format(
                version=version, known="、".join(str(v) for v in sorted(READABLE)))
        else:
            return from_json(data, kind, path.stem)
    except json.JSONDecodeError:
        reason = _("it is not a JSON file")
    except KeyError as exc:
        reason = _("the entry “{name}” is missing").format(name=exc.args[0] if exc.args else "")
    except ValueError:
        reason = _("its period is not the one its name says, or a date or number is wrong")
    except (TypeError, AttributeError) as exc:
        reason = _("an entry has the wrong shape ({detail})").format(detail=type(exc).__name__)
    raise ConfigError(_("The frozen statistics file {path} cannot be read ({reason}). "
                        "Restore it from version control.").format(path=path, reason=reason))


def frozen_text(doc: PeriodDocument) -> str:
    stored: dict[str, Any] = {"format": FORMAT}
    stored.update(to_json(doc))
    return json.dumps(stored, ensure_ascii=False, indent=1) + "\n"


def write_frozen(directory: Path, docs: list[PeriodDocument]) -> list[Path]:
    """Write the files; an existing file is never rewritten."""
    written = []
    for doc in docs:
        path = frozen_path(directory, doc.period.kind, doc.period.key)
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(frozen_text(doc), encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    if written:
        record(directory, docs[0].frozen_on or dt.date.today())
    return written


def complete_tables(schema: Any) -> tuple[str, ...]:
    """The tables that count every issue: by category (required), and by each enterprise
    attribute whose field is required (every issue names an enterprise, checked)."""
    enterprises = schema.sheet("enterprises")
    return ("category",) + tuple(
        name for name, d in schema.dimensions.items() if enterprises.field(d.field).required)


def prepare(
    programme: Any, schema: Any, published_dir: Path, freeze_kind: str | None,
) -> tuple[Progress, Path]:
    """The audited progress figures with the frozen periods; with ``freeze_kind``, the
    finished periods of that kind not frozen yet are marked for freezing (written by
    ``write_frozen`` only after the site built)."""
    from .report import compile_progress
    from .suppression import threshold

    folder = published_dir.resolve()  # the default folder is the first source's (Source.published_dir)
    freeze = (freeze_kind,) if freeze_kind else ()
    frozen = load_frozen(folder, complete_tables(schema))
    progress = compile_progress(programme, schema, threshold(schema), frozen, freeze)
    return progress, folder
