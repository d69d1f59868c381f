"""Public pages of 揭榜挂帅: the list (how many projects, their funding, each
project's 进展) and a page per project with its reports and their photos.

The list page is always written, so the navigation never points at a missing
page. 发榜企业 is named only when the enterprise consented to its name being
shown (企业 同意公开名称 是; validate warns of one that did not): its code, an
internal value, is never shown.
"""

from __future__ import annotations

import json

from ..figures.challenges import ChallengeFigures, challenge_figures
from ..model import Programme
from .escape import slug
from .photos import PhotoPublisher
from .writer import PageWriter

UNNAMED_ISSUER = "企业（未同意公开名称）"
STATE_NAMES = {"running": "进行中", "planned": "未开始", "ended": "已结束"}


def issuer_name(programme: Programme, enterprise_id: str) -> str:
    enterprise = programme.enterprises.get(enterprise_id)
    return enterprise.name if enterprise is not None and enterprise.publish_name else UNNAMED_ISSUER


def render_challenges(w: PageWriter, programme: Programme, photos: PhotoPublisher) -> None:
    figures: ChallengeFigures = challenge_figures(programme)
    issuers = {p.project.challenge_id: issuer_name(programme, p.project.enterprise_id) for p in figures.projects}
    w.page("challenges/index.md.j2", "challenges/index.md", figures=figures, issuers=issuers, states=STATE_NAMES)
    folder = programme.folders.get("challenge_reports")
    for p in figures.projects:
        shown = [(r, photos.show(r.photos, folder, f"{p.project.name}进展照片，{r.report_on.year}年{r.report_on.month}月{r.report_on.day}日"))
                 for r in p.reports]
        w.page("challenges/challenge.md.j2", f"challenges/{slug(p.project.challenge_id)}.md", p=p,
               issuer=issuers[p.project.challenge_id], state=STATE_NAMES[p.state], reports=shown)
    w.text("challenges/index.json", json.dumps(figures.as_dict(), ensure_ascii=False, indent=1))
