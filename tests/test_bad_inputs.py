"""The bad-input corpus: files and cells staff (or their software) really
produce. Each case ends with a clear message naming the place and exit 1 or 2;
never a traceback, never a change to the source, and with ``build`` nothing
written."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from conftest import reopen, write_workbook

from generator.cli import cli
from generator.sources import EXAMPLE_WORKBOOK

Rows = dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="module")
def small_rows(sample_rows) -> Rows:
    """A consistent slice of the district sample: every department and officer,
    30 enterprises with their pairings and issues, 8 policies with their steps."""
    rows = copy.deepcopy(sample_rows)
    ents = {e["enterprise_id"] for e in rows["enterprises"][:30]}
    pols = {p["policy_id"] for p in rows["policies"][:8]}
    rows["enterprises"] = rows["enterprises"][:30]
    rows["assignments"] = [a for a in rows["assignments"] if a["enterprise_id"] in ents]
    rows["issues"] = [i for i in rows["issues"] if i["enterprise_id"] in ents]
    rows["policies"] = rows["policies"][:8]
    rows["policy_steps"] = [s for s in rows["policy_steps"] if s["policy_id"] in pols]
    return {k: v for k, v in rows.items() if k in {
        "departments", "enterprises", "officers", "assignments", "issues", "policies", "policy_steps"}}


@dataclass
class Ctx:
    tmp: Path
    rows: Rows

    def book(self, edit: Callable[[Rows], Any] | None = None, name: str = "book.xlsx") -> Path:
        rows = copy.deepcopy(self.rows)
        if edit:
            edit(rows)
        return write_workbook(self.tmp / name, rows)

    def file(self, name: str, data: bytes) -> Path:
        path = self.tmp / name
        path.write_bytes(data)
        return path

    def edit_xlsx(self, path: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
        book = openpyxl.load_workbook(path)
        change(book)
        book.save(path)
        return path

    def xlsxwriter_book(self, name: str, finish: Callable[[str, Any], None]) -> Path:
        """The sample written with XlsxWriter, which (unlike openpyxl) can store a formula's
        cached error result and control characters; ``finish(sheet key, worksheet)`` adds the fault."""
        from generator.schema import load_schema

        path = self.tmp / name
        book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
        for sheet in load_schema().sheets:
            if sheet.name not in self.rows:
                continue
            ws = book.add_worksheet(sheet.title)
            ws.write_row(0, 0, [f.title for f in sheet.fields])
            for r, row in enumerate(self.rows[sheet.name], start=1):
                for col, f in enumerate(sheet.fields):
                    value = row.get(f.name)
                    if isinstance(value, dt.date):
                        value = value.isoformat()
                    if value is not None:
                        ws.write(r, col, value)
            finish(sheet.name, ws)
        book.close()
        return path

    def csv_folder(self, encoding: str, edit: Callable[[Rows], Any] | None = None) -> Path:
        from generator.schema import load_schema

        folder = self.tmp / "csv"
        folder.mkdir()
        rows = copy.deepcopy(self.rows)
        if edit:
            edit(rows)
        import csv

        for sheet in load_schema().sheets:
            if sheet.name not in rows:
                continue
            buf = io.StringIO()
            writer = csv.writer(buf)
            writer.writerow([f.title for f in sheet.fields])
            for row in rows[sheet.name]:
                writer.writerow(["" if row.get(f.name) is None else row[f.name] for f in sheet.fields])
            (folder / f"{sheet.title}.csv").write_bytes(buf.getvalue().encode(encoding))
        return folder


@dataclass
class Case:
    build: Callable[[Ctx], Path | list[Path]]
    exit: int
    expect: tuple[str, ...]
    # (cell, code) of every error expected, for cell-level cases
    errors: set[tuple[str, str]] | None = None
    try_build: bool = False
    max_output: int = 4000


CASES: dict[str, Case] = {}


def case(name: str, exit: int, *expect: str, errors: set[tuple[str, str]] | None = None,
         try_build: bool = False, max_output: int = 4000) -> Callable[[Callable[[Ctx], Any]], Any]:
    def register(fn: Callable[[Ctx], Any]) -> Callable[[Ctx], Any]:
        CASES[name] = Case(fn, exit, expect, errors, try_build, max_output)
        return fn
    return register


def _set(sheet: str, index: int, **values: Any) -> Callable[[Rows], None]:
    def edit(rows: Rows) -> None:
        rows[sheet][index].update(values)
    return edit


def _ole(size: int = 4096) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(size - 8)


# ---------------------------------------------------------------- files (exit 2)

@case("text file named .xlsx", 2, "book.xlsx 不是电子表格文件", try_build=True)
def _(c: Ctx) -> Path:
    return c.file("book.xlsx", "部门编号,部门名称\nD001,区经信局\n".encode())


@case("picture named .xlsx", 2, "photo.xlsx 不是电子表格文件")
def _(c: Ctx) -> Path:
    return c.file("photo.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(100))


@case("web page saved as .xls", 2, "export.xls 不是电子表格文件")
def _(c: Ctx) -> Path:
    return c.file("export.xls", "<html><body><table><tr><td>部门编号</td></tr></table></body></html>".encode())


@case("truncated xlsx", 2, "book.xlsx 已损坏", try_build=True)
def _(c: Ctx) -> Path:
    data = c.book().read_bytes()
    return c.file("book.xlsx", data[: len(data) // 2])


@case("zip that is not a workbook", 2, "notes.xlsx 不是 Excel 或 ODS 工作簿")
def _(c: Ctx) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    return c.file("notes.xlsx", buf.getvalue())


@case("password-protected xlsx", 2, "secret.xlsx 已加密", try_build=True)
def _(c: Ctx) -> Path:
    return c.file("secret.xlsx", _ole())


@case("broken old .xls", 2, "old.xls")
def _(c: Ctx) -> Path:
    return c.file("old.xls", _ole())


@case("empty file", 2, "empty.xlsx 是空文件")
def _(c: Ctx) -> Path:
    return c.file("empty.xlsx", b"")


@case("unsupported kind of file", 2, "不是支持的数据源")
def _(c: Ctx) -> Path:
    return c.file("report.pdf", b"%PDF-1.4\n")


@case("a single CSV file", 2, "是单个 CSV 文件")
def _(c: Ctx) -> Path:
    return c.file("部门.csv", "部门编号,部门名称\n".encode())


@case("folder without CSV files", 2, "里没有 CSV 文件")
def _(c: Ctx) -> Path:
    (c.tmp / "empty").mkdir()
    return c.tmp / "empty"


@case("missing file", 2, "找不到数据源")
def _(c: Ctx) -> Path:
    return c.tmp / "nope.xlsx"


@case("CSV in an unknown encoding", 2, "部门.csv 的编码无法识别")
def _(c: Ctx) -> Path:
    folder = c.tmp / "csv"
    folder.mkdir()
    (folder / "部门.csv").write_bytes(b"\xff\xfe\xff\x80\x80")
    return folder


# ---------------------------------------------------------------- workbook structure (exit 1)

@case("empty workbook", 1, "缺少必需的工作表“部门”", "缺少必需的工作表“办理流程”", try_build=True)
def _(c: Ctx) -> Path:
    book = openpyxl.Workbook()
    path = c.tmp / "empty.xlsx"
    book.save(path)
    return path


@case("tab renamed by a copy", 1, "缺少必需的工作表“问题清单”")
def _(c: Ctx) -> Path:
    return c.edit_xlsx(c.book(), lambda b: setattr(b["问题清单"], "title", "问题清单 (2)"))


@case("same tab in two sources", 1, "工作表“部门”同时出现在两个数据源中（a.xlsx 和 b.xlsx）")
def _(c: Ctx) -> list[Path]:
    return [c.book(name="a.xlsx"), c.book(lambda r: [r.pop(k) for k in list(r) if k != "departments"], name="b.xlsx")]


@case("sheet with only a header", 1, "警告 部门：工作表“部门”只有表头，没有数据", "在“部门”的“部门编号”中找不到")
def _(c: Ctx) -> Path:
    return c.book(lambda r: r.update(departments=[]))


@case("merged header cells", 1, "部门!A1", "表头有合并单元格")
def _(c: Ctx) -> Path:
    return c.edit_xlsx(c.book(), lambda b: b["部门"].merge_cells("A1:B1"))


@case("duplicated header", 1, "问题清单!N1", "表头“状态”重复出现（另见 G1）")
def _(c: Ctx) -> Path:
    def change(b: openpyxl.Workbook) -> None:
        b["问题清单"]["N1"] = "状态"
    return c.edit_xlsx(c.book(), change)


@case("blank header over a required column", 1, "表头中缺少必需的列“状态”", "有一列填了数据却没有表头")
def _(c: Ctx) -> Path:
    def change(b: openpyxl.Workbook) -> None:
        b["问题清单"]["G1"] = None
    return c.edit_xlsx(c.book(), change)


@case("required column deleted", 1, "问题清单", "表头中缺少必需的列“问题类别”")
def _(c: Ctx) -> Path:
    return c.edit_xlsx(c.book(), lambda b: b["问题清单"].delete_cols(4))


@case("title row above the header", 1, "表头中缺少必需的列“部门编号”", "列“定海区部门名单”不属于本表")
def _(c: Ctx) -> Path:
    def change(b: openpyxl.Workbook) -> None:
        b["部门"].insert_rows(1)
        b["部门"]["A1"] = "定海区部门名单"
    return c.edit_xlsx(c.book(), change)


@case("header row left blank", 1, "工作表“专员”没有表头")
def _(c: Ctx) -> Path:
    return c.edit_xlsx(c.book(), lambda b: b["专员"].insert_rows(1))


# ---------------------------------------------------------------- formula cells (exit 1)

@case("#REF! in a required cell", 1, "问题清单!E2 [#REF!]", "单元格显示公式错误 #REF!",
      errors={("E2", "formula_error")}, try_build=True)
def _(c: Ctx) -> Path:
    return c.edit_xlsx(c.book(), lambda b: b["问题清单"]["E2"].__setattr__("value", "#REF!"))


@case("#N/A in an optional cell", 1, "部门!C3 [#N/A]", errors={("C3", "formula_error")})
def _(c: Ctx) -> Path:
    return c.edit_xlsx(c.book(), lambda b: b["部门"]["C3"].__setattr__("value", "#N/A"))


@case("#DIV/0! in a number cell", 1, "办理流程!F2 [#DIV/0!]", errors={("F2", "formula_error")})
def _(c: Ctx) -> Path:
    return c.edit_xlsx(c.book(), lambda b: b["办理流程"]["F2"].__setattr__("value", "#DIV/0!"))


@case("formula saved with an error result", 1, "政策!L2 [#DIV/0!]", errors={("L2", "formula_error")})
def _(c: Ctx) -> Path:
    def finish(name: str, ws: Any) -> None:
        if name == "policies":
            ws.write_formula("L2", "=1/0", None, "#DIV/0!")

    return c.xlsxwriter_book("formula.xlsx", finish)


@case("#REF! in an ODS file (LibreOffice)", 1, "问题清单!E2 [#REF!]", errors={("E2", "formula_error")})
def _(c: Ctx) -> Path:
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    xlsx = c.edit_xlsx(c.book(name="lo.xlsx"), lambda b: b["问题清单"]["E2"].__setattr__("value", "=#REF!"))
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{c.tmp}/lo-profile", "--convert-to", "ods",
         "--outdir", str(c.tmp), str(xlsx)], check=True, capture_output=True, timeout=300,
    )
    xlsx.unlink()
    return c.tmp / "lo.ods"


@case("formula without a saved result", 1, "问题清单!F3 [=DATE(2022,1,1)]", "没有保存计算结果",
      errors={("F3", "formula_uncalculated")})
def _(c: Ctx) -> Path:
    return c.edit_xlsx(c.book(), lambda b: b["问题清单"]["F3"].__setattr__("value", "=DATE(2022,1,1)"))


# ---------------------------------------------------------------- numbers, dates, text (exit 1)

@case("numbers as text and text as numbers", 1, "办理流程!B4 [3.5]", "“3.5”不是整数",
      errors={("B4", "integer_type")})
def _(c: Ctx) -> Path:
    def edit(r: Rows) -> None:
        r["policy_steps"][0].update(step="1", days=" 5 ")  # numbers stored as text: fine
        r["policy_steps"][1].update(step="２", days="1,0")  # full width; thousands separator
        r["departments"][0].update(phone=5802022001.0)     # a phone number stored as a number
        r["policy_steps"][2].update(step="3.5")
    return c.book(edit)


def _new_department(**values: Any) -> Callable[[Rows], None]:
    def edit(r: Rows) -> None:
        r["departments"].append({"dept_id": "D900", "name": "新增部门", **values})
    return edit


@case("ID typed as a fraction", 1, "部门!A17 [1001.5]", "“1001.5”不是有效的编号", errors={("A17", "id_type")})
def _(c: Ctx) -> Path:
    return c.book(_new_department(dept_id=1001.5))


@case("ID as a real boolean cell", 1, "部门!A17 [TRUE]", errors={("A17", "id_type")})
def _(c: Ctx) -> Path:
    return c.book(_new_department(dept_id=True))


@case("full-width digits", 1, "问题清单!F2 [２０２２－１３－０１]", "不是真实存在的日期",
      errors={("F2", "date_invalid")})
def _(c: Ctx) -> Path:
    def edit(r: Rows) -> None:
        r["issues"][0]["reported_on"] = "２０２２－１３－０１"
        r["issues"][1]["reported_on"] = "２０２２－０７－０１"
        r["policy_steps"][0]["days"] = "１５"
        r["departments"][1]["phone"] = "０５８０－２０２２００１"
    return c.book(edit)


@case("full-width space inside a code", 1, "部门!A17", "中含有空格或不可见字符", errors={("A17", "id_space")})
def _(c: Ctx) -> Path:
    return c.book(_new_department(dept_id="D\u3000900"))


DATE_FORMS_OK = ["2022-07-01", "2022/7/1", "2022.7.1", "2022年7月1日", "2022-07-01 00:00:00", 44743,
                 dt.datetime(2022, 7, 1, 0, 0), " 2022-7-1 "]


@case("every accepted date form, and one day-first", 1, "问题清单!F10 [01/07/2022]", "无法分辨日和月",
      errors={("F10", "date_ambiguous")})
def _(c: Ctx) -> Path:
    def edit(r: Rows) -> None:
        for i, form in enumerate(DATE_FORMS_OK):
            reopen(r["issues"][i], "已挂号", r["issues"], reported_on=form, due_on=None, dept_id=None, owner=None,
                   assigned_on=None, reopens=None)
        r["issues"][8]["reported_on"] = "01/07/2022"
    return c.book(edit)


@case("month-first date", 1, "结对!D3 [7/1/2022]", errors={("D3", "date_ambiguous")})
def _(c: Ctx) -> Path:
    return c.book(_set("assignments", 1, start_on="7/1/2022"))


@case("date that does not exist", 1, "政策!L2 [2022-02-30]", errors={("L2", "date_invalid")})
def _(c: Ctx) -> Path:
    return c.book(_set("policies", 0, effective_from="2022-02-30"))


@case("date without separators", 1, "政策!L3 [20220701]", "“20220701”不是日期", errors={("L3", "date_type")})
def _(c: Ctx) -> Path:
    return c.book(_set("policies", 1, effective_from="20220701"))


@case("date without a day", 1, "政策!L4 [2022年7月]", errors={("L4", "date_type")})
def _(c: Ctx) -> Path:
    return c.book(_set("policies", 2, effective_from="2022年7月"))


@case("small number in a date cell", 1, "结对!D2 [12]", errors={("D2", "date_type")})
def _(c: Ctx) -> Path:
    return c.book(_set("assignments", 0, start_on=12))


@case("date in a number cell", 1, "办理流程!B2", "不是整数", errors={("B2", "integer_type")})
def _(c: Ctx) -> Path:
    # B2 cannot be typed; the policy's steps are not counted without it (no second error).
    return c.book(_set("policy_steps", 0, step=dt.date(2022, 7, 1)))


@case("yes-or-no in other words", 1, "专员!J2 [是的]", "“是的”不是“是”或“否”", errors={("J2", "bool_type")})
def _(c: Ctx) -> Path:
    def edit(r: Rows) -> None:
        r["officers"][0]["active"] = "是的"
        r["officers"][1]["active"] = "Y"
        r["officers"][2]["active"] = True
        r["officers"][3]["active"] = "TRUE"
        r["officers"][4]["active"] = 1
    return c.book(edit)


# ---------------------------------------------------------------- encodings, sizes, control characters

@case("CSV folder saved by Chinese Excel (GBK)", 1, "问题清单!D2 [别的]", "“别的”不在可选值之内",
      errors={("D2", "enum")})
def _(c: Ctx) -> Path:
    return c.csv_folder("gbk", _set("issues", 0, category="别的"))


@case("CSV folder in UTF-8 with BOM", 1, "部门!E2 [ftp://example.gov.cn]", errors={("E2", "url")})
def _(c: Ctx) -> Path:
    return c.csv_folder("utf-8-sig", _set("departments", 0, website="ftp://example.gov.cn"))


@case("cell of 100,000 characters in text", 1, "问题清单!E2", "单元格有 100000 个字符，超过了上限 32767",
      errors={("E2", "too_long")})
def _(c: Ctx) -> Path:
    return c.csv_folder("utf-8", _set("issues", 0, description="很长" * 50_000))


@case("cell of 100,000 characters in a code", 1, "部门!A17", "单元格有 100000 个字符，超过了上限 32767", errors={("A17", "too_long")})
def _(c: Ctx) -> Path:
    return c.csv_folder("utf-8", _new_department(dept_id="D" * 100_000))


@case("cell of 100,000 characters in a choice", 1, "企业!D2", "单元格有 100002 个字符", errors={("D2", "too_long")})
def _(c: Ctx) -> Path:
    return c.csv_folder("utf-8", _set("enterprises", 0, industry="新材料" * 33_334))


@case("50,000 rows of the same error", 1, "部门!C2 [abc]", "“部门”中另有 49995 处同类问题",
      "共 50000 个错误", try_build=True, max_output=2500)
def _(c: Ctx) -> Path:
    def edit(r: Rows) -> None:
        r["departments"] += [
            {"dept_id": f"X{i:05d}", "name": f"部门{i}", "phone": "abc"} for i in range(50_000)
        ]
        for row in r["departments"][:15]:
            row["phone"] = None
    path = c.tmp / "flood.xlsx"
    from generator.schema import load_schema

    schema = load_schema()
    rows = copy.deepcopy(c.rows)
    edit(rows)
    rows["departments"] = rows["departments"][15:] + rows["departments"][:15]
    book = openpyxl.Workbook(write_only=True)
    for sheet in schema.sheets:
        if sheet.name not in rows:
            continue
        ws = book.create_sheet(sheet.title)
        ws.append([f.title for f in sheet.fields])
        for row in rows[sheet.name]:
            ws.append([row.get(f.name) for f in sheet.fields])
    book.save(path)
    return path


@case("control characters in text", 1, "问题清单!E2 [厂房␇扩建]", "文字中含有不可见的控制字符",
      errors={("E2", "control_chars")})
def _(c: Ctx) -> Path:
    def finish(name: str, ws: Any) -> None:
        if name == "issues":
            ws.write_string("E2", "厂房\x07扩建")

    return c.xlsxwriter_book("control.xlsx", finish)


@case("NUL and escape characters in a CSV", 1, "部门!D2 [路␀1号␛]", errors={("D2", "control_chars")})
def _(c: Ctx) -> Path:
    return c.csv_folder("utf-8", _set("departments", 0, address="路\x001号\x1b"))


@case("control character in a code", 1, "部门!A17 [D␋900]", "中含有空格或不可见字符", errors={("A17", "id_space")})
def _(c: Ctx) -> Path:
    return c.csv_folder("utf-8", _new_department(dept_id="D\x0b900"))


@case("line break inside a choice", 1, "企业!E2", "不在可选值之内", errors={("E2", "enum")})
def _(c: Ctx) -> Path:
    return c.book(_set("enterprises", 0, size="小\n型"))


# ---------------------------------------------------------------- the test

def _snapshot(paths: list[Path]) -> dict[Path, bytes | None]:
    out: dict[Path, bytes | None] = {}
    for p in paths:
        if p.is_file():
            out[p] = p.read_bytes()
        elif p.is_dir():
            for f in sorted(p.iterdir()):
                out[f] = f.read_bytes()
        else:
            out[p] = None
    return out


def test_corpus_is_large_enough():
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(name, tmp_path, small_rows, runner, request):
    spec = CASES[name]
    made = spec.build(Ctx(tmp_path, small_rows))
    sources = made if isinstance(made, list) else [made]
    before = _snapshot(sources)
    args = [a for s in sources for a in ("--source", str(s))] + ["--as-of", "2022-12-31"]

    result = runner.invoke(cli, ["validate", *args])
    out = result.output
    if request.config.getoption("verbose") > 1:
        print(f"--- {name}\n{out[:1500]}")
    assert result.exit_code == spec.exit, out[:2000]
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in out and "内部错误" not in out and "Internal error" not in out
    for text in spec.expect:
        assert text in out, out[:2000]
    assert len(out) <= spec.max_output, f"{len(out)} characters of output"
    if spec.exit == 1:
        assert out.splitlines()[-1].startswith("共 ")

    if spec.errors is not None:
        as_json = runner.invoke(cli, ["validate", *args, "--format", "json"])
        findings = json.loads(as_json.output)
        assert {(f["cell"], f["code"]) for f in findings if f["severity"] == "error"} == spec.errors
        for f in findings:
            assert list(f) == ["sheet", "row", "column", "cell", "value", "code", "message", "severity", "hint", "source"]
            assert f["value"] is None or len(f["value"]) <= 200

    if spec.try_build:
        site = tmp_path / "site"
        built = runner.invoke(cli, ["build", *args, "--site-dir", str(site)])
        assert built.exit_code == spec.exit, built.output[:2000]
        assert "Traceback" not in built.output
        assert not site.exists()
        assert len(built.output) <= max(spec.max_output, 4000)

    assert _snapshot(sources) == before  # the staff's files are never changed


def test_example_workbook_is_untouched_by_validate(runner):
    before = EXAMPLE_WORKBOOK.read_bytes()
    runner.invoke(cli, ["validate"])
    assert EXAMPLE_WORKBOOK.read_bytes() == before


def test_source_errors_in_english(tmp_path, runner):
    path = tmp_path / "book.xlsx"
    path.write_text("部门编号,部门名称\n", encoding="utf-8")
    result = runner.invoke(cli, ["validate", "--source", str(path), "--lang", "en"])
    assert result.exit_code == 2
    assert result.output == (
        "Error: book.xlsx is not a spreadsheet (its name ends in .xlsx but its content is something else): "
        "save it from Excel or WPS as .xlsx.\n"
    )
