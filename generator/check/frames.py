"""What the rules of rules.py and keys.py share: findings at a cell, and
membership, joins and case folding on whole typed columns."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl

from .cells import display
from .columns import constant
from .report import ERROR, Report
from .tables import ROW, Table

Tables = dict[str, Table]
_NUMERIC = (pl.Int64, pl.Float64, pl.Boolean)
# Characters ``str.casefold`` and polars' lower case leave as they are: ASCII
# but letters, CJK punctuation, ideographs, full-width punctuation (tests check
# every one of them).
CASELESS_CHARS = (
    r"\x00-\x40\x5b-\x60\x7b-\x7f\x{3000}-\x{303f}\x{3400}-\x{4dbf}\x{4e00}-\x{9fff}"
    r"\x{ff01}-\x{ff20}\x{ff3b}-\x{ff40}\x{ff5b}-\x{ff65}"
)
_CASELESS = f"^[{CASELESS_CHARS}]*$"
_ASCII_CASED = f"^[{CASELESS_CHARS}A-Za-z]*$"


def add_finding(
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


def member(series: pl.Series, values: Iterable[Any]) -> pl.Series:
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


def aligned(a: pl.Series, b: pl.Series) -> tuple[pl.Series, pl.Series] | None:
    """The two key columns in one type for a join, or None when no value of one
    can equal a value of the other."""
    if a.dtype == b.dtype and a.dtype != pl.Null:
        return a, b
    if isinstance(a.dtype, _NUMERIC) and isinstance(b.dtype, _NUMERIC):
        return a.cast(pl.Float64), b.cast(pl.Float64)
    return None


def isin(values: pl.Series, known: pl.Series) -> pl.Series:
    pair = aligned(values, known)
    if pair is None:
        return constant(False, len(values))
    values, known = pair
    return values.is_in(known.drop_nulls().unique().implode()).fill_null(False)


def casefold(values: pl.Series) -> pl.Series:
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


