"""Hostile input and operator mistakes (issue 20): workbooks that would make the
reader allocate gigabytes, dates far before the programme or far ahead, FIFOs,
CSV rows wider than their header, formulas without saved results, Google
answers that are not spreadsheet data. Each ends with a clear message naming
the place and exit 1 or 2, within bounded memory and time: the checks happen
before the heavy read (the crafted files are kilobytes that claim billions of
cells)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import shutil
import threading
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import vcr
from cassettes import make_cassettes as mc
from cassettes.playback import write_key_file
from conftest import read_source, write_workbook

from generator.cli import cli
from generator.errors import SourceError
from generator.sources import EXAMPLE_WORKBOOK, bounds, parts
from generator.sources.gsheets import RetryingHTTPClient

AS_OF = ["--as-of", "2022-12-31"]


def assert_clean(output: str) -> None:
    assert "Traceback" not in output
    assert "内部错误" not in output and "Internal error" not in output


def validate(runner, source: Path | str, *extra: str):
    result = runner.invoke(cli, ["validate", "-s", str(source), *AS_OF, *extra])
    assert_clean(result.output)
    return result


# --- workbooks too large to read -------------------------------------------------------


def _replace_part(src: Path, dst: Path, part: str, edit: Any) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                data = edit(data)
            zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return dst


def test_a_stray_cell_at_xfd1048576_is_refused_clearly(runner, tmp_path):
    book = openpyxl.load_workbook(EXAMPLE_WORKBOOK)
    book["问题清单"]["XFD1048576"] = "x"
    path = tmp_path / "stray.xlsx"
    book.save(path)
    result = validate(runner, path)
    assert result.exit_code == 2
    assert "stray.xlsx" in result.output and "问题清单" in result.output and "XFD1048576" in result.output


def test_a_stray_cell_behind_a_small_dimension_is_found(runner, tmp_path):
    """The scan reads the cells, not what <dimension> claims."""
    def edit(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>')

    path = _replace_part(EXAMPLE_WORKBOOK, tmp_path / "lying.xlsx", "xl/worksheets/sheet1.xml", edit)
    result = validate(runner, path)
    assert result.exit_code == 2 and "lying.xlsx" in result.output and "XFD1048576" in result.output


def test_the_bounds_leave_the_example_alone(runner):
    assert bounds.check_bounds(EXAMPLE_WORKBOOK) is None
    result = validate(runner, EXAMPLE_WORKBOOK)
    assert result.exit_code == 0, result.output


def _ods(path: Path, body: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _cell(text: str, repeat: int = 1) -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell office:value-type="string"{rep}><text:p>{text}</text:p></table:table-cell>'


_HEAD = '<table:table table:name="部门"><table:table-row>' + _cell("部门编号") + _cell("部门名称") + "</table:table-row>"


@pytest.mark.parametrize("body", [
    # a filled cell repeated a billion times across, in a row repeated a thousand times
    '<table:table-row table:number-rows-repeated="1000">' + _cell("x", 10**9) + "</table:table-row>",
    # one filled cell a billion columns away
    "<table:table-row>" + _cell("D001") + '<table:table-cell table:number-columns-repeated="1000000000"/>'
    + _cell("far") + "</table:table-row>",
    # a filled row repeated a billion times down
    '<table:table-row table:number-rows-repeated="1000000000">' + _cell("D001") + _cell("x") + "</table:table-row>",
])
def test_repeated_ods_cells_are_refused_before_reading(runner, tmp_path, body):
    path = _ods(tmp_path / "repeated.ods", _HEAD + body + "</table:table>")
    assert path.stat().st_size < 5000
    result = validate(runner, path)
    assert result.exit_code == 2
    assert "repeated.ods" in result.output and "部门" in result.output


def test_trailing_empty_repeats_as_libreoffice_writes_them_are_fine(tmp_path):
    body = ("<table:table-row>" + _cell("D001") + _cell("区发改局") + '<table:table-cell table:number-columns-repeated="16382"/>'
            '</table:table-row><table:table-row table:number-rows-repeated="1048574">'
            '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>')
    path = _ods(tmp_path / "libre.ods", _HEAD + body + "</table:table>")
    [sheet] = read_source(str(path))
    assert sheet.rows == [["部门编号", "部门名称"], ["D001", "区发改局"]]


def test_a_zip_bomb_is_refused_before_inflating(runner, tmp_path):
    """sharedStrings.xml of 60 MB that packs into a few dozen KB."""
    path = tmp_path / "bomb.xlsx"
    shutil.copy(EXAMPLE_WORKBOOK, path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:  # the example keeps its text inline
        book.writestr("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                      + b"<si><t>" + b"0" * 60_000_000 + b"</t></si></sst>")
    assert path.stat().st_size < 1_500_000
    result = validate(runner, path)
    assert result.exit_code == 2
    assert "bomb.xlsx" in result.output and "xl/sharedStrings.xml" in result.output


def test_a_workbook_unpacking_beyond_the_limit_is_refused(runner, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_UNCOMPRESSED", 1_000_000)  # the example unpacks to 2.2 MB
    result = validate(runner, EXAMPLE_WORKBOOK)
    assert result.exit_code == 2 and "dinghai-2022.xlsx" in result.output and "MB" in result.output


# --- not regular files -----------------------------------------------------------------


def _unblock(path: Path) -> threading.Timer:
    """Should the reader open the FIFO after all, a writer lets the test end."""
    def release() -> None:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        except OSError:
            pass

    timer = threading.Timer(10, release)
    timer.start()
    return timer


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_source_is_refused(runner, tmp_path):
    fifo = tmp_path / "book.xlsx"
    os.mkfifo(fifo)
    timer = _unblock(fifo)
    try:
        result = validate(runner, fifo)
    finally:
        timer.cancel()
    assert result.exit_code == 2 and "book.xlsx" in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_in_a_csv_folder_is_refused(runner, tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "部门.csv").write_text("部门编号,部门名称\nD001,区发改局\n", encoding="utf-8")
    os.mkfifo(folder / "企业.csv")
    timer = _unblock(folder / "企业.csv")
    try:
        result = validate(runner, folder)
    finally:
        timer.cancel()
    assert result.exit_code == 2 and "企业.csv" in result.output


def test_a_device_is_refused(runner):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    result = validate(runner, "/dev/zero")
    assert result.exit_code == 2 and "/dev/zero" in result.output


# --- CSV rows wider than the header ----------------------------------------------------


def test_extra_csv_cells_are_an_error_at_their_row(runner, tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "部门.csv").write_text(
        "部门编号,部门名称,联系电话\nD001,区发改局,0580-1\nD002,区经信局,0580-2,多出来的\n", encoding="utf-8")
    result = validate(runner, folder)
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if "部门!D3" in line)
    assert "多出来的" in line and "3 个表头" in line


def test_trailing_empty_csv_cells_are_fine(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "部门.csv").write_text("部门编号,部门名称\nD001,区发改局,,\n", encoding="utf-8")
    [sheet] = read_source(str(folder))
    assert sheet.rows[1][:2] == ["D001", "区发改局"]


# --- formulas without saved results ----------------------------------------------------


def test_an_uncached_shared_formula_is_an_error_at_its_cell(runner, tmp_path):
    """Programs write shared formulas once (in the first cell) and name them in
    the others; without saved results calamine reads every one as blank."""
    def edit(xml: bytes) -> bytes:
        text = xml.decode("utf-8")
        # 部门名称 of the first two departments: B2 holds the shared formula, B3 names it.
        text = re.sub(r'<c r="B2"([^>]*?)(?:/>|>.*?</c>)', r'<c r="B2"><f t="shared" ref="B2:B3" si="0">A2&amp;"局"</f></c>', text, count=1)
        text = re.sub(r'<c r="B3"([^>]*?)(?:/>|>.*?</c>)', r'<c r="B3"><f t="shared" si="0"/></c>', text, count=1)
        return text.encode("utf-8")

    names = _sheet_parts(EXAMPLE_WORKBOOK)
    path = _replace_part(EXAMPLE_WORKBOOK, tmp_path / "shared.xlsx", names["部门"], edit)
    result = validate(runner, path)
    assert result.exit_code == 1, result.output
    assert "部门!B2" in result.output and "部门!B3" in result.output
    assert "Excel" in result.output  # open and save it again


def _sheet_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as book:
        return parts.xlsx_sheet_paths(book)


# --- dates -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rows(sample_rows) -> dict[str, list[dict[str, Any]]]:
    keep = ("departments", "enterprises", "officers", "assignments", "issues", "policies", "policy_steps")
    return {k: v for k, v in copy.deepcopy(sample_rows).items() if k in keep}


@pytest.mark.parametrize("day", ["1022-08-05", dt.date(2002, 8, 5), dt.date(2202, 8, 5), "2202-08-05"])
def test_a_date_far_outside_the_programme_is_an_error_at_its_cell(runner, tmp_path, rows, day):
    """Typed as text (a year before 1900 cannot be a date cell) or as a date cell."""
    rows = copy.deepcopy(rows)
    rows["issues"][4]["reported_on"] = day
    path = write_workbook(tmp_path / "dates.xlsx", rows)
    result = validate(runner, path)
    assert result.exit_code == 1
    shown = day if isinstance(day, str) else day.isoformat()
    line = next(line for line in result.output.splitlines() if shown in line)
    assert "问题清单!" in line and "6" in line and "2015-01-01" in line


def test_the_programme_start_is_configurable(tmp_path, rows):
    from generator.check import check_sheets
    from generator.schema import load_schema
    from generator.sources.excel import read_spreadsheet

    schema_dir = tmp_path / "schema"
    shutil.copytree(Path(load_schema().directory), schema_dir)
    book = (schema_dir / "workbook.yaml").read_text(encoding="utf-8")
    (schema_dir / "workbook.yaml").write_text(book.replace("programmeStart: 2015-01-01", "programmeStart: 2022-06-01"), encoding="utf-8")
    schema = load_schema(schema_dir)
    assert schema.programme_start == dt.date(2022, 6, 1)
    path = write_workbook(tmp_path / "book.xlsx", rows)
    checked = check_sheets([(str(path), read_spreadsheet(path))], schema, dt.date(2022, 12, 31))
    assert any(f.code == "date_out_of_range" for f in checked.report.errors)


@pytest.mark.parametrize(("value", "needle"), [("9999-12-31", "2100-12-31"), ("1900-01-01", "2000-01-01"),
                                                ("2010-06-30", "2015-01-01")])
def test_as_of_out_of_bounds_is_a_usage_error(runner, value, needle):
    result = runner.invoke(cli, ["validate", "--as-of", value])
    assert_clean(result.output)
    assert result.exit_code == 2 and "--as-of" in result.output and needle in result.output


# --- Google Sheets answers that are not spreadsheet data --------------------------------


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return write_key_file(tmp_path / "service-account.json")


@pytest.fixture
def no_waits(monkeypatch):
    monkeypatch.setattr(RetryingHTTPClient, "sleep", staticmethod(lambda _s: None))


def _cassette(tmp_path: Path, name: str, change: Any) -> vcr.VCR:
    """The recorded small spreadsheet, with the answers changed by ``change(interactions)``."""
    here = Path(mc.__file__).resolve().parent
    data = json.loads((here / "gsheets_read_small.json").read_text(encoding="utf-8"))
    change(data["interactions"])
    (tmp_path / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return vcr.VCR(serializer="json", cassette_library_dir=str(tmp_path), record_mode="none",
                   match_on=("method", "scheme", "host", "port", "path", "query"))


def _sheets(interactions: list[dict[str, Any]], suffix: str) -> dict[str, Any]:
    return next(i for i in interactions if i["request"]["uri"].split("?")[0].endswith(suffix))


def _html(interactions: list[dict[str, Any]]) -> None:
    answer = _sheets(interactions, mc.SMALL_KEY)["response"]
    answer["headers"]["Content-Type"] = ["text/html; charset=UTF-8"]
    answer["body"]["string"] = "<html><body>请登录上网认证系统</body></html>"
    answer["headers"].pop("content-length", None)


def _broken_json(interactions: list[dict[str, Any]]) -> None:
    answer = _sheets(interactions, "values:batchGet")["response"]
    answer["body"]["string"] = answer["body"]["string"][:100]
    answer["headers"].pop("content-length", None)


def _surrogate(interactions: list[dict[str, Any]]) -> None:
    answer = _sheets(interactions, "values:batchGet")["response"]
    answer["body"]["string"] = answer["body"]["string"].replace("区发展和改革局（示例）", "区发展\\ud800改革局")
    answer["headers"].pop("content-length", None)


@pytest.mark.parametrize(("change", "needle"), [
    (_html, "不是表格数据"), (_broken_json, "不是表格数据"), (_surrogate, "B2"),
])
def test_google_answers_that_are_not_data_are_source_errors(runner, tmp_path, key_file, no_waits, change, needle):
    player = _cassette(tmp_path, "changed", change)
    with player.use_cassette("changed.json"):
        result = runner.invoke(cli, ["validate", "-s", f"gsheet:{mc.SMALL_KEY}", "--credentials", str(key_file)])
    assert_clean(result.output)
    assert result.exit_code == 2, result.output
    assert needle in result.output


def test_the_surrogate_error_names_the_tab(tmp_path, key_file, no_waits):
    player = _cassette(tmp_path, "surrogate", _surrogate)
    with player.use_cassette("surrogate.json"), pytest.raises(SourceError, match="部门"):
        read_source(f"gsheet:{mc.SMALL_KEY}", credentials=key_file)


# --- sample never overwrites a workbook without --force ---------------------------------


def test_sample_keeps_an_existing_file_without_force(runner, tmp_path):
    out = tmp_path / "我们的台账.xlsx"
    out.write_bytes(b"staff's own workbook")
    result = runner.invoke(cli, ["sample", str(out)])
    assert_clean(result.output)
    assert result.exit_code == 2 and "--force" in result.output
    assert out.read_bytes() == b"staff's own workbook"
    result = runner.invoke(cli, ["sample", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(out)
