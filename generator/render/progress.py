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
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..figures.breakdowns import COLUMNS, ENTERPRISE_DIMENSIONS, FIGURES, PERCENT_FIGURES, PeriodDoc
from ..figures.ledger import Headline
from ..figures.periods import KIND_LABELS, KINDS
from ..figures.report import Progress
from .chart import trend_svg
from .escape import csv_cell

if TYPE_CHECKING:
    from .writer import PageWriter

TREND_LENGTH = 12
TREND_SERIES = (("issues_new", "新增问题"), ("issues_closed", "销号"), ("issues_open", "期末在办"))
DIMENSION_HEADERS = {
    "category": "问题类别", "department": "责任单位", "town": "所在镇街", "industry": "所属行业",
    "size": "企业规模", "above_scale": "规上/规下",
}


def display(value: Any, percent: bool = False) -> str:
    """A published value as the page shows it: "—" for none, ``<k`` as it is, one decimal."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if percent:
        return f"{float(value):.1f}%"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.1f}"
    return str(value)


def _figure_rows(doc: PeriodDoc) -> list[tuple[str, str]]:
    return [(label, display(doc["figures"].get(key), key in PERCENT_FIGURES)) for key, label in FIGURES.items()]


def _table_view(name: str, table: dict[str, Any]) -> dict[str, Any]:
    columns = table["columns"]
    return {
        "name": name,
        "title": table["title"],
        "header": [DIMENSION_HEADERS.get(name, name)] + [COLUMNS.get(c, c) for c in columns],
        "rows": [
            [row[name]] + [display(row.get(c), c in PERCENT_FIGURES) for c in columns] for row in table["rows"]
        ],
        "withheld": table["withheld"],
        "enterprise_attribute": table["enterprise_attribute"],
    }


def _revision_view(rev: dict[str, Any]) -> dict[str, str]:
    key = str(rev.get("column") or rev["figure"])
    percent = key in PERCENT_FIGURES
    if "table" in rev:
        label = f"{rev['value']}（{COLUMNS.get(key, key)}）"
    else:
        label = FIGURES.get(key, key)
    return {"label": label, "published": display(rev["published"], percent), "current": display(rev["current"], percent)}


def doc_csv(doc: PeriodDoc) -> str:
    """Long format: one published value a line (table, row, column, value)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "row", "column", "value"])
    for key in FIGURES:
        writer.writerow(["figures", "", csv_cell(key), _csv_value(doc["figures"].get(key))])
    for name, table in doc["tables"].items():
        if table["withheld"]:
            writer.writerow([csv_cell(name), "", "", "withheld"])
            continue
        for row in table["rows"]:
            for column in table["columns"]:
                writer.writerow([csv_cell(name), csv_cell(row[name]), csv_cell(column), _csv_value(row.get(column))])
    return out.getvalue()


def _csv_value(value: Any) -> str:
    """As the JSON file writes it (66.7, 0.0, 12, <3); empty for none."""
    return csv_cell(value)


def doc_json(doc: PeriodDoc) -> str:
    body = {
        "period": doc["period"],
        "figures": doc["figures"],
        "units": {key: "percent" for key in FIGURES if key in PERCENT_FIGURES}
        | {"median_days_to_close": "days", "p90_days_to_close": "days"},
        "tables": doc["tables"],
        "suppression": doc["suppression"],
        "frozen": doc.get("frozen"),
        "revisions": doc.get("revisions", []),
    }
    # Compact: the C encoder writes it (the indented form takes the pure-Python one, 5x slower).
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n"


def _trend(docs: Sequence[PeriodDoc]) -> dict[str, Any]:
    labels = [d["period"]["label"] for d in docs]
    series = [(label, [d["figures"][key] for d in docs]) for key, label in TREND_SERIES]
    return {
        "labels": labels,
        "series": series,
        "rows": [[d["period"]["label"]] + [display(d["figures"][key]) for key, _ in TREND_SERIES] for d in docs],
        "header": ["周期"] + [label for _, label in TREND_SERIES],
    }


def _alt_text(kind_label: str, docs: Sequence[PeriodDoc]) -> str:
    if not docs:
        return "暂无数据。"
    last = docs[-1]["figures"]
    news = [d["figures"]["issues_new"] for d in docs]
    return (
        f"折线图：{docs[0]['period']['label']}至{docs[-1]['period']['label']}共 {len(docs)} 期{kind_label}的"
        f"新增问题、销号和期末在办问题数。每期新增问题 {min(news)} 至 {max(news)} 件；"
        f"最后一期新增 {last['issues_new']} 件、销号 {last['issues_closed']} 件、期末在办 {last['issues_open']} 件。"
        "具体数字见图下的表格。"
    )


def _period_page(w: PageWriter, docs: list[PeriodDoc], index: int, k: int) -> None:
    doc = docs[index]
    period = doc["period"]
    kind = period["kind"]
    key = period["key"]
    base = f"progress/{kind}/{key}"
    window = docs[max(0, index - TREND_LENGTH + 1): index + 1]
    trend = _trend(window)
    w.text(f"{base}.svg", trend_svg(f"{kind}-{key}", f"近{len(window)}期趋势", trend["labels"], trend["series"]))
    w.text(f"{base}.csv", doc_csv(doc))
    w.text(f"{base}.json", doc_json(doc))
    w.page(
        "progress/period.md.j2", f"{base}.md",
        doc=doc,
        kind_label=KIND_LABELS[kind],
        figures=_figure_rows(doc),
        tables=[_table_view(name, t) for name, t in doc["tables"].items()],
        revisions=[_revision_view(r) for r in doc.get("revisions", [])],
        frozen=doc.get("frozen"),
        previous=docs[index - 1]["period"] if index > 0 else None,
        following=docs[index + 1]["period"] if index + 1 < len(docs) else None,
        trend=trend,
        alt=_alt_text(KIND_LABELS[kind], window),
        k=doc["suppression"]["k"],
        marker=doc["suppression"]["marker"],
        enterprise_dimensions=[DIMENSION_HEADERS[d] for d in ENTERPRISE_DIMENSIONS],
    )


def latest_reports(progress: Progress) -> list[dict[str, Any]]:
    """The latest weekly and monthly reports, for the home page and the archive."""
    out = []
    for kind in KINDS:
        doc = progress.latest(kind)
        if doc is not None:
            out.append({
                "kind_label": KIND_LABELS[kind], "label": doc["period"]["label"],
                "href": f"{kind}/{doc['period']['key']}.md",
                "figures": doc["figures"],
            })
    return out


def render_progress(w: PageWriter, head: Headline, progress: Progress) -> None:
    archive = []
    for kind in KINDS:
        docs = progress.docs.get(kind, [])
        for index in range(len(docs)):
            _period_page(w, docs, index, progress.k)
        trend = _trend(docs)
        if docs:
            w.text(f"progress/trend-{kind}.svg", trend_svg(f"trend-{kind}", f"各{KIND_LABELS[kind]}趋势",
                                                           trend["labels"], trend["series"]))
        archive.append({
            "kind": kind,
            "kind_label": KIND_LABELS[kind],
            "alt": _alt_text(KIND_LABELS[kind], docs),
            "periods": [
                {
                    "label": d["period"]["label"], "href": f"{kind}/{d['period']['key']}.md",
                    "start": d["period"]["start"], "end": d["period"]["end"],
                    "cells": [display(d["figures"][key]) for key, _ in TREND_SERIES]
                    + [display(d["figures"]["issues_overdue"])],
                    "frozen": bool(d.get("frozen")), "revised": bool(d.get("revisions")),
                }
                for d in reversed(docs)
            ],
        })
    w.page(
        "progress/index.md.j2", "progress/index.md",
        headline=head, archive=archive, latest=latest_reports(progress), k=progress.k,
    )
