"""Google Sheets as a source: the real gspread client against recorded traffic.

Every spreadsheet costs two Sheets API requests (metadata, one values:batchGet
for all tabs), with read-only credentials from a service-account key file, and
its cells type to the same values as the same data in an xlsx file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cassettes import make_cassettes as mc
from cassettes.playback import SA_EMAIL, play, query, token_scopes, write_key_file
from conftest import read_and_check, read_source

from generator.cli import cli
from generator.errors import SourceError
from generator.schema import load_schema
from generator.sources.gsheets import READ_SCOPES, load_account, spreadsheet_key

AS_OF = dt.date(2022, 12, 31)
SAMPLE = f"gsheet:{mc.SAMPLE_KEY}"


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return write_key_file(tmp_path / "service-account.json")


def typed(checked: Any) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    return {name: [(r.number, r.values) for r in t.rows] for name, t in checked.tables.items()}


def recorded_tabs(name: str) -> list[tuple[str, list[list[Any]]]]:
    """The tabs as the recorded values:batchGet answer holds them."""
    import json

    data = json.loads((mc.HERE / f"{name}.json").read_text(encoding="utf-8"))
    for interaction in data["interactions"]:
        if "values:batchGet" in interaction["request"]["uri"]:
            body = json.loads(interaction["response"]["body"]["string"])
            titles = [t.strip("'") for t in query_of(interaction["request"]["uri"])["ranges"]]
            return [(t, vr.get("values", [])) for t, vr in zip(titles, body["valueRanges"], strict=True)]
    raise AssertionError(name)


def query_of(uri: str) -> dict[str, list[str]]:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(uri).query)


def xlsx_of(tabs: list[tuple[str, list[list[Any]]]], path: Path) -> Path:
    """The same cells as staff would keep them in Excel: serial numbers in date
    columns are date cells, everything else as it is."""
    schema = load_schema()
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in tabs:
        ws = book.create_sheet(title)
        sheet = schema.sheet_by_tab(title)
        dates = {i for i, h in enumerate(rows[0]) if sheet and (f := sheet.match_header(h)) and f.kind == "date"}
        for number, row in enumerate(rows):
            cells = []
            for i, value in enumerate(row):
                if number and i in dates and isinstance(value, (int, float)) and not isinstance(value, bool):
                    value = dt.datetime(1899, 12, 30) + dt.timedelta(days=value)
                cells.append(None if value == "" else value)
            ws.append(cells)
    book.save(path)
    return path


def test_spreadsheet_key_from_url_or_prefix():
    key = mc.SAMPLE_KEY
    assert spreadsheet_key(f"gsheet:{key}") == key
    assert spreadsheet_key(f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=0") == key
    with pytest.raises(SourceError, match="不是 Google 表格地址"):
        spreadsheet_key("https://docs.google.com/spreadsheets/u/0/")


def test_all_tabs_in_two_requests_with_read_only_scope(key_file):
    with play("gsheets_read_sample") as p:
        sheets = read_source(SAMPLE, credentials=key_file)
    assert p.cassette.all_played
    sheets_requests = p.sheets_requests()
    assert len(sheets_requests) == 2
    metadata, values = sheets_requests
    assert metadata.method == "GET" and metadata.url.endswith(f"{mc.SAMPLE_KEY}?includeGridData=false")
    params = query(values)
    assert values.url.split("?")[0].endswith(f"{mc.SAMPLE_KEY}/values:batchGet")
    assert params["valueRenderOption"] == ["UNFORMATTED_VALUE"]
    assert params["dateTimeRenderOption"] == ["SERIAL_NUMBER"]
    titles = [t for t, _rows in recorded_tabs("gsheets_read_sample")]
    assert params["ranges"] == [f"'{t}'" for t in titles]
    assert [s.tab for s in sheets] == titles
    # One token, asked for with the read-only scope only.
    assert [token_scopes(r) for r in p.token_requests()] == [list(READ_SCOPES)]
    assert all(r.headers["authorization"] == "Bearer <ACCESS_TOKEN>" for r in sheets_requests)


def test_cells_arrive_as_google_keeps_them(key_file):
    with play("gsheets_read_sample") as p:
        sheets = {s.tab: s for s in read_source(SAMPLE, credentials=key_file)}
    assert p.cassette.all_played
    departments = sheets["部门"].rows
    assert departments[0][:2] == ["部门编号", "部门名称"]
    assert departments[-1][:3] == [1099, "区数据资源管理局（示例）", "0580-2069999"]
    assert len(departments[-1]) == 3  # trailing empty cells are not sent
    assert isinstance(sheets["问题清单"].rows[1][5], float)  # a date with a time, as a serial number
    assert sheets["企业"].rows[1][5] in (True, False)  # a checkbox


def test_google_and_xlsx_give_the_same_typed_rows(key_file, tmp_path):
    schema = load_schema()
    with play("gsheets_read_sample") as p:
        google = read_and_check([SAMPLE], schema, AS_OF, credentials=key_file)
    assert len(p.sheets_requests()) == 2
    xlsx = read_and_check([str(xlsx_of(recorded_tabs("gsheets_read_sample"), tmp_path / "book.xlsx"))], schema, AS_OF)
    assert google.report.ok, google.report.to_text()
    assert typed(google) == typed(xlsx)
    values = typed(google)
    assert values["departments"][-1][1]["dept_id"] == "1099"
    first_issue = recorded_tabs("gsheets_read_sample")[4][1][1]
    assert values["issues"][0][1]["reported_on"] == dt.date(1899, 12, 30) + dt.timedelta(days=int(first_issue[5]))
    assert {r["above_scale"] for _n, r in values["enterprises"]} == {True, False}
    # The same findings at the same cells (a message may quote the raw cell: 44875 vs 2022-11-10).
    assert [(f.code, f.place) for f in google.report.findings] == [(f.code, f.place) for f in xlsx.report.findings]


def test_validate_reads_google_with_the_key_from_the_environment(runner, key_file, monkeypatch):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    with play("gsheets_read_sample") as p:
        result = runner.invoke(cli, ["validate", "--source", SAMPLE, "--as-of", "2022-12-31"])
    assert result.exit_code == 0, result.output
    assert len(p.sheets_requests()) == 2
    assert p.cassette.all_played


def test_google_source_mixed_with_a_local_file(runner, key_file, tmp_path):
    tabs = recorded_tabs("gsheets_read_sample")
    local = xlsx_of([t for t in tabs if t[0] in ("专员", "结对")], tmp_path / "org.xlsx")
    with play("gsheets_read_small") as p:
        result = runner.invoke(cli, [
            "validate", "-s", f"gsheet:{mc.SMALL_KEY}", "-s", str(local), "--credentials", str(key_file),
            "--as-of", "2022-12-31",
        ])
    assert len(p.sheets_requests()) == 2
    assert result.exit_code == 1  # the small book holds only 部门, with two bad cells
    lines = result.output.splitlines()
    assert lines[0].startswith("错误 部门!C3 [12345]：")
    assert lines[1].startswith("错误 部门!E4 [ftp://dept3.example.gov.cn/]：")
    assert "错误 专员：" not in result.output and "错误 结对：" not in result.output
    assert "错误 企业：缺少必需的工作表“企业”" in result.output


def test_build_from_google_costs_two_requests(runner, key_file, tmp_path):
    site = tmp_path / "site"
    with play("gsheets_read_sample") as p:
        result = runner.invoke(cli, [
            "build", "--source", SAMPLE, "--credentials", str(key_file), "--as-of", "2022-12-31",
            "--site-dir", str(site),
        ])
    assert result.exit_code == 0, result.output
    assert len(p.sheets_requests()) == 2
    assert (site / "index.html").is_file()


def test_the_key_files_e_mail_is_kept(key_file):
    account = load_account(key_file)
    assert account.email == SA_EMAIL
    assert tuple(account.credentials.scopes) == READ_SCOPES


def test_two_spreadsheets_cost_two_requests_each(runner, key_file, tmp_path):
    org, office = f"gsheet:{mc.ORG_KEY}", f"https://docs.google.com/spreadsheets/d/{mc.OFFICE_KEY}/edit"
    with play("gsheets_read_split") as p:
        result = runner.invoke(cli, ["validate", "-s", org, "-s", office, "--credentials", str(key_file),
                                     "--as-of", "2022-12-31", "--save-snapshot", str(tmp_path / "snap")])
    assert result.exit_code == 0, result.output
    assert p.cassette.all_played
    keys = [r.url.split("/spreadsheets/")[1][:len(mc.ORG_KEY)] for r in p.sheets_requests()]
    assert keys == [mc.ORG_KEY, mc.ORG_KEY, mc.OFFICE_KEY, mc.OFFICE_KEY]
    import json

    meta = json.loads((tmp_path / "snap" / "snapshot.json").read_text(encoding="utf-8"))
    assert [(b["key"], [t["title"] for t in b["tabs"]]) for b in meta["spreadsheets"]][0] == (mc.ORG_KEY, ["专员", "结对"])
    assert [b["title"] for b in meta["spreadsheets"]] == ["专员与结对（组织部）", "暖企服务台账（暖企办）"]
