"""The ``rules:`` of a sheet's schema file as typed values.

Each rule is parsed when the schema loads and its field references are checked
then: a rule naming a field its sheet has not got, an unknown rule, a missing or
unknown parameter, or a ``values`` entry its field cannot hold is a
configuration error naming the file and the rule, before any cell is read.
check/rules.py runs the parsed rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from ..i18n import _

if TYPE_CHECKING:
    from . import Field, SheetSchema

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)


@dataclass(frozen=True)
class Filter:
    """Rows whose ``field`` holds one of ``values``."""

    field: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Period:
    """Rows whose ``start``..``end`` period (end blank = open) contains the as-of date."""

    start: str
    end: str | None = None


@dataclass(frozen=True)
class Referrers:
    """The rows of another sheet that refer to a row by their ``field``."""

    sheet: str
    field: str
    where: Filter | None = None
    unless: Filter | None = None
    current: Period | None = None


@dataclass(frozen=True)
class RoleFilter:
    """no_overlap's ``only``: count rows whose referenced row (``key`` of ``sheet``) has ``field`` in ``values``."""

    sheet: str
    key: str
    field: str
    values: tuple[Any, ...]
    label: str = ""


@dataclass(frozen=True)
class Rule:
    """What every rule has: its name, its place in the file (1-based), how bad
    a finding is, the finding's code, and the optional row filter
    (``when``/``values``: the field holds one of them; ``unless``: it does not)."""

    kind: str
    number: int
    severity: str
    code: str
    when: Filter | None
    unless: Filter | None


@dataclass(frozen=True)
class NotBefore(Rule):
    field: str
    other: str


@dataclass(frozen=True)
class NotAfterAsOf(Rule):
    field: str


@dataclass(frozen=True)
class NotBeforeAsOf(Rule):
    field: str


@dataclass(frozen=True)
class Conditional(Rule):
    """required_if / required_unless / only_if: ``field`` must (or may only) be
    filled when ``when`` holds (or does not hold) one of the values."""

    field: str
    condition: Filter
    required: bool
    when_in: bool
    # ``ifColumn: true``: a workbook without the column is not held to the rule
    # (an optional column added later; the figures that need it show —).
    if_column: bool = False


@dataclass(frozen=True)
class MustBe(Rule):
    field: str
    value: Any


@dataclass(frozen=True)
class Sequence(Rule):
    field: str
    group: str


@dataclass(frozen=True)
class NoOverlap(Rule):
    group: str
    start: str
    end: str
    who: str
    only: RoleFilter | None


@dataclass(frozen=True)
class Referenced(Rule):
    key: str
    field: str
    by: tuple[Referrers, ...]


@dataclass(frozen=True)
class HasReferrer(Rule):
    key: str
    by: Referrers


@dataclass(frozen=True)
class OnePerWeek(Rule):
    group: str
    field: str


# Per rule: its class, the finding's default code, the parameters it needs and
# those it may have besides (rule, severity, code, when/values, unless always may).
_SPECS: dict[str, tuple[type[Rule], str, tuple[str, ...], tuple[str, ...]]] = {
    "not_before": (NotBefore, "not_before", ("field", "other"), ()),
    # not_before for numbers: ``field`` is not smaller than ``other`` (上限 and 下限).
    "not_below": (NotBefore, "not_below", ("field", "other"), ()),
    "not_after_as_of": (NotAfterAsOf, "not_after_as_of", ("field",), ()),
    "not_before_as_of": (NotBeforeAsOf, "before_as_of", ("field",), ()),
    "required_if": (Conditional, "required_if", ("field", "when", "values"), ("ifColumn",)),
    "required_unless": (Conditional, "required_unless", ("field", "when", "values"), ()),
    "only_if": (Conditional, "only_if", ("field", "when", "values"), ()),
    "must_be": (MustBe, "must_be", ("field", "value"), ()),
    "sequence": (Sequence, "sequence_gap", ("field", "group"), ()),
    "no_overlap": (NoOverlap, "overlap", ("group", "start", "end", "who"), ("only",)),
    "referenced": (Referenced, "still_referenced", ("key", "by"), ("field",)),
    "has_referrer": (HasReferrer, "not_referenced", ("key", "by"), ()),
    "one_per_week": (OnePerWeek, "one_per_week", ("group", "field"), ()),
}
RULE_NAMES = tuple(_SPECS)
_COMMON = ("rule", "severity", "code", "when", "values", "unless")
# The fields of these rules are compared as dates.
_DATE_PARAMS = {"not_before": ("field", "other"), "not_after_as_of": ("field",), "not_before_as_of": ("field",),
                "no_overlap": ("start", "end"), "one_per_week": ("field",)}
# The fields of these rules are compared as numbers.
_NUMBER_PARAMS = {"not_below": ("field", "other")}
_NUMBER_KINDS = ("integer", "decimal")


class _Parser:
    """Parses the rules of one sheet; ``sheets`` are all the sheets of the
    workbook, for rules that look at other sheets."""

    def __init__(self, sheet: SheetSchema, sheets: dict[str, SheetSchema], where: Path) -> None:
        self.sheet, self.sheets, self.where = sheet, sheets, where
        self.number, self.kind = 0, ""

    def fail(self, message: str, **params: Any) -> ConfigError:
        return ConfigError(message.format(path=self.where, number=self.number, rule=self.kind, **params))

    def field_of(self, name: Any, sheet: SheetSchema | None = None) -> Field:
        sheet = sheet or self.sheet
        for f in sheet.fields:
            if f.name == name:
                return f
        raise self.fail(_("{path}: rule {number} ({rule}) names the field {field}, which {sheet} has not got"),
                        field=name, sheet=sheet.name)

    def sheet_of(self, name: Any) -> SheetSchema:
        if name not in self.sheets:
            raise self.fail(_("{path}: rule {number} ({rule}) names the sheet {sheet}, which the workbook has not got"),
                            sheet=name)
        return self.sheets[name]

    def mapping(self, raw: Any, what: str, needed: tuple[str, ...], allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise self.fail(_("{path}: rule {number} ({rule}): {what} must be a mapping"), what=what)
        for key in needed:
            if key not in raw:
                raise self.fail(_("{path}: rule {number} ({rule}) is missing {param}"), param=f"{what}.{key}"
                                if what != "rule" else key)
        unknown = sorted(str(k) for k in raw if k not in needed and k not in allowed)
        if unknown:
            raise self.fail(_("{path}: rule {number} ({rule}) has parameters it does not know: {params}"),
                            params=", ".join(unknown))
        return raw

    def values_of(self, f: Field, raw: Any) -> tuple[Any, ...]:
        """``values`` for the field ``f``: a list of values it can hold."""
        if not isinstance(raw, list):
            raise self.fail(_("{path}: rule {number} ({rule}): values must be a list"))
        for value in raw:
            if f.kind == "boolean" and not isinstance(value, bool):
                raise self.fail(_("{path}: rule {number} ({rule}): {field} is a 是/否 field, so its values are true or false, not {value!r}"),
                                field=f.name, value=value)
            if f.enum is not None and str(value) not in f.enum:
                raise self.fail(_("{path}: rule {number} ({rule}): “{value}” is not a value of {field} ({values})"),
                                field=f.name, value=value, values="、".join(f.enum))
        return tuple(raw)

    def filter(self, raw: Any, what: str, sheet: SheetSchema | None = None) -> Filter | None:
        if raw is None:
            return None
        spec = self.mapping(raw, what, ("field", "values"), ())
        f = self.field_of(spec["field"], sheet)
        return Filter(f.name, self.values_of(f, spec["values"]))

    def referrers(self, raw: Any) -> Referrers:
        spec = self.mapping(raw, "by", ("sheet", "field"), ("where", "unless", "current"))
        other = self.sheet_of(spec["sheet"])
        period = None
        if spec.get("current") is not None:
            cur = self.mapping(spec["current"], "current", ("start",), ("end",))
            period = Period(self.field_of(cur["start"], other).name,
                            None if cur.get("end") is None else self.field_of(cur["end"], other).name)
        return Referrers(other.name, self.field_of(spec["field"], other).name, self.filter(spec.get("where"), "where", other),
                         self.filter(spec.get("unless"), "unless", other), period)

    def parse(self, number: int, raw: Any) -> Rule:
        self.number = number
        self.kind = str(raw.get("rule")) if isinstance(raw, dict) else ""
        if self.kind not in _SPECS:
            raise self.fail(_("{path}: rule {number} ({rule}) is not a rule the generator knows (known: {known})"),
                            known=", ".join(RULE_NAMES))
        cls, code, needed, allowed = _SPECS[self.kind]
        spec = self.mapping(raw, "rule", needed, allowed + _COMMON)
        severity = spec.get("severity", ERROR)
        if severity not in SEVERITIES:
            raise self.fail(_("{path}: rule {number} ({rule}): severity must be error or warning, not {value!r}"),
                            value=severity)
        when = None
        if spec.get("when") is not None:
            if "values" not in spec:
                raise self.fail(_("{path}: rule {number} ({rule}) is missing {param}"), param="values")
            f = self.field_of(spec["when"])
            when = Filter(f.name, self.values_of(f, spec["values"]))
        common: dict[str, Any] = {
            "kind": self.kind, "number": number, "severity": severity, "code": str(spec.get("code", code)),
            "when": when, "unless": self.filter(spec.get("unless"), "unless"),
        }
        for param in _DATE_PARAMS.get(self.kind, ()):
            f = self.field_of(spec[param])
            if f.kind != "date":
                raise self.fail(_("{path}: rule {number} ({rule}) compares dates, but {field} is not a date field"),
                                field=f.name)
        for param in _NUMBER_PARAMS.get(self.kind, ()):
            f = self.field_of(spec[param])
            if f.kind not in _NUMBER_KINDS:
                raise self.fail(_("{path}: rule {number} ({rule}) compares numbers, but {field} is not a number field"),
                                field=f.name)
        return self.build(cls, spec, common)

    def build(self, cls: type[Rule], spec: dict[str, Any], common: dict[str, Any]) -> Rule:
        own = self.field_of
        if cls is Conditional:
            assert common["when"] is not None
            if_column = spec.get("ifColumn", False)
            if not isinstance(if_column, bool):
                raise self.fail(_("{path}: rule {number} ({rule}): ifColumn must be true or false, not {value!r}"),
                                value=if_column)
            return Conditional(**common, field=own(spec["field"]).name, condition=common["when"],
                               required=self.kind != "only_if", when_in=self.kind != "required_unless",
                               if_column=if_column)
        if cls is Referenced:
            by = spec["by"]
            if not isinstance(by, list) or not by:
                raise self.fail(_("{path}: rule {number} ({rule}): by must be a list of sheets that refer to the row"))
            return Referenced(**common, key=own(spec["key"]).name, field=own(spec.get("field", spec["key"])).name,
                              by=tuple(self.referrers(b) for b in by))
        if cls is HasReferrer:
            return HasReferrer(**common, key=own(spec["key"]).name, by=self.referrers(spec["by"]))
        if cls is NoOverlap:
            return NoOverlap(**common, group=own(spec["group"]).name, start=own(spec["start"]).name,
                             end=own(spec["end"]).name, who=own(spec["who"]).name, only=self.role_filter(spec.get("only")))
        if cls is MustBe:
            f = own(spec["field"])
            self.values_of(f, [spec["value"]])
            return MustBe(**common, field=f.name, value=spec["value"])
        if cls is NotBefore:
            return NotBefore(**common, field=own(spec["field"]).name, other=own(spec["other"]).name)
        if cls in (Sequence, OnePerWeek):
            return cls(**common, field=own(spec["field"]).name, group=own(spec["group"]).name)
        return cls(**common, field=own(spec["field"]).name)  # type: ignore[call-arg]

    def role_filter(self, raw: Any) -> RoleFilter | None:
        if raw is None:
            return None
        spec = self.mapping(raw, "only", ("sheet", "key", "field", "values"), ("label",))
        other = self.sheet_of(spec["sheet"])
        f = self.field_of(spec["field"], other)
        return RoleFilter(other.name, self.field_of(spec["key"], other).name, f.name, self.values_of(f, spec["values"]),
                          str(spec.get("label", "")))


def parse_rules(raw: Any, sheet: SheetSchema, sheets: dict[str, SheetSchema], where: Path) -> tuple[Rule, ...]:
    """The typed rules of ``sheet`` from its file's ``rules:`` list."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(_("{path}: rules must be a list").format(path=where))
    parser = _Parser(sheet, sheets, where)
    return tuple(parser.parse(number, spec) for number, spec in enumerate(raw, start=1))
