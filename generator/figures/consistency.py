"""Is a frozen period's file consistent with itself and with the files frozen
beside it? The manifest (``manifest.py``) tells that a file is the one
``publish`` wrote; these checks catch a file edited together with its manifest
(or frozen before there was one): numbers a ledger cannot produce.

Within a file: the stock adds up (在办 = 累计受理 − 累计销号), no part exceeds
its whole, each rate is the one its counts give, the satisfaction shares add
up to about 100, and every table adds up to the period's totals: exactly for a
table that covers every issue (by category; an enterprise attribute whose
field is required), at most (each withheld cell counts at least 1) for one that
may not. Across files: two consecutive periods of one kind frozen by the same
publish (same release, same day) chain: 累计受理 grows by exactly 本期新增.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from ..i18n import _
from .breakdowns import COUNT_COLUMNS, SATISFACTION_SHARES
from .document import PeriodDocument, Table
from .parts import PART_NAMES, PART_RATES
from .rounding import legacy_percent, percent, ratio

_COUNTS = ("issues_new", "issues_closed", "issues_received_total", "issues_closed_total", "issues_open",
           "issues_overdue", "satisfaction_count")


def _count(doc: PeriodDocument, key: str) -> int | None:
    value = doc.figures.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _rate_matches(doc: PeriodDocument, published: object, part: int, whole: int) -> bool:
    exact = ratio(part, whole)
    return published == percent(exact) or (doc.legacy_rounding and published == legacy_percent(exact))


def _figure_problems(doc: PeriodDocument) -> Iterator[str]:
    counts = {key: _count(doc, key) for key in _COUNTS}
    for key, value in counts.items():
        if value is None and key in doc.figures:
            yield _("{figure} is not a whole number of issues").format(figure=key)
    new, closed, received, closed_total, open_, overdue = (counts[k] for k in _COUNTS[:6])
    if None in (new, closed, received, closed_total, open_):
        return
    assert new is not None and closed is not None and received is not None
    assert closed_total is not None and open_ is not None
    if open_ != received - closed_total:
        yield _("issues_open {open} is not issues_received_total {received} − issues_closed_total {closed}").format(
            open=open_, received=received, closed=closed_total)
    for part, whole, a, b in ((new, received, "issues_new", "issues_received_total"),
                              (closed, closed_total, "issues_closed", "issues_closed_total"),
                              (closed_total, received, "issues_closed_total", "issues_received_total")):
        if part > whole:
            yield _("{part} {a} is more than {whole} {b}").format(part=part, a=a, whole=whole, b=b)
    if overdue is not None and overdue > open_:
        yield _("{part} {a} is more than {whole} {b}").format(part=overdue, a="issues_overdue", whole=open_,
                                                              b="issues_open")
    if "closure_rate" in doc.figures and not _rate_matches(doc, doc.figures["closure_rate"], closed_total, received):
        yield _("closure_rate {rate} is not issues_closed_total ÷ issues_received_total").format(
            rate=doc.figures["closure_rate"])
    yield from _share_problems(doc)


def _share_problems(doc: PeriodDocument) -> Iterator[str]:
    shares = [doc.figures.get(k) for k in SATISFACTION_SHARES]
    known = [s for s in shares if isinstance(s, int | float)]
    if any(not 0 <= s <= 100 for s in known):
        yield _("a satisfaction share is not between 0 and 100")
    elif len(known) == len(shares) and abs(sum(known) - 100) > 0.15:
        yield _("the satisfaction shares add up to {total}, not about 100").format(total=round(sum(known), 1))


def _table_problems(doc: PeriodDocument, table: Table, complete: bool) -> Iterator[str]:
    if table.withheld or set(COUNT_COLUMNS) - set(table.columns):
        return
    for column in COUNT_COLUMNS:
        total = _count(doc, column)
        values = [row.get(column) for row in table.rows]
        if total is None:
            continue
        if any(not isinstance(v, int | str) or isinstance(v, int) and v < 0 for v in values):
            yield _("table {table}, column {column}: a cell is not a whole number or the mark").format(
                table=table.name, column=column)
            continue
        shown = sum(v for v in values if isinstance(v, int))
        marked = sum(1 for v in values if isinstance(v, str))
        if shown + marked > total or (complete and not marked and shown != total):
            yield _("table {table}, column {column} adds up to {sum}{more}, but the period's {column} is {total}").format(
                table=table.name, column=column, sum=shown, more=_("+{n} withheld").format(n=marked) if marked else "",
                total=total)


def _department_problems(doc: PeriodDocument, table: Table | None) -> Iterator[str]:
    if table is None or table.withheld:
        return
    closed = _count(doc, "issues_closed")
    total = 0
    for row in table.rows:
        n, due, on_time = (row.get(c) for c in ("issues_closed", "closed_with_due", "closed_on_time"))
        if not all(isinstance(v, int) for v in (n, due, on_time)):
            yield _("table department: a count is not a whole number")
            return
        assert isinstance(n, int) and isinstance(due, int) and isinstance(on_time, int)
        total += n
        if not on_time <= due <= n or not _rate_matches(doc, row.get("on_time_rate"), on_time, due):
            yield _("table department, row “{row}”: its counts and rate do not agree").format(row=row.get("department"))
    if closed is not None and total > closed:
        yield _("table department adds up to {sum}, more than the period's issues_closed {total}").format(
            sum=total, total=closed)


def _resolved_problems(doc: PeriodDocument, table: Table) -> Iterator[str]:
    """The parts of the closed issues (已解决, 及时交办, 已回访, 重新办理; figures/parts.py) and
    their rates, in every table that has them: each a part of the row's closed issues."""
    if table.withheld:
        return
    for part, rate_column in PART_RATES.items():
        if part not in table.columns:
            continue
        for row in table.rows:
            n, ok, rate_of = row.get("issues_closed"), row.get(part), row.get(rate_column)
            if ok is None and rate_of is None:
                continue
            if isinstance(n, str) or isinstance(ok, str):
                # A withheld count (tables by enterprise attribute): its rate is withheld too.
                agree = isinstance(rate_of, str) and all(isinstance(v, int | str) for v in (n, ok))
            else:
                agree = isinstance(n, int) and isinstance(ok, int) and 0 <= ok <= n and _rate_matches(
                    doc, rate_of, ok, n)
            if not agree:
                yield _("table {table}, row “{row}”: {part} and {rate} do not agree with its closed issues").format(
                    table=table.name, row=row.get(table.name), part=PART_NAMES[part][0], rate=PART_NAMES[part][1])


def problems(doc: PeriodDocument, complete: Collection[str]) -> list[str]:
    """What is inconsistent in one frozen document; ``complete``: the tables that cover every issue."""
    out = list(_figure_problems(doc))
    for name, table in doc.tables.items():
        if name != "department":
            out += _table_problems(doc, table, name in complete)
    out += _department_problems(doc, doc.tables.get("department"))
    for table in doc.tables.values():
        out += _resolved_problems(doc, table)
    return out


def chain_problems(earlier: PeriodDocument, later: PeriodDocument) -> list[str]:
    """Two consecutive periods of one kind frozen together: the totals to date must chain."""
    out = []
    for total, part in (("issues_received_total", "issues_new"), ("issues_closed_total", "issues_closed")):
        a, b, n = _count(earlier, total), _count(later, total), _count(later, part)
        if a is not None and b is not None and n is not None and b != a + n:
            out.append(_("{total} {b} is not {a} of {earlier} + {part} {n}").format(
                total=total, b=b, a=a, earlier=earlier.period.key, part=part, n=n))
    return out
