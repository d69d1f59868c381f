"""The linear programmes of the audit, in HiGHS' own form: constraints collected
row by row (``Constraints``), then one sparse model passed to a solver that
keeps its basis between solves."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np


@dataclass
class Constraints:
    """The model's equalities and upper bounds; soft: from a frozen document (relaxed mode)."""

    eq_rows: list[list[int]] = field(default_factory=list)
    eq_coefs: list[list[float]] = field(default_factory=list)
    eq_rhs: list[float] = field(default_factory=list)
    eq_soft: list[bool] = field(default_factory=list)
    ub_rows: list[tuple[list[int], list[float]]] = field(default_factory=list)
    ub_rhs: list[float] = field(default_factory=list)
    ub_soft: list[bool] = field(default_factory=list)

    def equal(self, cols: list[int], coefs: list[float], rhs: float, soft: bool) -> None:
        self.eq_rows.append(cols)
        self.eq_coefs.append(coefs)
        self.eq_rhs.append(rhs)
        self.eq_soft.append(soft)

    def at_least_one(self, cols: list[int], soft: bool) -> None:
        self.ub_rows.append((cols, [-1.0] * len(cols)))
        self.ub_rhs.append(-1.0)
        self.ub_soft.append(soft)

    def not_more(self, part: int, whole: int) -> None:
        """x[part] <= x[whole]: a count of some of the issues never exceeds the count of all."""
        self.ub_rows.append(([part, whole], [1.0, -1.0]))
        self.ub_rhs.append(0.0)
        self.ub_soft.append(False)


def integral(values: Any) -> bool:
    x = np.asarray(values)
    return bool(np.all(np.abs(x - np.round(x)) <= 1e-6))


def new_highs() -> highspy.Highs:
    """A solver, without the banner HiGHS prints to the process's stdout when created."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    # Only the objective changes between solves: the last basis stays primal
    # feasible, so primal simplex restarts from it (about 3x faster here).
    h.setOptionValue("simplex_strategy", 4)
    return h


def highs_of(c: Constraints, n: int) -> highspy.Highs:
    rows = list(zip(c.eq_rows, c.eq_coefs, strict=True)) + c.ub_rows
    lower = list(c.eq_rhs) + [-highspy.kHighsInf] * len(c.ub_rows)
    upper = list(c.eq_rhs) + list(c.ub_rhs)
    start, index, value = columnwise(rows, n)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(rows)
    lp.col_cost_ = np.zeros(n)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.full(n, highspy.kHighsInf)
    lp.row_lower_ = np.array(lower, dtype=float)
    lp.row_upper_ = np.array(upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    h = new_highs()
    h.passModel(lp)
    return h


def columnwise(rows: list[tuple[list[int], list[float]]], n: int) -> tuple[Any, Any, Any]:
    """The constraint matrix in compressed-column form (HiGHS' own), repeated
    entries summed; with numpy alone (scipy.sparse took 0.14 s to import)."""
    lengths = [len(cols) for cols, _ in rows]
    r = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    c = np.fromiter((col for cols, _ in rows for col in cols), dtype=np.int64, count=sum(lengths))
    d = np.fromiter((coef for _, coefs in rows for coef in coefs), dtype=float, count=sum(lengths))
    keys, inverse = np.unique(c * max(len(rows), 1) + r, return_inverse=True)
    value = np.bincount(inverse, weights=d, minlength=len(keys)).astype(float)
    col, row = np.divmod(keys, max(len(rows), 1))
    start = np.searchsorted(col, np.arange(n + 1)).astype(np.int32)
    return start, row.astype(np.int32), value


class Seen:
    """The least and greatest value of each target cell over the whole-number
    solutions met so far. Each one is a point a reader could not rule out, so a
    cell's bounds are at least as wide as what was seen of it: when that already
    leaves it ambiguous, its own solves can be skipped (388 solves became 221 on
    the example)."""

    def __init__(self, targets: list[list[int]]) -> None:
        self.cells = np.asarray([c for t in targets for c in t], dtype=np.int64)
        self.starts = np.cumsum([0] + [len(t) for t in targets], dtype=np.int64)[:-1]
        self.low = np.full(len(targets), np.inf)
        self.high = np.full(len(targets), -np.inf)

    def add(self, point: Any) -> None:
        if not len(self.starts):
            return
        sums = np.add.reduceat(np.round(point[self.cells]), self.starts)
        np.minimum(self.low, sums, out=self.low)
        np.maximum(self.high, sums, out=self.high)
