"""Which value of an enumeration plays which part (workbook.yaml ``roles``) and
the progress tables by enterprise attribute (``dimensions``), checked when
the schema loads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from ..i18n import _

if TYPE_CHECKING:
    from . import SheetSchema

# The roles the code uses (workbook.yaml ``roles``): each must name a value of its list.
ROLES_USED: dict[str, tuple[str, ...]] = {
    "satisfaction": ("satisfied", "basic", "dissatisfied"),
    "issue_status": ("registered", "assigned", "in_progress", "closed"),
    "leniency_outcome": ("open", "rectified", "filed"),
    "closure_type": ("resolved", "explained", "unresolvable"),
    "condition": ("years", "employees", "revenue", "rd_share", "high_tech", "specialised", "above_scale"),
    "comparison": ("at_least", "at_most", "between", "yes", "no"),
    "payment_status": ("applied", "accepted", "paid", "rejected"),
    "visit_method": ("stationed", "visit", "phone"),
}
# 申报条件: the conditions that compare a number and the comparisons a number takes
# (the others are 是/否 conditions, which take ``yes`` or ``no``).
NUMERIC_CONDITIONS = ("years", "employees", "revenue", "rd_share")
NUMERIC_COMPARISONS = ("at_least", "at_most", "between")
# The progress tables by enterprise attribute (workbook.yaml ``dimensions``).
DIMENSIONS_USED = ("town", "industry", "size", "above_scale")


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


def load_roles(raw: Any, enums: dict[str, tuple[str, ...]], sheets: list[SheetSchema], where: Path) -> dict[str, EnumRole]:
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


def load_dimensions(raw: Any, sheets: list[SheetSchema], where: Path) -> dict[str, Dimension]:
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
