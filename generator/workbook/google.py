"""Writing to the staff's Google spreadsheets, only when asked.

- ``template --google KEY`` adds the tabs the spreadsheet lacks, each with
  its header row, a note on each header, dropdowns for enumerations and
  yes/no columns and a frozen header row, in one ``batchUpdate``. Existing
  tabs are never touched, so running it twice changes nothing. The notes and
  choices are those of the xlsx template (``template.py``).
- ``validate --write-back`` writes the report into the tab ``校验结果``
  (created, or cleared and rewritten) in one ``batchUpdate``; no other tab is
  touched.

Both need the read-write scope; reading never asks for it. Cell texts are
written as plain strings (``stringValue``), never as formulas.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gspread import Client

from ..check.report import ERROR, Report
from ..i18n import _
from ..schema import Field, SheetSchema, WorkbookSchema
from ..sources.gsheets import RESULTS_TAB, WRITE_SCOPES, api_errors, connect, spreadsheet_key
from ..sources.source import Source, google_keys
from .template import BOOLEAN_CHOICES, header_note

DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26


def _sheets(metadata: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [s.get("properties", {}) for s in metadata.get("sheets", [])]


def _next_ids(metadata: Mapping[str, Any]) -> int:
    ids = [int(p.get("sheetId", 0)) for p in _sheets(metadata)]
    return max(ids, default=0) + 1


# --- template --------------------------------------------------------------


def _choices(f: Field) -> tuple[str, ...] | None:
    if f.kind == "enum" and f.enum:
        return f.enum
    if f.kind == "boolean":
        return BOOLEAN_CHOICES
    return None


def _tab_requests(sheet: SheetSchema, schema: WorkbookSchema, sheet_id: int, index: int) -> list[dict[str, Any]]:
    columns = max(DEFAULT_COLUMNS, len(sheet.fields))
    requests: list[dict[str, Any]] = [
        {"addSheet": {"properties": {
            "sheetId": sheet_id, "title": sheet.title, "index": index,
            "gridProperties": {"rowCount": DEFAULT_ROWS, "columnCount": columns, "frozenRowCount": 1},
        }}},
        {"updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
            "rows": [{"values": [
                {
                    "userEnteredValue": {"stringValue": f.title},
                    "note": header_note(f, sheet, schema),
                    "userEnteredFormat": {"textFormat": {"bold": True}},
                }
                for f in sheet.fields
            ]}],
            "fields": "userEnteredValue,note,userEnteredFormat.textFormat.bold",
        }},
    ]
    for col, f in enumerate(sheet.fields):
        choices = _choices(f)
        if choices is None:
            continue
        requests.append({"setDataValidation": {
            "range": {"sheetId": sheet_id, "startRowIndex": 1, "endRowIndex": DEFAULT_ROWS,
                      "startColumnIndex": col, "endColumnIndex": col + 1},
            "rule": {
                "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": c} for c in choices]},
                "strict": True,
                "showCustomUi": True,
            },
        }})
    return requests


def template_request(metadata: Mapping[str, Any], schema: WorkbookSchema) -> tuple[dict[str, Any], list[tuple[int, str]]]:
    """The batchUpdate body adding the missing tabs, and the tabs it adds (id, title)."""
    present = set()
    for props in _sheets(metadata):
        found = schema.sheet_by_tab(str(props.get("title", "")))
        if found is not None:
            present.add(found.name)
    next_id = _next_ids(metadata)
    index = len(_sheets(metadata))
    requests: list[dict[str, Any]] = []
    added: list[tuple[int, str]] = []
    for sheet in schema.sheets:
        if sheet.name in present:
            continue
        sheet_id = next_id + len(added)
        requests.extend(_tab_requests(sheet, schema, sheet_id, index + len(added)))
        added.append((sheet_id, sheet.title))
    return {"requests": requests}, added


def add_template_tabs(spec: str, schema: WorkbookSchema, *, credentials: str | os.PathLike[str] | None = None,
                      gspread_client: Client | None = None) -> list[str]:
    """Add the missing tabs to a Google spreadsheet; the titles added (maybe none)."""
    key = spreadsheet_key(spec if spec.startswith("gsheet:") or "/" in spec else f"gsheet:{spec}")
    client, email = (gspread_client, None) if gspread_client is not None else connect(credentials, WRITE_SCOPES)
    with api_errors(key, email):
        metadata = client.http_client.fetch_sheet_metadata(key)
        body, added = template_request(metadata, schema)
        if added:
            client.http_client.batch_update(key, body)
    return [title for _id, title in added]


# --- write-back ------------------------------------------------------------


def report_rows(report: Report) -> list[list[str]]:
    header = [_("Severity"), _("Cell"), _("Column"), _("Value"), _("Problem"), _("How to fix")]
    rows = [header]
    for f in report.sorted():
        rows.append([
            _("Error") if f.severity == ERROR else _("Warning"),
            f.place, f.column or "", f.value or "", f.message, f.hint,
        ])
    if len(rows) == 1:
        rows.append(["", "", "", "", _("No problems found."), ""])
    rows.append(["", "", "", "", report.summary(), ""])
    return rows


def report_request(metadata: Mapping[str, Any], report: Report) -> dict[str, Any]:
    """The batchUpdate body writing the report into 校验结果 (created or cleared)."""
    rows = report_rows(report)
    width = len(rows[0])
    existing = next((p for p in _sheets(metadata) if p.get("title") == RESULTS_TAB), None)
    requests: list[dict[str, Any]] = []
    if existing is None:
        sheet_id = _next_ids(metadata)
        requests.append({"addSheet": {"properties": {
            "sheetId": sheet_id, "title": RESULTS_TAB,
            "gridProperties": {"rowCount": max(DEFAULT_ROWS, len(rows)), "columnCount": max(DEFAULT_COLUMNS, width),
                               "frozenRowCount": 1},
        }}})
    else:
        sheet_id = int(existing.get("sheetId", 0))
        grid = existing.get("gridProperties", {})
        if grid.get("rowCount", 0) < len(rows) or grid.get("columnCount", 0) < width:
            requests.append({"updateSheetProperties": {
                "properties": {"sheetId": sheet_id, "gridProperties": {
                    "rowCount": max(grid.get("rowCount", 0), len(rows)),
                    "columnCount": max(grid.get("columnCount", 0), width)}},
                "fields": "gridProperties.rowCount,gridProperties.columnCount",
            }})
    # A range without bounds is the whole tab: cells the rows do not cover are cleared.
    requests.append({"updateCells": {
        "range": {"sheetId": sheet_id},
        "rows": [{"values": [{"userEnteredValue": {"stringValue": v}} for v in row]} for row in rows],
        "fields": "userEnteredValue",
    }})
    return {"requests": requests}


@dataclass
class WrittenBack:
    key: str
    rows: int


def write_report(sources: Sequence[Source], report: Report, *, credentials: str | os.PathLike[str] | None = None,
                 gspread_client: Client | None = None) -> list[WrittenBack]:
    """Write the report into 校验结果 of every Google spreadsheet among the sources."""
    keys = google_keys(sources)
    if not keys:
        return []
    client, email = (gspread_client, None) if gspread_client is not None else connect(credentials, WRITE_SCOPES)
    done = []
    for key in keys:
        with api_errors(key, email):
            metadata = client.http_client.fetch_sheet_metadata(key)
            body = report_request(metadata, report)
            client.http_client.batch_update(key, body)
        done.append(WrittenBack(key=key, rows=len(report.findings)))
    return done
