"""Suppression and the audit: the threshold rule, the secondary rule, and a
differencing attack written independently of ``figures/audit.py`` (scipy's
linprog over everything published) that must not pin any suppressed cell."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import itertools
import json
import math
from unittest import mock

import numpy as np
import pytest
from conftest import validate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from generator.errors import BuildError, ConfigError
from generator.figures import report
from generator.figures.audit import Finding, _Model, _range, audit
from generator.figures.document import PeriodDocument, Table, from_json, to_json
from generator.figures.periods import KINDS, parse_key
from generator.figures.report import compile_progress
from generator.figures.suppression import Cell, protect_column, threshold, window
from generator.model import Department, Enterprise, Issue, Programme
from generator.pipeline import model_of
from generator.render.progress import doc_json

D = dt.date
DIMENSIONS = ("town", "industry", "size", "above_scale")


# --- one column ---------------------------------------------------------------------------

def column(**cells: tuple[int, int]) -> dict[str, Cell]:
    return {name: Cell(count, firms) for name, (count, firms) in cells.items()}


def test_a_lone_small_cell_takes_a_second_one_with_it():
    cells = column(a=(2, 2), b=(5, 4), c=(9, 6), d=(0, 0), e=(7, 5))
    assert protect_column(cells, 3)
    assert [n for n, c in cells.items() if c.suppressed] == ["a", "b"]


def test_zero_stays_zero_and_large_cells_stay():
    cells = column(a=(0, 0), b=(6, 3), c=(8, 4))
    assert protect_column(cells, 3)
    assert not any(c.suppressed for c in cells.values())


def test_small_cells_summing_to_their_count_need_a_larger_partner():
    # Two cells of 1: each must be 1 given the total; a cell of at least 2 joins them.
    cells = column(a=(1, 1), b=(1, 1), c=(3, 3), d=(4, 3), e=(6, 4), f=(7, 5))
    assert protect_column(cells, 3)
    assert {n for n, c in cells.items() if c.suppressed} == {"a", "b", "c"}


def test_a_table_that_cannot_be_protected_is_withheld():
    assert not protect_column(column(a=(1, 1), b=(1, 1)), 3)
    assert not protect_column(column(a=(1, 1), b=(9, 5)), 3)  # 规上/规下: both would go
    assert not protect_column(column(a=(1, 1), b=(1, 1), c=(1, 1), d=(4, 3)), 3)  # most cells hidden


def test_k_comes_from_workbook_yaml(schema, tmp_path):
    import shutil

    from generator.schema import DEFAULT_SCHEMA_DIR, load_schema

    assert threshold(schema) == 3
    folder = tmp_path / "schema"
    shutil.copytree(DEFAULT_SCHEMA_DIR, folder)
    book = folder / "workbook.yaml"
    text = book.read_text(encoding="utf-8")
    book.write_text(text.replace("suppression: {k: 3}", "suppression: {k: 1}"), encoding="utf-8")
    with pytest.raises(ConfigError, match="suppression.k"):
        load_schema(folder)
    book.write_text(text.replace("suppression: {k: 3}", "suppression: {k: 5}"), encoding="utf-8")
    assert threshold(load_schema(folder)) == 5


# --- the attack -------------------------------------------------------------------------------

def attack(docs: list[dict], k: int) -> list[tuple]:
    """Every suppressed cell an attacker can narrow to fewer than two values of 1..max(k-1, 2).

    Knows: every published number of every period (cells, and the period totals
    issues_new/issues_closed, and of each part (已解决, 及时交办) the sum of the table by
    category or by department), what each mark states (``stated``: every withheld cell is
    at least 1, since zeros are shown; a "<k" mark also says at most k-1), that a value
    never has more closed than new issues up to any day, and that a part is some of the
    issues closed in the same days. Unknowns: counts per (column, value, stretch of days between
    period boundaries).
    """
    top = max(k - 1, 2)
    pinned = []
    docs = [d for d in docs if d.get("frozen")]  # a period not yet published shows its totals only
    for dim in DIMENSIONS:
        spans = [(D.fromisoformat(d["period"]["start"]), D.fromisoformat(d["period"]["end"])) for d in docs]
        cuts = sorted({a for a, _ in spans} | {b + dt.timedelta(days=1) for _, b in spans})
        values = sorted({r[dim] for d in docs for r in d["tables"][dim]["rows"]})
        if not values:
            continue
        columns = ["issues_new", "issues_closed"]
        columns += [p for p in PARTS + LATE if any(p in r for d in docs for r in d["tables"][dim]["rows"])]
        n_seg, n_val = len(cuts) - 1, len(values)

        def x(col: int, v: int, s: int, n_val: int = n_val, n_seg: int = n_seg) -> int:
            return (col * n_val + v) * n_seg + s

        # 已回访 and 重新办理 of the issues closed in segment s, as counted by the end of each
        # segment t from s to the last end of a period holding s (no later count is published):
        # a chain over every such t (the generator keeps only the periods' ends).
        n = len(columns) * n_val * n_seg
        segments_of = [[s for s in range(n_seg) if start <= cuts[s] and cuts[s + 1] <= end + dt.timedelta(days=1)]
                       for start, end in spans]
        last = list(range(n_seg))
        for segs in segments_of:
            for s in segs:
                last[s] = max(last[s], segs[-1])
        by_end: dict[tuple[int, int, int, int], int] = {}
        for col, name in enumerate(columns):
            for v in range(n_val):
                for s in range(n_seg):
                    for t in range(s, last[s] + 1) if name in LATE else ():
                        by_end[(col, v, s, t)] = n
                        n += 1

        def y(col: int, v: int, s: int, t: int, by_end: dict = by_end) -> int:
            return by_end.get((col, v, s, t), x(col, v, s))

        a_eq, b_eq, a_ub, b_ub, targets = [], [], [], [], []
        for d, segs in zip(docs, segments_of, strict=True):
            for col, name in enumerate(columns):
                total = period_total(d, name)
                if total is not None:
                    a_eq.append({y(col, v, s, segs[-1]): 1 for v in range(n_val) for s in segs})
                    b_eq.append(total)
                for r in d["tables"][dim]["rows"]:
                    if name not in r:
                        continue
                    row = {y(col, values.index(r[dim]), s, segs[-1]): 1 for s in segs}
                    value, (low, high) = stated(d, r, name)
                    if value is not None:
                        a_eq.append(row)
                        b_eq.append(value)
                    else:
                        a_ub.append({c: -1 for c in row})
                        b_ub.append(-low)
                        if high is not None:
                            a_ub.append(row)
                            b_ub.append(high)
                        targets.append(((dim, d["period"]["key"], name, r[dim]), row))
        for v in range(n_val):
            for s in range(n_seg):
                a_ub.append({x(1, v, t): 1 for t in range(s + 1)} | {x(0, v, t): -1 for t in range(s + 1)})
                b_ub.append(0)
                for part in range(2, len(columns)):
                    chain = [y(part, v, s, t) for t in range(s, last[s] + 1)] if columns[part] in LATE else [x(part, v, s)]
                    for earlier, later in [*itertools.pairwise(chain), (chain[-1], x(1, v, s))]:
                        a_ub.append({earlier: 1, later: -1})
                        b_ub.append(0)
        ub, eq = sparse_rows(a_ub, n), sparse_rows(a_eq, n)
        for cell, row in targets:
            bounds = []
            objective = np.zeros(n)
            objective[list(row)] = 1
            for sense in (1, -1):
                res = linprog(sense * objective, A_ub=ub, b_ub=b_ub, A_eq=eq, b_eq=b_eq, bounds=(0, None),
                              method="highs")
                assert res.status == 0, cell
                bounds.append(sense * res.fun)
            low, high = math.ceil(bounds[0] - 1e-6), math.floor(bounds[1] + 1e-6)
            if min(high, top) - max(low, 1) < 1:
                pinned.append((cell, low, high))
    return pinned


def sparse_rows(rows: list[dict[int, int]], n: int) -> csr_matrix:
    """Rows given as {variable: coefficient}, as one sparse matrix."""
    cols = [c for row in rows for c in row]
    data = [v for row in rows for v in row.values()]
    starts = np.cumsum([0] + [len(row) for row in rows])
    return csr_matrix((np.array(data, dtype=float), np.array(cols, dtype=np.int64), starts), shape=(len(rows), n))


def period_total(doc: dict, column: str) -> int | None:
    """A period's total as a reader finds it: a headline figure, or for 已解决 … the sum of a
    grouped table that shows every row's number."""
    if column not in PARTS + LATE:
        return doc["figures"][column]
    for name in ("category", "department"):
        rows = doc["tables"].get(name, {}).get("rows", [])
        values = [r.get(column) for r in rows]
        if rows and all(isinstance(v, int) for v in values):
            return sum(values)
    return None


def stated(doc: dict, row: dict, column: str) -> tuple[int | None, tuple[int, int | None]]:
    """A cell as a reader takes it: its number, or (for a withheld cell) the bounds its mark states."""
    withheld = row["conf_status"][column] == "C" if "conf_status" in row else isinstance(row[column], str)
    if not withheld:
        return row[column], (0, None)
    mark = doc["suppression"]["marker"]
    if mark.startswith("<"):  # "<3": 1 or 2
        return None, (1, int(mark[1:]) - 1)
    return None, (1, None)  # "*": not 0 (zeros are shown), nothing more


def published(progress) -> list[dict]:
    """The documents as the JSON files beside the pages carry them."""
    return [json.loads(doc_json(d)) for d in progress.all_docs()]


def _pinnable_size_doc() -> PeriodDocument:
    """A frozen month whose withheld 大型 count is its total less the 小型 one."""
    columns = ("issues_new", "issues_closed")
    tables = {dim: Table(dim, columns, enterprise_attribute=True, withheld=True) for dim in DIMENSIONS}
    tables["size"] = Table("size", columns, enterprise_attribute=True, rows=(
        {"size": "大型", "issues_new": "*", "issues_closed": 0},
        {"size": "小型", "issues_new": 9, "issues_closed": 0},
    ))
    doc = PeriodDocument(period=parse_key("month", "2022-01"), figures={"issues_new": 10, "issues_closed": 0},
                         tables=tables, k=3, marker="*", frozen=True)
    return doc


def test_the_attack_pins_an_unprotected_table(schema):
    doc = _pinnable_size_doc()
    assert [c for c, _, _ in attack([to_json(doc)], 3)] == [("size", "2022-01", "issues_new", "大型")]
    assert [f.value for f in audit([doc], 3).findings] == ["大型"]


def test_a_frozen_cell_that_can_be_worked_out_fails_the_build_with_its_range(schema):
    """A frozen table nothing can withhold any more: protect gives up, and the failure names
    the cell with the whole range a reader finds (worked out only then, for the message)."""
    doc = _pinnable_size_doc()
    with pytest.raises(report.AuditFailed) as failed:
        report.protect([doc], 3)
    assert failed.value.findings == [Finding("size", "month", "2022-01", "issues_new", "大型", 1, 1)]


def test_the_attack_pins_an_unprotected_resolved_cell(schema):
    """已解决 of 大型 is the category table's total less the 小型 one: a mark hides nothing."""
    columns = ("issues_new", "issues_closed", "closed_resolved", "resolution_rate")
    tables = {dim: Table(dim, columns, enterprise_attribute=True, withheld=True) for dim in DIMENSIONS}
    tables["size"] = Table("size", columns, enterprise_attribute=True, rows=(
        {"size": "大型", "issues_new": 5, "issues_closed": 5, "closed_resolved": "*", "resolution_rate": "*"},
        {"size": "小型", "issues_new": 9, "issues_closed": 9, "closed_resolved": 4, "resolution_rate": 44.4},
    ))
    tables["category"] = Table("category", columns, enterprise_attribute=False, rows=(
        {"category": "政策咨询", "issues_new": 14, "issues_closed": 14, "closed_resolved": 5, "resolution_rate": 35.7},
    ))
    doc = PeriodDocument(period=parse_key("month", "2022-01"), figures={"issues_new": 14, "issues_closed": 14},
                         tables=tables, k=3, marker="*", frozen=True)
    assert attack([to_json(doc)], 3) == [(("size", "2022-01", "closed_resolved", "大型"), 1, 1)]
    assert [(f.column, f.value) for f in audit([doc], 3).findings] == [("closed_resolved", "大型")]


# --- random small ledgers -----------------------------------------------------------------

TOWNS = ("解放街道", "昌国街道", "环南街道")
SIZES = ("大型", "中型", "小型", "微型")
CLOSURE_TYPES = ("已解决", "已解决", "解释说明", "暂无法解决")
# The parts of the closed issues the tables by enterprise attribute may carry (figures/parts.py).
PARTS = ("closed_resolved", "closed_assigned_on_time")
LATE = ("closed_revisited", "closed_reopened")  # counted after 销号, by the end of the period


@st.composite
def ledgers(draw):
    n_firms = draw(st.integers(4, 30))
    enterprises = {}
    for e in range(n_firms):
        eid = f"E{e}"
        enterprises[eid] = Enterprise(
            eid, f"9133090{e:011d}", f"企业{e}", draw(st.sampled_from(("新材料", "其他"))),
            draw(st.sampled_from(SIZES)), draw(st.booleans()), draw(st.sampled_from(TOWNS)),
        )
    issues = []
    # Half the ledgers have 办结类型, 交办日期, 回访日期 and 原问题编号 (the tables then carry
    # 已解决 …), half are older ones.
    typed = draw(st.booleans())
    closed_ids: list[tuple[str, dt.date]] = []
    for n in range(draw(st.integers(1, 120))):
        reported = D(2022, 1, 3) + dt.timedelta(days=draw(st.integers(0, 62)))
        lag = draw(st.one_of(st.none(), st.integers(0, 20)))
        closed = reported + dt.timedelta(days=lag) if lag is not None else None
        if closed and closed > D(2022, 3, 31):
            closed = None
        revisit = closed + dt.timedelta(days=draw(st.integers(0, 25))) if closed and typed else None
        earlier = [(i, day) for i, day in closed_ids if day <= reported]
        reopens = draw(st.sampled_from(earlier))[0] if typed and earlier and draw(st.integers(0, 4)) == 0 else None
        if closed:
            closed_ids.append((f"Q{n}", closed))
        issues.append(Issue(
            f"Q{n}", draw(st.sampled_from(sorted(enterprises))), "O1", "政策咨询", "x", reported,
            "已销号" if closed else "办理中", "D1", "x", reported + dt.timedelta(days=10), closed,
            "x" if closed else None, None,
            closure_type=draw(st.sampled_from(CLOSURE_TYPES)) if closed and typed else None,
            assigned_on=reported + dt.timedelta(days=min(draw(st.integers(0, 4)), lag)) if closed and typed else None,
            revisit_on=revisit if revisit and revisit <= D(2022, 3, 31) else None, reopens=reopens,
        ))
    return Programme(
        as_of=D(2022, 3, 31), departments={"D1": Department("D1", "区某局")}, enterprises=enterprises,
        officers={}, assignments=[], issues=issues, policies={},
        columns={"issues": frozenset({"closure_type", "assigned_on", "revisit_on", "reopens"} if typed else ())},
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_random_ledgers_never_publish_a_pinnable_cell(schema, programme):
    progress = compile_progress(programme, schema, 3, freeze=KINDS)
    docs = published(progress)
    for d in docs:
        for dim in DIMENSIONS:
            for row in d["tables"][dim]["rows"]:
                for name in ("issues_new", "issues_closed", *PARTS, *LATE):
                    if name in row:
                        assert (row[name], row["conf_status"][name]) == (None, "C") or isinstance(row[name], int)
    assert attack(docs, 3) == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_frozen_periods_stay_protected_when_later_ones_are_added(schema, programme):
    """Freeze what a build as of an earlier day published, then build as of the end."""
    cut = D(2022, 2, 20)
    early = Programme(**{**programme.__dict__, "as_of": cut, "issues": [
        i if i.closed_on is None or i.closed_on <= cut else dataclasses.replace(i, closed_on=None, status="办理中")
        for i in programme.issues if i.reported_on <= cut
    ]})
    first = compile_progress(early, schema, 3, freeze=KINDS)
    frozen = {}
    for d in first.all_docs():
        stored = json.loads(json.dumps(to_json(d.frozen_as_of(cut))))
        frozen[d.id] = from_json(stored, *d.id)
    try:
        later = compile_progress(programme, schema, 3, frozen, freeze=KINDS)
    except BuildError:
        return  # refusing to publish is a correct answer; publishing a pinnable cell is not
    if not later.audit.relaxed:
        assert attack(published(later), 3) == []


def every_bound(docs: list[dict], k: int) -> list[Finding]:
    """The audit's verdicts computed the long way: both bounds of every cell solved."""
    found = []
    for dimension in DIMENSIONS:
        mine = [d for d in docs if dimension in d.tables]
        model = _Model(mine, dimension)
        if not model.feasible():
            model = _Model(mine, dimension, soft=True)
        for i, (cell, idx) in enumerate(model.targets.items()):
            low, high = _range(model, i, idx)
            if min(high, window(k)) - max(low, 1) < 1:
                found.append(Finding(*cell, low=low, high=high))
    return found


def unprotected(programme: Programme, schema, k: int, frozen=None) -> list[dict]:
    """The documents ``protect`` is handed: every period's tables before the audit withholds any."""
    handed: list[list[dict]] = []
    real_protect = report.protect

    def keep(docs, k):
        handed.append(copy.deepcopy(docs))
        return real_protect(docs, k)

    with mock.patch.object(report, "protect", keep):
        try:
            compile_progress(programme, schema, k, frozen, freeze=KINDS)
        except BuildError:
            pass
    return handed[0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers(), st.sampled_from((3, 4, 6)))
def test_skipping_solves_changes_no_verdict_on_random_ledgers(schema, programme, k):
    """The audit skips a cell's solves when whole-number solutions already met show it
    ambiguous; its findings are exactly those of solving both bounds of every cell."""
    docs = unprotected(programme, schema, k)
    assert audit(docs, k).findings == every_bound(docs, k)


# --- the example workbook -----------------------------------------------------------------

@pytest.fixture(scope="module")
def example_progress(example_workbook, schema):
    return compile_progress(model_of(validate([str(example_workbook)], D(2022, 12, 31), schema)), schema, 3,
                            freeze=KINDS)


def test_example_audit_is_clean_and_checked_cells(example_progress):
    assert example_progress.audit.findings == []
    assert example_progress.audit.cells > 50


def test_a_differencing_attack_on_every_example_page_pins_nothing(example_progress):
    docs = published(example_progress)
    assert sum(1 for d in docs for dim in DIMENSIONS for r in d["tables"][dim]["rows"]
               for c in ("issues_new", "issues_closed") if r["conf_status"][c] == "C") > 50
    # 已解决 is published by enterprise attribute too, and some of it withheld: the attack covers it.
    resolved = [r["conf_status"]["closed_resolved"] for d in docs if d.get("frozen") for dim in DIMENSIONS
                for r in d["tables"][dim]["rows"] if "closed_resolved" in r]
    assert resolved.count("F") > 100 and resolved.count("C") > 20
    assert attack(docs, 3) == []


def test_read_as_it_was_once_written_the_mark_lies_and_discloses(example_progress):
    """The same pages with "<3" for every withheld cell, as versions before the neutral mark wrote
    them: the attacker taking the mark at its word pins cells (or finds the pages contradict
    themselves, since some withheld cells hold 3 or more); with "*" nothing."""
    docs = published(example_progress)
    old = copy.deepcopy(docs)
    for d in old:
        d["suppression"]["marker"] = "<3"
    try:
        pinned = attack(old, 3)
    except AssertionError:  # infeasible: a "<3" that holds 3 or more contradicts the totals
        pinned = ["contradiction"]
    assert pinned
    assert attack(docs, 3) == []


def frozen_months(progress) -> dict[tuple[str, str], PeriodDocument]:
    """The example's months as publish would have frozen them."""
    frozen = {}
    for d in progress.docs["month"]:
        stored = json.loads(json.dumps(to_json(d.frozen_as_of(D(2022, 12, 31)))))
        frozen[d.id] = from_json(stored, *d.id)
    return frozen


def test_a_revised_ledger_under_frozen_months_is_audited_as_the_least_revision(example_progress, example_workbook, schema):
    frozen = frozen_months(example_progress)
    programme = model_of(validate([str(example_workbook)], D(2022, 12, 31), schema))
    gone = next(i for i in programme.issues if i.reported_on.month == 3 and i.closed_on and i.closed_on.month == 3)
    programme.issues = [i for i in programme.issues if i is not gone]
    progress = compile_progress(programme, schema, 3, frozen, freeze=("week",))
    assert progress.audit.relaxed  # old months and new weeks cannot both be exact
    # Weeks over the days of the revised March: their enterprise tables minus March's would show the change.
    over_march = [d for d in progress.docs["week"] if d.period.start <= D(2022, 3, 31) and d.period.end >= D(2022, 3, 1)]
    reasons = [t.why for d in over_march for t in d.tables.values() if t.enterprise_attribute]
    assert set(reasons) <= {"revised", "small"} and reasons.count("revised") > len(reasons) // 2
    assert progress.audit.findings == []
    march = progress.docs["month"][2]
    assert march.figures == frozen[("month", "2022-03")].figures
    assert {"issues_new", "category.issues_new"} <= {r.figure for r in march.revisions}
    assert march.grouped_revised and not {r.table for r in march.revisions} & set(DIMENSIONS)
    weeks = [json.loads(doc_json(d)) for d in progress.docs["week"]]
    assert attack(weeks, 3) == []  # the current figures on their own
    assert attack([to_json(d) for d in frozen.values()], 3) == []  # the frozen ones on their own


def test_skipping_solves_changes_no_verdict_on_the_example(example_workbook, schema):
    programme = model_of(validate([str(example_workbook)], D(2022, 12, 31), schema))
    docs = unprotected(programme, schema, 3)
    result = audit(docs, 3)
    assert result.cells > 150 and len(result.findings) > 20  # before protection, plenty to find
    assert result.findings == every_bound(docs, 3)


def test_skipping_solves_changes_no_verdict_under_least_revision(example_progress, example_workbook, schema):
    frozen = frozen_months(example_progress)
    programme = model_of(validate([str(example_workbook)], D(2022, 12, 31), schema))
    programme.issues = [i for i in programme.issues if i.reported_on.month != 3]
    docs = unprotected(programme, schema, 3, frozen)
    result = audit(docs, 3)
    assert result.relaxed and result.findings
    assert result.findings == every_bound(docs, 3)
