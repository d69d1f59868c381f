"""Writes the recorded Google Sheets API traffic the tests play back.

    python tests/cassettes/make_cassettes.py

The cassettes are vcrpy's JSON format, shaped as gspread's own recordings of
the real API (request method, uri, body, headers; response status, headers,
body string; error bodies ``{"error": {"code", "message", "status"}}``), but
the spreadsheets hold our tabs: a consistent slice of the district sample
(``python -m generator sample``), with a few cells as Google gives them
(real booleans, a number in an ID column, a date with a time). The output is
deterministic (the same sample and schema give the same files); regenerate them
after a change to the schema or the sample.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from generator.schema import WorkbookSchema, load_schema  # noqa: E402
from generator.workbook.sample import generate  # noqa: E402

SAMPLE_KEY = "1NqSampleBookDinghai2022xxxxxxxxxxxxxxxxxxx"
SMALL_KEY = "1NqSmallBookDepartmentsOnlyxxxxxxxxxxxxxxxxx"
PRIVATE_KEY = "1NqPrivateBookNotSharedxxxxxxxxxxxxxxxxxxxx"
ORG_KEY = "1NqOrgDeptOfficersAndAssignmentsxxxxxxxxxxx"
OFFICE_KEY = "1NqServiceOfficeLedgersxxxxxxxxxxxxxxxxxxxx"
MISSING_KEY = "1NqNoSuchBookxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
TOKEN_URI = "https://oauth2.googleapis.com/token"
SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"
EPOCH = dt.date(1899, 12, 30)
DATE = "Sat, 31 Dec 2022 08:00:00 GMT"
# The request count after which RetryingHTTPClient gives up on a 5xx:
# waits of 2, 4, 8, 16 s (30 s), the next (32 s) would pass the 60 s bound.
GIVE_UP_AFTER = 5


# --- the data ----------------------------------------------------------------


LIMITS = {"enterprises": 30, "policies": 10}
DEFAULT_LIMIT = 40


def dataset() -> dict[str, list[dict[str, Any]]]:
    """A slice of the district sample that stays consistent (rows whose
    references were cut are dropped), plus a few cells as Google Sheets keeps
    them."""
    schema = load_schema()
    rows = copy.deepcopy(generate("district", 2022))
    kept: dict[str, list[dict[str, Any]]] = {}
    for sheet in schema.sheets:
        if sheet.name not in rows:
            continue
        out = []
        for row in rows[sheet.name]:
            ok = True
            for fk in sheet.foreign_keys:
                if row.get(fk.field) in (None, "") or fk.sheet not in kept:
                    continue
                if not any(p.get(fk.target) == row.get(fk.field) for p in kept[fk.sheet]):
                    ok = False
            if ok:
                out.append(row)
        if sheet.name in LIMITS or (len(out) > DEFAULT_LIMIT and not sheet.primary_key):
            out = out[: LIMITS.get(sheet.name, DEFAULT_LIMIT)]
        kept[sheet.name] = out
    rows = kept
    # Checkbox cells are real booleans; an ID typed as a number; a date with a time.
    for e in rows["enterprises"][:10]:
        e["above_scale"] = e["above_scale"] == "是"
    rows["departments"].append({"dept_id": 1099, "name": "区数据资源管理局（示例）", "phone": "0580-2069999"})
    rows["issues"][0]["reported_on"] = dt.datetime.combine(rows["issues"][0]["reported_on"], dt.time(9, 30))
    return rows


def serial(value: dt.date) -> float | int:
    if isinstance(value, dt.datetime):
        delta = value - dt.datetime.combine(EPOCH, dt.time())
        return delta.days + delta.seconds / 86400
    return (value - EPOCH).days


def api_cell(value: Any) -> Any:
    """A cell as values:batchGet returns it with UNFORMATTED_VALUE and SERIAL_NUMBER."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return serial(value)
    return value


def api_rows(header: list[str], keys: list[str], rows: list[dict[str, Any]]) -> list[list[Any]]:
    """Header then rows; the API drops trailing empty cells and rows."""
    out: list[list[Any]] = [list(header)]
    for row in rows:
        cells = [api_cell(row.get(k)) for k in keys]
        while cells and cells[-1] == "":
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def tabs_of(rows_by_sheet: dict[str, list[dict[str, Any]]], schema: WorkbookSchema) -> list[tuple[str, list[list[Any]]]]:
    tabs = []
    for sheet in schema.sheets:
        if sheet.name in rows_by_sheet:
            keys = [f.name for f in sheet.fields]
            tabs.append((sheet.title, api_rows([f.title for f in sheet.fields], keys, rows_by_sheet[sheet.name])))
    return tabs


# --- HTTP shapes -----------------------------------------------------------


def _request(method: str, uri: str, body: Any = None, *, token: bool = True) -> dict[str, Any]:
    headers: dict[str, list[str]] = {
        "User-Agent": ["python-requests/2.32.3"],
        "Accept-Encoding": ["gzip, deflate"],
        "Accept": ["*/*"],
        "Connection": ["keep-alive"],
    }
    text = None
    if body is not None:
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        headers["Content-Length"] = [str(len(text.encode("utf-8")))]
        headers["Content-Type"] = ["application/json" if not isinstance(body, str) else "application/x-www-form-urlencoded"]
    if token:
        headers["authorization"] = ["<ACCESS_TOKEN>"]
    return {"method": method, "uri": uri, "body": text, "headers": headers}


_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


def _response(code: int, body: Any, *, compact: bool = False) -> dict[str, Any]:
    # The API indents its JSON; the long values:batchGet answers are kept compact here.
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":")) if compact else (
        json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    return {
        "status": {"code": code, "message": _REASONS[code]},
        "headers": {
            "Content-Type": ["application/json; charset=UTF-8"],
            "Vary": ["Origin", "X-Origin", "Referer"],
            "Date": [DATE],
            "Server": ["ESF"],
            "Cache-Control": ["private"],
            "X-XSS-Protection": ["0"],
            "X-Frame-Options": ["SAMEORIGIN"],
            "X-Content-Type-Options": ["nosniff"],
            "Alt-Svc": ['h3=":443"; ma=2592000,h3-29=":443"; ma=2592000'],
            "content-length": [str(len(text.encode("utf-8")))],
        },
        "body": {"string": text},
    }


def _error(code: int, message: str, status: str) -> dict[str, Any]:
    return _response(code, {"error": {"code": code, "message": message, "status": status}})


API_DISABLED = {"error": {
    "code": 403,
    "message": "Google Sheets API has not been used in project 123456789012 before or it is disabled. Enable it by "
               "visiting https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=123456789012 "
               "then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our "
               "systems and retry.",
    "status": "PERMISSION_DENIED",
    "details": [
        {"@type": "type.googleapis.com/google.rpc.Help", "links": [{
            "description": "Google developers console API activation",
            "url": "https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=123456789012"}]},
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED", "domain": "googleapis.com",
         "metadata": {"service": "sheets.googleapis.com", "consumer": "projects/123456789012"}},
    ],
}}


def bad_gateway(key: str) -> dict[str, Any]:
    """A proxy's 502 page: HTML, not the API's JSON error."""
    text = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n"
    response = _response(200, {})
    response["status"] = {"code": 502, "message": _REASONS[502]}
    response["headers"]["Content-Type"] = ["text/html; charset=UTF-8"]
    response["headers"]["content-length"] = [str(len(text))]
    response["body"] = {"string": text}
    return {"request": _request("GET", f"{SHEETS}/{key}?includeGridData=false"), "response": response}


def token() -> dict[str, Any]:
    """The service account's token request (JWT bearer grant); its body is never matched."""
    return {
        "request": _request(
            "POST", TOKEN_URI,
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=<JWT>", token=False,
        ),
        "response": _response(200, {"access_token": "<ACCESS_TOKEN>", "expires_in": 3599, "token_type": "Bearer"}),
    }


def metadata_body(key: str, title: str, sheets: list[tuple[int, str, int, int]]) -> dict[str, Any]:
    """As spreadsheets.get with includeGridData=false; sheets as (id, title, rows, columns)."""
    return {
        "spreadsheetId": key,
        "properties": {
            "title": title,
            "locale": "zh_CN",
            "autoRecalc": "ON_CHANGE",
            "timeZone": "Asia/Shanghai",
            "defaultFormat": {
                "backgroundColor": {"red": 1, "green": 1, "blue": 1},
                "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
                "verticalAlignment": "BOTTOM",
                "wrapStrategy": "OVERFLOW_CELL",
                "textFormat": {
                    "foregroundColor": {}, "fontFamily": "arial,sans,sans-serif", "fontSize": 10,
                    "bold": False, "italic": False, "strikethrough": False, "underline": False,
                    "foregroundColorStyle": {"rgbColor": {}},
                },
                "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
            },
            "spreadsheetTheme": {
                "primaryFontFamily": "Arial",
                "themeColors": [
                    {"colorType": "TEXT", "color": {"rgbColor": {}}},
                    {"colorType": "BACKGROUND", "color": {"rgbColor": {"red": 1, "green": 1, "blue": 1}}},
                ],
            },
        },
        "sheets": [
            {
                "properties": {
                    "sheetId": sheet_id,
                    "title": tab,
                    "index": index,
                    "sheetType": "GRID",
                    "gridProperties": {"rowCount": nrows, "columnCount": ncols},
                }
            }
            for index, (sheet_id, tab, nrows, ncols) in enumerate(sheets)
        ],
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{key}/edit",
    }


def metadata(key: str, title: str, sheets: list[tuple[int, str, int, int]]) -> dict[str, Any]:
    return {
        "request": _request("GET", f"{SHEETS}/{key}?includeGridData=false"),
        "response": _response(200, metadata_body(key, title, sheets)),
    }


def metadata_error(key: str, code: int) -> dict[str, Any]:
    errors = {
        400: ("This operation is not supported for this document", "FAILED_PRECONDITION"),
        403: ("The caller does not have permission", "PERMISSION_DENIED"),
        404: ("Requested entity was not found.", "NOT_FOUND"),
        429: ("Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' "
              "of service 'sheets.googleapis.com'.", "RESOURCE_EXHAUSTED"),
        500: ("Internal error encountered.", "INTERNAL"),
        503: ("The service is currently unavailable.", "UNAVAILABLE"),
    }
    message, status = errors[code]
    return {"request": _request("GET", f"{SHEETS}/{key}?includeGridData=false"), "response": _error(code, message, status)}


def _a1(tab: str) -> str:
    return "'" + tab.replace("'", "''") + "'"


def batch_get_uri(key: str, tabs: list[str]) -> str:
    query = urlencode(
        {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
         "ranges": [_a1(t) for t in tabs]},
        doseq=True,
    )
    return f"{SHEETS}/{key}/values:batchGet?{query}"


def column(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def batch_get(key: str, tabs: list[tuple[str, list[list[Any]]]]) -> dict[str, Any]:
    ranges = []
    for tab, rows in tabs:
        width = max((len(r) for r in rows), default=0)
        value_range: dict[str, Any] = {"range": f"{_a1(tab)}!A1:{column(max(width, 1))}{max(len(rows), 1)}",
                                       "majorDimension": "ROWS"}
        if rows:
            value_range["values"] = rows
        ranges.append(value_range)
    return {
        "request": _request("GET", batch_get_uri(key, [t for t, _ in tabs])),
        "response": _response(200, {"spreadsheetId": key, "valueRanges": ranges}, compact=True),
    }


def batch_get_error(key: str, tabs: list[str], code: int) -> dict[str, Any]:
    body = metadata_error(key, code)["response"]
    return {"request": _request("GET", batch_get_uri(key, tabs)), "response": body}


def batch_update(key: str, body: dict[str, Any], replies: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "request": _request("POST", f"{SHEETS}/{key}:batchUpdate", body),
        "response": _response(200, {"spreadsheetId": key, "replies": replies}),
    }


def cassette(*interactions: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "interactions": list(interactions)}


# --- the cassettes ----------------------------------------------------------


def sheet_entries(tabs: list[tuple[str, list[list[Any]]]], first_id: int = 0) -> list[tuple[int, str, int, int]]:
    return [(first_id + (0 if i == 0 else 1000 + i), tab, max(1000, len(rows) + 10), 26)
            for i, (tab, rows) in enumerate(tabs)]


def small_tabs(schema: WorkbookSchema) -> list[tuple[str, list[list[Any]]]]:
    """One tab 部门 with a bad phone number and a bad link (for the write-back)."""
    departments = copy.deepcopy(generate("district", 2022)["departments"][:3])
    departments[1]["phone"] = "12345"
    departments[2]["website"] = "ftp://dept3.example.gov.cn/"
    return tabs_of({"departments": departments}, schema)


def all_cassettes() -> dict[str, dict[str, Any]]:
    schema = load_schema()
    sample = tabs_of(dataset(), schema)
    small = small_tabs(schema)
    small_meta = metadata(SMALL_KEY, "部门通讯录（示例）", sheet_entries(small))
    small_tab_titles = [t for t, _ in small]
    org = [t for t in sample if t[0] in ("专员", "结对")]
    office = [t for t in sample if t[0] not in ("专员", "结对")]
    out = {
        "gsheets_read_sample": cassette(
            token(), metadata(SAMPLE_KEY, "暖企服务台账（示例）", sheet_entries(sample)), batch_get(SAMPLE_KEY, sample),
        ),
        "gsheets_read_small": cassette(token(), small_meta, batch_get(SMALL_KEY, small)),
        # The sample split as the programme keeps it: the organisation department's book, the office's book.
        "gsheets_read_split": cassette(
            token(), metadata(ORG_KEY, "专员与结对（组织部）", sheet_entries(org)), batch_get(ORG_KEY, org),
            token(), metadata(OFFICE_KEY, "暖企服务台账（暖企办）", sheet_entries(office)), batch_get(OFFICE_KEY, office),
        ),
        "gsheets_forbidden": cassette(token(), metadata_error(PRIVATE_KEY, 403)),
        "gsheets_not_found": cassette(token(), metadata_error(MISSING_KEY, 404)),
        "gsheets_quota_then_ok": cassette(
            token(), small_meta, batch_get_error(SMALL_KEY, small_tab_titles, 429), batch_get(SMALL_KEY, small),
        ),
        "gsheets_api_disabled": cassette(token(), {
            "request": _request("GET", f"{SHEETS}/{SMALL_KEY}?includeGridData=false"),
            "response": _response(403, API_DISABLED)}),
        "gsheets_uploaded_xlsx": cassette(token(), metadata_error(SMALL_KEY, 400)),
        "gsheets_bad_gateway_then_ok": cassette(token(), bad_gateway(SMALL_KEY), small_meta, batch_get(SMALL_KEY, small)),
        "gsheets_server_error": cassette(token(), *[metadata_error(SMALL_KEY, 503)] * GIVE_UP_AFTER),
        "gsheets_quota_exhausted": cassette(token(), *[metadata_error(SMALL_KEY, 429)] * GIVE_UP_AFTER),
    }
    out.update(write_cassettes(schema, small, small_meta))
    return out


def write_cassettes(schema: WorkbookSchema, small: list[tuple[str, list[list[Any]]]],
                    small_meta: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Template and write-back traffic; the request bodies are what the generator sends."""
    from generator.check import check_sheets
    from generator.sources import RawSheet
    from generator.workbook.google import report_request, template_request

    read = [token(), small_meta, batch_get(SMALL_KEY, small)]
    small_sheets = sheet_entries(small)
    # template: the small book has 部门 only; the rest are added in one batchUpdate.
    meta_body = metadata_body(SMALL_KEY, "部门通讯录（示例）", small_sheets)
    body, added = template_request(meta_body, schema)
    full = small_sheets + [(sid, tab, 1000, 26) for sid, tab in added]
    template = cassette(token(), small_meta, batch_update(SMALL_KEY, body, _replies(body)))
    template_done = cassette(token(), metadata(SMALL_KEY, "部门通讯录（示例）", full))
    # write-back: validate reads the small book (3 requests with the token), then writes.
    raws = [RawSheet(tab=t, source="部门通讯录（示例）", rows=rows) for t, rows in small]
    report = check_sheets([("gsheet:" + SMALL_KEY, raws)], schema, dt.date(2022, 12, 31)).report
    fresh_body = report_request(meta_body, report)
    with_results = small_sheets + [(4242, "校验结果", 1000, 26)]
    again_body = report_request(metadata_body(SMALL_KEY, "部门通讯录（示例）", with_results), report)
    return {
        "gsheets_template": template,
        "gsheets_template_done": template_done,
        "gsheets_write_back": cassette(
            *read, token(), small_meta,
            batch_update(SMALL_KEY, fresh_body, _replies(fresh_body)),
        ),
        "gsheets_write_back_forbidden": cassette(
            *read, token(), small_meta,
            {"request": _request("POST", f"{SHEETS}/{SMALL_KEY}:batchUpdate", fresh_body),
             "response": metadata_error(SMALL_KEY, 403)["response"]},
        ),
        # The tab 校验结果 exists now: it is left out of the values read, then rewritten.
        "gsheets_write_back_again": cassette(
            token(), metadata(SMALL_KEY, "部门通讯录（示例）", with_results), batch_get(SMALL_KEY, small),
            token(), metadata(SMALL_KEY, "部门通讯录（示例）", with_results),
            batch_update(SMALL_KEY, again_body, _replies(again_body)),
        ),
    }


def _replies(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"addSheet": {"properties": r["addSheet"]["properties"]}} if "addSheet" in r else {}
            for r in body["requests"]]


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=4, ensure_ascii=False) + "\n"


def main() -> None:
    for name, data in all_cassettes().items():
        (HERE / f"{name}.json").write_text(render(data), encoding="utf-8")
        print(f"wrote {name}.json")


if __name__ == "__main__":
    main()
