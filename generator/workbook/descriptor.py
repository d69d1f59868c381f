"""The workbook contract as a Frictionless Data Package descriptor, and the
checked workbook as the CSV folder that descriptor describes.

One resource per sheet, its data in ``<sheet key>.csv`` with the field keys as
the header row. Types are the generic Table Schema ones (lists are strings);
the rules only this project knows (credit codes, phones, status-dependent
rules …) stay in ``sheets_schema/``. The CSV folder is also a valid source for
``validate`` (tabs and headers match by key).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import NuanqiError
from ..render.escape import csv_cell
from ..schema import Field, SheetSchema, WorkbookSchema

if TYPE_CHECKING:
    from ..check import Checked

TRUE_VALUE, FALSE_VALUE = "是", "否"
_TYPES = {"date": "date", "boolean": "boolean", "integer": "integer", "decimal": "number"}


def _field(f: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"name": f.name, "title": f.title, "type": _TYPES.get(f.kind, "string")}
    if f.description:
        out["description"] = f.description
    if f.example is not None:
        out["example"] = f.example
    if f.kind == "boolean":
        out["trueValues"] = [TRUE_VALUE]
        out["falseValues"] = [FALSE_VALUE]
    constraints: dict[str, Any] = {}
    if f.required:
        constraints["required"] = True
    if f.unique:
        constraints["unique"] = True
    if f.kind == "enum" and f.enum:
        constraints["enum"] = list(f.enum)
    if f.minimum is not None:
        constraints["minimum"] = int(f.minimum) if f.kind == "integer" else f.minimum
    if f.maximum is not None:
        constraints["maximum"] = int(f.maximum) if f.kind == "integer" else f.maximum
    if constraints:
        out["constraints"] = constraints
    return out


def resource(sheet: SheetSchema) -> dict[str, Any]:
    table_schema: dict[str, Any] = {"fields": [_field(f) for f in sheet.fields]}
    if sheet.primary_key:
        table_schema["primaryKey"] = list(sheet.primary_key)
    if sheet.foreign_keys:
        # Table Schema names a reference to the resource's own rows with "" (原问题编号 → 问题编号).
        table_schema["foreignKeys"] = [
            {"fields": [fk.field], "reference": {"resource": "" if fk.sheet == sheet.name else fk.sheet,
                                                 "fields": [fk.target]}}
            for fk in sheet.foreign_keys
        ]
    out: dict[str, Any] = {
        "name": sheet.name,
        "title": sheet.title,
        "path": f"{sheet.name}.csv",
        "profile": "tabular-data-resource",
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
    }
    if sheet.description:
        out["description"] = sheet.description
    out["schema"] = table_schema
    return out


def descriptor(schema: WorkbookSchema) -> dict[str, Any]:
    """The Data Package descriptor (``datapackage.json``) of all sheets."""
    return {
        "profile": "tabular-data-package",
        "name": "nuanqi-workbook",
        "title": schema.title,
        "resources": [resource(s) for s in schema.sheets],
    }


def descriptor_json(schema: WorkbookSchema) -> str:
    return json.dumps(descriptor(schema), ensure_ascii=False, indent=2)


def _csv_value(f: Field, typed: Any, raw: Any) -> str:
    """A cell as the descriptor expects it: the typed value when the cell
    could be typed, otherwise what staff typed (so that other tools see the
    same mistake)."""
    if typed is None or typed == ():
        if raw is None:
            return ""
        from ..check.cells import display

        return display(raw)
    if isinstance(typed, bool):
        return TRUE_VALUE if typed else FALSE_VALUE
    if isinstance(typed, dt.date):
        return typed.isoformat()
    if isinstance(typed, tuple):
        return "、".join(str(v) for v in typed)
    if isinstance(typed, float) and typed.is_integer():
        return str(int(typed))
    return str(typed)


def export_csv(checked: Checked, directory: Path, schema: WorkbookSchema) -> dict[str, list[int]]:
    """Write each checked sheet to ``<key>.csv`` and the descriptor to
    ``datapackage.json``; returns, per sheet key, the spreadsheet row number
    of each CSV data row (the CSV has no blank rows)."""
    rows_of: dict[str, list[int]] = {}
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for sheet in schema.sheets:
            table = checked.tables.get(sheet.name)
            if table is None:
                continue
            with (directory / f"{sheet.name}.csv").open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow([f.name for f in sheet.fields])
                for row in table.rows:
                    writer.writerow(
                        [csv_cell(_csv_value(f, row.values.get(f.name), row.raw.get(f.name))) for f in sheet.fields]
                    )
            rows_of[sheet.name] = [row.number for row in table.rows]
        package = descriptor(schema)
        package["resources"] = [r for r in package["resources"] if r["name"] in rows_of]
        (directory / "datapackage.json").write_text(
            json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    except OSError as exc:
        raise NuanqiError(f"无法写入 {directory}：{exc.strerror or exc}") from exc
    return rows_of
