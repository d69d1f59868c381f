"""Public pages of the optional ledgers: 重点项目 progress (with the weekly
reports, never their internal 存在问题) and the anonymized 容错纠错 figures.

Both pages are always written, so the navigation never points at a missing
page; without the sheets they say there is nothing to show yet.
"""

from __future__ import annotations

import json

from ..figures.leniency import leniency_figures
from ..figures.projects import project_figures
from ..figures.suppression import threshold
from ..model import Programme
from ..schema import WorkbookSchema
from .challenges import render_challenges
from .escape import slug
from .photos import PhotoPublisher
from .views.ledgers import enum_of
from .writer import PageWriter

LEDGER_PATHS = ("projects", "leniency")


def render_ledgers(w: PageWriter, programme: Programme, schema: WorkbookSchema) -> None:
    figures = project_figures(programme, enum_of(schema, "key_projects", "level"))
    week_label, level_sentence = w.labels.week_label, w.labels.level_sentence
    w.page(
        "ledgers/projects.md.j2", "projects/index.md", figures=figures, week_label=week_label,
        level_sentence=level_sentence, reported=sum(1 for p in figures.projects if p.reported_this_week),
    )
    photos = PhotoPublisher(w)
    folder = programme.folders.get("project_reports")
    for p in figures.projects:
        # 现场照片, newest report first; the alternative text says whose, and from when.
        shown = [(r, photos.show(r.photos, folder, f"{p.project.name}现场照片，{r.report_on.year}年{r.report_on.month}月{r.report_on.day}日"))
                 for r in reversed(p.reports) if r.photos]
        w.page(
            "ledgers/project.md.j2", f"projects/{slug(p.project.project_id)}.md",
            p=p, year=figures.year, history=p.history(figures.year), week_label=week_label, photos=shown,
        )
    render_challenges(w, programme, photos)
    outcomes = schema.roles["leniency_outcome"]
    lf = leniency_figures(programme, enum_of(schema, "leniency_cases", "field"), outcomes, k=threshold(schema))
    w.page("ledgers/leniency.md.j2", "leniency/index.md", f=lf, rectified=outcomes["rectified"])
    # The published figures as open data beside each page (suppressed cells as shown).
    w.text("projects/index.json", json.dumps(figures.as_dict(w.label("total_level")), ensure_ascii=False, indent=1))
    w.text("leniency/index.json", json.dumps(lf.as_dict(w.label("leniency_total")), ensure_ascii=False, indent=1))
