"""What the printed 惠企政策汇编 shows: every published policy, chosen as the
public policy pages choose them (``Programme.published_policies``), current ones
by category in the order of the schema's categories, then the expired ones;
each with its steps and their departments, the address of its page on the
public site and the date its information is as of. Nothing of an internal
sheet is here: the departments and the policies' own public fields only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...model import Department, Policy, PolicyStep, Programme
from ...schema import WorkbookSchema
from ..conditions import condition_text
from ..escape import slug


@dataclass(frozen=True)
class HandbookStep:
    step: PolicyStep
    department: Department


@dataclass(frozen=True)
class HandbookEntry:
    anchor: str  # the id of its heading in the handbook (contents link to it)
    policy: Policy
    steps: list[HandbookStep]
    url: str  # its page on the public site, absolute
    updated: dt.date
    expired: bool
    conditions: tuple[tuple[str, str | None], ...] = ()  # 申报条件: (text, 说明) of each row


@dataclass(frozen=True)
class HandbookSection:
    anchor: str
    category: str | None  # None: the expired policies
    entries: list[HandbookEntry]


@dataclass(frozen=True)
class HandbookView:
    title: str  # the district's programme, workbook.yaml's title
    as_of: dt.date
    site_url: str  # with a trailing slash
    index_url: str  # the policy list on the public site
    sections: list[HandbookSection]
    count: int


def page_address(site_url: str, path: str, directory_urls: bool = False) -> str:
    """The public address of the page built from ``path`` (``policies/P001``),
    as MkDocs names it: ``policies/P001.html``, or ``policies/P001/`` with
    ``use_directory_urls``; ``policies/index`` is ``policies/index.html`` or ``policies/``."""
    base = site_url.rstrip("/") + "/"
    if directory_urls:
        return base + (path[: -len("index")] if path.endswith("index") else path + "/")
    return f"{base}{path}.html"


def updated_on(policy: Policy, as_of: dt.date) -> dt.date:
    """The policy's 更新日期 when the sheet gives one (an optional column of the
    办事指南 fields, issue 15), else the day the handbook's information is as of."""
    given = getattr(policy, "updated_on", None)
    return given if isinstance(given, dt.date) else as_of


def handbook_view(programme: Programme, schema: WorkbookSchema, site_url: str,
                  directory_urls: bool = False) -> HandbookView:
    as_of = programme.as_of
    published = sorted(programme.published_policies(), key=lambda p: p.policy_id)

    def entry(n: int, p: Policy) -> HandbookEntry:
        steps = [HandbookStep(s, programme.departments[s.dept_id]) for s in p.steps]
        return HandbookEntry(f"policy-{n}", p, steps, page_address(site_url, f"policies/{slug(p.policy_id)}", directory_urls),
                             updated_on(p, as_of), p.expired_at(as_of),
                             tuple((condition_text(c, schema), c.note) for c in p.conditions))

    current = [p for p in published if not p.expired_at(as_of)]
    expired = [p for p in published if p.expired_at(as_of)]
    # The schema's categories in its order (the check allows no other; any other
    # after them all the same, so that no published policy is left out).
    known = list(schema.enums["policy_categories"])
    categories = known + sorted({p.category for p in current} - set(known))
    groups: list[tuple[str | None, list[Policy]]] = [(c, [p for p in current if p.category == c]) for c in categories]
    groups.append((None, expired))
    sections = []
    n = 0
    for number, (category, policies) in enumerate(groups, 1):
        if not policies:
            continue
        entries = []
        for p in policies:
            n += 1
            entries.append(entry(n, p))
        sections.append(HandbookSection(f"section-{number}", category, entries))
    return HandbookView(schema.title, as_of, site_url.rstrip("/") + "/",
                        page_address(site_url, "policies/index", directory_urls), sections, n)
