"""Money figures under disclosure control (issue 16): the dominance rule, and the
protection of suppressed sums against a reader who combines everything published.

The model. An *atom* is the finest unit the published figures are sums of (one
policy, town, industry, size and month, say), with what each enterprise was paid
in it, in yuan. A *cell* is one published sum: a set of atoms, in a table. The
totals, the tables by town and by industry, the months and the quarters are all
cells over the same atoms; that is how the relations between tables and across
periods are captured, with nothing said about which cell is a total of which.

A cell is *sensitive* (primary suppression) when it draws on fewer than k
enterprises (``suppression.k``, as for the counts), or when the dominance rule of
workbook.yaml ``dominance`` says a few enterprises hold too much of it:

- p_percent: T - x1 - x2 < p/100 * x1, x1 >= x2 the two largest contributions.
  The second largest, who knows its own x2, could estimate x1 to within p %.
  Required protection r = p/100 * x1 - (T - x1 - x2).
- nk: the n largest hold more than k % of T. Required protection: the standard one,
  r = 100/k * (x1 + ... + xn) - T, how much T would have to grow for the cell to
  pass the rule.
- fewer than k enterprises: r is at least p/100 * x1, what the largest would need
  if it were alone in the cell; for the nk rule p = 100 * (100 - k) / k, the p for
  which the (1, k) rule is the p % rule without a second contributor (k = 100, which
  makes no cell nk-dominated, then asks of these cells no more than suppression).

An enterprise paid nothing is no contributor. An empty cell (nothing paid, so no
contributor) is not sensitive and is published as 0: it says that nobody was paid,
which names no one.

A suppressed sensitive cell is protected when the reader's feasible interval
[L, U] for it, given every published cell, reaches T + r above and T - r below
(below, 0 is enough: amounts are never negative). The reader's linear programme
has one variable per atom (>= 0, the atom's total; the reader knows none of them)
and one row per published cell, its sum equal to the value shown, or within half
a unit of it when figures are shown rounded. ``protect`` adds secondary
suppressions until every sensitive cell is protected; each one is a published cell
of the failing cell's table that the failing bound rests on (a row with a nonzero
dual: suppressing one that is not cannot widen the bound), the smallest whose total
is at least r (a complement smaller than r cannot move the cell by r), ties by id.
Complements that later ones made unnecessary are then published again.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import highspy
import numpy as np

from ..schema.dominance import Dominance
from .lp import Constraints, highs_of

# Relative slack for comparing the solver's bounds with T + r and T - r, and
# for telling a binding row (nonzero dual) from one that is not.
_TOL = 1e-7


@dataclass(frozen=True)
class Atom:
    id: str
    # enterprise id -> amount in yuan (>= 0)
    contributions: Mapping[str, float]


@dataclass(frozen=True)
class Cell:
    id: str
    table: str  # complements are looked for in the failing cell's table first
    atoms: frozenset[str]


@dataclass(frozen=True)
class Proof:
    """What the reader can find out about one suppressed sensitive cell."""

    cell: str
    total: float
    required: float  # r
    low: float  # L, the least value the published cells allow
    high: float  # U, the greatest (math.inf when they do not bound it)

    @property
    def protected(self) -> bool:
        slack = _TOL * max(1.0, self.total)
        return (self.high >= self.total + self.required - slack
                and self.low <= max(self.total - self.required, 0.0) + slack)


@dataclass(frozen=True)
class Protection:
    primary: tuple[str, ...]  # sensitive cells, by id
    secondary: tuple[str, ...]  # complements, in the order they were chosen
    proofs: tuple[Proof, ...]  # one per primary cell, by id

    @property
    def suppressed(self) -> frozenset[str]:
        return frozenset(self.primary) | frozenset(self.secondary)


def cell_contributions(cell: Cell, atoms: Mapping[str, Atom]) -> dict[str, float]:
    """Per enterprise, what it holds of the cell: an enterprise in several of the
    cell's atoms is one contributor, its amounts summed. Those paid nothing are left out."""
    totals: dict[str, float] = {}
    for atom_id in sorted(cell.atoms):
        for enterprise, amount in atoms[atom_id].contributions.items():
            totals[enterprise] = totals.get(enterprise, 0.0) + float(amount)
    return {e: v for e, v in sorted(totals.items()) if v > 0}


def _threshold_p(rule: Dominance) -> float:
    """The p of the protection asked of a cell with fewer than k enterprises."""
    return rule.p if rule.rule == "p_percent" else 100.0 * (100.0 - rule.k) / rule.k


def required_protection(contributions: Mapping[str, float], rule: Dominance, k_threshold: int) -> float:
    """r: how far the reader's bounds must stay from the cell's total; 0 when the
    cell is not dominated (a cell with fewer than k enterprises may need 0 too, see above)."""
    amounts = sorted((v for v in contributions.values() if v > 0), reverse=True)
    if not amounts:
        return 0.0
    total = math.fsum(amounts)
    if rule.rule == "p_percent":
        x2 = amounts[1] if len(amounts) > 1 else 0.0
        r = rule.p / 100.0 * amounts[0] - (total - amounts[0] - x2)
    else:
        r = 100.0 / rule.k * math.fsum(amounts[: rule.n]) - total
    if len(amounts) < k_threshold:
        r = max(r, _threshold_p(rule) / 100.0 * amounts[0])
    # Rounding in the sums above must not make a cell of equal amounts dominated.
    return r if r > _TOL * total else 0.0


def sensitive(contributions: Mapping[str, float], rule: Dominance, k_threshold: int) -> bool:
    """Fewer than k enterprises, or dominated by the rule; never an empty cell."""
    count = sum(1 for v in contributions.values() if v > 0)
    if count == 0:
        return False
    return count < k_threshold or required_protection(contributions, rule, k_threshold) > 0


def published_value(total: float, rounding: float) -> float:
    """The figure shown: exact, or to the nearest multiple of 2 * rounding (the half-width)."""
    if rounding <= 0:
        return total
    unit = 2.0 * rounding
    return round(total / unit) * unit


class _Reader:
    """The reader's linear programme: one variable per atom, one row per cell. A
    suppressed cell's row is left free; the model and its basis are kept between
    solves, as in audit.py (each bound starts from the last basis)."""

    def __init__(self, cells: list[Cell], atoms: Mapping[str, Atom], rounding: float) -> None:
        self.column = {a: i for i, a in enumerate(sorted({a for c in cells for a in c.atoms}))}
        self.n = len(self.column)
        rows = Constraints()
        shown = [published_value(_total(c, atoms), rounding) for c in cells]
        for cell, value in zip(cells, shown, strict=True):
            cols = [self.column[a] for a in sorted(cell.atoms)]
            rows.equal(cols, [1.0] * len(cols), value, False)
        self.highs = highs_of(rows, self.n)
        self.shown = shown
        self.rounding = max(rounding, 0.0)
        for i in range(len(cells)):
            self.publish(i)

    def suppress(self, row: int) -> None:
        self.highs.changeRowBounds(row, -highspy.kHighsInf, highspy.kHighsInf)

    def publish(self, row: int) -> None:
        value = self.shown[row]
        self.highs.changeRowBounds(row, value - self.rounding, value + self.rounding)

    def bound(self, cell: Cell, sense: float) -> tuple[float, np.ndarray]:
        """min (sense=1) or max (sense=-1) of the cell's sum, and the rows' duals
        (zeros when the sum is unbounded)."""
        h = self.highs
        cost = np.zeros(self.n)
        cost[[self.column[a] for a in cell.atoms]] = sense
        h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), cost)
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kUnknown:
            # Restarting primal simplex from the last basis can stall on a large month
            # (a province's thousands of atoms): solve this one afresh with HiGHS's choice.
            h.clearSolver()
            h.setOptionValue("simplex_strategy", 0)
            h.run()
            h.setOptionValue("simplex_strategy", 4)
            status = h.getModelStatus()
        if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            # The published values come from real amounts, so the model is feasible.
            return math.inf, np.zeros(h.getNumRow())
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the reader's programme for {cell.id}: {h.modelStatusToString(status)}")
        value = float(h.getInfo().objective_function_value) * sense
        return value, np.asarray(h.getSolution().row_dual, dtype=float)


def _total(cell: Cell, atoms: Mapping[str, Atom]) -> float:
    return math.fsum(cell_contributions(cell, atoms).values())


def _failing_side(reader: _Reader, cell: Cell, total: float, r: float) -> tuple[Proof, np.ndarray | None]:
    """The cell's proof, and the duals of the first side that falls short (None when neither)."""
    high, high_duals = reader.bound(cell, -1.0)
    if not Proof(cell.id, total, r, -math.inf, high).protected:
        return Proof(cell.id, total, r, reader.bound(cell, 1.0)[0], high), high_duals
    low, low_duals = reader.bound(cell, 1.0)
    proof = Proof(cell.id, total, r, low, high)
    return proof, None if proof.protected else low_duals


def audit(cells: Iterable[Cell], atoms: Mapping[str, Atom], suppressed: Iterable[str], rule: Dominance,
          k_threshold: int, rounding: float = 0.0) -> tuple[Proof, ...]:
    """[L, U] and r of every suppressed sensitive cell, by id, given the cells not in ``suppressed``."""
    cells = sorted(cells, key=lambda c: c.id)
    hidden = set(suppressed)
    reader = _Reader(cells, atoms, rounding)
    for i, cell in enumerate(cells):
        if cell.id in hidden:
            reader.suppress(i)
    proofs = []
    for cell in cells:
        contributions = cell_contributions(cell, atoms)
        if cell.id in hidden and sensitive(contributions, rule, k_threshold):
            r = required_protection(contributions, rule, k_threshold)
            proofs.append(_failing_side(reader, cell, math.fsum(contributions.values()), r)[0])
    return tuple(proofs)


def _complement(failing: Cell, r: float, duals: np.ndarray, cells: list[Cell], totals: list[float],
                hidden: set[int]) -> int | None:
    """The published cell to suppress next for ``failing`` (by row), None when none is left.

    In order: a cell of the failing cell's table that the failing bound rests on;
    one of another table it rests on; any of its table; any sharing atoms with it;
    any. Within the first group that has one, the smallest total of at least r,
    else the smallest; ties by id (the rows are in id order)."""
    scale = _TOL * max(1.0, float(np.max(np.abs(duals), initial=0.0)))
    binding = {i for i in range(len(cells)) if abs(duals[i]) > scale}
    groups = (
        lambda i: i in binding and cells[i].table == failing.table,
        lambda i: i in binding,
        lambda i: cells[i].table == failing.table,
        lambda i: not cells[i].atoms.isdisjoint(failing.atoms),
        lambda i: True,
    )
    for belongs in groups:
        group = [i for i in range(len(cells)) if i not in hidden and belongs(i)]
        if group:
            enough = [i for i in group if totals[i] >= r]
            return min(enough or group, key=lambda i: (totals[i], i))
    return None


def protect(cells: Iterable[Cell], atoms: Mapping[str, Atom], rule: Dominance, k_threshold: int,
            rounding: float = 0.0, initial: Iterable[str] = (), final_proofs: bool = True) -> Protection:
    """Primary suppression of the sensitive cells, then secondary suppression until the
    reader can bound none of them within its required protection. ``initial``: cells
    suppressed already (by another protection over the same cells), kept suppressed
    and counted among the secondary ones. ``final_proofs``: each proof's [L, U] solved
    again at the end (without, a proof holds the bounds found when its cell was brought
    up to its protection: the cell is protected all the same, its bounds may be wider
    now; half the solves, for a caller that needs only which cells to suppress)."""
    cells = sorted(cells, key=lambda c: c.id)
    already = set(initial)
    contributions = [cell_contributions(c, atoms) for c in cells]
    totals = [math.fsum(c.values()) for c in contributions]
    primary = [i for i, c in enumerate(contributions) if sensitive(c, rule, k_threshold)]
    reader = _Reader(cells, atoms, rounding)
    hidden = set(primary) | {i for i, c in enumerate(cells) if c.id in already}
    for i in hidden:
        reader.suppress(i)
    secondary: list[int] = []
    proofs = []
    # Suppressing a cell only widens the reader's intervals: a cell once protected
    # stays so, and each is brought up to its protection in turn.
    for i in primary:
        r = required_protection(contributions[i], rule, k_threshold)
        while True:
            proof, duals = _failing_side(reader, cells[i], totals[i], r)
            if duals is None:
                break
            choice = _complement(cells[i], r, duals, cells, totals, hidden)
            if choice is None:
                break  # every cell suppressed: the proof says what is left
            hidden.add(choice)
            secondary.append(choice)
            reader.suppress(choice)
        proofs.append(proof)
    secondary = _without_redundant(reader, cells, totals, primary, [p.required for p in proofs], secondary)
    # Later complements may have widened the first cells' intervals: the proofs are final ones.
    final = tuple(_failing_side(reader, cells[i], totals[i], p.required)[0] for i, p in zip(primary, proofs, strict=True)) \
        if final_proofs else tuple(proofs)
    given = [i for i, c in enumerate(cells) if c.id in already and i not in primary]
    return Protection(primary=tuple(cells[i].id for i in primary),
                      secondary=tuple(cells[i].id for i in given + secondary), proofs=final)


def _without_redundant(reader: _Reader, cells: list[Cell], totals: list[float], primary: list[int],
                       required: list[float], secondary: list[int]) -> list[int]:
    """The complements without those that later ones made unnecessary: each, largest
    total first (ties by id), is published again when every sensitive cell stays protected."""
    kept = list(secondary)
    for row in sorted(secondary, key=lambda i: (-totals[i], i)):
        reader.publish(row)
        if all(_failing_side(reader, cells[i], totals[i], r)[1] is None for i, r in zip(primary, required, strict=True)):
            kept.remove(row)
        else:
            reader.suppress(row)
    return kept
