"""The published 兑付 figures of a month (issue 16): how many payments, how much, how
fast, and how many of the enterprises a policy applies to were told of it; by policy,
category and the enterprise attributes of workbook.yaml ``dimensions``.

Only a month being frozen (``publish``) gets them, and keeps them in its file: an
amount "as of the build", compared with the next build's, would give away the one
payment made in between to the yuan. The figures as of the build are therefore the
sums of the frozen months (``cumulative``): sums of published cells, which tell
nothing the months did not.

Every sum is under the dominance rule and the threshold (dominance.py): a cell with
fewer than k payees, or one that a few payees dominate, is suppressed with enough
other cells of the month that the reader's LP over the month's atoms (policy ×
each attribute) cannot bound it within its required protection. The counts are
protected the same way, from the amounts' suppression on, so a count is never
shown where its amount is not."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..model import Enterprise, Programme
from ..schema import WorkbookSchema
from .breakdowns import attribute, attribute_values, plain_number
from .document import Money, PeriodDocument, Table, Value
from .dominance import Atom, Cell, protect
from .periods import Period
from .suppression import MARK
from .told import TOTAL, Reach, cell_id

MONEY_FIGURES = ("payments_count", "payments_amount", "median_days_to_pay", "eligible_told_rate")
MONEY_COLUMNS = MONEY_FIGURES
# The sums shown to the yuan: the reader knows each to within half a yuan.
ROUNDING = 0.5


@dataclass(frozen=True)
class _Paid:
    enterprise_id: str
    amount: float
    days: int  # 申报 -> 拨付
    groups: tuple[tuple[str, str], ...]  # (table, value) of every cell it counts in


def _groups(programme: Programme, schema: WorkbookSchema, policy_id: str, firm: Enterprise) -> tuple[tuple[str, str], ...]:
    policy = programme.policies.get(policy_id)
    out: list[tuple[str, str]] = []
    if policy is not None and policy.published:
        out.append(("policy", policy_id))
    if policy is not None:
        out.append(("category", policy.category))
    out += [(d, attribute(schema, firm, d)) for d in schema.dimensions]
    return tuple(out)


def _paid_in(programme: Programme, schema: WorkbookSchema, period: Period) -> list[_Paid]:
    paid = schema.roles["payment_status"]["paid"]
    out = []
    for p in programme.payments:
        firm = programme.enterprises.get(p.enterprise_id)
        if (p.status != paid or p.paid_on is None or p.amount is None or firm is None
                or not period.start <= p.paid_on <= period.end):
            continue
        out.append(_Paid(p.enterprise_id, float(p.amount), (p.paid_on - p.applied_on).days,
                         _groups(programme, schema, p.policy_id, firm)))
    return out


def _protected(paid: list[_Paid], schema: WorkbookSchema, k: int) -> set[str]:
    """The cells (by id) not to publish: amounts protected, then counts from there on."""
    amounts: dict[tuple[tuple[str, str], ...], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    counts: dict[tuple[tuple[str, str], ...], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for p in paid:  # an atom: the cells a payment counts in
        amounts[p.groups][p.enterprise_id] += p.amount
        counts[p.groups][p.enterprise_id] += 1
    names = {atom: str(n) for n, atom in enumerate(sorted(amounts))}
    members: dict[str, set[str]] = defaultdict(set)
    for atom, name in names.items():
        members[TOTAL].add(name)
        for table, value in atom:
            members[cell_id(table, value)].add(name)
    cells = [Cell(cid, cid.split("\x1f")[0], frozenset(atoms)) for cid, atoms in members.items()]
    by_amount = protect(cells, {names[a]: Atom(names[a], dict(c)) for a, c in amounts.items()},
                        schema.dominance, k, ROUNDING, final_proofs=False)
    by_count = protect(cells, {names[a]: Atom(names[a], dict(c)) for a, c in counts.items()},
                       schema.dominance, k, 0.0, initial=by_amount.suppressed, final_proofs=False)
    return set(by_count.suppressed)


def _median(days: list[int]) -> Value:
    return plain_number(float(statistics.median(days))) if days else None


def money_part(programme: Programme, schema: WorkbookSchema, period: Period, k: int,
               reach: Reach | None = None) -> Money | None:
    """The month's 兑付 figures, protected; None when the workbook has no 兑付 sheet.
    ``reach``: made once for all the months a build freezes (it is the costly part)."""
    if "payments" not in programme.columns:
        return None
    if reach is None and "policy_pushes" in programme.columns:
        reach = Reach(programme, schema)
    paid = _paid_in(programme, schema, period)
    hidden = _protected(paid, schema, k) if paid else set()
    rates = reach.rates(period.end, k) if reach is not None else {}
    told_policies = {cid.split("\x1f")[1] for cid in rates if cid.startswith("policy\x1f")}
    values: dict[str, Sequence[str]] = {
        # the policies paid in the month, and those open at its end (their 已告知率)
        "policy": sorted({v for p in paid for t, v in p.groups if t == "policy"} | told_policies),
        "category": schema.sheet("policies").field("category").enum or (),
        **{d: attribute_values(schema, d) for d in schema.dimensions},
    }
    members: dict[str, list[_Paid]] = defaultdict(list)
    for p in paid:
        members[TOTAL].append(p)
        for table, value in p.groups:
            members[cell_id(table, value)].append(p)

    def row(cid: str) -> dict[str, Value]:
        mine = members.get(cid, [])
        told = rates.get(cid)
        if cid in hidden:
            return {"payments_count": MARK, "payments_amount": MARK, "median_days_to_pay": MARK, "eligible_told_rate": told}
        return {"payments_count": len(mine), "payments_amount": int(round(math.fsum(p.amount for p in mine))),
                "median_days_to_pay": _median([p.days for p in mine]), "eligible_told_rate": told}

    tables = {
        name: Table(name, MONEY_COLUMNS, enterprise_attribute=name in schema.dimensions,
                    rows=tuple({name: v, **row(cell_id(name, v))} for v in vs))
        for name, vs in values.items()
    }
    return Money(figures=row(TOTAL), tables=tables)


def cumulative(docs: Sequence[PeriodDocument]) -> Money | None:
    """As of the build: the frozen months' published counts and amounts added up, a cell
    shown only where every month showed it (a sum of published numbers tells nothing
    new). Medians are not sums of the months' medians: not shown. The 已告知率 is the
    last month's, a share at a day rather than a flow."""
    months = [d.money for d in docs if d.money is not None]
    if not months:
        return None

    def add(cells: Sequence[Mapping[str, Value]]) -> dict[str, Value]:
        out: dict[str, Value] = {}
        for column in ("payments_count", "payments_amount"):
            got = [c.get(column, 0) for c in cells]
            out[column] = MARK if any(v == MARK for v in got) else sum(int(v or 0) for v in got)
        out["median_days_to_pay"] = None
        return out

    last = months[-1]
    figures = add([m.figures for m in months]) | {"eligible_told_rate": last.figures.get("eligible_told_rate")}
    tables: dict[str, Table] = {}
    for name, table in last.tables.items():
        order = list(dict.fromkeys(r[name] for m in months if name in m.tables for r in m.tables[name].rows))
        cells = {str(v): [r for m in months if name in m.tables for r in m.tables[name].rows if r[name] == v]
                 for v in order}
        told = {r[name]: r.get("eligible_told_rate") for r in table.rows}
        rows = tuple({name: v, **add(cells[str(v)]), "eligible_told_rate": told.get(v)} for v in order)
        tables[name] = Table(name, MONEY_COLUMNS, table.enterprise_attribute, rows=rows)
    return Money(figures=figures, tables=tables)
