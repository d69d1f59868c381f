"""Typing a column at a time. ``parse_cell`` (cells.py) defines what every cell
means; this module only makes the common case fast:

* a *fast path* per kind recognises, with polars expressions, canonical forms
  whose value is provably what ``parse_cell`` gives (plain ASCII codes, text
  without control characters, 11-digit mobile numbers, credit codes with a
  valid check character). It only ever accepts: a cell it does not recognise
  is not an error, it goes on to
* the *exact path*: ``parse_cell`` itself, called once per distinct value of
  the column (the same value always types the same way), for every other
  non-blank cell, text or not. Errors, their codes and parameters, and every
  non-canonical form (``2022年3月1日``, full-width digits, Excel serial numbers,
  ``转`` extensions ...) come from there unchanged.

tests/test_columns.py checks that both paths agree on every value the fast
path accepts, hostile values included.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
import polars as pl

from ..errors import ConfigError
from ..schema import Field
from ..sources.columns import RawColumn
from .cells import CONTROL_CHARS, ID_MAX, TEXT_MAX, URL_MAX, CellError, is_blank, parse_cell

# What ``str.strip()`` and ``str.isspace()`` count as white space (Python's own
# set: it includes U+001C..U+001F, which polars' and Rust's white space do not).
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_WS_CLASS = "".join(f"\\x{{{ord(c):x}}}" for c in PY_WHITESPACE)
_BLANK = f"^[{_WS_CLASS}]*$"
# cells.py's own pattern (its syntax reads the same to polars' Rust regex).
_CONTROL = CONTROL_CHARS.pattern
# Printable ASCII without space, not starting with "#" (which may be a formula
# error): NFKC and strip leave it as it is, and it has no space or control.
_PLAIN_ID = rf"^[\x21\x22\x24-\x7e][\x21-\x7e]{{0,{ID_MAX - 1}}}$"
# http(s)://, a host name of two or more labels ending in a letter label, and
# printable ASCII without the characters cells.URL_FORBIDDEN names.
_URL_CHAR = r"[!#$%&*+,\-./0-9:;=?@A-Z_a-z~]"
_HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PLAIN_URL = (
    rf"^[hH][tT][tT][pP][sS]?://(?:{_HOST_LABEL}\.)+[A-Za-z](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?"
    rf"(?:[/?#]{_URL_CHAR}*)?$"
)
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015, as python-stdnum
# The weight of each character (the 18th is the check character itself).
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28, 0]
# Each byte's value in the alphabet (0 for bytes the shape test rules out).
_USCC_VALUE = pl.Series([max(_USCC_ALPHABET.find(chr(b)), 0) for b in range(256)], dtype=pl.Int64)
_USCC_SHAPE = r"^[0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}$"

DTYPES: dict[str, pl.DataType] = {
    "id": pl.String(), "text": pl.String(), "enum": pl.String(), "phone": pl.String(),
    "mobile": pl.String(), "email": pl.String(), "url": pl.String(), "uscc": pl.String(),
    "date": pl.Date(), "boolean": pl.Boolean(), "integer": pl.Int64(), "decimal": pl.Float64(),
    "list": pl.List(pl.String()),
}
_INT64 = (-(2**63), 2**63 - 1)
_UNSEEN = object()
_BLANK_CELL = object()  # a non-text cell that is blank (a str subclass of white space)


def _cn_pattern(desc: Any) -> str:
    """A pattern of phonenumbers' CN metadata as a whole-string Rust regex."""
    pattern = desc.national_number_pattern
    assert pattern is not None
    return "^(?:" + pattern.replace(r"\d", "[0-9]") + ")$"


_CN = phonenumbers.PhoneMetadata.metadata_for_region("CN")
assert _CN is not None and _CN.mobile is not None and _CN.fixed_line is not None and _CN.general_desc is not None
# 11-digit numbers starting 1[3-9] that the CN metadata calls mobile. Parsing
# such a number strips no prefix (no national prefix, carrier code or IDD
# starts that way) and no other type comes first, so it is a valid phone and a
# valid mobile (tests/test_columns.py checks every prefix).
_MOBILE = _cn_pattern(_CN.mobile)
# 0 + a national number nn (at most one hyphen, after the area code): parsing
# strips the 0 as the national prefix (nn starts 1-9, so it is no IDD "00",
# and "0..." alone matches no pattern) and, when nn has a length and pattern of
# both the general and the fixed-line description, the number is valid.
_LANDLINE_SHAPE = r"^0[1-9][0-9]{1,3}-?[0-9]{4,8}$"
_FIXED_LINE = _cn_pattern(_CN.fixed_line)
_GENERAL = _cn_pattern(_CN.general_desc)
_LANDLINE_LENGTHS = sorted(set(_CN.fixed_line.possible_length) & set(_CN.general_desc.possible_length))


def _fast_id(text: pl.Series) -> tuple[pl.Series, pl.Series]:
    return text.str.contains(_PLAIN_ID), text


def _fast_text(text: pl.Series) -> tuple[pl.Series, pl.Series]:
    # Without control characters Python's white space (str.strip) is Rust's
    # (polars' strip_chars): they differ only in U+001C..U+001F.
    stripped = text.str.strip_chars()
    ok = (
        ~text.str.starts_with("#") & (text.str.len_bytes() <= TEXT_MAX) & ~text.str.contains(_CONTROL)
        & (stripped.str.len_bytes() > 0)  # white space only is blank, for the exact path to say
    )
    return ok, stripped


def _fast_url(text: pl.Series) -> tuple[pl.Series, pl.Series]:
    """http(s)://host/...: printable ASCII without space or markup, so NFKC and
    strip leave it as it is; no bracket, colon or "@" in the host, so urlsplit
    takes that host as the netloc, and it is a real host name (cells._real_host)."""
    return text.str.contains(_PLAIN_URL) & (text.str.len_bytes() <= URL_MAX), text


def _fast_mobile(text: pl.Series) -> tuple[pl.Series, pl.Series]:
    return text.str.contains(r"^1[3-9][0-9]{9}$") & text.str.contains(_MOBILE), text


def _fast_phone(text: pl.Series) -> tuple[pl.Series, pl.Series]:
    mobile, _ = _fast_mobile(text)
    shape = text.str.contains(_LANDLINE_SHAPE).fill_null(False)
    number = text.zip_with(shape, constant(None, len(text), pl.String())).str.slice(1).str.replace("-", "", literal=True)
    landline = (
        number.str.len_bytes().is_in(_LANDLINE_LENGTHS) & number.str.contains(_FIXED_LINE)
        & number.str.contains(_GENERAL)
    ).fill_null(False)
    return mobile.fill_null(False) | landline, text


def _fast_uscc(text: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Upper-case codes of the right shape whose check character is right:
    python-stdnum's ``cn.uscc`` computed a column at a time, on the 18 bytes."""
    n = len(text)
    shape = text.str.contains(_USCC_SHAPE).fill_null(False)
    code = text.zip_with(shape, constant("0" * 18, n, pl.String()))
    digits = _USCC_VALUE.gather(
        code.cast(pl.Binary).bin.reinterpret(dtype=pl.Array(pl.UInt8, 18)).arr.explode(empty_as_null=False).cast(pl.Int64)
    ).reshape((n, 18))
    total = pl.DataFrame({"d": digits}).select(
        (pl.col("d") * pl.lit(_USCC_WEIGHTS, dtype=pl.Array(pl.Int64, 18))).arr.sum()
    ).to_series()
    return shape & (digits.arr.get(17) == (31 - total % 31) % 31), text


FAST: dict[str, Callable[[pl.Series], tuple[pl.Series, pl.Series]]] = {
    "id": _fast_id,
    "text": _fast_text,
    "phone": _fast_phone,
    "mobile": _fast_mobile,
    "uscc": _fast_uscc,
    "url": _fast_url,
}


@dataclass
class TypedColumn:
    """A column typed: every position of the raw column, blank rows included."""

    values: pl.Series  # the typed value; the field's default where blank, null where bad
    blank: pl.Series  # Boolean: the cell is empty (Row.raw leaves it out)
    failed: pl.Series  # Boolean: filled but not typeable (Row.bad)
    # Failed cells by position, with what is wrong.
    errors: dict[int, CellError] = field(default_factory=dict)
    # Values the polars column cannot hold exactly (integers beyond 64 bits,
    # held there as floats), by position: Row.values and messages use these.
    exact: dict[int, Any] = field(default_factory=dict)


def blank_mask(raw: RawColumn) -> pl.Series:
    """Cells that are empty or only white space (``cells.is_blank``), for a
    column no field reads (``type_column`` finds them for the others)."""
    blank = raw.text.is_null() | raw.text.str.contains(_BLANK)
    blank = blank.fill_null(True)
    held = [i for i, v in raw.other() if not is_blank(v)]
    if held:
        blank = blank.scatter(held, False)
    return blank


def _attempt(value: Any, f: Field, separators: tuple[str, ...]) -> Any:
    try:
        return parse_cell(value, f, separators)
    except CellError as err:
        return err


def type_column(raw: RawColumn, f: Field, separators: tuple[str, ...]) -> TypedColumn:
    """Type every cell of ``raw`` as field ``f``."""
    text, n = raw.text, len(raw)
    dtype = DTYPES[f.kind]
    fast = FAST.get(f.kind)
    if fast is not None:
        ok, fast_values = fast(text)
        ok = ok.fill_null(False)  # a fast path never accepts a blank cell
    else:
        ok, fast_values = constant(False, n), constant(None, n, dtype)

    # The exact path, once per distinct value: text cells the fast path left ...
    rest = text.filter(~ok).drop_nulls().unique().to_list()
    blanks = [v for v in rest if not v.strip()]
    results: dict[str, Any] = {v: _attempt(v, f, separators) for v in rest if v.strip()}
    blank = text.is_null()
    if blanks:
        blank = blank | text.is_in(blanks).fill_null(False)
    # ... and the cells that are not plain text (the same value of the same type
    # types the same way; 1 == 1.0 == True, hence the type in the key). A
    # million date cells at province scale: lists along ``raw.odd``, no dicts.
    memo: dict[tuple[type, Any], Any] = {}
    odd = raw.odd
    odd_results: list[Any] = []
    for _i, v in raw.other():
        key = (v.__class__, v)
        result = memo.get(key, _UNSEEN)
        if result is _UNSEEN:
            result = memo[key] = _BLANK_CELL if is_blank(v) else _attempt(v, f, separators)
        odd_results.append(result)
    if odd:
        blank = blank.scatter([i for i, r in zip(odd, odd_results, strict=True) if r is not _BLANK_CELL], False)
    todo = ~ok & ~blank & text.is_not_null()

    typed = {v: r for v, r in results.items() if not isinstance(r, CellError)}
    wrong = [v for v, r in results.items() if isinstance(r, CellError)]
    odd_values = [None if r is _BLANK_CELL or isinstance(r, CellError) else r for r in odd_results]
    exact: dict[int, Any] = {}
    if f.kind == "integer":
        big = {v for v, r in typed.items() if not _INT64[0] <= r <= _INT64[1]}
        big_odd = [k for k, r in enumerate(odd_values) if r is not None and not _INT64[0] <= r <= _INT64[1]]
        if big or big_odd:
            # Only from the exact path (the fast path has none): such a value came
            # through a float, so the float column holds it exactly for the rules.
            dtype = pl.Float64()
            for i in text.is_in(list(big)).fill_null(False).arg_true().to_list():
                exact[i] = typed[text[i]]
            exact.update({odd[k]: odd_values[k] for k in big_odd})
            typed = {v: float(r) for v, r in typed.items()}
            odd_values = [None if r is None else float(r) for r in odd_values]

    values = _lookup(text, typed, dtype, todo, wrong)
    if fast is not None:
        values = fast_values.cast(dtype).zip_with(ok, values)
    if odd:
        values = _put(values, odd, odd_values, dtype)
    if f.default is not None:
        values = values.zip_with(~blank, default_column(f, n).cast(dtype))

    errors: dict[int, CellError] = {}
    if wrong:
        bad_text = text.is_in(wrong).fill_null(False) & todo
        at = bad_text.arg_true()
        for i, v in zip(at.to_list(), text.gather(at).to_list(), strict=True):
            errors[i] = results[v]
    errors.update((i, r) for i, r in zip(odd, odd_results, strict=True) if isinstance(r, CellError))
    failed = constant(False, n)
    if errors:
        failed = failed.scatter(list(errors), True)
    return TypedColumn(values=values, blank=blank, failed=failed, errors=errors, exact=exact)


def _put(values: pl.Series, positions: array[int], new: list[Any], dtype: pl.DataType) -> pl.Series:
    """``values`` with the non-null ``new`` at ``positions`` (polars cannot
    scatter into a list column: those are joined in by position)."""
    if all(v is None for v in new):
        return values  # errors and blanks: null there already
    at = pl.Series(positions, dtype=pl.UInt32)
    if isinstance(dtype, pl.List):
        placed = pl.DataFrame({"i": at, "v": pl.Series(new, dtype=dtype)})
        everywhere = pl.DataFrame({"i": pl.int_range(len(values), dtype=pl.UInt32, eager=True)})
        column = everywhere.join(placed, on="i", how="left", maintain_order="left").to_series(1)
        return column.zip_with(column.is_not_null(), values)
    return values.scatter(at, pl.Series(new, dtype=dtype))


def default_column(f: Field, n: int) -> pl.Series:
    """The field's default ``n`` times, in its kind's type (null without one)."""
    if f.default is None:
        return constant(None, n, DTYPES[f.kind])
    try:
        return constant(f.default, n, DTYPES[f.kind])
    except (TypeError, ValueError, pl.exceptions.PolarsError) as exc:
        raise ConfigError(f"字段 {f.name} 的默认值 {f.default!r} 不是 {f.kind} 类型的值") from exc


def constant(value: Any, n: int, dtype: pl.DataType | None = None) -> pl.Series:
    return pl.Series([value], dtype=dtype or (pl.Boolean() if isinstance(value, bool) else None)).new_from_index(0, n)


def _lookup(text: pl.Series, typed: dict[str, Any], dtype: pl.DataType, todo: pl.Series, wrong: list[str]) -> pl.Series:
    """The exact path's values put back in place (null elsewhere)."""
    if not typed:
        return constant(None, len(text), dtype)
    if dtype == pl.String and all(v == k for k, v in typed.items()):
        # Each value is its own text (the canonical option of an enum): no lookup.
        valid = todo & ~text.is_in(wrong).fill_null(False) if wrong else todo
        return text.zip_with(valid, constant(None, len(text), dtype))
    keys = list(typed)
    table = pl.DataFrame(
        {"k": pl.Series(keys, dtype=pl.String), "v": pl.Series([typed[k] for k in keys], dtype=dtype)}
    )
    return text.rename("k").to_frame().join(table, on="k", how="left", maintain_order="left").to_series(1)
