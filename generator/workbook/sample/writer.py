"""The sample's rows as an xlsx (and copies of the policies, for size tests)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import xlsxwriter

from ...errors import NuanqiError
from ...i18n import _
from ...schema import WorkbookSchema, load_schema
from .challenges import add_photos, write_photos
from .registers import generate


def grow_policies(rows: dict[str, list[dict[str, Any]]], n: int) -> None:
    """Copies of the policies (and their steps and conditions) under new IDs, up to ``n`` (for size tests)."""
    originals = list(rows["policies"])
    steps: dict[str, list[dict[str, Any]]] = {}
    for s in rows["policy_steps"]:
        steps.setdefault(s["policy_id"], []).append(s)
    conditions: dict[str, list[dict[str, Any]]] = {}
    for c in rows.get("policy_conditions", []):
        conditions.setdefault(c["policy_id"], []).append(c)
    i = len(originals)
    while len(rows["policies"]) < n:
        source = originals[i % len(originals)]
        i += 1
        pid = f"P{i:04d}"
        rows["policies"].append({**source, "policy_id": pid, "title": f"{source['title']}（副本{i}）",
                                 "online_url": f"https://zwfw.example.gov.cn/apply/{pid}"})
        rows["policy_steps"].extend({**s, "policy_id": pid} for s in steps[source["policy_id"]])
        if "policy_conditions" in rows:
            rows["policy_conditions"].extend({**c, "policy_id": pid} for c in conditions.get(source["policy_id"], []))


def _cells(rows: list[dict[str, Any]], keys: list[str]) -> Iterator[list[Any]]:
    for row in rows:
        yield [row.get(k) for k in keys]


def write_sample(out: Path, scale: str = "district", seed: int = 2022, *, overwrite: bool = True) -> dict[str, int]:
    """Write the workbook (xlsx); returns the row count of each sheet by its title.
    An existing file (perhaps the staff's own workbook) is kept unless ``overwrite``
    (the command line passes ``--force``).

    XlsxWriter in constant-memory mode streams rows to disk: the province
    workbook takes about a third of the time openpyxl's write-only mode took.
    """
    if not overwrite and (out.exists() or out.is_symlink()):
        raise NuanqiError(
            _("{path} already exists and was left as it is; name a new file, or add --force to replace it.").format(path=out)
        )
    schema = load_schema()
    rows = generate(scale, seed, schema)
    # The example's photos, beside the workbook as staff keep them (照片 names them).
    add_photos(rows)
    write_photos(out.parent)
    return write_rows(out, rows, schema)


def write_rows(out: Path, data: dict[str, list[dict[str, Any]]], schema: WorkbookSchema) -> dict[str, int]:
    """Rows per sheet key as an xlsx, headers the sheets' Chinese titles; the row count of each sheet."""
    out.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_numbers": False,
                                          "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"created": dt.datetime(2022, 12, 31, 0, 0, 0)})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    counts: dict[str, int] = {}
    for sheet in schema.sheets:
        if sheet.name not in data:
            continue
        ws = book.add_worksheet(sheet.title)
        keys = [f.name for f in sheet.fields]
        for c, f in enumerate(sheet.fields):
            ws.write_string(0, c, f.title)  # a string, never a formula (as every text cell below)
        for r, cells in enumerate(_cells(data[sheet.name], keys), start=1):
            for c, value in enumerate(cells):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, value, date_format)
                elif isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write_number(r, c, value)
        counts[sheet.title] = len(data[sheet.name])
    book.close()
    return counts
