"""Unique keys, references between sheets and the date bounds of workbook.yaml."""

from __future__ import annotations

import datetime as dt
import unicodedata

import polars as pl

from .frames import Tables, add_finding, casefold, isin
from .labels import label_field
from .report import Report
from .tables import ROW, Table


def check_unique(tables: Tables, report: Report) -> None:
    for table in tables.values():
        for f in table.schema.fields:
            if not f.unique or f.name not in table.columns:
                continue
            values = table.col(f.name)
            key = casefold(values) if values.dtype == pl.String else values
            counted = pl.DataFrame({"k": key, "i": pl.int_range(table.height, eager=True)}).filter(
                values.is_not_null() & ~table.bad_col(f.name)
            )
            if counted["k"].n_unique() == counted.height:
                continue  # no value twice: the common case, decided by one hash pass
            dups = counted.with_columns(first=pl.col("i").first().over("k")).filter(pl.col("i") != pl.col("first"))
            for index, first in dups.select("i", "first").iter_rows():
                add_finding(report, table, index, f.name, "unique", other_row=table.frame[ROW][first])


def check_references(tables: Tables, report: Report, separators: tuple[str, ...] = ()) -> None:
    """Every code refers to a row of its sheet. ``separators``: workbook.yaml listSeparators,
    to tell staff who typed several registered codes in one cell (P0012、P0013) to give each a row."""
    for table in tables.values():
        for fk in table.schema.foreign_keys:
            target = tables.get(fk.sheet)
            if target is None or fk.field not in table.columns:
                continue
            values = table.col(fk.field)
            # A key cell that could not be read (a code with a space) does not
            # count as known: rows referring to the code are reported too, as
            # any other tool checking the foreign key would (see workbook/descriptor.py).
            missing = values.is_not_null() & ~table.bad_col(fk.field) & ~isin(values, target.col(fk.target))
            codes = _codes_by_name(target, fk.target)
            known = {str(v) for v in target.col(fk.target).to_list() if v is not None}
            for index in missing.arg_true().to_list():
                code = codes.get(_name_key(values[index]))
                if code is not None:  # the name of a registered row typed where its code belongs
                    add_finding(report, table, index, fk.field, "reference_by_name", registered=code,
                                target_sheet=target.schema.title, target_column=target.header_of(fk.target))
                    continue
                several = _pieces(str(values[index]), separators)
                if len(several) > 1 and all(piece in known for piece in several):
                    add_finding(report, table, index, fk.field, "reference_several", count=len(several),
                                target_column=target.header_of(fk.target))
                    continue
                add_finding(
                    report, table, index, fk.field, "reference",
                    target_sheet=target.schema.title, target_column=target.header_of(fk.target),
                )


def check_labels(tables: Tables, report: Report) -> None:
    """A code picked with its name ("D004 区财政局") names the row the code registers:
    else the list was edited after the pick, or the name was typed beside the wrong code."""
    for table in tables.values():
        if not table.labels:
            continue
        index_of = {row - 2: index for index, row in enumerate(table.frame[ROW].to_list())}
        for fk in table.schema.foreign_keys:
            names = table.labels.get(fk.field)
            target = tables.get(fk.sheet)
            if not names or target is None or fk.target not in target.columns:
                continue
            named = label_field(target.schema)
            if named is None or named.name not in target.columns:
                continue
            registered = {str(code): name for code, name in zip(
                target.col(fk.target).to_list(), target.col(named.name).to_list(), strict=True) if code is not None}
            values = table.col(fk.field)
            for position, label in names.items():
                index = index_of.get(position)
                if index is None or table.bad_col(fk.field)[index]:
                    continue
                code = values[index]
                name = registered.get(str(code))
                if name is None or _name_key(name) == _name_key(label):
                    continue  # an unknown code is check_references' to report
                add_finding(report, table, index, fk.field, "reference_label", key=code, registered=name,
                            target_sheet=target.schema.title, target_column=target.header_of(named.name))


def _pieces(value: str, separators: tuple[str, ...]) -> list[str]:
    for sep in separators:
        value = value.replace(sep, "\0")
    return [piece.strip() for piece in value.split("\0") if piece.strip()]


def _codes_by_name(target: Table, key: str) -> dict[str, str]:
    """Each registered row's code by its name (a unique text column of the sheet, e.g. 部门名称)."""
    names = [f.name for f in target.schema.fields if f.unique and f.kind == "text" and f.name in target.columns]
    if not names or key not in target.columns:
        return {}
    out: dict[str, str] = {}
    for name, code in zip(target.col(names[0]).to_list(), target.col(key).to_list(), strict=True):
        if name is not None and code is not None:
            out[_name_key(name)] = str(code)
    return out


def _name_key(value: object) -> str:
    # A code column may hold its text width-folded (（ as (): compare names the same way.
    return unicodedata.normalize("NFKC", str(value)).strip().casefold()


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
                add_finding(report, table, index, f.name, "date_out_of_range",
                     earliest=earliest.isoformat(), latest=latest.isoformat())
            table.frame = table.frame.with_columns(
                pl.when(mask).then(None).otherwise(values).alias(f.name))
            if f.name in table.bad.columns:
                table.bad = table.bad.with_columns((table.bad[f.name] | mask).alias(f.name))


