"""Every period's published figures, frozen or freshly computed, protected and audited.

``compile_progress`` is what the build calls before it writes anything: a
failed audit raises ``AuditFailed`` (a ``BuildError``, exit 2) and nothing is
published.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import BuildError
from ..model import Programme
from ..schema import WorkbookSchema
from .audit import AuditResult, CellId, Finding, audit, period_of_doc
from .breakdowns import COUNT_COLUMNS, FIGURES, LedgerIndex, period_doc
from .document import PeriodDocument, Revision
from .periods import KINDS, Period, finished_periods

FrozenKey = tuple[str, str]  # kind, key


@dataclass
class Progress:
    k: int
    docs: dict[str, list[PeriodDocument]]  # kind -> documents, oldest first
    audit: AuditResult
    withheld_by_audit: int = 0
    to_freeze: list[PeriodDocument] = field(default_factory=list)

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


def revisions(published: PeriodDocument, current: PeriodDocument) -> tuple[Revision, ...]:
    """Figures of a frozen period that the ledger now gives differently.

    Only figures and tables not grouped by an enterprise attribute are compared:
    new numbers for suppressed tables would be a fresh publication the audit
    has not seen; those tables keep their published numbers.
    """
    out: list[Revision] = []
    for key in FIGURES:
        old, new = published.figures.get(key), current.figures.get(key)
        if old != new:
            out.append(Revision(key, old, new))
    for name in ("category", "department"):
        old_t, new_t = published.tables.get(name), current.tables.get(name)
        if not old_t or not new_t:
            continue
        old_rows = {r[name]: r for r in old_t.rows}
        new_rows = {r[name]: r for r in new_t.rows}
        for value in list(old_rows) + [v for v in new_rows if v not in old_rows]:
            for column in new_t.columns:
                a = old_rows.get(value, {}).get(column, 0)
                b = new_rows.get(value, {}).get(column, 0)
                if a != b:
                    out.append(Revision(f"{name}.{column}", a, b, table=name, value=str(value), column=column))
    return tuple(out)


def _overlaps(a: Period, b: Period) -> bool:
    return a.start <= b.end and b.start <= a.end


def _withhold(docs: list[PeriodDocument], at: int, dimension: str) -> None:
    docs[at] = docs[at].with_table(docs[at].tables[dimension].withhold())


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
        result = audit(docs, k, only)
        first = first or result
        if not result.findings:
            return docs, AuditResult(first.cells, [], first.relaxed or result.relaxed), withheld
        changed = False
        for f in result.findings:
            doc = docs[position[(f.kind, f.key)]]
            if not doc.frozen:
                if not doc.tables[f.dimension].withheld:
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
            raise AuditFailed(result.findings)
        only = {f.cell for f in result.findings}


def compile_progress(
    programme: Programme, schema: WorkbookSchema, k: int, frozen: dict[FrozenKey, PeriodDocument] | None = None,
) -> Progress:
    frozen = frozen or {}
    first_day = min((i.reported_on for i in programme.issues), default=None)
    index = LedgerIndex(programme, schema)
    ordered: list[PeriodDocument] = []
    for kind in KINDS:
        periods = {p.key: p for p in finished_periods(kind, first_day, programme.as_of)}
        for (f_kind, key), doc in frozen.items():
            if f_kind == kind and key not in periods:
                periods[key] = period_of_doc(doc)
        for period in sorted(periods.values()):
            current = period_doc(programme, schema, period, k, index)
            published = frozen.get((kind, period.key))
            ordered.append(current if published is None else published.with_revisions(revisions(published, current)))
    protected, result, withheld = protect(ordered, k)
    docs = {kind: [d for d in protected if d.period.kind == kind] for kind in KINDS}
    return Progress(k=k, docs=docs, audit=result, withheld_by_audit=withheld)


__all__ = ["COUNT_COLUMNS", "AuditFailed", "Progress", "compile_progress", "is_frozen", "revisions"]
