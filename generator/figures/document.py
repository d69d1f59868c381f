"""The period document: exactly what one progress page publishes, as a typed value.

A document holds published values (rates as percentages with one decimal,
withheld cells as the neutral mark ``*``), never a label: the page, its CSV and JSON files and
a frozen period's file are all made from it, so they cannot disagree, and the
words around the numbers are render's. Documents are immutable: withholding a
table or marking a period frozen makes a new document.

``to_json`` / ``from_json`` are the only conversion to and from the plain
mapping the frozen store writes; the store owns the format version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .periods import Period, parse_key
from .suppression import MARK

Value = int | float | str | None  # a published value: a count, a percentage, the mark "*", or none
Row = Mapping[str, Value]

# Why a whole table is not published (``Table.why``).
SMALL = "small"  # too few enterprises, or the audit found it could be worked out
PROVISIONAL = "provisional"  # the period is not frozen yet: grouped figures wait for publish
REVISED = "revised"  # a frozen period over the same days was revised: comparing would disclose the change
WITHHELD_REASONS = (SMALL, PROVISIONAL, REVISED)
# Figure keys of earlier frozen files, and what they are called now.
RENAMED_FIGURES = {"satisfaction_satisfied": "satisfied_rate"}
# The frozen-file format from which withheld cells are "*" and rates 四舍五入 in decimal arithmetic.
EXACT_FORMAT = 3


@dataclass(frozen=True)
class Table:
    """One breakdown of a period: a row per value of ``name`` (its first column)."""

    name: str
    columns: tuple[str, ...]
    enterprise_attribute: bool  # grouped by an enterprise attribute: suppressed and audited
    withheld: bool = False
    rows: tuple[Row, ...] = ()
    why: str | None = None  # for a withheld table: one of WITHHELD_REASONS

    def withhold(self, why: str = SMALL) -> Table:
        return replace(self, withheld=True, rows=(), why=why)


@dataclass(frozen=True)
class Money:
    """A month's 兑付 figures (figures/money.py): the whole month, and its tables by
    policy, category and enterprise attribute, each row those same figures."""

    figures: Mapping[str, Value]
    tables: Mapping[str, Table]


@dataclass(frozen=True)
class Revision:
    """A figure of a frozen period that the ledger now gives differently."""

    figure: str  # a figure key, or "table.column"
    published: Value
    current: Value
    table: str | None = None  # for a table cell: the table, the row's value, the column
    value: str | None = None
    column: str | None = None


@dataclass(frozen=True)
class PeriodDocument:
    period: Period
    figures: Mapping[str, Value]
    tables: Mapping[str, Table]  # in page order
    k: int
    marker: str
    # The day the period was frozen; ``frozen`` also for a stored file that names no day.
    frozen: bool = False
    frozen_on: dt.date | None = None
    revisions: tuple[Revision, ...] = field(default=())
    # A table grouped by an enterprise attribute differs from the ledger now (not shown: see report.revisions).
    grouped_revised: bool = False
    # Stored before format 3: rates rounded in binary floating point (see rounding.legacy_percent).
    legacy_rounding: bool = False
    # 兑付 (a month frozen with them; None for one frozen before, for a week, or without the sheet).
    money: Money | None = None

    @property
    def id(self) -> tuple[str, str]:
        return (self.period.kind, self.period.key)

    def with_table(self, table: Table) -> PeriodDocument:
        return replace(self, tables={**self.tables, table.name: table})

    def frozen_as_of(self, day: dt.date) -> PeriodDocument:
        return replace(self, frozen=True, frozen_on=day)

    def with_revisions(self, revisions: tuple[Revision, ...], grouped_revised: bool = False) -> PeriodDocument:
        return replace(self, revisions=revisions, grouped_revised=grouped_revised)

    def with_figures(self, figures: Mapping[str, Value]) -> PeriodDocument:
        return replace(self, figures=figures)

    def with_money(self, money: Money | None) -> PeriodDocument:
        return replace(self, money=money)


def period_json(period: Period) -> dict[str, Any]:
    return {"kind": period.kind, "key": period.key, "start": period.start.isoformat(), "end": period.end.isoformat()}


def table_json(table: Table) -> dict[str, Any]:
    out: dict[str, Any] = {
        "columns": list(table.columns), "enterprise_attribute": table.enterprise_attribute,
        "withheld": table.withheld, "rows": [dict(r) for r in table.rows],
    }
    if table.withheld:
        out["why"] = table.why or SMALL
    return out


def revision_json(revision: Revision) -> dict[str, Any]:
    out: dict[str, Any] = {"figure": revision.figure}
    if revision.table is not None:
        out.update({"table": revision.table, "value": revision.value, "column": revision.column})
    out.update({"published": revision.published, "current": revision.current})
    return out


def to_json(doc: PeriodDocument) -> dict[str, Any]:
    """The document as plain JSON values, without labels and without revisions
    (they are worked out again at every build)."""
    return {
        "period": period_json(doc.period),
        "figures": dict(doc.figures),
        "tables": {name: table_json(t) for name, t in doc.tables.items()},
        "suppression": {"k": doc.k, "marker": doc.marker},
        "frozen": {"on": doc.frozen_on.isoformat() if doc.frozen_on else None} if doc.frozen else None,
        **({"money": money_json(doc.money)} if doc.money is not None else {}),
    }


def money_json(money: Money) -> dict[str, Any]:
    return {"figures": dict(money.figures), "tables": {name: table_json(t) for name, t in money.tables.items()}}


def _money_from_json(data: Any) -> Money | None:
    if data is None:
        return None
    return Money(figures={str(k): v for k, v in data["figures"].items()},
                 tables={str(n): _table_from_json(str(n), t, False) for n, t in data["tables"].items()})


def from_json(data: Mapping[str, Any], kind: str, key: str) -> PeriodDocument:
    """A stored document (any version the store reads: labels are ignored);
    ValueError, KeyError or TypeError when it is not one, or not of ``kind``/``key``."""
    period = data["period"]
    if period["kind"] != kind or period["key"] != key:
        raise ValueError("period does not match the file name")
    parsed = parse_key(kind, key)
    legacy = int(data.get("format", 1)) < EXACT_FORMAT
    figures = {RENAMED_FIGURES.get(str(k), str(k)): v for k, v in data["figures"].items()}
    figures["issues_new"]  # noqa: B018 - shape check
    tables = {str(name): _table_from_json(str(name), t, legacy) for name, t in data["tables"].items()}
    frozen = data.get("frozen") or {}
    on = frozen.get("on") if isinstance(frozen, Mapping) else None
    suppression = data["suppression"]
    return PeriodDocument(
        period=parsed, figures=figures, tables=tables, k=int(suppression["k"]),
        marker=MARK if legacy else str(suppression["marker"]),
        frozen=True, frozen_on=dt.date.fromisoformat(on) if on else None, legacy_rounding=legacy,
        money=_money_from_json(data.get("money")),
    )


def _table_from_json(name: str, t: Mapping[str, Any], legacy: bool) -> Table:
    why = t.get("why")
    if why is not None and why not in WITHHELD_REASONS:
        raise ValueError(f"unknown reason {why!r}")
    rows = tuple(dict(r) for r in t["rows"])
    if legacy:  # "<k" then; the mark that claims no bound now
        rows = tuple({c: MARK if isinstance(v, str) and c != name else v for c, v in r.items()} for r in rows)
    return Table(
        name=name, columns=tuple(t["columns"]), enterprise_attribute=bool(t["enterprise_attribute"]),
        withheld=bool(t["withheld"]), rows=rows, why=(why or SMALL) if t["withheld"] else None,
    )
