"""Rules across cells and rows: unique keys, references between sheets, and the
rules a sheet declares under ``rules:`` in its schema file."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from .cells import display
from .report import Report
from .tables import Row, Table

Tables = dict[str, Table]


def _add(report: Report, table: Table, row: Row, name: str, code: str, **params: Any) -> None:
    value = row.get(name)
    shown = display(row.raw.get(name, value)) if value is not None or name in row.raw else ""
    report.error(
        code, table.schema.title, row=row.number, col=table.column_of(name),
        column=table.header_of(name), value=shown, source=table.source, **params,
    )


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
        if a is not None and b is not None and a < b:
            _add(
                report, table, row, name, "not_before",
                other_column=table.header_of(other), other_value=display(b),
            )


def _not_after_as_of(tables: Tables, table: Table, rule: dict[str, Any], report: Report, as_of: dt.date) -> None:
    name = rule["field"]
    for row in table.rows:
        value = row.get(name)
        if value is not None and value > as_of:
            _add(report, table, row, name, "not_after_as_of", as_of=as_of.isoformat())


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
    name, group = rule["field"], rule["group"]
    by_group: dict[Any, list[Row]] = defaultdict(list)
    for row in table.rows:
        if row.get(group) is not None and row.get(name) is not None:
            by_group[row.get(group)].append(row)
    for key, rows in by_group.items():
        steps = sorted(r.get(name) for r in rows)
        if steps != list(range(1, len(rows) + 1)):
            first = min(rows, key=lambda r: r.number)
            report.error(
                "sequence_gap", table.schema.title, row=first.number, col=table.column_of(name),
                column=table.header_of(name), value=display(first.get(name)), source=table.source,
                group_value=key, found="、".join(str(s) for s in steps), count=len(rows),
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


RULES: dict[str, Callable[..., None]] = {
    "not_before": _not_before,
    "not_after_as_of": _not_after_as_of,
    "required_if": _conditional("required_if", required=True, when_in=True),
    "required_unless": _conditional("required_unless", required=True, when_in=False),
    "only_if": _conditional("only_if", required=False, when_in=True),
    "must_be": _must_be,
    "sequence": _sequence,
    "no_overlap": _no_overlap,
}


def check_declared_rules(tables: Tables, report: Report, as_of: dt.date) -> None:
    for table in tables.values():
        for rule in table.schema.rules:
            RULES[rule["rule"]](tables, table, rule, report, as_of)
