"""``template OUT.xlsx``: every sheet of the schema with notes, drop-downs and
formats; filled with valid rows it validates clean, in openpyxl, calamine and
(when installed) LibreOffice."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from conftest import AS_OF, read_and_check
from python_calamine import CalamineWorkbook

from generator.cli import cli
from generator.model import build_programme
from generator.workbook.template import GUIDE_SHEET, LISTS_SHEET, TEMPLATE_ROWS


@pytest.fixture
def template(tmp_path, runner) -> Path:
    out = tmp_path / "模板.xlsx"
    result = runner.invoke(cli, ["template", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"已写入 {out}：部门、企业、")
    return out


def _validations(ws):
    return {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv for dv in ws.data_validations.dataValidation}


def test_every_sheet_with_its_headers_in_schema_order(template, schema):
    book = openpyxl.load_workbook(template)
    assert book.sheetnames[0] == GUIDE_SHEET
    assert [n for n in book.sheetnames if n not in (LISTS_SHEET, GUIDE_SHEET)] == [s.title for s in schema.sheets]
    for sheet in schema.sheets:
        ws = book[sheet.title]
        assert [c.value for c in ws[1]] == [f.title for f in sheet.fields]
        assert ws.freeze_panes == "A2"
        assert ws.max_row == 1


def test_the_first_tab_says_how_to_fill_in_every_column(template, schema):
    ws = openpyxl.load_workbook(template)[GUIDE_SHEET]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert "不要改动表头名称" in rows[0][0] and "validate" in rows[2][0]
    header = rows.index(["工作表", "列名", "必填", "填写说明", "示例"])
    listed = [(r[0], r[1], r[2]) for r in rows[header + 1:]]
    assert listed == [(s.title, f.title, "是" if f.required else "否") for s in schema.sheets for f in s.fields]
    reopens = next(r for r in rows[header + 1:] if r[1] == "原问题编号")
    assert "已销号的问题" in reopens[3] and reopens[4] == "Q0001"


def test_each_header_has_a_note_with_example_and_requirement(template, schema):
    ws = openpyxl.load_workbook(template)["问题清单"]
    notes = {c.value: c.comment.text for c in ws[1]}
    assert set(notes) == {f.title for f in schema.sheet("issues").fields}
    assert notes["问题编号"] == "编码，按文本填写\n本列每个值只能出现一次\n示例：Q0001\n必填\n内部信息：不会出现在公开网站上"
    assert notes["企业评价"].startswith("从下拉列表中选择：满意、基本满意、不满意\n")
    assert notes["企业评价"].endswith("示例：满意\n选填\n内部信息：不会出现在公开网站上")
    assert "须为工作表“部门”中已有的部门编号" in notes["责任单位"]
    # The name is internal unless the enterprise consented: the note says so rather than "never".
    firms = {c.value: c.comment.text for c in openpyxl.load_workbook(template)["企业"][1]}
    assert firms["企业名称"].endswith("内部信息：只有“同意公开名称”为“是”时，才会出现在公开网站上")
    assert firms["联系电话"].endswith("内部信息：不会出现在公开网站上")
    for sheet in schema.sheets:
        ws = openpyxl.load_workbook(template)[sheet.title]
        for cell in ws[1]:
            assert cell.comment is not None and ("必填" in cell.comment.text or "选填" in cell.comment.text)


def test_dropdowns_for_enums_booleans_and_references(template):
    book = openpyxl.load_workbook(template)
    issues = _validations(book["问题清单"])
    assert issues["G"].type == "list"
    assert issues["G"].formula1 == '"已挂号,已交办,办理中,已销号"'
    assert str(issues["G"].sqref) == f"G2:G{TEMPLATE_ROWS}"
    # References list each code with its name ("D004 区财政局", from formulas on the hidden
    # list sheet), as long as the codes go; one with no name (原问题编号) lists the codes.
    lists = book[LISTS_SHEET]
    for letter, tab, name in (("B", "企业", "C"), ("C", "专员", "B"), ("H", "部门", "B")):
        formula = issues[letter].formula1
        column = formula.split("!$")[1].split("$")[0]
        assert formula == (f"=OFFSET('{LISTS_SHEET}'!${column}$1,0,0,MAX(1,COUNTA('{tab}'!$A$2:$A${TEMPLATE_ROWS})),1)")
        assert lists[f"{column}1"].value == f'=IF(\'{tab}\'!$A$2="","",\'{tab}\'!$A$2&" "&\'{tab}\'!${name}$2)'
        assert lists[f"{column}{TEMPLATE_ROWS - 1}"].value.endswith(f"!${name}${TEMPLATE_ROWS})")
        assert issues[letter].errorStyle == "warning"  # a code typed alone is right too
    assert issues["R"].formula1 == f"='问题清单'!$A$2:$A${TEMPLATE_ROWS}"
    assert issues["H"].showErrorMessage
    officers = _validations(book["专员"])
    assert officers["J"].formula1 == '"是,否"'  # 在岗
    assert "I" not in officers  # 服务镇街 takes several towns: a note, not a drop-down
    steps = _validations(book["办理流程"])
    assert (steps["B"].type, steps["B"].operator, steps["B"].formula1) == ("whole", "greaterThanOrEqual", "1")


def test_long_lists_go_to_a_hidden_sheet(tmp_path, schema, monkeypatch):
    from generator.workbook import template as tpl

    monkeypatch.setattr(tpl, "LIST_LITERAL_MAX", 20)
    book = tpl.build_template(schema)
    assert book[LISTS_SHEET].sheet_state == "hidden"
    industry = _validations(book["企业"])["D"]
    assert industry.formula1.startswith(f"='{LISTS_SHEET}'!$")
    first_column = [c.value for c in book[LISTS_SHEET]["A"] if c.value is not None]
    assert first_column == list(schema.enums["industries"])


def test_date_and_code_columns_are_formatted(template):
    ws = openpyxl.load_workbook(template)["问题清单"]
    formats = {k: v.number_format for k, v in ws.column_dimensions.items()}
    assert formats["F"] == formats["J"] == formats["K"] == "yyyy-mm-dd"  # 反映日期, 办理时限, 销号日期
    assert formats["A"] == formats["B"] == "@"


def _fill(template: Path, rows_by_sheet, schema, out: Path) -> Path:
    book = openpyxl.load_workbook(template)
    for sheet in schema.sheets:
        ws = book[sheet.title]
        for row in rows_by_sheet.get(sheet.name, []):
            ws.append([row.get(f.name) for f in sheet.fields])
    book.save(out)
    return out


def _errors(runner, path) -> list[dict]:
    result = runner.invoke(cli, ["validate", "--source", str(path), "--as-of", "2022-12-31", "--format", "json"])
    findings = json.loads(result.output)
    errors = [f for f in findings if f["severity"] == "error"]
    assert (result.exit_code == 0) == (not errors)
    return errors


def test_template_filled_with_valid_rows_validates_clean(template, sample_rows, schema, runner, tmp_path):
    filled = _fill(template, sample_rows, schema, tmp_path / "filled.xlsx")
    assert _errors(runner, filled) == []
    # calamine reads the same header row and as many rows as were written
    book = CalamineWorkbook.from_path(str(filled))
    for sheet in schema.sheets:
        rows = [r for r in book.get_sheet_by_name(sheet.title).to_python() if any(c != "" for c in r)]
        assert rows[0] == [f.title for f in sheet.fields]
        assert len(rows) == 1 + len(sample_rows.get(sheet.name, []))


def test_empty_template_is_valid_and_says_it_is_empty(template, runner, schema):
    result = runner.invoke(cli, ["validate", "--source", str(template), "--as-of", "2022-12-31", "--format", "json"])
    assert result.exit_code == 0, result.output
    findings = [(f["sheet"], f["code"], f["severity"]) for f in json.loads(result.output)]
    assert findings == [(s.title, "no_rows", "warning") for s in schema.sheets if s.required]


def test_template_survives_libreoffice(template, sample_rows, schema, runner, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail(".ci/run installs LibreOffice (libreoffice-calc-nogui); soffice is missing")
        pytest.skip("LibreOffice (soffice) is not installed")
    filled = _fill(template, sample_rows, schema, tmp_path / "filled.xlsx")
    outdir = tmp_path / "ods"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
         "--convert-to", "ods", "--outdir", str(outdir), str(filled)],
        check=True, capture_output=True, timeout=300,
    )
    ods = outdir / "filled.ods"
    assert ods.exists()
    assert _errors(runner, ods) == []


def test_libreoffice_lists_each_department_with_its_name(template, sample_rows, schema, tmp_path):
    """LibreOffice computes the hidden list's formulas: the 责任单位 drop-down offers
    "D001 区某某局", one per registered department and no more."""
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail(".ci/run installs LibreOffice (libreoffice-calc-nogui); soffice is missing")
        pytest.skip("LibreOffice (soffice) is not installed")
    departments = sample_rows["departments"]
    filled = _fill(template, {"departments": departments}, schema, tmp_path / "depts.xlsx")
    outdir = tmp_path / "recalculated"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir), str(filled)],
        check=True, capture_output=True, timeout=300,
    )
    book = openpyxl.load_workbook(outdir / "depts.xlsx", data_only=True)
    formula = _validations(openpyxl.load_workbook(template)["问题清单"])["H"].formula1
    column = formula.split("!$")[1].split("$")[0]
    shown = [c.value for c in book[LISTS_SHEET][column][: len(departments) + 1]]
    assert shown == [f"{d['dept_id']} {d['name']}" for d in departments] + [None]


def test_a_code_picked_with_its_name_reads_as_the_code(template, sample_rows, schema, runner, tmp_path):
    rows = copy.deepcopy(sample_rows)
    names = {d["dept_id"]: d["name"] for d in rows["departments"]}
    officers = {o["officer_id"]: o["name"] for o in rows["officers"]}
    for issue in rows["issues"]:
        if issue.get("dept_id"):
            issue["dept_id"] = f"{issue['dept_id']} {names[issue['dept_id']]}"
        issue["officer_id"] = f"{issue['officer_id']}\u3000{officers[issue['officer_id']]}"  # a full-width space
    filled = _fill(template, rows, schema, tmp_path / "picked.xlsx")
    assert _errors(runner, filled) == []
    programme = build_programme(read_and_check([str(filled)], schema, AS_OF))
    assert {i.dept_id for i in programme.issues} == {i.get("dept_id") for i in sample_rows["issues"]}
    assert {i.officer_id for i in programme.issues} == {i["officer_id"] for i in sample_rows["issues"]}


def test_a_name_that_is_not_the_codes_own_is_told(template, sample_rows, schema, runner, tmp_path):
    rows = copy.deepcopy(sample_rows)
    first, second = rows["departments"][0], rows["departments"][1]
    issue = next(i for i in rows["issues"] if i.get("dept_id") == first["dept_id"])
    issue["dept_id"] = f"{first['dept_id']} {second['name']}"
    number = rows["issues"].index(issue) + 2
    filled = _fill(template, rows, schema, tmp_path / "edited.xlsx")
    result = runner.invoke(cli, ["validate", "--source", str(filled), "--as-of", "2022-12-31"])
    assert result.exit_code == 1
    cell = f"{first['dept_id']} {second['name']}"
    assert result.output.splitlines()[0] == (
        f"错误 问题清单!H{number} [{cell}]：责任单位：“{cell}”与登记的不符：“部门”里编号 {first['dept_id']} 是“{first['name']}”。"
        "请从下拉列表重新选择，或只填编号。")


def test_an_existing_workbook_is_not_overwritten(tmp_path, runner):
    out = tmp_path / "定海.xlsx"
    out.write_bytes(b"staff's own workbook")
    result = runner.invoke(cli, ["template", str(out)])
    assert result.exit_code == 2
    assert result.output == f"错误：{out} 已存在，未作改动；请换一个文件名，或加上 --force 覆盖它。\n"
    assert out.read_bytes() == b"staff's own workbook"
    result = runner.invoke(cli, ["template", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).sheetnames[:2] == ["填写说明", "部门"]


def test_unwritable_place_is_exit_2(tmp_path, runner):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(cli, ["template", str(blocker / "模板.xlsx")])
    assert result.exit_code == 2
    assert result.output.startswith(f"错误：无法写入 {blocker / '模板.xlsx'}")
