"""Sources: where the sheets come from. Every reader yields the same
``RawSheet``: the tab's cells as the reader found them, row 1 first."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..i18n import _
from ..schema import PROJECT_ROOT

EXAMPLE_WORKBOOK = PROJECT_ROOT / "examples" / "dinghai-2022.xlsx"


@dataclass
class RawSheet:
    tab: str
    source: str
    rows: list[list[Any]]
    # Ranges of merged cells as (first_row, first_col, last_row, last_col), 0-based.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def is_google(spec: str) -> bool:
    return spec.startswith("gsheet:") or "docs.google.com/spreadsheets" in spec


def read_source(spec: str, **options: Any) -> list[RawSheet]:
    """All tabs of one source (a file, a CSV folder, or a Google spreadsheet)."""
    if is_google(spec):
        from .gsheets import read_google

        return read_google(spec, **options)
    path = Path(spec)
    if path.is_dir():
        from .csvdir import read_csv_folder

        return read_csv_folder(path)
    if not path.exists():
        raise SourceError(_("Source {spec} not found: check the path.").format(spec=spec))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        from .excel import read_spreadsheet

        return read_spreadsheet(path)
    if suffix == ".csv":
        raise SourceError(
            _("{spec} is a single CSV file: save each sheet as a CSV named by its tab, put them in one folder "
              "and give that folder as the source.").format(spec=spec)
        )
    raise SourceError(_("{spec} is not a supported source: use .xlsx, .ods, a CSV folder or a Google Sheets link.").format(spec=spec))
