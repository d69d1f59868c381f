"""Column-at-a-time typing (generator/check/columns.py) against ``parse_cell``,
the per-cell definition: every value a fast path accepts must type exactly as
``parse_cell`` types it, and a whole column must come out as cell by cell."""

from __future__ import annotations

import datetime as dt
import random
import sys
from typing import Any

import phonenumbers
import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from generator.check import columns
from generator.check.cells import CellError, is_blank, parse_cell
from generator.schema import Field, load_schema
from generator.sources.columns import RawColumn, columns_from_rows
from generator.sources.excel import FormulaText, UncalculatedFormula

SCHEMA = load_schema()
SEPARATORS = SCHEMA.list_separators
FIELDS = {f.kind: f for s in SCHEMA.sheets for f in s.fields}
HOSTILE = [
    "#REF!", "#N/A", "#DIV/0!", "#value!", "#NAME?", "#", "=cmd|' /C calc'!A0", "=1+1", "+1", "@SUM(1)",
    "\u3000", " ", "\t", "\x00", "\x07", "\x1c", "\x1f", "\x7f", "\x85", "\xa0", "\u2028", "\u200b", "\ufeff",
    "ＡＢＣ", "１２３", "ｱ", "١٢٣", "ß", "ﬁ", "İ", "😀", "é", "e\u0301", "\n", "\r\n", '"', ",", "、", "转", "ext",
    "9" * 30, "1e400", "nan", "-0", "0x10", "1_000",
]
# Text a cell may hold: ASCII, the hostile pieces above, and any character at all.
piece = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=4),
)
cell_text = st.lists(piece, max_size=4).map("".join)


def fast(kind: str, values: list[str | None]) -> list[Any]:
    """What the fast path makes of each value (``None`` where it declines)."""
    ok, typed = columns.FAST[kind](pl.Series(values, dtype=pl.String))
    return [v if accepted else None for v, accepted in zip(typed.to_list(), ok.fill_null(False).to_list(), strict=True)]


def agree(kind: str, values: list[str]) -> int:
    """Assert the fast path agrees with parse_cell on every value it accepts;
    how many it accepted."""
    field = FIELDS[kind]
    accepted = 0
    for value, typed in zip(values, fast(kind, values), strict=True):
        if typed is None:
            continue
        accepted += 1
        assert not is_blank(value), value
        assert parse_cell(value, field, SEPARATORS) == typed, value
    return accepted


def test_python_white_space_is_listed_exactly():
    assert set(columns.PY_WHITESPACE) == {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}


@pytest.mark.parametrize("kind", sorted(columns.FAST))
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(values=st.lists(cell_text, min_size=1, max_size=20))
@example(values=["E0001", " E0001", "E 0001", "Ｅ0001", "#REF!", "x" * 64, "x" * 65, "a\x00b", "abc\x1f"])
@example(values=["13800138000", "1380013800", "14612345678", "17406234567", "0580-2022001", "010-12345678",
                 "05802022001", "0580-202200", "00580-2022001", "12593123456", "11012345678"])
@example(values=["91330902MA2A00001X", "913309027DF100FAP0", "913309027df100fap0", "I13309027DF100FAP0"])
@example(values=["  text ", "\u3000 ", "#DIV/0!", "line\nbreak", "a\x1cb", "\x1ctrail", "x" * 40000])
@example(values=["https://dept1.example.gov.cn/", "http://a.b/c?d=1#x", "https://a/[b]", "http://[x", "https://a:8/",
                 "HTTPS://X.CN", "https://", "https://a.cn/" + "x" * 40000, "https://a.cn/\x7f", "http://a.cn/ ?"])
def test_fast_path_agrees_with_parse_cell(kind, values):
    agree(kind, values)


def _mobiles() -> list[str]:
    rnd = random.Random(8)
    out = []
    for prefix in range(13000, 20000):  # every 5-digit prefix of 1[3-9]
        out += [f"{prefix}{rnd.randrange(10**6):06d}" for _ in range(3)]
    return out


def test_mobile_fast_path_against_phonenumbers_for_every_prefix():
    """The mobile pattern reads at most five digits; three numbers per 5-digit prefix."""
    numbers = _mobiles()
    assert agree("mobile", numbers) > 10_000
    assert agree("phone", numbers) > 10_000


def test_landline_fast_path_against_phonenumbers_for_every_area_code():
    """0 + national number: every 3-digit start of the national number, every
    length the shape allows, the hyphen after 2, 3 or 4 digits or none."""
    rnd = random.Random(580)
    numbers = []
    for start in range(100, 1000):
        for length in range(6, 13):
            national = f"{start}{rnd.randrange(10 ** (length - 3)):0{length - 3}d}"
            numbers += ["0" + national] + [f"0{national[:k]}-{national[k:]}" for k in (2, 3, 4)]
    assert agree("phone", numbers) > 1000
    # A fixed line is a valid phone but not a mobile: the mobile fast path never takes one.
    assert all(v is None for v in fast("mobile", ["0580-2022001", "010-12345678"]))


def test_typical_numbers_take_the_fast_path():
    assert fast("phone", ["13800138000", "0580-2022001", "0580 2022001"]) == ["13800138000", "0580-2022001", None]
    assert fast("mobile", ["13912345678"]) == ["13912345678"]


def test_credit_codes_agree_with_python_stdnum():
    rnd = random.Random(32100)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    codes = []
    for _ in range(3000):
        body = "".join(rnd.choice("0123456789") for _ in range(8)) + "".join(rnd.choice(alphabet) for _ in range(9))
        good = body + stdnum_uscc.calc_check_digit(body)
        codes += [good, body + rnd.choice(alphabet)]
    accepted = fast("uscc", codes)
    assert [a is not None for a in accepted] == [stdnum_uscc.is_valid(c) for c in codes]
    assert agree("uscc", codes) > 3000


# A whole column, text and other cells mixed, as a reader gives it.
other_cell = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10**6), st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([44743, 44743.0, 1001.0, 1001.5, 13800138000.0, dt.date(2022, 7, 1), dt.datetime(2022, 7, 1, 13),
                     FormulaText("#REF!"), UncalculatedFormula("=1/0"), FormulaText(" ")]),
)
kinds = sorted({f.kind for s in SCHEMA.sheets for f in s.fields})
canonical = st.sampled_from(["E0001", "2022-07-01", "是", "否", "新材料", "13800138000", "0580-2022001", "3", "1.25",
                             "a@example.gov.cn", "https://example.gov.cn/", "91330902MA2A00001X", "解放街道、白泉镇",
                             "99999999999999999999", "", "  "])


@pytest.mark.parametrize("kind", kinds)
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(cells=st.lists(st.one_of(canonical, cell_text, other_cell), max_size=30))
def test_a_column_types_as_cell_by_cell(kind, cells):
    field = next(f for s in SCHEMA.sheets for f in s.fields if f.kind == kind and f.default is None)
    column = columns_from_rows([["header"], *([c] for c in cells)])[0] if cells else RawColumn(pl.Series([], dtype=pl.String))
    typed = columns.type_column(column, field, SEPARATORS)
    values = typed.values.to_list()
    for i, cell in enumerate(cells):
        assert typed.blank[i] == is_blank(cell), cell
        if is_blank(cell):
            assert values[i] is None and i not in typed.errors
            continue
        try:
            expected = parse_cell(cell, field, SEPARATORS)
        except CellError as err:
            assert i in typed.errors and typed.failed[i]
            assert (typed.errors[i].code, typed.errors[i].params) == (err.code, err.params)
            assert values[i] is None
            continue
        assert i not in typed.errors and not typed.failed[i]
        got = typed.exact.get(i, values[i])
        if kind == "list":
            got = tuple(got)
        if kind == "integer" and typed.values.dtype == pl.Float64:
            got = int(got)  # held as a float beside an integer beyond 64 bits; Table gives ints
        assert got == expected and type(got) is type(expected), (cell, got, expected)


def test_integers_beyond_what_a_float_holds_are_refused_at_the_cell():
    field = Field(name="n", title="n", kind="integer")
    typed = columns.type_column(columns_from_rows([["n"], ["99999999999999999999"], ["3"]])[0], field, SEPARATORS)
    assert typed.values.dtype == pl.Int64 and typed.exact == {}
    assert typed.errors[0].code == "number_precision"
    assert typed.values.to_list() == [None, 3]


def test_default_fills_blank_cells_only():
    field = next(f for f in SCHEMA.sheet("enterprises").fields if f.name == "publish_name")
    typed = columns.type_column(columns_from_rows([["h"], [""], ["是"], [None], ["也许"]])[0], field, SEPARATORS)
    assert typed.values.to_list() == [False, True, False, None]
    assert list(typed.errors) == [3]


def test_lone_surrogates_go_the_exact_way():
    column = columns_from_rows([["h"], ["ok"], ["x\ud800"]])[0]
    assert column.text.to_list() == ["ok", None] and dict(column.other()) == {1: "x\ud800"}


def test_mobile_prefixes_phonenumbers_calls_mobile_are_all_taken():
    """Not needed for correctness (the exact path would type them), but the
    fast path is only worth having if it takes the usual numbers."""
    sample = [n for n in _mobiles()[::50]]
    valid = [n for n in sample
             if phonenumbers.number_type(phonenumbers.parse(n, "CN")) == phonenumbers.PhoneNumberType.MOBILE]
    assert fast("mobile", valid) == valid


@pytest.mark.parametrize("kind", kinds)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(cell=st.one_of(cell_text, other_cell, st.sampled_from(["9" * 400, "http://[x", "https://a]/", "-" + "9" * 400])))
def test_parse_cell_says_what_is_wrong_and_never_fails(kind, cell):
    """The exact path: a value or a CellError (a finding), never a crash."""
    field = next(f for s in SCHEMA.sheets for f in s.fields if f.kind == kind)
    try:
        parse_cell(cell, field, SEPARATORS)
    except CellError:
        pass


def test_a_default_of_the_wrong_kind_is_a_schema_error():
    from generator.errors import ConfigError

    good = Field(name="b", title="b", kind="boolean", default=False)
    assert columns.default_column(good, 2).to_list() == [False, False]
    with pytest.raises(ConfigError, match="默认值"):
        columns.default_column(Field(name="b", title="b", kind="boolean", default="否"), 2)
