"""Every period's published figures, frozen or freshly computed, protected and audited.

``compile_progress`` is what the build calls before it writes anything: a
failed audit raises ``BuildError`` (exit 2) and nothing is published.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from ..errors import BuildError
from ..i18n import _
from ..model import Programme
from ..schema import WorkbookSchema
from .audit import AuditResult, CellId, Finding, audit, period_of_doc
from .breakdowns import (
    COUNT_COLUMNS,
    ENTERPRISE_DIMENSIONS,
    FIGURES,
    LedgerIndex,
    PeriodDoc,
    period_doc,
    withhold,
)
from .periods import KINDS, Period, finished_periods

FrozenKey = tuple[str, str]  # kind, key


@dataclass
class Progress:
    k: int
    docs: dict[str, list[PeriodDoc]]  # kind -> documents, oldest first
    audit: AuditResult
    withheld_by_audit: int = 0
    to_freeze: list[PeriodDoc] = field(default_factory=list)

    def all_docs(self) -> list[PeriodDoc]:
        return [d for kind in KINDS for d in self.docs.get(kind, [])]

    def latest(self, kind: str) -> PeriodDoc | None:
        docs = self.docs.get(kind) or []
        return docs[-1] if docs else None


def is_frozen(doc: PeriodDoc) -> bool:
    return bool(doc.get("frozen"))


def revisions(published: PeriodDoc, current: PeriodDoc) -> list[dict[str, Any]]:
    """Figures of a frozen period that the ledger now gives differently.

    Only figures and tables not grouped by an enterprise attribute are compared:
    new numbers for suppressed tables would be a fresh publication the audit
    has not seen; those tables keep their published numbers.
    """
    out: list[dict[str, Any]] = []
    for key, label in FIGURES.items():
        old, new = published["figures"].get(key), current["figures"].get(key)
        if old != new:
            out.append({"figure": key, "label": label, "published": old, "current": new})
    for name in ("category", "department"):
        old_t, new_t = published["tables"].get(name), current["tables"].get(name)
        if not old_t or not new_t:
            continue
        old_rows = {r[name]: r for r in old_t["rows"]}
        new_rows = {r[name]: r for r in new_t["rows"]}
        for value in list(old_rows) + [v for v in new_rows if v not in old_rows]:
            for column in new_t["columns"]:
                a = old_rows.get(value, {}).get(column, 0)
                b = new_rows.get(value, {}).get(column, 0)
                if a != b:
                    out.append({
                        "figure": f"{name}.{column}", "label": f"{value} · {column}",
                        "table": name, "value": value, "column": column, "published": a, "current": b,
                    })
    return out


def _overlaps(a: Period, b: Period) -> bool:
    return a.start <= b.end and b.start <= a.end


def _audit_message(findings: list[Finding]) -> str:
    lines = [_("The privacy audit of the statistics failed; nothing was published. "
               "These suppressed cells can be worked out from the published figures:")]
    for f in findings[:10]:
        lines.append("  " + _("{kind} {key} {table} “{value}” {column}: can only be {low}–{high}").format(
            kind=f.kind, key=f.key, table=ENTERPRISE_DIMENSIONS[f.dimension], value=f.value, column=f.column,
            low=f.low, high=f.high))
    if len(findings) > 10:
        lines.append("  " + _("… and {count} more").format(count=len(findings) - 10))
    lines.append(_("These periods are frozen and cannot be changed. Check the frozen files in the published "
                   "folder, or raise the suppression threshold k and publish again."))
    return "\n".join(lines)


def protect(docs: list[PeriodDoc], k: int) -> tuple[AuditResult, int]:
    """Withhold unfrozen tables until the audit passes; BuildError when it cannot."""
    by_id = {(d["period"]["kind"], d["period"]["key"]): d for d in docs}
    escalation: dict[CellId, int] = {}
    only: set[CellId] | None = None
    withheld = 0
    first: AuditResult | None = None
    while True:
        result = audit(docs, k, only)
        first = first or result
        if not result.findings:
            return AuditResult(first.cells, [], first.relaxed or result.relaxed), withheld
        changed = False
        for f in result.findings:
            doc = by_id[(f.kind, f.key)]
            table = doc["tables"][f.dimension]
            if not is_frozen(doc):
                if not table["withheld"]:
                    withhold(table)
                    withheld += 1
                    changed = True
                continue
            stage = escalation.get(f.cell, 0)
            escalation[f.cell] = stage + 1
            period = period_of_doc(doc)
            for other in docs:
                t = other["tables"][f.dimension]
                if is_frozen(other) or t["withheld"]:
                    continue
                if stage >= 1 or _overlaps(period, period_of_doc(other)):
                    withhold(t)
                    withheld += 1
                    changed = True
        if not changed:
            raise BuildError(_audit_message(result.findings))
        only = {f.cell for f in result.findings}


def compile_progress(
    programme: Programme, schema: WorkbookSchema, k: int, frozen: dict[FrozenKey, PeriodDoc] | None = None,
) -> Progress:
    frozen = frozen or {}
    first_day = min((i.reported_on for i in programme.issues), default=None)
    docs: dict[str, list[PeriodDoc]] = {}
    index = LedgerIndex(programme, schema)
    for kind in KINDS:
        periods = {p.key: p for p in finished_periods(kind, first_day, programme.as_of)}
        for (f_kind, key), doc in frozen.items():
            if f_kind == kind and key not in periods:
                periods[key] = period_of_doc(doc)
        out = []
        for period in sorted(periods.values()):
            current = period_doc(programme, schema, period, k, index)
            published = frozen.get((kind, period.key))
            if published is None:
                current["frozen"] = None
                current["revisions"] = []
                out.append(current)
            else:
                doc = copy.deepcopy(published)
                doc["revisions"] = revisions(published, current)
                out.append(doc)
        docs[kind] = out
    all_docs = [d for kind in KINDS for d in docs[kind]]
    result, withheld = protect(all_docs, k)
    return Progress(k=k, docs=docs, audit=result, withheld_by_audit=withheld)


__all__ = ["COUNT_COLUMNS", "Progress", "compile_progress", "is_frozen", "revisions"]
