"""The readers: xlsx, ods and CSV folders give the same typed rows."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import read_and_check
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from generator.cli import cli
from generator.schema import load_schema

AS_OF = dt.date(2022, 12, 31)


def _odf_cell(value: Any) -> TableCell:
    if value is None:
        return TableCell()
    if isinstance(value, bool):
        cell = TableCell(valuetype="boolean", booleanvalue="true" if value else "false")
        cell.addElement(P(text="TRUE" if value else "FALSE"))
        return cell
    if isinstance(value, dt.date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
        cell.addElement(P(text=value.isoformat()))
        return cell
    if isinstance(value, (int, float)):
        # As LibreOffice stores numbers: a float, so an ID 1001 reads back as 1001.0.
        cell = TableCell(valuetype="float", value=str(float(value)))
        cell.addElement(P(text=str(value)))
        return cell
    cell = TableCell(valuetype="string")
    for line in str(value).split("\n"):
        cell.addElement(P(text=line))
    return cell


def write_ods(path: Path, rows_by_sheet: dict[str, list[dict[str, Any]]]) -> Path:
    schema = load_schema()
    doc = OpenDocumentSpreadsheet()
    for sheet in schema.sheets:
        if sheet.name not in rows_by_sheet:
            continue
        table = Table(name=sheet.title)
        keys = [f.name for f in sheet.fields]
        for cells in [[f.title for f in sheet.fields]] + [[r.get(k) for k in keys] for r in rows_by_sheet[sheet.name]]:
            tr = TableRow()
            for value in cells:
                tr.addElement(_odf_cell(value))
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def write_csv_folder(folder: Path, rows_by_sheet: dict[str, list[dict[str, Any]]], encoding: str = "utf-8-sig") -> Path:
    schema = load_schema()
    folder.mkdir()
    for sheet in schema.sheets:
        if sheet.name not in rows_by_sheet:
            continue
        keys = [f.name for f in sheet.fields]
        with (folder / f"{sheet.title}.csv").open("w", encoding=encoding, newline="") as fh:
            w = csv.writer(fh)
            w.writerow([f.title for f in sheet.fields])
            for r in rows_by_sheet[sheet.name]:
                w.writerow(["" if r.get(k) is None else r.get(k) for k in keys])
    return folder


def typed(spec: str) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    checked = read_and_check([spec], load_schema(), AS_OF)
    assert checked.report.ok, checked.report.to_text()
    return {name: [(r.number, r.values) for r in t.rows] for name, t in checked.tables.items()}


@pytest.fixture(scope="module")
def small_rows(sample_rows):
    """A slice of the sample that stays consistent (referenced rows kept)."""
    rows = {k: list(v) for k, v in sample_rows.items()}
    rows["issues"] = rows["issues"][:120]
    kept = {r["issue_id"] for r in rows["issues"]}
    # an issue reopening one left out, and the 督办 of those left out, go too
    rows["issues"] = [dict(r, reopens=r.get("reopens") if r.get("reopens") in kept else None) for r in rows["issues"]]
    rows["supervisions"] = [s for s in rows.get("supervisions", []) if s["issue_id"] in kept]
    return rows


def test_xlsx_ods_and_csv_agree(tmp_path, small_rows):
    from conftest import write_workbook

    xlsx = typed(str(write_workbook(tmp_path / "book.xlsx", small_rows)))
    ods = typed(str(write_ods(tmp_path / "book.ods", small_rows)))
    folder = typed(str(write_csv_folder(tmp_path / "csv", small_rows)))
    assert xlsx == ods
    assert xlsx == folder
    issue = xlsx["issues"][0][1]
    assert isinstance(issue["reported_on"], dt.date)
    assert xlsx["issues"][0][0] == 2  # the spreadsheet's own row number


def test_gbk_csv_from_chinese_excel(tmp_path, small_rows):
    utf8 = typed(str(write_csv_folder(tmp_path / "utf8", small_rows, "utf-8")))
    gbk = typed(str(write_csv_folder(tmp_path / "gbk", small_rows, "gbk")))
    assert utf8 == gbk


def test_ids_typed_as_numbers_keep_their_text(tmp_path, small_rows):
    rows = {k: [dict(r) for r in v] for k, v in small_rows.items()}
    # Department codes typed as numbers everywhere they appear (D001 → 1001).
    for sheet_rows in rows.values():
        for r in sheet_rows:
            for key in ("dept_id", "organiser"):  # 活动's 主办部门 is a department code too
                if r.get(key):
                    r[key] = int(r[key][1:]) + 1000
    ods = typed(str(write_ods(tmp_path / "ids.ods", rows)))
    assert ods["departments"][0][1]["dept_id"] == "1001"


def test_blank_rows_are_skipped_and_numbers_kept(tmp_path, small_rows):
    from conftest import write_workbook

    rows = {k: list(v) for k, v in small_rows.items()}
    rows["departments"] = rows["departments"][:2] + [{}] + rows["departments"][2:]
    result = typed(str(write_workbook(tmp_path / "gap.xlsx", rows)))
    numbers = [n for n, _ in result["departments"]]
    assert numbers[:3] == [2, 3, 5]


def test_a_single_csv_file_is_explained(runner, tmp_path):
    f = tmp_path / "部门.csv"
    f.write_text("部门编号,部门名称\nD1,甲\n", encoding="utf-8")
    result = runner.invoke(cli, ["validate", "--source", str(f)])
    assert result.exit_code == 2
    assert "文件夹" in result.output


def test_same_tab_in_two_sources_is_an_error(runner, tmp_path, small_rows):
    from conftest import write_workbook

    a = write_workbook(tmp_path / "a.xlsx", small_rows)
    b = write_workbook(tmp_path / "b.xlsx", {"departments": small_rows["departments"]})
    result = runner.invoke(cli, ["validate", "--source", str(a), "--source", str(b), "--as-of", "2022-12-31"])
    assert result.exit_code == 1
    assert "工作表“部门”同时出现在两个数据源中（a.xlsx 和 b.xlsx）" in result.output


def test_sheets_split_across_two_workbooks(runner, tmp_path, small_rows):
    from conftest import write_workbook

    org = {k: small_rows[k] for k in ("officers", "assignments")}
    office = {k: v for k, v in small_rows.items() if k not in org}
    a = write_workbook(tmp_path / "org.xlsx", org)
    b = write_workbook(tmp_path / "office.xlsx", office)
    result = runner.invoke(cli, ["validate", "-s", str(a), "-s", str(b), "--as-of", "2022-12-31"])
    assert result.exit_code == 0, result.output
