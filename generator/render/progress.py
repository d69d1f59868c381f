"""The progress pages: one per finished week and month, the archive, and each
page's figures as CSV and JSON beside it (``2022-W05.md`` → ``2022-W05.html``,
``2022-W05.csv``, ``2022-W05.json``, ``2022-W05.svg``).

Every number comes from the period documents of ``figures.report`` (frozen or
freshly computed, already protected and audited): the page, its data files
and its chart show the same published values.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..figures.breakdowns import FIGURES, PERCENT_FIGURES, SATISFACTION_SHARES
from ..figures.document import (
    PeriodDocument,
    Revision,
    Table,
    period_json,
    revision_json,
    table_json,
)
from ..figures.ledger import Headline
from ..figures.money import cumulative
from ..figures.parts import PAGE_HIDDEN, PART_RATES
from ..figures.periods import KINDS, Period
from ..figures.report import Progress
from ..schema import ClosedLoop
from .analysis import period_sentences
from .chart import DESKTOP, PHONE, trend_svg
from .escape import csv_cell
from .labels import (
    COLUMN_LABELS,
    CONFIDENTIAL,
    DIMENSION_HEADERS,
    FIGURE_LABELS,
    FREE,
    KIND_LABELS,
    conf_status,
    display,
    open_rows,
    open_value,
    period_label,
    shares_note,
    table_title,
)
from .money import money_csv_rows, money_open_data, money_view

if TYPE_CHECKING:
    from .writer import PageWriter

TREND_LENGTH = 12
# Each chart twice: for a screen, and (``-phone.svg``) drawn for a phone's width, chosen by <picture>.
CHART_LAYOUTS = (("", DESKTOP), ("-phone", PHONE))
TREND_SERIES = (("issues_new", "新增问题"), ("issues_closed", "销号"), ("issues_open", "期末在办"))


def _figure_rows(doc: PeriodDocument) -> list[tuple[str, str]]:
    return [(FIGURE_LABELS[key], display(doc.figures.get(key), key in PERCENT_FIGURES)) for key in FIGURES]


# A department's rate and the count it is a share of (closedLoop.departmentMinimum).
RATE_BASES = {"on_time_rate": "closed_with_due", "median_days_to_assign": "issues_closed",
              **{rate: "issues_closed" for rate in PART_RATES.values()}}


def _few(row: Mapping[str, Any], column: str, minimum: int) -> bool:
    count = row.get(RATE_BASES.get(column, ""))
    return isinstance(count, int) and 0 < count < minimum


def with_department_minimum(doc: PeriodDocument, minimum: int) -> PeriodDocument:
    """The period as published: a department's rate from fewer than ``minimum`` issues is
    left out (None, shown as —) on the page, in its CSV and its JSON alike; the frozen
    file keeps it, so the rule can change without revising anything."""
    table = doc.tables.get("department")
    if table is None or table.withheld:
        return doc
    rows = tuple({c: None if c in RATE_BASES and _few(row, c, minimum) else v for c, v in row.items()}
                 for row in table.rows)
    return doc.with_table(replace(table, rows=rows))


def _table_view(name: str, table: Table, minimum: int = 1) -> dict[str, Any]:
    # The page shows the rates of 及时交办, 已回访 and 重新办理; their counts are in the CSV and JSON.
    columns = tuple(c for c in table.columns if c not in PAGE_HIDDEN)
    few = name == "department" and any(_few(row, c, minimum) for row in table.rows for c in RATE_BASES)
    return {
        "name": name,
        "title": table_title(name),
        "header": [DIMENSION_HEADERS.get(name, name)] + [COLUMN_LABELS.get(c, c) for c in columns],
        "rows": [
            [row[name]] + [display(row.get(c), c in PERCENT_FIGURES) for c in columns] for row in table.rows
        ],
        "withheld": table.withheld,
        "why": table.why,
        "enterprise_attribute": table.enterprise_attribute,
        "marked": any(isinstance(row.get(c), str) for row in table.rows for c in columns),
        "below_minimum": minimum if few else None,
    }


def _revision_label(rev: Revision) -> str:
    if rev.table is not None:
        return f"{rev.value} · {rev.column}"
    return FIGURE_LABELS.get(rev.figure, rev.figure)


def _revision_view(rev: Revision) -> dict[str, str]:
    key = str(rev.column or rev.figure)
    percent = key in PERCENT_FIGURES
    if rev.table is not None:
        label = f"{rev.value}（{COLUMN_LABELS.get(key, key)}）"
    else:
        label = FIGURE_LABELS.get(key, key)
    return {"label": label, "published": display(rev.published, percent), "current": display(rev.current, percent)}


def period_view(period: Period) -> dict[str, Any]:
    """The period as the pages and the JSON file name it (its label after its key)."""
    plain = period_json(period)
    return {"kind": plain["kind"], "key": plain["key"], "label": period_label(period),
            "start": plain["start"], "end": plain["end"]}


# The CSV file's header: Chinese for the people who open it in Excel, and the
# keys of the JSON file in the last column for those who join the two.
CSV_HEADER = ("表格", "分组", "指标", "数值", "保密状态", "键")
# Excel on Chinese Windows reads a CSV without a byte-order mark as GBK.
BOM = "\ufeff"


def doc_csv(doc: PeriodDocument) -> str:
    """Long format, one published value a line: table, row, figure (their labels), value,
    status (F, or C with an empty value for a withheld cell) and the key ``table.column``;
    a withheld table is one line with its reason."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for key in FIGURES:
        writer.writerow(["主要指标", "", FIGURE_LABELS[key], _csv_value(doc.figures.get(key)), FREE, f"figures.{key}"])
    for name, table in doc.tables.items():
        title = table_title(name)
        if table.withheld:
            writer.writerow([title, "", "", WITHHELD_CSV.get(table.why or "", "不公布"), CONFIDENTIAL, csv_cell(name)])
            continue
        for row in table.rows:
            for column in table.columns:
                value = row.get(column)
                writer.writerow([title, csv_cell(row[name]), COLUMN_LABELS.get(column, column), _csv_value(value),
                                 conf_status(value), csv_cell(f"{name}.{column}")])
    if doc.money is not None:
        writer.writerows(money_csv_rows(doc.money))
    return out.getvalue()


WITHHELD_CSV = {"small": "整表不公布（数量太少）", "provisional": "本期发布后公布", "revised": "整表不公布（与已更正的周期重叠）"}


def _csv_value(value: Any) -> str:
    """As the JSON file writes it (66.7, 0.0, 12); empty for none and for a withheld cell."""
    return csv_cell(open_value(value))


def _table_open_data(name: str, table: Table) -> dict[str, Any]:
    return {"title": table_title(name), **table_json(table), "rows": open_rows(table.columns, table.rows)}


def _revision_json(rev: Revision) -> dict[str, Any]:
    plain = revision_json(rev)
    return {"figure": plain.pop("figure"), "label": _revision_label(rev), **plain}


def doc_json(doc: PeriodDocument) -> str:
    """The period's open data file: the document with its labels (period, tables, revisions)."""
    body = {
        "period": period_view(doc.period),
        "figures": dict(doc.figures),
        "units": {key: "percent" for key in FIGURES if key in PERCENT_FIGURES}
        | {"median_days_to_close": "days", "p90_days_to_close": "days"},
        "tables": {name: _table_open_data(name, t) for name, t in doc.tables.items()},
        "suppression": {"k": doc.k, "marker": doc.marker, "conf_status": {FREE: "free", CONFIDENTIAL: "withheld"}},
        "grouped_revised": doc.grouped_revised,
        "frozen": {"on": doc.frozen_on.isoformat() if doc.frozen_on else None} if doc.frozen else None,
        "revisions": [_revision_json(r) for r in doc.revisions],
        **({"money": money_open_data(doc.money)} if doc.money is not None else {}),
    }
    # Compact: the C encoder writes it (the indented form takes the pure-Python one, 5x slower).
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n"


def _trend(docs: Sequence[PeriodDocument]) -> dict[str, Any]:
    labels = [period_label(d.period) for d in docs]
    series = [(label, [d.figures[key] for d in docs]) for key, label in TREND_SERIES]
    return {
        "labels": labels,
        "series": series,
        "rows": [[period_label(d.period)] + [display(d.figures[key]) for key, _ in TREND_SERIES] for d in docs],
        "header": ["周期"] + [label for _, label in TREND_SERIES],
    }


def _alt_text(kind_label: str, docs: Sequence[PeriodDocument]) -> str:
    if not docs:
        return "暂无数据。"
    last = docs[-1].figures
    news = [int(d.figures["issues_new"] or 0) for d in docs]
    return (
        f"折线图：{period_label(docs[0].period)}至{period_label(docs[-1].period)}共 {len(docs)} 期{kind_label}的"
        f"新增问题、销号和期末在办问题数。每期新增问题 {min(news)} 至 {max(news)} 件；"
        f"最后一期新增 {last['issues_new']} 件、销号 {last['issues_closed']} 件、期末在办 {last['issues_open']} 件。"
        "具体数字见图下的表格。"
    )


def _period_page(w: PageWriter, docs: list[PeriodDocument], index: int, minimum: int,
                 money: dict[str, Any]) -> None:
    """``money``: the published policies' titles (``titles``) and whether the workbook has a 兑付 sheet."""
    doc = docs[index]
    kind = doc.period.kind
    key = doc.period.key
    base = f"progress/{kind}/{key}"
    window = docs[max(0, index - TREND_LENGTH + 1): index + 1]
    trend = _trend(window)
    for suffix, layout in CHART_LAYOUTS:
        w.text(f"{base}{suffix}.svg", trend_svg(f"{kind}-{key}", f"近{len(window)}期趋势", trend["labels"],
                                                trend["series"], layout))
    w.text(f"{base}.csv", doc_csv(doc))
    w.text(f"{base}.json", doc_json(doc))
    w.page(
        "progress/period.md.j2", f"{base}.md",
        doc={"period": period_view(doc.period)},
        kind_label=KIND_LABELS[kind],
        figures=_figure_rows(doc),
        tables=[_table_view(name, t, minimum) for name, t in doc.tables.items()],
        revisions=[_revision_view(r) for r in doc.revisions],
        grouped_revised=doc.grouped_revised,
        shares_note=shares_note([doc.figures.get(key) for key in SATISFACTION_SHARES]),
        frozen={"on": doc.frozen_on.isoformat() if doc.frozen_on else None} if doc.frozen else None,
        previous=period_view(docs[index - 1].period) if index > 0 else None,
        following=period_view(docs[index + 1].period) if index + 1 < len(docs) else None,
        trend=trend,
        summary=period_sentences(doc, docs[index - 1] if index > 0 else None),
        alt=_alt_text(KIND_LABELS[kind], window),
        k=doc.k,
        marker=doc.marker,
        enterprise_dimensions=[DIMENSION_HEADERS[name] for name, t in doc.tables.items() if t.enterprise_attribute],
        money=money_view(doc.money, money["titles"]),
        money_pending=money["sheet"] and kind == "month" and doc.money is None and not doc.frozen,
        money_before=money["sheet"] and kind == "month" and doc.money is None and doc.frozen,
    )


def latest_reports(progress: Progress) -> list[dict[str, Any]]:
    """The latest weekly and monthly reports, for the home page and the archive."""
    out = []
    for kind in KINDS:
        doc = progress.latest(kind)
        if doc is not None:
            out.append({
                "kind_label": KIND_LABELS[kind], "label": period_label(doc.period),
                "href": f"{kind}/{doc.period.key}.md",
                "figures": doc.figures,
            })
    return out


def render_progress(w: PageWriter, head: Headline, progress: Progress, closed_loop: ClosedLoop,
                    policy_titles: Mapping[str, str] | None = None) -> None:
    """``closed_loop``: workbook.yaml's settings (a department's rate is shown from departmentMinimum issues);
    ``policy_titles``: the published policies' titles by ID, for the 兑付 tables by policy."""
    money: dict[str, Any] = {"titles": policy_titles or {}, "sheet": progress.has_payments}
    department_minimum = closed_loop.department_minimum
    archive = []
    for kind in KINDS:
        docs = [with_department_minimum(d, department_minimum) for d in progress.docs.get(kind, [])]
        for index in range(len(docs)):
            _period_page(w, docs, index, department_minimum, money)
        trend = _trend(docs)
        if docs:
            for suffix, layout in CHART_LAYOUTS:
                w.text(f"progress/trend-{kind}{suffix}.svg", trend_svg(
                    f"trend-{kind}", f"各{KIND_LABELS[kind]}趋势", trend["labels"], trend["series"], layout))
        archive.append({
            "kind": kind,
            "kind_label": KIND_LABELS[kind],
            "alt": _alt_text(KIND_LABELS[kind], docs),
            "periods": [
                {
                    "label": period_label(d.period), "href": f"{kind}/{d.period.key}.md",
                    "start": d.period.start.isoformat(), "end": d.period.end.isoformat(),
                    "cells": [display(d.figures[key]) for key, _ in TREND_SERIES]
                    + [display(d.figures["issues_overdue"])],
                    "frozen": d.frozen, "revised": bool(d.revisions),
                    "state": ("revised" if d.revisions else "frozen") if d.frozen else "provisional",
                }
                for d in reversed(docs)
            ],
        })
    w.page(
        "progress/index.md.j2", "progress/index.md",
        headline=head, archive=archive, latest=latest_reports(progress), k=progress.k, closed_loop=closed_loop,
        money=_money_to_date(progress, money["titles"]),
    )


def _money_to_date(progress: Progress, titles: Mapping[str, str]) -> dict[str, Any] | None:
    """The frozen months' 兑付 added up, with the last of them, for the index; None without any."""
    months = [d for d in progress.docs.get("month", []) if d.money is not None]
    view = money_view(cumulative(months), titles, ("payments_count", "payments_amount", "eligible_told_rate"))
    if view is None:
        return None
    return {**view, "first": period_label(months[0].period), "last": period_label(months[-1].period),
            "months": len(months)}
