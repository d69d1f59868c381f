"""已告知率 (eligible_told_rate, issue 16): of the pairs (open published policy, an
enterprise of 企业名录 it applies to by the finder's rules), the share that a
政策推送 row had told by a day; for the whole district, by policy, by category and
by each enterprise attribute of workbook.yaml ``dimensions``.

A province pairs 2,000 policies with 50,000 enterprises: 23 million pairs, which
are never listed. Enterprises alike in everything the finder and the tables look
at are one *kind*; whether a policy applies is decided once per policy and kind
(``fit``, cached by offer, as many policies offer the same), and every month's
rates are sums over a policies × kinds matrix."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..check.matching import Firm, Offer, fit
from ..model import Programme
from ..schema import WorkbookSchema
from .breakdowns import attribute
from .document import Value
from .eligibility import firm_of, offer_of, open_on
from .rounding import percent, ratio
from .suppression import MARK

TOTAL = "total"


def cell_id(table: str, value: str) -> str:
    return f"{table}\x1f{value}"


class Reach:
    """Who each published policy applies to, kind by kind, and who was told when."""

    def __init__(self, programme: Programme, schema: WorkbookSchema) -> None:
        self.programme = programme
        self.dimensions = tuple(schema.dimensions)
        kinds: dict[tuple[Firm, tuple[str, ...]], int] = {}
        kind_of: dict[str, int] = {}
        for e in programme.enterprises.values():
            key = (firm_of(e), tuple(attribute(schema, e, d) for d in self.dimensions))
            kind_of[e.enterprise_id] = kinds.setdefault(key, len(kinds))
        self.values = [key[1] for key in kinds]  # each kind's value of each dimension
        self.size = np.bincount(np.fromiter(kind_of.values(), dtype=np.int64, count=len(kind_of)),
                                minlength=len(kinds)).astype(np.int64)
        self.policies = sorted(programme.published_policies(), key=lambda p: p.policy_id)
        row = {p.policy_id: n for n, p in enumerate(self.policies)}
        fits: dict[Offer, np.ndarray] = {}
        firms = [key[0] for key in kinds]
        self.matches = np.zeros((len(self.policies), len(kinds)), dtype=bool)
        for n, policy in enumerate(self.policies):
            offer = offer_of(policy, schema)
            if offer not in fits:
                fits[offer] = np.array([fit(offer, f).matches for f in firms], dtype=bool)
            self.matches[n] = fits[offer]
        # Each pair told, on the first day it was told (an enterprise told twice is one pair).
        first: dict[tuple[int, str], dt.date] = {}
        for push in programme.pushes:
            if push.policy_id in row and push.enterprise_id in kind_of:
                pair = (row[push.policy_id], push.enterprise_id)
                if pair not in first or push.notified_on < first[pair]:
                    first[pair] = push.notified_on
        self.told_policy = np.array([p for p, _e in first], dtype=np.int64)
        self.told_kind = np.array([kind_of[e] for _p, e in first], dtype=np.int64)
        self.told_day = np.array([d.toordinal() for d in first.values()], dtype=np.int64)

    def rates(self, day: dt.date, k: int) -> dict[str, Value]:
        """Cell id -> the rate on ``day`` (percent), MARK for a cell of fewer than k enterprises."""
        open_rows = np.array([open_on(p, day) for p in self.policies], dtype=bool)
        if not open_rows.any():
            return {}
        matches = self.matches & open_rows[:, None]
        whole = matches * self.size  # pairs per policy and kind
        told = np.zeros(whole.shape, dtype=np.int64)
        mine = (self.told_day <= day.toordinal()) & matches[self.told_policy, self.told_kind]
        np.add.at(told, (self.told_policy[mine], self.told_kind[mine]), 1)
        out: dict[str, Value] = {}

        def put(cell: str, rows: np.ndarray, columns: np.ndarray) -> None:
            sub = matches[np.ix_(rows, columns)]
            firms = int(self.size[columns][sub.any(axis=0)].sum())
            pairs = int(whole[np.ix_(rows, columns)].sum())
            if pairs:
                hits = int(told[np.ix_(rows, columns)].sum())
                out[cell] = percent(ratio(hits, pairs)) if firms >= k else MARK

        every_row, every_column = np.flatnonzero(open_rows), np.arange(len(self.size))
        put(TOTAL, every_row, every_column)
        by_category: dict[str, list[int]] = {}
        for n in every_row:
            policy = self.policies[n]
            put(cell_id("policy", policy.policy_id), np.array([n]), every_column)
            by_category.setdefault(policy.category, []).append(int(n))
        for category, rows in by_category.items():
            put(cell_id("category", category), np.array(rows), every_column)
        for d, dimension in enumerate(self.dimensions):
            groups: dict[str, list[int]] = {}
            for kind, values in enumerate(self.values):
                groups.setdefault(values[d], []).append(kind)
            for value, columns in groups.items():
                put(cell_id(dimension, value), every_row, np.array(columns))
        return out
