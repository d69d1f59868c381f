"""Rules on typed columns (generator/check/rules.py, keys.py) against the row-by-row
definitions they replace, written out here on ``Table.rows``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.check import check_sheets, frames, keys, rules
from generator.check.report import Report
from generator.check.tables import Table
from generator.schema import load_schema
from generator.schema.rules import NoOverlap
from generator.sources import RawSheet

SCHEMA = load_schema()
AS_OF = dt.date(2022, 12, 31)


class Capture(Report):
    """A report that keeps each finding's parameters."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def add(self, severity: str, code: str, sheet: str, **kw: Any) -> None:
        self.calls.append((code, kw))
        super().add(severity, code, sheet, **kw)


def _sheet(name: str, rows: list[dict[str, Any]]) -> RawSheet:
    sheet = SCHEMA.sheet(name)
    return RawSheet(tab=sheet.title, source="t.xlsx",
                    rows=[[f.title for f in sheet.fields], *([r.get(f.name) for f in sheet.fields] for r in rows)])


def _officers(n: int) -> list[dict[str, Any]]:
    return [{"officer_id": f"O{i}", "name": "某", "role": "暖企专员" if i % 3 else "助企服务员",
             "home_unit": "局", "active": "是"} for i in range(n)]


day = st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2023, 12, 31))
assignment = st.fixed_dictionaries({
    "officer_id": st.sampled_from(["O0", "O1", "O2", "O3", "O4", "O5", "O9", None]),
    "enterprise_id": st.sampled_from(["E1", "E2", "E3", None]),
    "match_method": st.just("双向选择"),
    "start_on": st.one_of(day, st.just(None), st.just("bad")),
    "end_on": st.one_of(day, st.just(None), st.just("bad")),
})


def _overlaps_row_by_row(tables: dict[str, Table]) -> list[tuple[int, int]]:
    """The old ``no_overlap``, on Python rows."""
    rule = next(r for r in SCHEMA.sheet("assignments").rules if isinstance(r, NoOverlap))
    ref = rule.only
    assert ref is not None
    allowed = {r.get(ref.key) for r in tables[ref.sheet].rows if r.get(ref.field) in ref.values}
    by_group: dict[Any, list[Any]] = {}
    for row in tables["assignments"].rows:
        if row.get("start_on") is None or row.get("enterprise_id") is None or row.get("officer_id") not in allowed:
            continue
        by_group.setdefault(row.get("enterprise_id"), []).append(row)
    found = []
    for group in by_group.values():
        group.sort(key=lambda r: (r.get("start_on"), r.number))
        for i, row in enumerate(group):
            for other in group[:i]:
                if row.get("start_on") <= (other.get("end_on") or dt.date.max):
                    found.append((row.number, other.number))
                    break
    return found


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(rows=st.lists(assignment, max_size=25))
def test_overlaps_as_row_by_row(rows):
    checked = check_sheets([("t", [_sheet("officers", _officers(6)), _sheet("assignments", rows)])], SCHEMA, AS_OF)
    report = Capture()
    rules._no_overlap(checked.tables, checked.tables["assignments"],
                      next(r for r in SCHEMA.sheet("assignments").rules if isinstance(r, NoOverlap)), report, AS_OF)
    assert [(kw["row"], kw["other_row"]) for _code, kw in report.calls] == _overlaps_row_by_row(checked.tables)


names = st.lists(st.sampled_from(["E1", "e1", "Ｅ1", "ｅ1", "STRASSE", "straße", "ﬁ", "FI", "示例", "İ", "i̇", "E1 "]),
                 max_size=12)


@settings(max_examples=300, deadline=None)
@given(ids=names)
def test_unique_as_row_by_row(ids):
    rows = [{"dept_id": v, "name": f"部门{i}"} for i, v in enumerate(ids)]
    checked = check_sheets([("t", [_sheet("departments", rows)])], SCHEMA, AS_OF)
    report = Capture()
    keys.check_unique({"departments": checked.tables["departments"]}, report)
    first: dict[Any, int] = {}
    expected = []
    for row in checked.tables["departments"].rows:
        value = row.get("dept_id")
        if value is None or "dept_id" in row.bad:
            continue
        key = value.casefold()
        if key in first:
            expected.append((row.number, first[key]))
        else:
            first[key] = row.number
    assert [(kw["row"], kw["other_row"]) for _code, kw in report.calls] == expected


@settings(max_examples=500, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.text(max_size=6),
                                 st.text(alphabet="AbCßﬁİΣσς示例１Ｅｅ", max_size=6)), max_size=20))
def test_casefold_is_pythons(values):
    assert frames.casefold(pl.Series(values, dtype=pl.String)).to_list() == [
        None if v is None else v.casefold() for v in values]


def test_caseless_characters_fold_to_themselves():
    chars = [chr(c) for c in range(0x110000) if 0xD800 > c or c > 0xDFFF]
    series = pl.Series(chars, dtype=pl.String)
    caseless = series.str.contains(f"^[{frames.CASELESS_CHARS}]$")
    listed = series.filter(caseless)
    assert len(listed) > 25_000
    assert all(c.casefold() == c for c in listed.to_list())
    assert (listed.str.to_lowercase() == listed).all()


def test_rows_are_made_only_when_asked_for(example_workbook):
    from generator.check import read_and_check
    from generator.sources import parse_sources

    checked = read_and_check(parse_sources([str(example_workbook)]), SCHEMA, AS_OF)
    assert all("rows" not in table.__dict__ for table in checked.tables.values())
    rows = checked.rows("issues")
    assert rows and rows[0].number == 2 and "issue_id" in rows[0].values


def test_the_model_builds_its_records_from_the_columns_without_rows(example_workbook):
    """``Table.records`` (what the model and the leak guard read) holds exactly
    what ``Row.values`` holds, the same objects, and makes no ``Row``."""
    from generator.check import read_and_check
    from generator.model import build_programme
    from generator.sources import parse_sources

    checked = read_and_check(parse_sources([str(example_workbook)]), SCHEMA, AS_OF)
    programme = build_programme(checked)
    assert all("rows" not in table.__dict__ for table in checked.tables.values())
    issues = checked.tables["issues"]
    assert [i.issue_id for i in programme.issues] == [r.values["issue_id"] for r in issues.rows]
    for table in checked.tables.values():
        for f in table.schema.fields:
            column = table.values_of(f.name)
            assert len(column) == len(table.rows)
            assert all(v is r.values[f.name] or v == r.values[f.name]
                       for v, r in zip(column, table.rows, strict=True)), f.name
    issue, row = programme.issues[0], issues.rows[0]
    assert all(getattr(issue, name) == row.values[name] for name in row.values if hasattr(issue, name))


def test_rows_keep_raw_cells_defaults_and_bad_fields():
    rows = [
        {"enterprise_id": " E1 ", "uscc": "913309029N8AFNCRW6", "name": "甲", "industry": "新材料", "size": "小型",
         "above_scale": 1.0, "town": "白泉镇", "publish_name": None},
        {},  # all blank: skipped, but counted in the numbering
        {"enterprise_id": "E 2", "uscc": "913309027DF100FAP0", "name": "乙", "industry": "别的", "size": "小型",
         "above_scale": "是", "town": "白泉镇", "publish_name": "否"},
    ]
    table = check_sheets([("t", [_sheet("enterprises", rows)])], SCHEMA, AS_OF).tables["enterprises"]
    first, second = table.rows
    assert (first.number, second.number) == (2, 4)
    assert first.values["enterprise_id"] == "E1" and first.raw["enterprise_id"] == " E1 "
    assert first.values["above_scale"] is True and first.raw["above_scale"] == 1.0
    assert first.values["publish_name"] is False and "publish_name" not in first.raw
    assert "contact_phone" not in first.raw and first.values["contact_phone"] is None
    assert first.bad == set()
    assert second.bad == {"enterprise_id", "industry"}
    assert second.values["enterprise_id"] is None and second.raw["enterprise_id"] == "E 2"
    assert list(first.values) == [f.name for f in SCHEMA.sheet("enterprises").fields]
