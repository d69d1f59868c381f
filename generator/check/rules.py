"""The rules a sheet declares under ``rules:`` in its schema file, as typed
by schema/rules.py when the schema loaded (unique keys, references between
sheets and date bounds are in keys.py, re-exported here).

Each rule works on whole typed columns (tables.py): a mask, a join or a
group-by picks the rows at fault, and a finding is made for each of those
only. Findings come out in the order a row-by-row pass would make them (row
order, or first row of a group), as the report's sorting keeps that order
among findings at the same cell.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Callable
from typing import Any

import polars as pl

from ..errors import ConfigError
from ..i18n import _
from ..schema.rules import (
    Conditional,
    Filter,
    HasReferrer,
    MustBe,
    NoOverlap,
    NotAfterAsOf,
    NotBefore,
    NotBeforeAsOf,
    OnePerWeek,
    Period,
    Referenced,
    Referrers,
    Rule,
    Sequence,
)
from .cells import display
from .columns import constant
from .frames import Tables, add_finding, aligned, isin, member
from .keys import check_date_bounds, check_labels, check_references, check_unique, years_after
from .report import Report
from .tables import ROW, Table

__all__ = ["check_date_bounds", "check_declared_rules", "check_labels", "check_references", "check_unique", "years_after"]
# Dates as days since 1970: from year 1 to dt.date.max (an open end), shifted to start at 0.
_DAY_MIN = (dt.date.min - dt.date(1970, 1, 1)).days
_DAY_SPAN = (dt.date.max - dt.date.min).days + 1


def _holds(table: Table, where: Filter | None, unless: Filter | None) -> pl.Series:
    """Rows whose ``where`` field holds one of its values and whose ``unless`` field does not."""
    mask = constant(True, table.height)
    if where is not None:
        mask = mask & member(table.col(where.field), where.values)
    if unless is not None:
        mask = mask & ~member(table.col(unless.field), unless.values)
    return mask


def _applies(table: Table, rule: Rule) -> pl.Series:
    """The optional row filter of a rule: ``when: field, values: [...]`` (the
    field's value is one of them) and ``unless: {field, values}`` (it is not)."""
    return _holds(table, rule.when, rule.unless)


def _current(table: Table, period: Period | None, as_of: dt.date) -> pl.Series:
    """Rows whose ``start``..``end`` period (end blank = open) contains the as-of date."""
    if not period:
        return constant(True, table.height)
    start, end = table.col(period.start), table.col(period.end or "")
    if start.dtype == pl.Null:
        return constant(False, table.height)
    open_end = end.is_null()
    if end.dtype != pl.Null:
        open_end = open_end | (end >= as_of).fill_null(False)
    return (start <= as_of).fill_null(False) & open_end


def _referrers(tables: Tables, spec: Referrers, as_of: dt.date) -> tuple[Table | None, pl.DataFrame]:
    """Rows of ``spec.sheet`` that count, by the value of their ``field``:
    filtered by ``where``/``unless`` and, with ``current``, by their period.
    One row per value: ``key``, how many rows (``count``), the first (``first``)."""
    table = tables.get(spec.sheet)
    if table is None:
        return None, pl.DataFrame()
    key = table.col(spec.field)
    mask = key.is_not_null() & _holds(table, spec.where, spec.unless) & _current(table, spec.current, as_of)
    found = (
        pl.DataFrame({"key": key, "row": table.frame[ROW]})
        .filter(mask)
        .group_by("key")
        .agg(count=pl.len(), first=pl.col("row").min())
    )
    return table, found


def _lookup(keys: pl.Series, found: pl.DataFrame) -> pl.DataFrame:
    """``count`` and ``first`` of ``found`` for each key (null where it has none)."""
    if found.height:
        pair = aligned(keys, found["key"])
        if pair is not None:
            left, right = pair
            return (
                left.rename("key").to_frame()
                .join(found.with_columns(right.rename("key")), on="key", how="left", maintain_order="left")
                .select("count", "first")
            )
    return pl.DataFrame({"count": constant(None, len(keys), pl.UInt32()), "first": constant(None, len(keys), pl.Int64())})


def _not_before(tables: Tables, table: Table, rule: NotBefore, report: Report, as_of: dt.date) -> None:
    name, other = rule.field, rule.other
    a, b = table.col(name), table.col(other)
    if a.dtype == pl.Null or b.dtype == pl.Null:
        return
    mask = (a < b).fill_null(False) & _applies(table, rule)
    # One finding per cell: a 销号日期 before both 反映日期 and 交办日期 is one mistake.
    said = {f.row for f in report.findings if f.code == rule.code and f.sheet == table.schema.title
            and f.column == table.header_of(name)}
    for index in mask.arg_true().to_list():
        if said and table.frame[ROW][index] in said:
            continue
        add_finding(
            report, table, index, name, rule.code, severity=rule.severity,
            other_column=table.header_of(other), other_value=display(table.value(other, index)),
        )


def _not_after_as_of(tables: Tables, table: Table, rule: NotAfterAsOf, report: Report, as_of: dt.date) -> None:
    name = rule.field
    values = table.col(name)
    if values.dtype == pl.Null:
        return
    mask = (values > as_of).fill_null(False) & _applies(table, rule)
    for index in mask.arg_true().to_list():
        add_finding(
            report, table, index, name, rule.code, severity=rule.severity,
            as_of=as_of.isoformat(),
        )


def _not_before_as_of(tables: Tables, table: Table, rule: NotBeforeAsOf, report: Report, as_of: dt.date) -> None:
    """A date already past at the as-of date (a policy past its end date), for
    the rows the rule's filter selects; usually a warning."""
    name = rule.field
    when = rule.when.field if rule.when else None
    values = table.col(name)
    if values.dtype == pl.Null:
        return
    mask = (values < as_of).fill_null(False) & _applies(table, rule)
    for index in mask.arg_true().to_list():
        add_finding(
            report, table, index, name, rule.code, severity=rule.severity,
            as_of=as_of.isoformat(), when_column=table.header_of(when) if when else "",
            when_value=_shown(table.value(when, index)) if when else "",
        )


def _shown(value: Any) -> str:
    return "是" if value is True else "否" if value is False else display(value) if value is not None else ""


def _referenced(tables: Tables, table: Table, rule: Referenced, report: Report, as_of: dt.date) -> None:
    """Rows of this sheet (selected by the rule's filter) that rows of other
    sheets still refer to: ``by`` lists ``{sheet, field, where?, unless?,
    current?: {start, end}}``. One finding per row and referring sheet, at the
    cell of ``field`` (the cell that made the row selected)."""
    key, name = rule.key, rule.field
    for spec in rule.by:
        source, found = _referrers(tables, spec, as_of)
        if source is None:
            continue
        keys = table.col(key)
        hits = _lookup(keys, found)
        mask = keys.is_not_null() & hits["count"].is_not_null() & _applies(table, rule)
        for index in mask.arg_true().to_list():
            add_finding(
                report, table, index, name, rule.code, severity=rule.severity,
                value=_shown(table.value(name, index)), key_value=display(table.value(key, index)),
                count=hits["count"][index], target_sheet=source.schema.title, first_row=hits["first"][index],
                as_of=as_of.isoformat(),
            )


def _has_referrer(tables: Tables, table: Table, rule: HasReferrer, report: Report, as_of: dt.date) -> None:
    """Every row (selected by the filter) is referred to by at least one row of
    ``by`` (``{sheet, field, where?, unless?, current?}``), e.g. an enterprise
    has an officer assigned at the as-of date."""
    key = rule.key
    source, found = _referrers(tables, rule.by, as_of)
    if source is None:
        return
    keys = table.col(key)
    mask = keys.is_not_null() & ~table.bad_col(key) & _lookup(keys, found)["count"].is_null()
    mask = mask & _applies(table, rule)
    for index in mask.arg_true().to_list():
        add_finding(
            report, table, index, key, rule.code, severity=rule.severity,
            target_sheet=source.schema.title, as_of=as_of.isoformat(),
        )


def _filled(values: pl.Series) -> pl.Series:
    """Neither empty nor an empty list."""
    if values.dtype == pl.List:
        return values.list.len().fill_null(0) > 0
    return values.is_not_null()


def _conditional(tables: Tables, table: Table, rule: Conditional, report: Report, as_of: dt.date) -> None:
    """required_if / required_unless / only_if, which differ in two switches."""
    name, when, values = rule.field, rule.condition.field, rule.condition.values
    if name not in table.columns and (not rule.required or rule.if_column):
        return
    status = table.col(when)
    applies = member(status, values)
    if not rule.when_in:
        applies = ~applies
    filled = _filled(table.col(name))
    mask = status.is_not_null() & ~table.bad_col(name) & (applies & ~filled if rule.required else ~applies & filled)
    for index in mask.arg_true().to_list():
        if rule.required:
            add_finding(report, table, index, name, rule.code, severity=rule.severity,
                        when_column=table.header_of(when), when_value=table.value(when, index))
        else:
            add_finding(
                report, table, index, name, rule.code, severity=rule.severity, when_column=table.header_of(when),
                when_value=table.value(when, index), values="、".join(str(v) for v in values),
            )


def _must_be(tables: Tables, table: Table, rule: MustBe, report: Report, as_of: dt.date) -> None:
    name, expected = rule.field, rule.value
    values = table.col(name)
    mask = values.is_not_null() & ~member(values, (expected,))
    shown = "是" if expected is True else "否" if expected is False else str(expected)
    for index in mask.arg_true().to_list():
        add_finding(report, table, index, name, rule.code, severity=rule.severity, expected=shown)


def _sequence(tables: Tables, table: Table, rule: Sequence, report: Report, as_of: dt.date) -> None:
    """Per group the numbers are 1..n with no gap or repeat; reported at the
    first row (in number order) where the count goes wrong. A group with a
    number that could not be read is left to that cell's own error."""
    name, group = rule.field, rule.group
    groups, steps, bad = table.col(group), table.col(name), table.bad_col(name)
    unreadable = groups.filter(groups.is_not_null() & bad)
    counted = groups.is_not_null() & ~bad & steps.is_not_null()
    frame = pl.DataFrame({"g": groups, "s": steps, "row": table.frame[ROW], "i": pl.int_range(table.height, eager=True)})
    wrong = (
        frame.filter(counted & ~isin(groups, unreadable))
        .sort("s", "row")
        .with_columns(
            n=pl.len().over("g"), at=pl.int_range(1, pl.len() + 1).over("g"), since=pl.col("row").min().over("g"),
        )
        .with_columns(bad=(pl.col("s") != pl.col("at")).any().over("g"))
        .filter(pl.col("bad"))
    )
    # One finding per group, in the order the groups first appear.
    for since in wrong.select(pl.col("since").unique().sort()).to_series().to_list():
        rows = wrong.filter(pl.col("since") == since)
        indices: list[int] = rows["i"].to_list()
        found = [table.value(name, i) for i in indices]
        at = next(k for k, step in enumerate(found, start=1) if step != k)
        index = indices[at - 1]
        report.add(
            rule.severity, rule.code, table.schema.title, row=table.frame[ROW][index],
            col=table.column_of(name), column=table.header_of(name), value=table.cell_text(name, index),
            source=table.source, group_value=table.value(group, index), found="、".join(str(s) for s in found),
            count=len(indices),
        )


def _no_overlap(tables: Tables, table: Table, rule: NoOverlap, report: Report, as_of: dt.date) -> None:
    """Two rows of one group (an enterprise) whose date ranges share a day,
    counting only rows whose referenced row (the officer) has the given role."""
    group, start, end, who = rule.group, rule.start, rule.end, rule.who
    ref = rule.only
    starts, groups = table.col(start), table.col(group)
    mask = starts.is_not_null() & groups.is_not_null()
    if ref:
        target = tables.get(ref.sheet)
        if target is None:
            return
        allowed = target.col(ref.key).filter(member(target.col(ref.field), ref.values))
        whom = table.col(who)
        allowed_rows = isin(whom, allowed)
        if allowed.null_count():
            allowed_rows = allowed_rows | whom.is_null()
        mask = mask & allowed_rows
    if starts.dtype == pl.Null:
        return
    ends = table.col(end)
    far = dt.date.max
    frame = pl.DataFrame({
        "g": groups, "s": starts, "e": ends.fill_null(far) if ends.dtype != pl.Null else constant(far, table.height),
        "row": table.frame[ROW], "i": pl.int_range(table.height, eager=True),
    }).filter(mask).sort("g", "s", "row")
    # Sorted by start (then row) within each group, a row overlaps an earlier one
    # when the latest end so far reaches its start; the earlier one named is the
    # first whose end does, i.e. where the running latest end first reaches it.
    # The running latest end per group is one running maximum over all rows of
    # (group number × span + end), as groups are consecutive and numbered upwards
    # (a cumulative window per group costs ~1 µs a group).
    first = frame["g"].is_first_distinct() if frame.height else constant(True, 0)
    group_number = first.cast(pl.Int64).cum_sum()
    day = frame["e"].cast(pl.Int64) - _DAY_MIN
    reach = (group_number * _DAY_SPAN + day).cum_max() - group_number * _DAY_SPAN
    before = reach.shift(1).zip_with(~first, constant(None, frame.height, pl.Int64()))
    clash = (before >= frame["s"].cast(pl.Int64) - _DAY_MIN).fill_null(False)
    if not clash.any():
        return
    ordered = frame.with_columns(reach=reach, since=pl.col("row").min().over("g"))
    chains = ordered.filter(pl.col("g").is_in(ordered.filter(clash)["g"].unique().implode()))
    reach_of: dict[Any, tuple[list[int], list[int]]] = {}
    for g, r, row in chains.select("g", "reach", "row").iter_rows():
        reaches, rows = reach_of.setdefault(g, ([], []))
        reaches.append(r)
        rows.append(row)
    found = ordered.filter(clash).sort("since", "s", "row")
    for g, s, i in found.select("g", pl.col("s").cast(pl.Int64) - _DAY_MIN, "i").iter_rows():
        reaches, rows = reach_of[g]
        other = rows[bisect_left(reaches, s)]
        add_finding(
            report, table, i, start, rule.code, severity=rule.severity,
            value=table.value(group, i), role=ref.label if ref else "", other_row=other,
        )


def _one_per_week(tables: Tables, table: Table, rule: OnePerWeek, report: Report, as_of: dt.date) -> None:
    """At most one row per group (a project) per ISO week (Monday to Sunday) of
    the date ``field``; a second row names the first."""
    group, name = rule.group, rule.field
    groups, days = table.col(group), table.col(name)
    if days.dtype == pl.Null:
        return
    seconds = (
        pl.DataFrame({"g": groups, "d": days, "row": table.frame[ROW], "i": pl.int_range(table.height, eager=True)})
        .filter(groups.is_not_null() & days.is_not_null() & ~table.bad_col(name))
        .with_columns(y=pl.col("d").dt.iso_year(), w=pl.col("d").dt.week())
        .with_columns(first=pl.col("row").first().over("g", "y", "w"))
        .filter(pl.col("row") != pl.col("first"))
    )
    for index, year, week, first in seconds.select("i", "y", "w", "first").iter_rows():
        add_finding(
            report, table, index, name, rule.code, severity=rule.severity,
            group_value=table.value(group, index), week=f"{year}-W{week:02d}", other_row=first,
        )


# The function that runs each kind of rule (schema/rules.py parses them).
RULES: dict[type[Rule], Callable[..., None]] = {
    NotBefore: _not_before,
    NotAfterAsOf: _not_after_as_of,
    Conditional: _conditional,
    MustBe: _must_be,
    Sequence: _sequence,
    NoOverlap: _no_overlap,
    NotBeforeAsOf: _not_before_as_of,
    Referenced: _referenced,
    HasReferrer: _has_referrer,
    OnePerWeek: _one_per_week,
}


def check_declared_rules(tables: Tables, report: Report, as_of: dt.date) -> None:
    for table in tables.values():
        for rule in table.schema.rules:
            try:
                RULES[type(rule)](tables, table, rule, report, as_of)
            except pl.exceptions.PolarsError as exc:
                # Fields of kinds the rule cannot compare (a number against a text).
                raise ConfigError(_("sheets_schema/{sheet}.yaml: rule {number} ({rule}) cannot be used on the types of these fields: {error}").format(
                    sheet=table.schema.name, number=rule.number, rule=rule.kind, error=exc)) from exc
