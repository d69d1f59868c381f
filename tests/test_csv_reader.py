"""The CSV reader reads with polars only where polars gives the cells the csv
module gives (generator/sources/csvdir.py); elsewhere it uses the csv module."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.errors import SourceError
from generator.sources.csvdir import _read_polars, read_csv_folder


def _normal(rows: list[list[str | None]], width: int) -> list[list[str | None]]:
    """Rows as the checker sees them: empty = missing, short rows padded."""
    return [[c or None for c in row] + [None] * (width - len(row)) for row in rows]


def _by_polars(data: bytes) -> list[list[str | None]] | None:
    read = _read_polars(data)
    if read is None:
        return None
    header, frame = read
    return ([header] if header or frame.height else []) + [list(r) for r in frame.iter_rows()]


csv_text = st.lists(
    st.sampled_from(["a", "b", "中", ",", '"', '""', "\n", "\r\n", "\r", " ", "\x00", "\u3000", "x,y", '"q"']),
    max_size=40,
).map("".join)


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(text=csv_text)
@example(text='a,b\n"x""y",2\n"",""\n')
@example(text='a,b\r\n1,2\r\r\n3,4\r\n')
@example(text='a,b\n x,"2"\n"3" ,4\n')
@example(text="\na,b\n")
def test_polars_reads_what_the_csv_module_reads(text):
    expected = list(csv.reader(io.StringIO(text, newline="")))
    got = _by_polars(text.encode("utf-8"))
    if got is None:
        return  # the csv module reads it
    width = max((len(r) for r in expected), default=0)
    assert len(got) == len(expected), (expected, got)
    assert _normal(got, width) == _normal(expected, width)


@settings(max_examples=500, deadline=None)
@given(data=st.binary(max_size=60))
@example(data=b"a,b\n\xff,2\n")
@example(data=b"a,b\n1,\xed\xa0\x80\n")
@example(data=b"a,b\n1,2\n3,\xe4\xb8")
def test_polars_reads_utf8_only(data):
    """What polars accepts is UTF-8: anything else goes on to GB 18030 as before."""
    if _by_polars(data) is not None:
        data.decode("utf-8")


def _folder(tmp_path: Path, content: bytes, name: str = "部门.csv") -> Path:
    folder = tmp_path / "csv"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(content)
    return folder


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_encodings_read_the_same(tmp_path, encoding):
    text = '部门编号,部门名称\r\nD01,"区经信局, 一处"\r\n,\r\nD02,区发改局\r\n'
    sheet = read_csv_folder(_folder(tmp_path, text.encode(encoding)))[0]
    assert sheet.header == ["部门编号", "部门名称"]
    assert sheet.rows == [["部门编号", "部门名称"], ["D01", "区经信局, 一处"], [None, None], ["D02", "区发改局"]]


def test_a_second_bom_stays_in_the_header(tmp_path):
    """utf-8-sig takes one BOM off, as before; a second is text."""
    sheet = read_csv_folder(_folder(tmp_path, b"\xef\xbb\xbf\xef\xbb\xbfa,b\n1,2\n"))[0]
    assert sheet.header == ["\ufeffa", "b"]


def test_wider_rows_keep_their_cells(tmp_path):
    sheet = read_csv_folder(_folder(tmp_path, b"a,b\n1,2,3\n"))[0]
    assert sheet.rows == [["a", "b"], ["1", "2", "3"]]


def test_a_field_over_the_csv_limit_is_refused_as_before(tmp_path):
    big = "x" * (csv.field_size_limit() + 1)
    with pytest.raises(SourceError, match="CSV"):
        read_csv_folder(_folder(tmp_path, f"a,b\n{big},1\n".encode()))


def test_unknown_encoding_is_refused(tmp_path):
    with pytest.raises(SourceError):
        read_csv_folder(_folder(tmp_path, b"\xff\xfe\xff\x80\x80"))
