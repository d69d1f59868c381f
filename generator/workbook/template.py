"""An empty workbook that stops mistakes before they are typed.

Every sheet of the schema, in schema order, with its header row; a note on
each header (what goes there, an example, required or not); drop-down lists
for enumerations, booleans and references to another sheet's IDs; date format
on date columns and text format on code columns (so that leading zeros stay);
the header row frozen. Written with openpyxl; everything follows
``sheets_schema/``, nothing here names a sheet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..check.labels import label_field, labelled_fields
from ..errors import NuanqiError
from ..i18n import _
from ..schema import Field, SheetSchema, WorkbookSchema, load_schema

# Rows covered by drop-downs and formats (the data validation ranges).
TEMPLATE_ROWS = 5000
# Excel refuses a literal list longer than this; longer lists go to a hidden sheet.
LIST_LITERAL_MAX = 255
LISTS_SHEET = "_lists"
# The first tab: how to fill in the workbook, and every column of every sheet with
# its example (an example row in a data sheet would be read as data).
GUIDE_SHEET = "填写说明"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
TEXT_KINDS = {"id", "phone", "mobile", "uscc"}
BOOLEAN_CHOICES = ("是", "否")

_REQUIRED_FILL = PatternFill("solid", start_color="FFF2CC")
_OPTIONAL_FILL = PatternFill("solid", start_color="E7EEF7")


def _kind_note(f: Field, schema: WorkbookSchema) -> str:
    kind = f.kind
    if kind == "enum":
        return _("Choose from the list: {allowed}").format(allowed="、".join(f.enum or ()))
    if kind == "list":
        if f.enum:
            return _("One or more of: {allowed}; separate them with 、").format(allowed="、".join(f.enum))
        return _("One or more items, separated with 、")
    notes = {
        "id": _("A code, typed as text"),
        "text": _("Text"),
        "date": _("A date such as 2022-07-01"),
        "boolean": _("是 or 否"),
        "integer": _("A whole number"),
        "decimal": _("A number"),
        "phone": _("A phone number such as 0580-2022001"),
        "mobile": _("An 11-digit mobile number"),
        "email": _("An e-mail address"),
        "url": _("A web address starting with https:// or http://"),
        "uscc": _("The 18-character unified social credit code from the business licence"),
    }
    return notes[kind]


def _example(f: Field) -> str | None:
    if f.example is not None:
        return f.example
    if f.kind == "boolean":
        return "是"
    if f.enum:
        return f.enum[0]
    return None


def header_note(f: Field, sheet: SheetSchema, schema: WorkbookSchema) -> str:
    """The note on a header cell: what goes there, an example, required or not."""
    lines = [_kind_note(f, schema)]
    if f.description:
        lines.insert(0, f.description)
    for fk in sheet.foreign_keys:
        if fk.field == f.name:
            try:
                target = schema.sheet(fk.sheet)
                lines.append(_("Must be a {column} of the sheet {sheet}").format(
                    column=target.field(fk.target).title, sheet=target.title))
            except KeyError:
                pass
    if f.minimum is not None:
        lines.append(_("Not below {minimum}").format(minimum=_number(f.minimum)))
    if f.maximum is not None:
        lines.append(_("Not above {maximum}").format(maximum=_number(f.maximum)))
    if f.unique:
        lines.append(_("Each value only once in this column"))
    example = _example(f)
    if example is not None:
        lines.append(_("Example: {example}").format(example=example))
    lines.append(_("Required") if f.required else _("Optional"))
    consent = next((g for g in sheet.fields if f.name in g.releases), None)
    if consent is not None:
        lines.append(_("Internal, except where {consent} is 是: then shown on the public site").format(
            consent=consent.title))
    elif f.is_internal:
        lines.append(_("Internal: never shown on the public site"))
    return "\n".join(lines)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class _Lists:
    """Long drop-down lists, kept on one hidden sheet and referred to by range."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.sheet: Worksheet | None = None
        self.columns: dict[tuple[str, ...], str] = {}

    def formula(self, choices: tuple[str, ...]) -> str:
        literal = ",".join(choices)
        if len(literal) + 2 <= LIST_LITERAL_MAX and not any("," in c or '"' in c for c in choices):
            return f'"{literal}"'
        if choices not in self.columns:
            if self.sheet is None:
                self.sheet = self.book.create_sheet(LISTS_SHEET)
                self.sheet.sheet_state = "hidden"
            col = len(self.columns) + 1
            for row, choice in enumerate(choices, start=1):
                _text_cell(self.sheet.cell(row=row, column=col), choice)
            letter = get_column_letter(col)
            self.columns[choices] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$1:${letter}${len(choices)}"
        return "=" + self.columns[choices]

    def labelled(self, target: str, code: str, name: str) -> str:
        """A drop-down of the codes of sheet ``target`` each with its name ("D004 区财政局"):
        a column of formulas here, one per row of the target, and the list as long as the
        target's codes are (OFFSET), so that it ends where they do. The reader takes such a
        cell as its code and checks the name (check/labels.py)."""
        key = ("=labelled", target, code, name)
        if key not in self.columns:
            if self.sheet is None:
                self.sheet = self.book.create_sheet(LISTS_SHEET)
                self.sheet.sheet_state = "hidden"
            col = len(self.columns) + 1
            sheet = quote_sheetname(target)
            for row in range(2, TEMPLATE_ROWS + 1):
                self.sheet.cell(row=row - 1, column=col).value = (
                    f'=IF({sheet}!${code}${row}="","",{sheet}!${code}${row}&" "&{sheet}!${name}${row})')
            letter = get_column_letter(col)
            self.columns[key] = (
                f"OFFSET({quote_sheetname(LISTS_SHEET)}!${letter}$1,0,0,"
                f"MAX(1,COUNTA({sheet}!${code}$2:${code}${TEMPLATE_ROWS})),1)")
        return "=" + self.columns[key]


def _list_validation(formula: str, column: str, title: str) -> DataValidation:
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
    dv.showErrorMessage = True
    dv.errorStyle = "stop"
    dv.errorTitle = _("Not in the list")
    dv.error = _("Choose a value of {column} from the drop-down list.").format(column=title)
    dv.add(f"{column}2:{column}{TEMPLATE_ROWS}")
    return dv


def _reference_formula(f: Field, sheet: SheetSchema, schema: WorkbookSchema, lists: _Lists) -> str | None:
    for fk in sheet.foreign_keys:
        if fk.field != f.name:
            continue
        try:
            target = schema.sheet(fk.sheet)
        except KeyError:
            return None
        letter = _letter(target, fk.target)
        if fk.field in labelled_fields(sheet, schema):
            named = label_field(target)
            assert named is not None  # labelled_fields keeps only targets with a name
            return lists.labelled(target.title, letter, _letter(target, named.name))
        return f"={quote_sheetname(target.title)}!${letter}$2:${letter}${TEMPLATE_ROWS}"
    return None


def _letter(sheet: SheetSchema, name: str) -> str:
    return get_column_letter(next(i for i, t in enumerate(sheet.fields) if t.name == name) + 1)


def _validations(f: Field, sheet: SheetSchema, schema: WorkbookSchema, column: str, lists: _Lists) -> list[DataValidation]:
    if f.kind == "enum" and f.enum:
        return [_list_validation(lists.formula(f.enum), column, f.title)]
    if f.kind == "boolean":
        return [_list_validation(lists.formula(BOOLEAN_CHOICES), column, f.title)]
    reference = _reference_formula(f, sheet, schema, lists)
    if reference is not None:
        dv = _list_validation(reference, column, f.title)
        if reference.startswith("=OFFSET("):
            # The list shows "D004 区财政局"; a code typed by hand (D004) is right too:
            # Excel asks once rather than refusing it.
            dv.errorStyle = "warning"
            dv.error = _("{column}: choose from the drop-down list, or type just a code of the list.").format(
                column=f.title)
        return [dv]
    if f.kind in ("integer", "decimal") and f.minimum is not None and f.maximum is not None:
        dv = DataValidation(
            type="whole" if f.kind == "integer" else "decimal", operator="between",
            formula1=_number(f.minimum), formula2=_number(f.maximum), allow_blank=True,
        )
        dv.showErrorMessage = True
        dv.errorTitle = _("Not a valid number")
        dv.error = _("{column}: type a number from {minimum} to {maximum}.").format(
            column=f.title, minimum=_number(f.minimum), maximum=_number(f.maximum))
        dv.add(f"{column}2:{column}{TEMPLATE_ROWS}")
        return [dv]
    if f.kind in ("integer", "decimal") and f.minimum is not None:
        dv = DataValidation(
            type="whole" if f.kind == "integer" else "decimal", operator="greaterThanOrEqual",
            formula1=_number(f.minimum), allow_blank=True,
        )
        dv.showErrorMessage = True
        dv.errorTitle = _("Not a valid number")
        dv.error = _("{column}: type a number not below {minimum}.").format(column=f.title, minimum=_number(f.minimum))
        dv.add(f"{column}2:{column}{TEMPLATE_ROWS}")
        return [dv]
    return []


_GUIDE_INTRO = (
    "本工作簿用于填写暖企服务工程的数据。每张工作表第 1 行是表头，不要改动表头名称；从第 2 行起每行一条记录。",
    "表头为黄色的列必填，蓝色的列选填；鼠标停在表头上可以看到说明和示例；有下拉箭头的列请从列表中选择。",
    "填好后运行 python -m generator validate --source 本文件.xlsx 校验，校验会指出每个有误的单元格和改法。",
    "本工作表只是说明，系统不读取它；下表列出每张工作表的每一列。",
)
_GUIDE_HEADER = ("工作表", "列名", "必填", "填写说明", "示例")


def _guide(book: Workbook, schema: WorkbookSchema) -> None:
    """The 填写说明 tab: a few lines on how to fill in the workbook, then a row per column."""
    ws = book.create_sheet(GUIDE_SHEET, 0)
    for row, line in enumerate(_GUIDE_INTRO, start=1):
        _text_cell(ws.cell(row=row, column=1), line)
    top = len(_GUIDE_INTRO) + 2
    for col, title in enumerate(_GUIDE_HEADER, start=1):
        _text_cell(ws.cell(row=top, column=col), title).font = Font(bold=True)
    row = top + 1
    for sheet in schema.sheets:
        for f in sheet.fields:
            note = header_note(f, sheet, schema).split("\n")
            values = (sheet.title, f.title, "是" if f.required else "否",
                      "；".join(line for line in note if not line.startswith(("示例", "Example"))), _example(f) or "")
            for col, value in enumerate(values, start=1):
                _text_cell(ws.cell(row=row, column=col), value).alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    for letter, width in zip("ABCDE", (12, 16, 6, 70, 24), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(row=top + 1, column=1)


def build_template(schema: WorkbookSchema | None = None) -> Workbook:
    schema = schema or load_schema()
    book = Workbook()
    book.remove(book.active)
    lists = _Lists(book)
    for sheet in schema.sheets:
        ws = book.create_sheet(sheet.title)
        for index, f in enumerate(sheet.fields, start=1):
            letter = get_column_letter(index)
            cell = _text_cell(ws.cell(row=1, column=index), f.title)
            cell.font = Font(bold=True, color="9C0006" if f.required else "1F3864")
            cell.fill = _REQUIRED_FILL if f.required else _OPTIONAL_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center")
            comment = Comment(header_note(f, sheet, schema), "nuanqi")
            comment.width, comment.height = 320, 160
            cell.comment = comment
            dim = ws.column_dimensions[letter]
            dim.width = max(12, min(40, 2.2 * len(f.title) + 4))
            if f.kind == "date":
                dim.number_format = DATE_FORMAT
            elif f.kind in TEXT_KINDS:
                dim.number_format = TEXT_FORMAT
            for dv in _validations(f, sheet, schema, letter, lists):
                ws.add_data_validation(dv)
        ws.freeze_panes = "A2"
    if lists.sheet is not None:
        book.move_sheet(lists.sheet, offset=len(book.sheetnames))
    _guide(book, schema)
    return book


def _text_cell(cell: Any, text: str) -> Any:
    """``cell`` holding ``text`` as a string, never a formula: openpyxl reads a
    value starting with "=" as one unless the cell's type says string."""
    cell.value = text
    cell.data_type = "s"
    return cell


def write_template(out: Path, schema: WorkbookSchema | None = None, *, overwrite: bool = False) -> list[str]:
    """Write the template; returns the titles of its sheets. An existing file
    (perhaps the staff's own workbook) is kept unless ``overwrite``."""
    if out.exists() and not overwrite:
        raise NuanqiError(
            _("{path} already exists and was left as it is; name a new file, or add --force to replace it.").format(path=out)
        )
    book = build_template(schema)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        book.save(out)
    except OSError as exc:
        raise NuanqiError(_("Cannot write {path}: {error}").format(path=out, error=exc.strerror or exc)) from exc
    return [name for name in book.sheetnames if name not in (LISTS_SHEET, GUIDE_SHEET)]
