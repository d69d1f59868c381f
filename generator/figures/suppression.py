"""Suppression of small counts in tables grouped by an enterprise attribute
(site.md, "Anonymity of published statistics").

Primary rule: a count drawn from 1..k-1 distinct enterprises is suppressed;
zero stays zero. Every suppressed cell, primary or secondary, is published as
the same neutral mark ``*`` that claims no range: ``<3`` would be false for a
secondary cell (which may hold any number) and, believed, would disclose the
others of its column. What a reader knows of a ``*`` is that it is not 0. Secondary rule, within one column of one
table (whose total is published as a headline figure of the period): every
suppressed cell must have at least two possible values in 1..w (w = max(k-1, 2))
given the total and the other cells. An attacker knows each suppressed cell is
at least 1 (zeros are shown), so with m suppressed cells summing to S each lies
in 1..S-m+1: we need m >= 2 and S >= m+1. Cells are added (smallest first) until
that holds; when it cannot hold, or when more than half of the column's non-zero
cells would be hidden, the whole table is withheld (not published at all).

Differencing across periods is the audit's job (``audit.py``): it models every
table published so far and withholds further tables until no suppressed cell
can be narrowed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from ..schema import WorkbookSchema

DEFAULT_K = 3


def threshold(schema: WorkbookSchema) -> int:
    """k from ``suppression: {k: N}`` in the schema's workbook.yaml (default 3), checked when the schema loads."""
    return schema.suppression_k


# The mark of a withheld cell, on every page and in the frozen files.
MARK = "*"


def marker(k: int) -> str:
    """The mark of a suppressed cell (the same for every k: it states no bound)."""
    return MARK


def window(k: int) -> int:
    """The top of the range a suppressed cell must stay ambiguous in: 1..window."""
    return max(k - 1, 2)


@dataclass
class Cell:
    count: int
    enterprises: int
    suppressed: bool = False


def protect_column(cells: dict[str, Cell], k: int, forced: Collection[str] = ()) -> bool:
    """Mark suppressed cells in one column; False when the table must be withheld.
    ``forced``: cells suppressed whatever their count (unless 0), as if primary."""
    for name, cell in cells.items():
        cell.suppressed = 0 < cell.count and (cell.enterprises < k or name in forced)
    hidden = [c for c in cells.values() if c.suppressed]
    if not hidden:
        return True
    nonzero = [c for c in cells.values() if c.count > 0]
    while True:
        m = len(hidden)
        total = sum(c.count for c in hidden)
        if m >= 2 and total >= m + 1:
            break
        candidates = sorted(
            (c for c in nonzero if not c.suppressed),
            key=lambda c: c.count,
        )
        if m >= 2:
            candidates = [c for c in candidates if c.count >= 2]
        if not candidates:
            return False
        candidates[0].suppressed = True
        hidden.append(candidates[0])
    return 2 * len(hidden) <= len(nonzero)


def shown(cell: Cell, k: int) -> int | str:
    return MARK if cell.suppressed else cell.count
