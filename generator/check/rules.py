"""Rules across cells and rows: unique keys, references between sheets, and the
rules a sheet declares under ``rules:`` in its schema file."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ..errors import ConfigError
from .cells import display
from .report import ERROR, WARNING, Report
from .tables import Row, Table

Tables = dict[str, Table]


def _add(
    report: Report, table: Table, row: Row, name: str, code: str, *, severity: str = ERROR, **params: Any
) -> None:
    value = row.get(name)
    if isinstance(value, dt.date):
        # A date as a date, whatever the cell held (a Google Sheets serial, a date cell, text).
        shown = display(value)
    else:
        shown = display(row.raw.get(name, value)) if value is not None or name in row.raw else ""
    if "value" in params:
        shown = display(params.pop("value"))
    report.add(
        severity, code, table.schema.title, row=row.number, col=table.column_of(name),
        column=table.header_of(name), value=shown, source=table.source, **params,
    )


def _severity(rule: dict[str, Any]) -> str:
    return WARNING if rule.get("severity") == WARNING else ERROR


def _applies(row: Row, rule: dict[str, Any]) -> bool:
    """The optional row filter of a rule: ``when: field, values: [...]`` (the
    field's value is one of them) and ``unless: {field, values}`` (it is not)."""
    when = rule.get("when")
    if when is not None and "values" in rule and row.get(when) not in tuple(rule["values"]):
        return False
    unless = rule.get("unless")
    return not (unless and row.get(unless["field"]) in tuple(unless["values"]))


def _current(row: Row, period: dict[str, Any] | None, as_of: dt.date) -> bool:
    """A row whose ``start``..``end`` period (end blank = open) contains the as-of date."""
    if not period:
        return True
    start, end = row.get(period["start"]), row.get(period.get("end", ""))
    return start is not None and start <= as_of and (end is None or end >= as_of)


def _referrers(tables: Tables, spec: dict[str, Any], as_of: dt.date) -> tuple[Table | None, dict[Any, list[Row]]]:
    """Rows of ``spec['sheet']`` that count, by the value of their ``field``:
    filtered by ``where``/``unless`` and, with ``current``, by their period."""
    table = tables.get(spec["sheet"])
    found: dict[Any, list[Row]] = defaultdict(list)
    if table is None:
        return None, found
    where = spec.get("where")
    unless = spec.get("unless")
    for row in table.rows:
        key = row.get(spec["field"])
        if key is None:
            continue
        if where and row.get(where["field"]) not in tuple(where["values"]):
            continue
        if unless and row.get(unless["field"]) in tuple(unless["values"]):
            continue
        if not _current(row, spec.get("current"), as_of):
            continue
        found[key].append(row)
    return table, found


def check_unique(tables: Tables, report: Report) -> None:
    for table in tables.values():
        for f in table.schema.fields:
            if not f.unique or f.name not in table.columns:
                continue
            first: dict[Any, Row] = {}
            for row in table.rows:
                value = row.get(f.name)
                if value is None or f.name in row.bad:
                    continue
                key = value.casefold() if isinstance(value, str) else value
                if key in first:
                    _add(report, table, row, f.name, "unique", other_row=first[key].number)
                else:
                    first[key] = row


def check_references(tables: Tables, report: Report) -> None:
    for table in tables.values():
        for fk in table.schema.foreign_keys:
            target = tables.get(fk.sheet)
            if target is None or fk.field not in table.columns:
                continue
            known = {r.get(fk.target) for r in target.rows}
            # A key cell that could not be read (a code with a space) does not
            # count as known: rows referring to the code are reported too, as
            # any other tool checking the foreign key would (see datapackage.py).
            for row in table.rows:
                value = row.get(fk.field)
                if value is None or fk.field in row.bad:
                    continue
                if value not in known:
                    _add(
                        report, table, row, fk.field, "reference",
                        target_sheet=target.schema.title, target_column=target.header_of(fk.target),
                    )


def _not_before(tables: Tables, table: Table, rule: dict[str, Any], report: Report, as_of: dt.date) -> None:
    name, other = rule["field"], rule["other"]
    for row in table.rows:
        a, b = row.get(name), row.get(other)
        if a is not None and b is not None and a < b and _applies(row, rule):
            _add(
                report, table, row, name, rule.get("code", "not_before"), severity=_severity(rule),
                other_column=table.header_of(other), other_value=display(b),
            )


def _not_after_as_of(tables: Tables, table: Table, rule: dict[str, Any], report: Report, as_of: dt.date) -> None:
    name = rule["field"]
    for row in table.rows:
        value = row.get(name)
        if value is not None and value > as_of and _applies(row, rule):
            _add(
                report, table, row, name, rule.get("code", "not_after_as_of"), severity=_severity(rule),
                as_of=as_of.isoformat(),
            )


def _not_before_as_of(tables: Tables, table: Table, rule: dict[str, Any], report: Report, as_of: dt.date) -> None:
    """A date already past at the as-of date (a policy past its end date), for
    the rows the rule's filter selects; usually a warning."""
    name = rule["field"]
    when = rule.get("when")
    for row in table.rows:
        value = row.get(name)
        if value is not None and value < as_of and _applies(row, rule):
            _add(
                report, table, row, name, rule.get("code", "before_as_of"), severity=_severity(rule),
                as_of=as_of.isoformat(), when_column=table.header_of(when) if when else "",
                when_value=_shown(row.get(when)) if when else "",
            )


def _shown(value: Any) -> str:
    return "是" if value is True else "否" if value is False else display(value) if value is not None else ""


def _referenced(tables: Tables, table: Table, rule: dict[str, Any], report: Report, as_of: dt.date) -> None:
    """Rows of this sheet (selected by the rule's filter) that rows of other
    sheets still refer to: ``by`` lists ``{sheet, field, where?, unless?,
    current?: {start, end}}``. One finding per row and referring sheet, at the
    cell of ``field`` (the cell that made the row selected)."""
    key, name = rule["key"], rule.get("field", rule["key"])
    for spec in rule["by"]:
        source, found = _referrers(tables, spec, as_of)
        if source is None:
            continue
        for row in table.rows:
            rows = found.get(row.get(key))
            if row.get(key) is None or not rows or not _applies(row, rule):
                continue
            _add(
                report, table, row, name, rule.get("code", "still_referenced"), severity=_severity(rule),
                value=_shown(row.get(name)), key_value=display(row.get(key)), count=len(rows),
                target_sheet=source.schema.title, first_row=min(r.number for r in rows),
                as_of=as_of.isoformat(),
            )


def _has_referrer(tables: Tables, table: Table, rule: dict[str, Any], report: Report, as_of: dt.date) -> None:
    """Every row (selected by the filter) is referred to by at least one row of
    ``by`` (``{sheet, field, where?, unless?, current?}``), e.g. an enterprise
    has an officer assigned at the as-of date."""
    key = rule["key"]
    source, found = _referrers(tables, rule["by"], as_of)
    if source is None:
        return
    for row in table.rows:
        if row.get(key) is None or key in row.bad or found.get(row.get(key)) or not _applies(row, rule):
            continue
        _add(
            report, table, row, key, rule.get("code", "not_referenced"), severity=_severity(rule),
            target_sheet=source.schema.title, as_of=as_of.isoformat(),
        )


def _conditional(code: str, required: bool, when_in: bool) -> Callable[..., None]:
    """required_if / required_unless / only_if, which differ in two switches."""

    def rule_fn(tables: Tables, table: Table, rule: dict[str, Any], report: Report, as_of: dt.date) -> None:
        name, when, values = rule["field"], rule["when"], tuple(rule["values"])
        if name not in table.columns and not required:
            return
        for row in table.rows:
            status = row.get(when)
            if status is None or name in row.bad:
                continue
            applies = (status in values) == when_in
            filled = row.get(name) is not None and row.get(name) != ()
            if required and applies and not filled:
                _add(report, table, row, name, code, when_column=table.header_of(when), when_value=status)
            if not required and not applies and filled:
                _add(
                    report, table, row, name, code, when_column=table.header_of(when),
                    when_value=status, values="、".join(values),
                )

    return rule_fn


def _must_be(tables: Tables, table: Table, rule: dict[str, Any], report: Report, as_of: dt.date) -> None:
    name, expected = rule["field"], rule["value"]
    for row in table.rows:
        value = row.get(name)
        if value is not None and value != expected:
            shown = "是" if expected is True else "否" if expected is False else str(expected)
            _add(report, table, row, name, "must_be", expected=shown)


def _sequence(tables: Tables, table: Table, rule: dict[str, Any], report: Report, as_of: dt.date) -> None:
    """Per group the numbers are 1..n with no gap or repeat; reported at the
    first row (in number order) where the count goes wrong. A group with a
    number that could not be read is left to that cell's own error."""
    name, group = rule["field"], rule["group"]
    by_group: dict[Any, list[Row]] = defaultdict(list)
    unreadable: set[Any] = set()
    for row in table.rows:
        if row.get(group) is None:
            continue
        if name in row.bad:
            unreadable.add(row.get(group))
        elif row.get(name) is not None:
            by_group[row.get(group)].append(row)
    for key, rows in by_group.items():
        if key in unreadable:
            continue
        ordered = sorted(rows, key=lambda r: (r.get(name), r.number))
        steps = [r.get(name) for r in ordered]
        if steps == list(range(1, len(rows) + 1)):
            continue
        wrong = next(r for i, r in enumerate(ordered, start=1) if r.get(name) != i)
        report.add(
            _severity(rule), "sequence_gap", table.schema.title, row=wrong.number, col=table.column_of(name),
            column=table.header_of(name), value=display(wrong.raw.get(name, wrong.get(name))),
            source=table.source, group_value=key, found="、".join(str(s) for s in steps), count=len(rows),
        )


def _no_overlap(tables: Tables, table: Table, rule: dict[str, Any], report: Report, as_of: dt.date) -> None:
    """Two rows of one group (an enterprise) whose date ranges share a day,
    counting only rows whose referenced row (the officer) has the given role."""
    group, start, end, who = rule["group"], rule["start"], rule["end"], rule["who"]
    ref = rule.get("only")
    allowed: set[Any] | None = None
    if ref:
        target = tables.get(ref["sheet"])
        if target is None:
            return
        allowed = {r.get(ref["key"]) for r in target.rows if r.get(ref["field"]) in ref["values"]}
    by_group: dict[Any, list[Row]] = defaultdict(list)
    for row in table.rows:
        if row.get(start) is None or row.get(group) is None:
            continue
        if allowed is not None and row.get(who) not in allowed:
            continue
        by_group[row.get(group)].append(row)
    far = dt.date.max
    for rows in by_group.values():
        rows.sort(key=lambda r: (r.get(start), r.number))
        for i, row in enumerate(rows):
            for other in rows[:i]:
                if row.get(start) <= (other.get(end) or far):
                    _add(
                        report, table, row, start, "overlap",
                        value=row.get(group), role=(ref or {}).get("label", ""), other_row=other.number,
                    )
                    break


def _one_per_week(tables: Tables, table: Table, rule: dict[str, Any], report: Report, as_of: dt.date) -> None:
    """At most one row per group (a project) per ISO week (Monday to Sunday) of
    the date ``field``; a second row names the first."""
    group, name = rule["group"], rule["field"]
    first: dict[tuple[Any, int, int], Row] = {}
    for row in sorted(table.rows, key=lambda r: r.number):
        key, day = row.get(group), row.get(name)
        if key is None or day is None or name in row.bad:
            continue
        year, week, _weekday = day.isocalendar()
        seen = first.setdefault((key, year, week), row)
        if seen is not row:
            _add(
                report, table, row, name, "one_per_week",
                group_value=key, week=f"{year}-W{week:02d}", other_row=seen.number,
            )


RULES: dict[str, Callable[..., None]] = {
    "not_before": _not_before,
    "not_after_as_of": _not_after_as_of,
    "required_if": _conditional("required_if", required=True, when_in=True),
    "required_unless": _conditional("required_unless", required=True, when_in=False),
    "only_if": _conditional("only_if", required=False, when_in=True),
    "must_be": _must_be,
    "sequence": _sequence,
    "no_overlap": _no_overlap,
    "not_before_as_of": _not_before_as_of,
    "referenced": _referenced,
    "has_referrer": _has_referrer,
    "one_per_week": _one_per_week,
}


def check_declared_rules(tables: Tables, report: Report, as_of: dt.date) -> None:
    for table in tables.values():
        for rule in table.schema.rules:
            fn = RULES.get(str(rule.get("rule")))
            if fn is None:
                raise ConfigError(
                    f"sheets_schema/{table.schema.name}.yaml: 未知的规则 “{rule.get('rule')}”"
                    f"（可用：{'、'.join(RULES)}）"
                )
            try:
                fn(tables, table, rule, report, as_of)
            except KeyError as exc:
                raise ConfigError(
                    f"sheets_schema/{table.schema.name}.yaml: 规则 {rule.get('rule')} 缺少或引用了未知的属性 {exc}"
                ) from exc
