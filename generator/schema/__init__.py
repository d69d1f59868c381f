"""The workbook contract, read from ``sheets_schema/``.

Each sheet is a YAML file in the Frictionless Table Schema vocabulary (``name``,
``title``, ``type``, ``constraints``, ``primaryKey``, ``foreignKeys``) plus our
own properties: ``kind`` (how a cell is typed), ``visibility``, ``enumRef`` and
``rules`` (rules across cells of a row or across rows).
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
from .rules import Rule, parse_rules

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SCHEMA_DIR = PROJECT_ROOT / "sheets_schema"
# The as-of dates the generator accepts (--as-of, dates.programmeStart).
AS_OF_MIN = dt.date(2000, 1, 1)
AS_OF_MAX = dt.date(2100, 12, 31)
# workbook.yaml ``dates`` when it names none.
DEFAULT_PROGRAMME_START = dt.date(2015, 1, 1)
DEFAULT_YEARS_AFTER_AS_OF = 30

# The roles the code uses (workbook.yaml ``roles``): each must name a value of its list.
ROLES_USED: dict[str, tuple[str, ...]] = {
    "satisfaction": ("satisfied", "basic", "dissatisfied"),
    "issue_status": ("registered", "assigned", "in_progress", "closed"),
    "leniency_outcome": ("open", "rectified", "filed"),
}
# The progress tables by enterprise attribute (workbook.yaml ``dimensions``).
DIMENSIONS_USED = ("town", "industry", "size", "above_scale")

KINDS = {
    "id", "text", "enum", "date", "boolean", "integer", "decimal",
    "phone", "mobile", "email", "url", "uscc", "list",
}


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
    visibility: str = "public"
    example: str | None = None
    description: str | None = None
    default: Any = None

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
class EnumRole:
    """Which value of an enumeration plays which part (workbook.yaml ``roles``)."""

    name: str
    values: dict[str, str]  # role -> value, in the order of the enumeration

    def __getitem__(self, role: str) -> str:
        return self.values[role]

    @property
    def ordered(self) -> tuple[str, ...]:
        return tuple(self.values.values())

    def role_of(self, value: str | None) -> str | None:
        for role, v in self.values.items():
            if v == value:
                return role
        return None


@dataclass(frozen=True)
class Dimension:
    """A progress table grouped by a field of 企业名录 (workbook.yaml ``dimensions``)."""

    name: str
    field: str
    values: tuple[str, ...]
    # For a 是/否 field: the word shown for each answer.
    answers: tuple[tuple[bool, str], ...] = ()

    def value_of(self, cell: Any) -> str:
        if self.answers:
            return dict(self.answers)[bool(cell)]
        return str(cell)


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
    raw: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, hash=False)

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
        visibility=raw.get("visibility", sheet_vis),
        example=None if example is None else str(example),
        description=raw.get("description"),
        default=raw.get("default"),
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


def _enum_of(spec: dict[str, Any], enums: dict[str, tuple[str, ...]], sheets: list[SheetSchema]) -> tuple[str, ...] | None:
    if "enum" in spec:
        return enums.get(str(spec["enum"]))
    sheet_name, _dot, field_name = str(spec.get("field", "")).partition(".")
    for sheet in sheets:
        if sheet.name == sheet_name:
            for f in sheet.fields:
                if f.name == field_name:
                    return f.enum
    return None


def _roles(raw: Any, enums: dict[str, tuple[str, ...]], sheets: list[SheetSchema], where: Path) -> dict[str, EnumRole]:
    raw = raw or {}
    if not isinstance(raw, dict):
        raise ConfigError(_("{path}: roles must be a mapping of role lists").format(path=where))
    roles: dict[str, EnumRole] = {}
    for name in sorted(set(raw) | set(ROLES_USED)):
        spec = raw.get(name)
        if name not in ROLES_USED:
            raise ConfigError(_("{path}: roles.{name} is not a role the generator knows (known: {known})").format(
                path=where, name=name, known=", ".join(ROLES_USED)))
        if not isinstance(spec, dict) or not isinstance(spec.get("values"), dict):
            raise ConfigError(_("{path}: roles.{name} is missing: give its enum (or field) and values").format(
                path=where, name=name))
        listed = _enum_of(spec, enums, sheets)
        if listed is None:
            raise ConfigError(_("{path}: roles.{name} names no enumeration ({spec}): use enum: NAME of enums.yaml or field: sheet.field").format(
                path=where, name=name, spec=spec.get("enum", spec.get("field"))))
        values = {str(k): str(v) for k, v in spec["values"].items()}
        wanted = ROLES_USED[name]
        if set(values) != set(wanted):
            raise ConfigError(_("{path}: roles.{name} must name exactly these roles: {wanted}").format(
                path=where, name=name, wanted=", ".join(wanted)))
        for role, value in values.items():
            if value not in listed:
                raise ConfigError(_("{path}: roles.{name}.{role} is “{value}”, which is not a value of its list ({values})").format(
                    path=where, name=name, role=role, value=value, values="、".join(listed)))
        ordered = {role: v for v in listed for role, value in values.items() if value == v}
        roles[name] = EnumRole(name, ordered)
    return roles


def _dimensions(raw: Any, sheets: list[SheetSchema], where: Path) -> dict[str, Dimension]:
    raw = raw or {}
    if not isinstance(raw, dict) or set(raw) != set(DIMENSIONS_USED):
        raise ConfigError(_("{path}: dimensions must name exactly these tables: {wanted}").format(
            path=where, wanted=", ".join(DIMENSIONS_USED)))
    firms = next((s for s in sheets if s.name == "enterprises"), None)
    out: dict[str, Dimension] = {}
    for name, spec in raw.items():
        spec = spec if isinstance(spec, dict) else {}
        found = [f for f in (firms.fields if firms else ()) if f.name == spec.get("field")]
        if not found:
            raise ConfigError(_("{path}: dimensions.{name} names the field “{field}”, which enterprises.yaml does not have").format(
                path=where, name=name, field=spec.get("field")))
        f = found[0]
        if f.kind == "boolean":
            answers = spec.get("values")
            if not isinstance(answers, dict) or set(answers) != {True, False}:
                raise ConfigError(_("{path}: dimensions.{name} is a 是/否 field: give values: {{true: …, false: …}}").format(
                    path=where, name=name))
            out[name] = Dimension(name, f.name, (str(answers[True]), str(answers[False])),
                                  ((True, str(answers[True])), (False, str(answers[False]))))
        elif f.enum:
            out[name] = Dimension(name, f.name, f.enum)
        else:
            raise ConfigError(_("{path}: dimensions.{name}: the field “{field}” has neither a list of values nor 是/否").format(
                path=where, name=name, field=f.name))
    return {name: out[name] for name in raw}


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


def _with_rules(sheets: list[SheetSchema], raw: dict[str, dict[str, Any]], directory: Path) -> list[SheetSchema]:
    """The sheets with their keys checked and their rules parsed (rules may look at other sheets)."""
    by_name = {s.name: s for s in sheets}
    out = []
    for sheet in sheets:
        where = directory / f"{sheet.name}.yaml"
        _check_keys(sheet, by_name, where)
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
        roles=_roles(book.get("roles"), enums, sheets, where),
        dimensions=_dimensions(book.get("dimensions"), sheets, where),
        suppression_k=k,
        programme_start=programme_start,
        years_after_as_of=years_after,
        title=book.get("title", ""),
        sheets=tuple(sheets),
        enums=enums,
        list_separators=tuple(book.get("listSeparators", ["、", ",", ";", "\n"])),
        timezone=book.get("timezone", "Asia/Shanghai"),
        directory=directory,
        raw=raw_sheets,
    )
