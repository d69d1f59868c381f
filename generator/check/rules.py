"""Rules across cells and rows: unique keys, references between sheets, and the
rules a sheet declares under ``rules:`` in its schema file.

Each rule works on whole typed columns (tables.py): a mask, a join or a
group-by picks the rows at fault, and a finding is made for each of those
only. Findings come out in the order a row-by-row pass would make them (row
order, or first row of a group), as the report's sorting keeps that order
among findings at the same cell.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Callable, Iterable
from typing import Any

import polars as pl

from ..errors import ConfigError
from .cells import display
from .columns import constant
from .report import ERROR, WARNING, Report
from .tables import ROW, Table

Tables = dict[str, Table]
_NUMERIC = (pl.Int64, pl.Float64, pl.Boolean)
# Characters ``str.casefold`` and polars' lower case leave as they are: ASCII
# but letters, CJK punctuation, ideographs, full-width punctuation (tests check
# every one of them).
_CASELESS_CHARS = (
    r"\x00-\x40\x5b-\x60\x7b-\x7f\x{3000}-\x{303f}\x{3400}-\x{4dbf}\x{4e00}-\x{9fff}"
    r"\x{ff01}-\x{ff20}\x{ff3b}-\x{ff40}\x{ff5b}-\x{ff65}"
)
_CASELESS = f"^[{_CASELESS_CHARS}]*$"
_ASCII_CASED = f"^[{_CASELESS_CHARS}A-Za-z]*$"
# Dates as days since 1970: from year 1 to dt.date.max (an open end), shifted to start at 0.
_DAY_MIN = (dt.date.min - dt.date(1970, 1, 1)).days
_DAY_SPAN = (dt.date.max - dt.date.min).days + 1


def _add(
    report: Report, table: Table, index: int, name: str, code: str, *, severity: str = ERROR, **params: Any
) -> None:
    """A finding at the cell of ``name`` in the table's row ``index`` (0-based
    among its rows), quoting the cell unless ``value`` is given."""
    shown = table.shown(name, index)
    if "value" in params:
        shown = display(params.pop("value"))
    report.add(
        severity, code, table.schema.title, row=table.frame[ROW][index], col=table.column_of(name),
        column=table.header_of(name), value=shown, source=table.source, **params,
    )


def _severity(rule: dict[str, Any]) -> str:
    return WARNING if rule.get("severity") == WARNING else ERROR


def _member(series: pl.Series, values: Iterable[Any]) -> pl.Series:
    """``value in values`` for each value, by Python's ``==`` (so True == 1 and
    1 == 1.0, as when the rows were Python dicts); decided once per distinct value."""
    wanted = tuple(values)
    if series.dtype == pl.List:
        return pl.Series([(None if v is None else tuple(v)) in wanted for v in series.to_list()], dtype=pl.Boolean)
    hits = [v for v in series.unique().to_list() if v in wanted]
    mask = constant(False, len(series))
    known = [v for v in hits if v is not None]
    if known:
        mask = series.is_in(pl.Series(known, dtype=series.dtype).implode()).fill_null(False)
    if None in hits:
        mask = mask | series.is_null()
    return mask


def _aligned(a: pl.Series, b: pl.Series) -> tuple[pl.Series, pl.Series] | None:
    """The two key columns in one type for a join, or None when no value of one
    can equal a value of the other."""
    if a.dtype == b.dtype and a.dtype != pl.Null:
        return a, b
    if isinstance(a.dtype, _NUMERIC) and isinstance(b.dtype, _NUMERIC):
        return a.cast(pl.Float64), b.cast(pl.Float64)
    return None


def _isin(values: pl.Series, known: pl.Series) -> pl.Series:
    aligned = _aligned(values, known)
    if aligned is None:
        return constant(False, len(values))
    values, known = aligned
    return values.is_in(known.drop_nulls().unique().implode()).fill_null(False)


def _applies(table: Table, rule: dict[str, Any]) -> pl.Series:
    """The optional row filter of a rule: ``when: field, values: [...]`` (the
    field's value is one of them) and ``unless: {field, values}`` (it is not)."""
    mask = constant(True, table.height)
    when = rule.get("when")
    if when is not None and "values" in rule:
        mask = mask & _member(table.col(when), rule["values"])
    unless = rule.get("unless")
    if unless:
        mask = mask & ~_member(table.col(unless["field"]), unless["values"])
    return mask


def _current(table: Table, period: dict[str, Any] | None, as_of: dt.date) -> pl.Series:
    """Rows whose ``start``..``end`` period (end blank = open) contains the as-of date."""
    if not period:
        return constant(True, table.height)
    start, end = table.col(period["start"]), table.col(period.get("end", ""))
    if start.dtype == pl.Null:
        return constant(False, table.height)
    open_end = end.is_null()
    if end.dtype != pl.Null:
        open_end = open_end | (end >= as_of).fill_null(False)
    return (start <= as_of).fill_null(False) & open_end


def _referrers(tables: Tables, spec: dict[str, Any], as_of: dt.date) -> tuple[Table | None, pl.DataFrame]:
    """Rows of ``spec['sheet']`` that count, by the value of their ``field``:
    filtered by ``where``/``unless`` and, with ``current``, by their period.
    One row per value: ``key``, how many rows (``count``), the first (``first``)."""
    table = tables.get(spec["sheet"])
    if table is None:
        return None, pl.DataFrame()
    key = table.col(spec["field"])
    mask = key.is_not_null()
    where = spec.get("where")
    unless = spec.get("unless")
    if where:
        mask = mask & _member(table.col(where["field"]), where["values"])
    if unless:
        mask = mask & ~_member(table.col(unless["field"]), unless["values"])
    mask = mask & _current(table, spec.get("current"), as_of)
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
        aligned = _aligned(keys, found["key"])
        if aligned is not None:
            left, right = aligned
            return (
                left.rename("key").to_frame()
                .join(found.with_columns(right.rename("key")), on="key", how="left", maintain_order="left")
                .select("count", "first")
            )
    return pl.DataFrame({"count": constant(None, len(keys), pl.UInt32()), "first": constant(None, len(keys), pl.Int64())})


def _casefold(values: pl.Series) -> pl.Series:
    """``str.casefold`` of each value. Text of caseless characters (CJK, digits,
    punctuation) folds to itself, and with ASCII letters as polars' lower case;
    the rest is folded by Python, once per distinct value."""
    caseless = values.str.contains(_CASELESS).fill_null(True)
    if caseless.all():
        return values
    at = (~caseless).arg_true()
    cased = values.gather(at)
    ascii_cased = cased.str.contains(_ASCII_CASED)
    folded = cased.str.to_lowercase()
    other = cased.filter(~ascii_cased).unique().to_list()
    if other:
        table = pl.DataFrame({"k": pl.Series(other, dtype=pl.String), "v": [v.casefold() for v in other]})
        by_python = cased.rename("k").to_frame().join(table, on="k", how="left", maintain_order="left").to_series(1)
        folded = folded.zip_with(ascii_cased, by_python)
    return values.clone().scatter(at, folded)


def check_unique(tables: Tables, report: Report) -> None:
    for table in tables.values():
        for f in table.schema.fields:
            if not f.unique or f.name not in table.columns:
                continue
            values = table.col(f.name)
            key = _casefold(values) if values.dtype == pl.String else values
            counted = pl.DataFrame({"k": key, "i": pl.int_range(table.height, eager=True)}).filter(
                values.is_not_null() & ~table.bad_col(f.name)
            )
            if counted["k"].n_unique() == counted.height:
                continue  # no value twice: the common case, decided by one hash pass
            dups = counted.with_columns(first=pl.col("i").first().over("k")).filter(pl.col("i") != pl.col("first"))
            for index, first in dups.select("i", "first").iter_rows():
                _add(report, table, index, f.name, "unique", other_row=table.frame[ROW][first])


def check_references(tables: Tables, report: Report) -> None:
    for table in tables.values():
        for fk in table.schema.foreign_keys:
            target = tables.get(fk.sheet)
            if target is None or fk.field not in table.columns:
                continue
            values = table.col(fk.field)
            # A key cell that could not be read (a code with a space) does not
            # count as known: rows referring to the code are reported too, as
            # any other tool checking the foreign key would (see workbook/descriptor.py).
            missing = values.is_not_null() & ~table.bad_col(fk.field) & ~_isin(values, target.col(fk.target))
            for index in missing.arg_true().to_list():
                _add(
                    report, table, index, fk.field, "reference",
                    target_sheet=target.schema.title, target_column=target.header_of(fk.target),
                )


def _not_before(tables: Tables, table: Table, rule: dict[str, Any], report: Report, as_of: dt.date) -> None:
    name, other = rule["field"], rule["other"]
    a, b = table.col(name), table.col(other)
    if a.dtype == pl.Null or b.dtype == pl.Null:
        return
    mask = (a < b).fill_null(False) & _applies(table, rule)
    for index in mask.arg_true().to_list():
        _add(
            report, table, index, name, rule.get("code", "not_before"), severity=_severity(rule),
            other_column=table.header_of(other), other_value=display(table.value(other, index)),
        )


def _not_after_as_of(tables: Tables, table: Table, rule: dict[str, Any], report: Report, as_of: dt.date) -> None:
    name = rule["field"]
    values = table.col(name)
    if values.dtype == pl.Null:
        return
    mask = (values > as_of).fill_null(False) & _applies(table, rule)
    for index in mask.arg_true().to_list():
        _add(
            report, table, index, name, rule.get("code", "not_after_as_of"), severity=_severity(rule),
            as_of=as_of.isoformat(),
        )


def _not_before_as_of(tables: Tables, table: Table, rule: dict[str, Any], report: Report, as_of: dt.date) -> None:
    """A date already past at the as-of date (a policy past its end date), for
    the rows the rule's filter selects; usually a warning."""
    name = rule["field"]
    when = rule.get("when")
    values = table.col(name)
    if values.dtype == pl.Null:
        return
    mask = (values < as_of).fill_null(False) & _applies(table, rule)
    for index in mask.arg_true().to_list():
        _add(
            report, table, index, name, rule.get("code", "before_as_of"), severity=_severity(rule),
            as_of=as_of.isoformat(), when_column=table.header_of(when) if when else "",
            when_value=_shown(table.value(when, index)) if when else "",
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
        keys = table.col(key)
        hits = _lookup(keys, found)
        mask = keys.is_not_null() & hits["count"].is_not_null() & _applies(table, rule)
        for index in mask.arg_true().to_list():
            _add(
                report, table, index, name, rule.get("code", "still_referenced"), severity=_severity(rule),
                value=_shown(table.value(name, index)), key_value=display(table.value(key, index)),
                count=hits["count"][index], target_sheet=source.schema.title, first_row=hits["first"][index],
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
    keys = table.col(key)
    mask = keys.is_not_null() & ~table.bad_col(key) & _lookup(keys, found)["count"].is_null()
    mask = mask & _applies(table, rule)
    for index in mask.arg_true().to_list():
        _add(
            report, table, index, key, rule.get("code", "not_referenced"), severity=_severity(rule),
            target_sheet=source.schema.title, as_of=as_of.isoformat(),
        )


def _filled(values: pl.Series) -> pl.Series:
    """Neither empty nor an empty list."""
    if values.dtype == pl.List:
        return values.list.len().fill_null(0) > 0
    return values.is_not_null()


def _conditional(code: str, required: bool, when_in: bool) -> Callable[..., None]:
    """required_if / required_unless / only_if, which differ in two switches."""

    def rule_fn(tables: Tables, table: Table, rule: dict[str, Any], report: Report, as_of: dt.date) -> None:
        name, when, values = rule["field"], rule["when"], tuple(rule["values"])
        if name not in table.columns and not required:
            return
        status = table.col(when)
        applies = _member(status, values)
        if not when_in:
            applies = ~applies
        filled = _filled(table.col(name))
        mask = status.is_not_null() & ~table.bad_col(name) & (applies & ~filled if required else ~applies & filled)
        for index in mask.arg_true().to_list():
            if required:
                _add(report, table, index, name, code, when_column=table.header_of(when),
                     when_value=table.value(when, index))
            else:
                _add(
                    report, table, index, name, code, when_column=table.header_of(when),
                    when_value=table.value(when, index), values="、".join(values),
                )

    return rule_fn


def _must_be(tables: Tables, table: Table, rule: dict[str, Any], report: Report, as_of: dt.date) -> None:
    name, expected = rule["field"], rule["value"]
    values = table.col(name)
    mask = values.is_not_null() & ~_member(values, (expected,))
    shown = "是" if expected is True else "否" if expected is False else str(expected)
    for index in mask.arg_true().to_list():
        _add(report, table, index, name, "must_be", expected=shown)


def _sequence(tables: Tables, table: Table, rule: dict[str, Any], report: Report, as_of: dt.date) -> None:
    """Per group the numbers are 1..n with no gap or repeat; reported at the
    first row (in number order) where the count goes wrong. A group with a
    number that could not be read is left to that cell's own error."""
    name, group = rule["field"], rule["group"]
    groups, steps, bad = table.col(group), table.col(name), table.bad_col(name)
    unreadable = groups.filter(groups.is_not_null() & bad)
    counted = groups.is_not_null() & ~bad & steps.is_not_null()
    frame = pl.DataFrame({"g": groups, "s": steps, "row": table.frame[ROW], "i": pl.int_range(table.height, eager=True)})
    wrong = (
        frame.filter(counted & ~_isin(groups, unreadable))
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
            _severity(rule), "sequence_gap", table.schema.title, row=table.frame[ROW][index],
            col=table.column_of(name), column=table.header_of(name), value=table.cell_text(name, index),
            source=table.source, group_value=table.value(group, index), found="、".join(str(s) for s in found),
            count=len(indices),
        )


def _no_overlap(tables: Tables, table: Table, rule: dict[str, Any], report: Report, as_of: dt.date) -> None:
    """Two rows of one group (an enterprise) whose date ranges share a day,
    counting only rows whose referenced row (the officer) has the given role."""
    group, start, end, who = rule["group"], rule["start"], rule["end"], rule["who"]
    ref = rule.get("only")
    starts, groups = table.col(start), table.col(group)
    mask = starts.is_not_null() & groups.is_not_null()
    if ref:
        target = tables.get(ref["sheet"])
        if target is None:
            return
        allowed = target.col(ref["key"]).filter(_member(target.col(ref["field"]), ref["values"]))
        whom = table.col(who)
        allowed_rows = _isin(whom, allowed)
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
        _add(
            report, table, i, start, "overlap",
            value=table.value(group, i), role=(ref or {}).get("label", ""), other_row=other,
        )


def _one_per_week(tables: Tables, table: Table, rule: dict[str, Any], report: Report, as_of: dt.date) -> None:
    """At most one row per group (a project) per ISO week (Monday to Sunday) of
    the date ``field``; a second row names the first."""
    group, name = rule["group"], rule["field"]
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
        _add(
            report, table, index, name, "one_per_week",
            group_value=table.value(group, index), week=f"{year}-W{week:02d}", other_row=first,
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


def years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_date_bounds(tables: Tables, report: Report, earliest: dt.date, latest: dt.date) -> None:
    """A date before ``earliest`` (the programme's start) or after ``latest``
    (a mistyped year: 1022, 2202) is an error at its cell; the cell then counts
    as not typed, so that no rule, figure or period list reaches back or
    forward to it."""
    for table in tables.values():
        for f in table.schema.fields:
            if f.kind != "date" or f.name not in table.columns:
                continue
            values = table.col(f.name)
            if values.dtype != pl.Date:
                continue
            mask = ((values < earliest) | (values > latest)).fill_null(False)
            if not mask.any():
                continue
            for index in mask.arg_true().to_list():
                _add(report, table, index, f.name, "date_out_of_range",
                     earliest=earliest.isoformat(), latest=latest.isoformat())
            table.frame = table.frame.with_columns(
                pl.when(mask).then(None).otherwise(values).alias(f.name))
            if f.name in table.bad.columns:
                table.bad = table.bad.with_columns((table.bad[f.name] | mask).alias(f.name))


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
            except pl.exceptions.PolarsError as exc:
                # Fields of kinds the rule cannot compare (a date against a text).
                raise ConfigError(
                    f"sheets_schema/{table.schema.name}.yaml: 规则 {rule.get('rule')} 无法用于这些字段的类型：{exc}"
                ) from exc
