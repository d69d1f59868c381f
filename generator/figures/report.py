"""Every period's published figures, frozen or freshly computed, protected and audited.

``compile_progress`` is what the build calls before it writes anything: a
failed audit raises ``AuditFailed`` (a ``BuildError``, exit 2) and nothing is
published.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from ..errors import BuildError
from ..model import Programme
from ..schema import WorkbookSchema
from .audit import AuditResult, CellId, Finding, audit, period_of_doc
from .breakdowns import (
    COUNT_COLUMNS,
    FIGURES,
    OTHER_TABLES,
    PERCENT_FIGURES,
    LedgerIndex,
    period_doc,
    without_part,
)
from .document import PROVISIONAL, REVISED, SMALL, PeriodDocument, Revision, Table
from .money import money_part
from .parts import PART_COLUMNS
from .periods import KINDS, Period, finished_periods
from .rounding import legacy_percent
from .told import Reach

FrozenKey = tuple[str, str]  # kind, key


@dataclass
class Progress:
    k: int
    docs: dict[str, list[PeriodDocument]]  # kind -> documents, oldest first
    audit: AuditResult
    withheld_by_audit: int = 0
    to_freeze: list[PeriodDocument] = field(default_factory=list)
    has_payments: bool = False  # the workbook has a 兑付 sheet: months frozen from now on publish its figures

    def all_docs(self) -> list[PeriodDocument]:
        return [d for kind in KINDS for d in self.docs.get(kind, [])]

    def latest(self, kind: str) -> PeriodDocument | None:
        docs = self.docs.get(kind) or []
        return docs[-1] if docs else None


class AuditFailed(BuildError):
    """Suppressed cells that can be worked out from the published figures; the
    message for people is made by ``render.labels.audit_message``."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"privacy audit failed: {len(findings)} cells")
        self.findings = findings


def is_frozen(doc: PeriodDocument) -> bool:
    return doc.frozen


def revisions(
    published: PeriodDocument, current: PeriodDocument, rates: Mapping[str, Fraction | None] | None = None,
) -> tuple[Revision, ...]:
    """Figures of a frozen period that the ledger now gives differently, that can be shown.

    The period's figures and its tables by category and department are compared
    and listed. Tables grouped by an enterprise attribute are not: their new
    numbers, set beside the published ones, would show which town, industry and
    size the changed issue's enterprise has (see ``grouped_revised``). ``rates``:
    the exact rates now, for a file rounded by the older rule (``legacy_rounding``).
    """
    out: list[Revision] = []
    for key in FIGURES:
        old, new = published.figures.get(key), current.figures.get(key)
        if old != new and not _rounding_only(published, key, old, rates):
            out.append(Revision(key, old, new))
    for name in OTHER_TABLES:
        old_t, new_t = published.tables.get(name), current.tables.get(name)
        if not old_t or not new_t or old_t.withheld or new_t.withheld:
            continue
        old_rows = {r[name]: r for r in old_t.rows}
        new_rows = {r[name]: r for r in new_t.rows}
        for value in list(old_rows) + [v for v in new_rows if v not in old_rows]:
            # a column published since the file was frozen is no revision of it
            for column in (c for c in new_t.columns if c in old_t.columns):
                a = old_rows.get(value, {}).get(column, 0)
                b = new_rows.get(value, {}).get(column, 0)
                if a != b and not (column in PERCENT_FIGURES and published.legacy_rounding and all(
                        old_rows.get(value, {}).get(c) == new_rows.get(value, {}).get(c)
                        for c in new_t.columns if c not in PERCENT_FIGURES)):
                    out.append(Revision(f"{name}.{column}", a, b, table=name, value=str(value), column=column))
    return tuple(out)


def _rounding_only(published: PeriodDocument, key: str, old: object, rates: Mapping[str, Fraction | None] | None) -> bool:
    """A figure of an older file that differs only because rates are now rounded 四舍五入 exactly."""
    if not published.legacy_rounding or rates is None or key not in rates:
        return False
    return old == legacy_percent(rates[key])


def grouped_revised(published: PeriodDocument, current: PeriodDocument) -> bool:
    """Whether a published table grouped by an enterprise attribute no longer matches the ledger
    (or the period's counts, which those tables add up to, changed)."""
    if any(published.figures.get(c) != current.figures.get(c) for c in COUNT_COLUMNS):
        return True
    for name, table in published.tables.items():
        now = current.tables.get(name)
        if table.enterprise_attribute and not table.withheld and (now is None or _as_in(now, table) != table.rows):
            return True
    return False


def _as_in(current: Table, published: Table) -> tuple[dict[str, object], ...]:
    """The current rows in the columns the published table has: columns added since
    (已解决, by a ledger that gained 办结类型) revise nothing that was published."""
    keep = (published.name, *published.columns)
    return tuple({c: row.get(c) for c in keep if c in row} for row in current.rows)


def _overlaps(a: Period, b: Period) -> bool:
    return a.start <= b.end and b.start <= a.end


def _withhold(docs: list[PeriodDocument], at: int, dimension: str) -> None:
    docs[at] = docs[at].with_table(docs[at].tables[dimension].withhold(SMALL))


def protect(docs: list[PeriodDocument], k: int) -> tuple[list[PeriodDocument], AuditResult, int]:
    """The documents with unfrozen tables withheld until the audit passes (new
    documents; the ones given are unchanged); AuditFailed when it cannot pass."""
    docs = list(docs)
    position = {d.id: n for n, d in enumerate(docs)}
    escalation: dict[CellId, int] = {}
    only: set[CellId] | None = None
    withheld = 0
    first: AuditResult | None = None
    while True:
        result = audit(docs, k, only, ranges=False)
        first = first or result
        if not result.findings:
            return docs, AuditResult(first.cells, [], first.relaxed or result.relaxed), withheld
        changed = False
        for f in result.findings:
            doc = docs[position[(f.kind, f.key)]]
            if not doc.frozen:
                table = doc.tables[f.dimension]
                parts = [p for p in PART_COLUMNS if p in table.columns]
                if f.column in parts:
                    # A part (已解决 …) can be worked out: publish the table without it first.
                    docs[position[doc.id]] = doc.with_table(without_part(table, f.column))
                    changed = True
                elif parts and not table.withheld:
                    # A part bounds the closed issues from below, which can pin a count:
                    # publish the counts alone before withholding the table.
                    for part in parts:
                        table = without_part(table, part)
                    docs[position[doc.id]] = doc.with_table(table)
                    changed = True
                elif not table.withheld:
                    _withhold(docs, position[doc.id], f.dimension)
                    withheld += 1
                    changed = True
                continue
            stage = escalation.get(f.cell, 0)
            escalation[f.cell] = stage + 1
            period = period_of_doc(doc)
            for n, other in enumerate(docs):
                if other.frozen or other.tables[f.dimension].withheld:
                    continue
                if stage >= 1 or _overlaps(period, period_of_doc(other)):
                    _withhold(docs, n, f.dimension)
                    withheld += 1
                    changed = True
        if not changed:
            raise AuditFailed(audit(docs, k, only).findings)  # again, with each cell's range for the message
        only = {f.cell for f in result.findings}


def _provisional(doc: PeriodDocument) -> PeriodDocument:
    """A period not frozen yet: its figures only. Its grouped tables wait for ``publish``:
    published daily from a changing ledger, two releases compared would show the
    attributes of the one issue that changed between them."""
    for table in doc.tables.values():
        doc = doc.with_table(table.withhold(PROVISIONAL))
    return doc


def _unsafe_after_revision(doc: PeriodDocument, revised: list[PeriodDocument]) -> PeriodDocument:
    """A period being frozen over days that a frozen, since revised, period covers: its
    enterprise tables minus the frozen ones would show what changed; withheld."""
    period = period_of_doc(doc)
    if any(_overlaps(period, period_of_doc(r)) for r in revised):
        for table in doc.tables.values():
            if table.enterprise_attribute and not table.withheld:
                doc = doc.with_table(table.withhold(REVISED))
    return doc


def _with_new_figures(published: PeriodDocument, current: PeriodDocument) -> PeriodDocument:
    """A frozen period of an older version lacks figures published since (满意及基本满意率): from the ledger now."""
    if all(k in published.figures for k in FIGURES):
        return published
    merged = {k: published.figures[k] if k in published.figures else current.figures.get(k) for k in FIGURES}
    return published.with_figures(merged | {k: v for k, v in published.figures.items() if k not in merged})


def compile_progress(
    programme: Programme, schema: WorkbookSchema, k: int, frozen: dict[FrozenKey, PeriodDocument] | None = None,
    freeze: Collection[str] = (),
) -> Progress:
    """Every finished period: frozen ones from their files (with revision notes), the
    others computed. Periods of the kinds in ``freeze`` are frozen by this build (in
    ``to_freeze``) and publish their tables; other unfrozen periods publish figures only."""
    frozen = frozen or {}
    first_day = min((i.reported_on for i in programme.issues), default=None)
    index = LedgerIndex(programme, schema)
    ordered: list[PeriodDocument] = []
    revised: list[PeriodDocument] = []
    for kind in KINDS:
        periods = {p.key: p for p in finished_periods(kind, first_day, programme.as_of)}
        for (f_kind, key), doc in frozen.items():
            if f_kind == kind and key not in periods:
                periods[key] = period_of_doc(doc)
        for period in sorted(periods.values()):
            current = period_doc(programme, schema, period, k, index)
            published = frozen.get((kind, period.key))
            if published is None:
                ordered.append(current if kind in freeze else _provisional(current))
                continue
            rates = index.rates(period) if published.legacy_rounding else None
            published = _with_new_figures(published, current)
            grouped = grouped_revised(published, current)
            if grouped:
                revised.append(published)
            ordered.append(published.with_revisions(revisions(published, current, rates), grouped))
    ordered = [d if d.frozen or d.period.kind not in freeze else _unsafe_after_revision(d, revised) for d in ordered]
    protected, result, withheld = protect(ordered, k)
    months = any(not d.frozen and d.period.kind == "month" for d in protected) and "month" in freeze
    reach = Reach(programme, schema) if months and "policy_pushes" in programme.columns else None
    to_freeze = [_freeze(d, programme, schema, k, reach) if not d.frozen and d.period.kind in freeze else d
                 for d in protected]
    docs = {kind: [d for d in to_freeze if d.period.kind == kind] for kind in KINDS}
    new = [d for d, before in zip(to_freeze, protected, strict=True) if d is not before]
    return Progress(k=k, docs=docs, audit=result, withheld_by_audit=withheld, to_freeze=new,
                    has_payments="payments" in programme.columns)


def _freeze(doc: PeriodDocument, programme: Programme, schema: WorkbookSchema, k: int,
            reach: Reach | None) -> PeriodDocument:
    """A period frozen by this build; a month with its 兑付 figures, which only a frozen month publishes."""
    frozen = doc.frozen_as_of(programme.as_of)
    if doc.period.kind != "month":
        return frozen
    return frozen.with_money(money_part(programme, schema, doc.period, k, reach))


__all__ = ["COUNT_COLUMNS", "AuditFailed", "Progress", "compile_progress", "is_frozen", "revisions"]
