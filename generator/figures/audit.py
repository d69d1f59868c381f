"""The suppression audit: can any suppressed cell be narrowed by combining
everything published so far (site.md, "Anonymity of published statistics")?

For each enterprise attribute (town, industry, size, 规上) the published tables
of all periods (frozen ones, and those this build freezes; a period not frozen
publishes its totals only) are modelled as linear constraints on unknown
non-negative counts ``x[column, value, segment]``, where the segments are the
coarsest pieces of time of which every week and month is a union (weeks
straddle months). The constraints are what a reader knows:

- a published cell: the sum over its period's segments equals the number shown;
- a suppressed cell: that sum is at least 1 (zeros are shown as 0), nothing
  more: its mark ``*`` states no upper bound (``<3`` did, falsely);
- every period's totals (``issues_new``, ``issues_closed``), published on every
  page whether or not its tables are: the sum over values equals them;
- time: up to any segment, no value can have more closed than new issues;
- a part (已解决 …) is some of the issues closed in the same segment; one counted
  after 销号 (已回访, 重新办理) has a count for each end of a period that holds the
  segment, growing from one end to the next.

Each suppressed cell is then minimised and maximised with HiGHS (through its
own Python bindings, ``highspy``, which keep the model and basis between
solves; ``scipy.optimize.linprog`` runs the same solver but rebuilds the model
for every call, about 5x slower on the example; the tests attack the pages
with it independently). A cell passes when its range, rounded inwards, holds at
least two values of 1..max(k-1, 2). When the linear optimum is fractional (a
few percent of the solves on the example, more with 已回访) the same bound is
solved again in whole numbers (HiGHS' MIP solver, on a copy of the model), unless a
whole-number solution already seen reaches it; so the range is what a reader
insisting on whole numbers would find (not under the least-revision model of ``audit``,
where the integer problems get slow; there the linear bounds stand).

Frozen periods may come from an earlier ledger; see ``audit`` for how
published figures that disagree are modelled.

Tables grouped by other dimensions (issue category, department) are not
linked to enterprise attributes, except through the same period totals.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass

import highspy
import numpy as np

from .breakdowns import COUNT_COLUMNS
from .document import PeriodDocument
from .lp import Constraints, Seen, highs_of, integral
from .parts import LATE_PARTS, PART_COLUMNS
from .periods import Period, parse_key, segments
from .suppression import window

CellId = tuple[str, str, str, str, str]  # dimension, kind, key, column, value


@dataclass(frozen=True)
class Finding:
    dimension: str
    kind: str
    key: str
    column: str
    value: str
    low: int
    high: int

    @property
    def cell(self) -> CellId:
        return (self.dimension, self.kind, self.key, self.column, self.value)


@dataclass
class AuditResult:
    cells: int
    findings: list[Finding]
    relaxed: bool = False  # frozen figures disagree with the ledger now; modelled as least revision


def period_of_doc(doc: PeriodDocument) -> Period:
    return parse_key(doc.period.kind, doc.period.key)


def period_total(doc: PeriodDocument, column: str) -> int | None:
    """What the period publishes as the total of a column of its grouped tables: the
    counts are headline figures; a part (已解决, 及时交办) is the sum of the table by issue
    category (None when that table does not give it)."""
    if column in COUNT_COLUMNS:
        return int(doc.figures[column] or 0)
    table = doc.tables.get("category")
    if table is None or table.withheld or column not in table.columns:
        return None
    values = [row.get(column) for row in table.rows]
    return sum(v for v in values if isinstance(v, int)) if all(isinstance(v, int) for v in values) else None


class _Model:
    """The constraints of one enterprise attribute over a set of period documents."""

    def __init__(self, docs: list[PeriodDocument], dimension: str, soft: bool = False) -> None:
        """``soft``: frozen documents' figures may be off (a revised ledger), by as little in
        total as makes everything consistent; see ``audit``."""
        self.dimension = dimension
        self.soft = soft
        periods = [period_of_doc(d) for d in docs]
        self.segments = segments(sorted(set(periods)))
        values: list[str] = []
        for d in docs:
            for row in d.tables[dimension].rows:
                if str(row[dimension]) not in values:
                    values.append(str(row[dimension]))
        self.values = values
        # A part (已解决, 及时交办) only where some table publishes it (a ledger with its column).
        self.columns = COUNT_COLUMNS + tuple(
            c for c in PART_COLUMNS if any(c in d.tables[dimension].columns for d in docs)
        )
        self.n = len(self.columns) * len(values) * len(self.segments)
        self._late_vars(periods)
        self.targets: dict[CellId, list[int]] = {}
        rows = Constraints()
        for doc, period in zip(docs, periods, strict=True):
            self._period_rows(rows, doc, period)
        self._stock_rows(rows)
        self._part_rows(rows)
        slack = self._soften(rows) if soft else []
        self.highs = highs_of(rows, self.n)
        self._rows = rows
        self._mip: highspy.Highs | None = None
        self.seen = Seen(list(self.targets.values()))
        self._feasible: bool | None = None
        self.revision = 0.0
        if slack:
            # The smallest total change to frozen figures that makes them consistent
            # with each other and with the current ones; allow no more than that.
            least = self.solve(slack, 1.0)
            if least is not None:
                self.revision = least
                self.highs.addRow(-highspy.kHighsInf, least + 1e-6, len(slack), np.array(slack, dtype=np.int32),
                                  np.ones(len(slack)))

    def _var(self, c: int, v: int, s: int) -> int:
        return (c * len(self.values) + v) * len(self.segments) + s

    def _late_vars(self, periods: list[Period]) -> None:
        """A part counted after 销号 (已回访, 重新办理: by the end of the period) is, for the
        issues closed in one segment, a different number at each end of a period that
        holds the segment (its week's, its month's): one variable per (column, value,
        segment, end), the one at the latest end being ``_var``'s. The ends between them
        are never published, so a monotone chain over the published ends is all a reader
        can know of them (the days in between are projected out)."""
        ends: list[set[int]] = [set() for _ in self.segments]
        for p in periods:
            for s in self._segment_range(p):
                ends[s].add(p.end.toordinal())
        self.ends = [sorted(e) for e in ends]
        self.late: dict[tuple[int, int, int, int], int] = {}
        for c, column in enumerate(self.columns):
            if column not in LATE_PARTS:
                continue
            for v in range(len(self.values)):
                for s, seg_ends in enumerate(self.ends):
                    for end in seg_ends[:-1]:
                        self.late[(c, v, s, end)] = self.n
                        self.n += 1

    def _at(self, c: int, v: int, s: int, end: int) -> int:
        """The variable of a column's count in a segment, as a period ending on ``end`` counts it."""
        return self.late.get((c, v, s, end), self._var(c, v, s))

    def _segment_range(self, p: Period) -> range:
        first = next(i for i, (a, _) in enumerate(self.segments) if a == p.start)
        last = next(i for i, (_, b) in enumerate(self.segments) if b == p.end)
        return range(first, last + 1)

    def _period_rows(self, rows: Constraints, doc: PeriodDocument, period: Period) -> None:
        """A period's totals, and its shown (equal) and suppressed (at least one) cells."""
        dimension, var = self.dimension, self._at
        index_v = {v: i for i, v in enumerate(self.values)}
        segs = self._segment_range(period)
        table = doc.tables[dimension]
        frozen = self.soft and doc.frozen
        end = period.end.toordinal()
        for c, column in enumerate(self.columns):
            cols = [var(c, v, s, end) for v in range(len(self.values)) for s in segs]
            total = period_total(doc, column)
            if total is not None:
                rows.equal(cols, [1.0] * len(cols), float(total), frozen)
            if table.withheld or column not in table.columns:
                continue
            for row in table.rows:
                idx = [var(c, index_v[str(row[dimension])], s, end) for s in segs]
                shown = row.get(column)
                if shown is None:
                    continue
                if isinstance(shown, int):
                    rows.equal(idx, [1.0] * len(idx), float(shown), frozen)
                else:
                    rows.at_least_one(idx, frozen)
                    self.targets[(dimension, period.kind, period.key, column, str(row[dimension]))] = idx

    def _stock_rows(self, rows: Constraints) -> None:
        # Open stock per value, never negative: o[v,j] = o[v,j-1] + new[v,j] - closed[v,j] >= 0,
        # written with one extra variable per (value, segment) to keep the matrix sparse.
        s_count = len(self.segments)
        stock = self.n
        self.n += len(self.values) * s_count
        for v in range(len(self.values)):
            for j in range(s_count):
                o = stock + v * s_count + j
                cols = [o, self._var(0, v, j), self._var(1, v, j)]
                coefs = [1.0, -1.0, 1.0]
                if j:
                    cols.append(o - 1)
                    coefs.append(-1.0)
                rows.equal(cols, coefs, 0.0, False)

    def _part_rows(self, rows: Constraints) -> None:
        # A part is some of the closed issues: never more, per value and stretch of days;
        # one counted after 销号 only grows from one published end to the next.
        closed = self.columns.index("issues_closed")
        for c, column in enumerate(self.columns):
            if column in PART_COLUMNS:
                for v in range(len(self.values)):
                    for s in range(len(self.segments)):
                        rows.not_more(self._var(c, v, s), self._var(closed, v, s))
                        chain = [self._at(c, v, s, end) for end in self.ends[s]] if column in LATE_PARTS else []
                        for earlier, later in itertools.pairwise(chain):
                            rows.not_more(earlier, later)

    def _soften(self, rows: Constraints) -> list[int]:
        """Slack variables for the soft rows; the variables to minimise."""
        slack: list[int] = []
        for i, is_soft in enumerate(rows.eq_soft):
            if is_soft:
                rows.eq_rows[i] = rows.eq_rows[i] + [self.n, self.n + 1]
                rows.eq_coefs[i] = rows.eq_coefs[i] + [1.0, -1.0]
                slack += [self.n, self.n + 1]
                self.n += 2
        for i, is_soft in enumerate(rows.ub_soft):
            if is_soft:
                cols, coefs = rows.ub_rows[i]
                rows.ub_rows[i] = (cols + [self.n], coefs + [-1.0])
                slack.append(self.n)
                self.n += 1
        return slack

    def solve(self, idx: list[int], sense: float) -> float | None:
        """min (sense=1) or max (sense=-1) of the sum of ``idx`` in the linear relaxation;
        None when infeasible. A whole-number optimum is kept in ``seen``.

        The model is kept between calls, so each solve starts from the last basis.
        """
        return self._run(self.highs, idx, sense)

    def _run(self, h: highspy.Highs, idx: list[int], sense: float) -> float | None:
        cost = np.zeros(self.n)
        cost[idx] = sense
        h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), cost)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        point = np.asarray(h.getSolution().col_value)
        if integral(point):
            self.seen.add(point)
        return float(h.getInfo().objective_function_value) * sense

    def whole(self, i: int, idx: list[int], sense: float, linear: float) -> int:
        """The bound a reader insisting on whole numbers finds, from the linear one: the
        linear bound rounded inwards when a whole-number solution seen reaches it (then
        it is exact), else HiGHS' MIP solver's (the rounded linear bound if that fails:
        never narrower than the truth). Under least revision the linear bound stands."""
        rounded = math.ceil(linear - 1e-6) if sense > 0 else math.floor(linear + 1e-6)
        reached = self.seen.low[i] <= rounded if sense > 0 else self.seen.high[i] >= rounded
        if reached or self.soft:
            return rounded
        exact = self._integer_solve(idx, sense)
        if exact is None:
            return rounded
        return math.ceil(exact - 1e-6) if sense > 0 else math.floor(exact + 1e-6)

    def _integer_solve(self, idx: list[int], sense: float) -> float | None:
        # On a copy of the model, so that the linear one keeps its basis (a MIP solve
        # on it left the next linear solves to start from scratch).
        if self._mip is None:
            self._mip = highs_of(self._rows, self.n)
            self._mip.changeColsIntegrality(self.n, np.arange(self.n, dtype=np.int32),
                                            np.full(self.n, highspy.HighsVarType.kInteger))
            self._mip.setOptionValue("time_limit", 2.0)
            # Without presolve a third less time on the example, the same verdicts.
            self._mip.setOptionValue("presolve", "off")
        return self._run(self._mip, idx, sense)

    def feasible(self) -> bool:
        if self._feasible is None:
            # From scratch the dual simplex is quicker (half the time on the example),
            # and the warm-started solves after it take fewer pivots too.
            self.highs.setOptionValue("simplex_strategy", 1)
            self._feasible = self.solve([], 1.0) is not None
            self.highs.setOptionValue("simplex_strategy", 4)
        return self._feasible


def _check(model: _Model, k: int, only: set[CellId] | None, ranges: bool = True) -> tuple[int, list[Finding]]:
    """A cell passes when its range, rounded inwards, holds two values of 1..window(k)
    (counting its low end from 1: it is shown to be at least 1). Its bounds are
    solved for only as far as the solutions seen so far leave that open."""
    top = window(k)
    findings = []
    checked = 0
    seen = model.seen
    for i, (cell, idx) in enumerate(model.targets.items()):
        if only is not None and cell not in only:
            continue
        checked += 1
        if min(seen.high[i], top) - max(seen.low[i], 1) >= 1:
            continue
        if _passes(model, i, idx, top):
            continue
        # The whole range is for the message of a failed audit: ``protect`` only needs to know.
        findings.append(Finding(*cell, *(_range(model, i, idx) if ranges else (0, 0))))
    return checked, findings


def _passes(model: _Model, i: int, idx: list[int], top: int) -> bool:
    """Whether the cell's range in whole numbers holds two values of 1..top. The linear
    bounds come first (each solved only when the solutions seen leave it open); a range
    they already pin fails as it is, and only a passing one is solved in whole numbers,
    which can only narrow it."""
    seen = model.seen
    low_f = 1.0 if seen.low[i] <= 1 else model.solve(idx, 1.0)
    if low_f is None:
        return False
    low = max(math.ceil(low_f - 1e-6), 1)
    seen_enough = min(seen.high[i], top) - low >= 1
    high_f = math.inf
    if not seen_enough:
        solved = model.solve(idx, -1.0)
        if solved is None or min(math.floor(solved + 1e-6), top) - low < 1:
            return False
        high_f = solved
    low = max(model.whole(i, idx, 1.0, low_f), 1)
    high = seen.high[i] if seen_enough else model.whole(i, idx, -1.0, high_f)
    return bool(min(high, top) - low >= 1)


def _range(model: _Model, i: int, idx: list[int]) -> tuple[int, int]:
    """The cell's whole range in whole numbers; 1–1 when the figures contradict each other."""
    low_f = model.solve(idx, 1.0)
    high_f = model.solve(idx, -1.0)
    if low_f is None or high_f is None:
        return 1, 1
    return model.whole(i, idx, 1.0, low_f), model.whole(i, idx, -1.0, high_f)


def audit(
    docs: Iterable[PeriodDocument], k: int, only: set[CellId] | None = None, ranges: bool = True,
) -> AuditResult:
    """Bound every suppressed cell of every enterprise-attribute table in ``docs``.

    Frozen periods may have been computed from an earlier ledger: when the
    published figures cannot all be exact at once, the frozen ones are allowed to
    be off by the least total amount that reconciles them (the reader's best
    explanation of the revisions), and every cell is bounded under that.
    """
    docs = list(docs)
    cells = 0
    findings: list[Finding] = []
    relaxed = False
    # The tables grouped by an enterprise attribute, in the order the documents name them.
    dimensions = dict.fromkeys(name for d in docs for name, t in d.tables.items() if t.enterprise_attribute)
    for dimension in dimensions:
        mine = [d for d in docs if dimension in d.tables]
        if not any(not d.tables[dimension].withheld for d in mine):
            continue
        model = _Model(mine, dimension)
        if only is not None and only.isdisjoint(model.targets):
            # Nothing of this attribute to check again (``protect``'s later rounds):
            # skip the solve from scratch that feasibility costs.
            continue
        if not model.feasible():
            relaxed = True
            model = _Model(mine, dimension, soft=True)
        n, found = _check(model, k, only, ranges)
        cells += n
        findings.extend(found)
    return AuditResult(cells=cells, findings=findings, relaxed=relaxed)
