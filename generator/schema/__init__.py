"""The workbook contract, read from ``sheets_schema/``.

Each sheet is a YAML file in the Frictionless Table Schema vocabulary (``name``,
``title``, ``type``, ``constraints``, ``primaryKey``, ``foreignKeys``) plus our
own properties: ``kind`` (how a cell is typed), ``visibility``, ``enumRef``,
``rules`` (rules across cells of a row or across rows; typed in rules.py),
``publishedBy`` (the 是/否 field that makes a row public), ``releases`` (a
consent field and the internal fields it lets the public site show) and ``unit``
(``元`` on a number field: a cell written in 万元 is refused, not misread).
workbook.yaml's ``roles`` and ``dimensions`` are typed in roles.py.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError
from ..i18n import _
from .closed_loop import ClosedLoop, load_closed_loop
from .dominance import Dominance, load_dominance
from .footer import Footer, load_footer
from .roles import DIMENSIONS_USED, ROLES_USED, Dimension, EnumRole, load_dimensions, load_roles
from .rules import Rule, parse_rules

__all__ = [
    "AS_OF_MAX", "AS_OF_MIN", "DEFAULT_PROGRAMME_START", "DEFAULT_SCHEMA_DIR", "DEFAULT_YEARS_AFTER_AS_OF",
    "DIMENSIONS_USED", "KINDS", "PROJECT_ROOT", "ROLES_USED", "ClosedLoop", "Dimension", "Dominance", "EnumRole", "Field", "Footer", "ForeignKey",
    "Rule", "SheetSchema", "WorkbookSchema", "fold_header", "load_schema",
]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SCHEMA_DIR = PROJECT_ROOT / "sheets_schema"
# The as-of dates the generator accepts (--as-of, dates.programmeStart).
AS_OF_MIN = dt.date(2000, 1, 1)
AS_OF_MAX = dt.date(2100, 12, 31)
# workbook.yaml ``dates`` when it names none.
DEFAULT_PROGRAMME_START = dt.date(2015, 1, 1)
DEFAULT_YEARS_AFTER_AS_OF = 30

KINDS = {
    "id", "text", "enum", "date", "boolean", "integer", "decimal",
    "phone", "mobile", "email", "url", "uscc", "list",
}

# The units a number field may declare (``unit``): 元, so that 万元 is never misread.
UNITS = ("元",)


def fold_header(text: str) -> str:
    """How headers are compared: NFKC, no spaces (U+3000 included), lower case."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(folded.split()).lower()


@dataclass(frozen=True)
class Field:
    name: str
    title: str
    kind: str
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    # ``constraints: {maximum: 24}``: a number above it is refused at its cell (时长 in hours).
    maximum: float | None = None
    visibility: str = "public"
    example: str | None = None
    description: str | None = None
    default: Any = None
    # A 是/否 field of consent: 是 lets the public site show these (internal)
    # fields of its row (``releases``: an enterprise's name).
    releases: tuple[str, ...] = ()
    # An optional column whose absence validate mentions once (figures that need it show —).
    warn_if_absent: bool = False
    # ``unit: 元``: a number in yuan; a cell written in 万元 (12万) is refused, not read as 12.
    unit: str | None = None

    @property
    def is_internal(self) -> bool:
        return self.visibility == "internal"


@dataclass(frozen=True)
class ForeignKey:
    field: str
    sheet: str
    target: str


@dataclass(frozen=True)
class SheetSchema:
    name: str
    title: str
    visibility: str
    required: bool
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    rules: tuple[Rule, ...] = ()
    description: str = ""
    # A 是/否 field: a row where it is 否 is a draft, internal in all its fields
    # (``publishedBy``: a policy not yet published).
    published_by: str | None = None

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def match_header(self, header: str) -> Field | None:
        key = fold_header(header)
        for f in self.fields:
            if key in (fold_header(f.title), fold_header(f.name)):
                return f
        return None


@dataclass(frozen=True)
class WorkbookSchema:
    title: str
    sheets: tuple[SheetSchema, ...]
    enums: dict[str, tuple[str, ...]]
    list_separators: tuple[str, ...]
    timezone: str
    directory: Path
    # Published counts drawing on fewer than k distinct enterprises are suppressed (site.md).
    suppression_k: int = 3
    # Dates in the sheets: none before the programme started, none more than
    # ``years_after_as_of`` years after the as-of date (workbook.yaml ``dates``).
    programme_start: dt.date = DEFAULT_PROGRAMME_START
    years_after_as_of: int = DEFAULT_YEARS_AFTER_AS_OF
    roles: dict[str, EnumRole] = field(default_factory=dict, compare=False, hash=False)
    dimensions: dict[str, Dimension] = field(default_factory=dict, compare=False, hash=False)
    closed_loop: ClosedLoop = field(default_factory=ClosedLoop)
    # Money figures: when a few enterprises dominate a sum (workbook.yaml ``dominance``).
    dominance: Dominance = field(default_factory=Dominance)
    footer: Footer = field(default_factory=Footer)
    raw: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, hash=False)
    # The area served (workbook.yaml ``district``), for the policy pages' structured data.
    district: str = ""

    def sheet(self, name: str) -> SheetSchema:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)

    def sheet_by_tab(self, tab: str) -> SheetSchema | None:
        key = fold_header(tab)
        for s in self.sheets:
            if key in (fold_header(s.title), fold_header(s.name)):
                return s
        return None


def _load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            # libyaml's safe loader when PyYAML has it: the schema loads in 10 ms, not 120 ms.
            return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"无法读取表结构文件 {path}: {exc}") from exc


def _field(raw: dict[str, Any], enums: dict[str, tuple[str, ...]], sheet_vis: str, where: Path) -> Field:
    kind = raw.get("kind", "text")
    if kind not in KINDS:
        raise ConfigError(f"{where}: 字段 {raw.get('name')} 的 kind “{kind}” 无效")
    cons = raw.get("constraints") or {}
    unit = raw.get("unit")
    if unit is not None and (unit not in UNITS or kind not in ("integer", "decimal")):
        raise ConfigError(f"{where}: 字段 {raw.get('name')} 的 unit “{unit}” 无效（只有数字字段可以写 unit: 元）")
    enum: tuple[str, ...] | None = None
    if "enumRef" in raw:
        ref = raw["enumRef"]
        if ref not in enums:
            raise ConfigError(f"{where}: 字段 {raw['name']} 引用了不存在的枚举 {ref}")
        enum = enums[ref]
    elif "enum" in cons:
        enum = tuple(str(v) for v in cons["enum"])
    example = raw.get("example")
    return Field(
        name=str(raw["name"]),
        title=str(raw["title"]),
        kind=kind,
        required=bool(cons.get("required", False)),
        unique=bool(cons.get("unique", False)),
        enum=enum,
        minimum=cons.get("minimum"),
        maximum=cons.get("maximum"),
        visibility=raw.get("visibility", sheet_vis),
        example=None if example is None else str(example),
        description=raw.get("description"),
        default=raw.get("default"),
        releases=tuple(str(v) for v in raw.get("releases") or ()),
        warn_if_absent=bool(raw.get("warnIfAbsent", False)),
        unit=None if unit is None else str(unit),
    )


def _date_bounds(raw: Any, where: Path) -> tuple[dt.date, int]:
    if not isinstance(raw, dict):
        raise ConfigError(_("{path}: dates must be a mapping with programmeStart and yearsAfterAsOf").format(path=where))
    start = raw.get("programmeStart", DEFAULT_PROGRAMME_START)
    if isinstance(start, str):
        try:
            start = dt.date.fromisoformat(start)
        except ValueError:
            pass
    if isinstance(start, dt.datetime) or not isinstance(start, dt.date) or not AS_OF_MIN <= start <= AS_OF_MAX:
        raise ConfigError(_("{path}: dates.programmeStart must be a date between {low} and {high}, not {value!r}").format(
            path=where, low=AS_OF_MIN.isoformat(), high=AS_OF_MAX.isoformat(), value=start))
    years = raw.get("yearsAfterAsOf", DEFAULT_YEARS_AFTER_AS_OF)
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= 100:
        raise ConfigError(_("{path}: dates.yearsAfterAsOf must be a whole number from 1 to 100, not {value!r}").format(
            path=where, value=years))
    return start, years


def _check_keys(sheet: SheetSchema, by_name: dict[str, SheetSchema], where: Path) -> None:
    """primaryKey and foreignKeys name fields (and sheets) the workbook has."""
    names = {f.name for f in sheet.fields}
    for key in sheet.primary_key:
        if key not in names:
            raise ConfigError(_("{path}: primaryKey names the field {field}, which {sheet} has not got").format(
                path=where, field=key, sheet=sheet.name))
    for fk in sheet.foreign_keys:
        target = by_name.get(fk.sheet)
        if fk.field not in names:
            raise ConfigError(_("{path}: a foreign key names the field {field}, which {sheet} has not got").format(
                path=where, field=fk.field, sheet=sheet.name))
        if target is None:
            raise ConfigError(_("{path}: the foreign key of {field} refers to the sheet {target}, which the workbook has not got").format(
                path=where, field=fk.field, target=fk.sheet))
        if fk.target not in {f.name for f in target.fields}:
            raise ConfigError(_("{path}: the foreign key of {field} refers to the field {target_field}, which {target} has not got").format(
                path=where, field=fk.field, target_field=fk.target, target=fk.sheet))


def _check_visibility(sheet: SheetSchema, where: Path) -> None:
    """``publishedBy`` and ``releases`` name 是/否 fields and fields of the sheet."""
    kinds = {f.name: f.kind for f in sheet.fields}
    if sheet.published_by is not None and kinds.get(sheet.published_by) != "boolean":
        raise ConfigError(_("{path}: publishedBy names {field}, which is not a 是/否 field of {sheet}").format(
            path=where, field=sheet.published_by, sheet=sheet.name))
    for f in sheet.fields:
        if f.releases and f.kind != "boolean":
            raise ConfigError(_("{path}: {field} releases fields, so it must be a 是/否 field").format(
                path=where, field=f.name))
        for name in f.releases:
            if name not in kinds:
                raise ConfigError(_("{path}: {field} releases the field {released}, which {sheet} has not got").format(
                    path=where, field=f.name, released=name, sheet=sheet.name))


def _with_rules(sheets: list[SheetSchema], raw: dict[str, dict[str, Any]], directory: Path) -> list[SheetSchema]:
    """The sheets with their keys checked and their rules parsed (rules may look at other sheets)."""
    by_name = {s.name: s for s in sheets}
    out = []
    for sheet in sheets:
        where = directory / f"{sheet.name}.yaml"
        _check_keys(sheet, by_name, where)
        _check_visibility(sheet, where)
        out.append(replace(sheet, rules=parse_rules(raw[sheet.name].get("rules"), sheet, by_name, where)))
    return out


def load_schema(directory: Path | str | None = None) -> WorkbookSchema:
    directory = Path(directory or os.environ.get("NUANQI_SCHEMA_DIR") or DEFAULT_SCHEMA_DIR)
    return _load_schema_cached(directory.resolve())


@cache
def _load_schema_cached(directory: Path) -> WorkbookSchema:
    if not directory.is_dir():
        raise ConfigError(f"找不到表结构目录 {directory}")
    book = _load_yaml(directory / "workbook.yaml") or {}
    enums_raw = _load_yaml(directory / "enums.yaml") or {}
    enums = {k: tuple(str(v) for v in vals) for k, vals in enums_raw.items()}
    sheets: list[SheetSchema] = []
    raw_sheets: dict[str, dict[str, Any]] = {}
    for name in book.get("sheets", []):
        path = directory / f"{name}.yaml"
        raw = _load_yaml(path)
        vis = raw.get("visibility", "public")
        fields = tuple(_field(f, enums, vis, path) for f in raw["fields"])
        fks = tuple(
            ForeignKey(fk["fields"], fk["reference"]["resource"], fk["reference"]["fields"])
            for fk in raw.get("foreignKeys", [])
        )
        sheets.append(
            SheetSchema(
                name=raw["name"],
                title=raw["title"],
                visibility=vis,
                required=bool(raw.get("required", True)),
                fields=fields,
                primary_key=tuple(raw.get("primaryKey", [])),
                foreign_keys=fks,
                description=raw.get("description", ""),
                published_by=raw.get("publishedBy"),
            )
        )
        raw_sheets[raw["name"]] = raw
    sheets = _with_rules(sheets, raw_sheets, directory)
    k = (book.get("suppression") or {}).get("k", 3)
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        raise ConfigError(_("{path}: suppression.k must be a whole number of at least 2, not {value!r}").format(
            path=directory / "workbook.yaml", value=k))
    programme_start, years_after = _date_bounds(book.get("dates") or {}, directory / "workbook.yaml")
    where = directory / "workbook.yaml"
    return WorkbookSchema(
        roles=load_roles(book.get("roles"), enums, sheets, where),
        dimensions=load_dimensions(book.get("dimensions"), sheets, where),
        closed_loop=load_closed_loop(book.get("closedLoop"), where),
        dominance=load_dominance(book.get("dominance"), where),
        footer=load_footer(book.get("footer"), where),
        suppression_k=k,
        programme_start=programme_start,
        years_after_as_of=years_after,
        title=book.get("title", ""),
        district=str(book.get("district") or ""),
        sheets=tuple(sheets),
        enums=enums,
        list_separators=tuple(book.get("listSeparators", ["、", ",", ";", "\n"])),
        timezone=book.get("timezone", "Asia/Shanghai"),
        directory=directory,
        raw=raw_sheets,
    )
