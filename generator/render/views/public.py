"""Views of the public pages: the policy list on pages by category, the
officer directory by town and role, the departments with their policy steps."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from ...model import Department, Officer, Policy, PolicyStep, Programme
from ...schema import WorkbookSchema
from ..escape import place_slug, slug

# Entries per page of the policy list (~150 bytes of HTML each): a province lists
# thousands, and a page must stay light enough for a phone.
POLICIES_PER_PAGE = 250
# Officers who serve no town in particular are listed under this heading.
NO_TOWN = "未指定镇街"
# Officer cards per directory page (~1 KB of HTML each): a town of a province
# has hundreds of officers, and a page must stay light enough for a phone.
OFFICERS_PER_PAGE = 50


@dataclass(frozen=True)
class PageLink:
    number: int
    href: str


@dataclass(frozen=True)
class CategoryLink:
    category: str
    count: int
    href: str  # to the page the category begins on


@dataclass
class PolicySection:
    number: int  # categories 1, 2 …; 0 the expired ones
    category: str | None  # None: the expired ones
    total: int
    continued: bool  # begun on an earlier page
    policies: list[Policy]


@dataclass(frozen=True)
class PolicyListPage:
    name: str  # file name without suffix
    number: int
    categories: list[CategoryLink]
    sections: list[PolicySection]


@dataclass(frozen=True)
class PoliciesView:
    published: list[Policy]  # by id
    current: list[Policy]
    expired: list[Policy]
    list_pages: list[PolicyListPage]
    pages: list[PageLink]
    expired_page: str  # the list page the expired ones begin on


def _list_page_names(count: int, taken: set[str]) -> list[str]:
    """``index``, then ``index-2``, ``index-3`` … (``list-2`` … if a policy's own
    page has such a name, also on a disk that ignores case)."""
    base = "index"
    while True:
        names = ["index"] + [f"{base}-{n}" for n in range(2, count + 1)]
        if not any(n.lower() in taken for n in names[1:]):
            return names
        base = "list" if base == "index" else f"list-{base}"


def _list_pages(expired: list[Policy], by_category: list[tuple[str, list[Policy]]]) -> tuple[list[PolicyListPage], str]:
    """The list of policies by category, then the expired ones, on as many pages as
    it takes; each category's link leads to the page it begins on. Also returns the
    name of the page the expired ones begin on."""
    # (section number, policy): categories 1, 2 …; 0 the expired ones, last
    entries = [(n, p) for n, (_, items) in enumerate(by_category, 1) for p in items] + [(0, p) for p in expired]
    chunks = [entries[i:i + POLICIES_PER_PAGE] for i in range(0, len(entries), POLICIES_PER_PAGE)] or [[]]
    names = _list_page_names(len(chunks), {slug(p.policy_id).lower() for _, p in entries})
    begins: dict[int, str] = {}  # section -> the page it begins on
    for name, chunk in zip(names, chunks, strict=True):
        for section, _ in chunk:
            begins.setdefault(section, name)
    totals = {n: len(items) for n, (_, items) in enumerate(by_category, 1)} | {0: len(expired)}
    out = []
    for number, (name, chunk) in enumerate(zip(names, chunks, strict=True), 1):
        sections: list[PolicySection] = []
        for section, p in chunk:
            if not sections or sections[-1].number != section:
                sections.append(PolicySection(section, by_category[section - 1][0] if section else None,
                                              totals[section], begins[section] != name, []))
            sections[-1].policies.append(p)
        categories = [
            CategoryLink(c, len(items), ("" if begins[n] == name else f"{begins[n]}.html") + f"#cat-{n}")
            for n, (c, items) in enumerate(by_category, 1)
        ]
        out.append(PolicyListPage(name, number, categories, sections))
    return out, begins.get(0, "index")


def policies_view(programme: Programme, schema: WorkbookSchema) -> PoliciesView:
    published = sorted(programme.published_policies(), key=lambda p: p.policy_id)
    current = [p for p in published if not p.expired_at(programme.as_of)]
    expired = [p for p in published if p.expired_at(programme.as_of)]
    grouped: dict[str, list[Policy]] = defaultdict(list)
    for p in current:
        grouped[p.category].append(p)
    by_category = [(c, grouped[c]) for c in schema.enums["policy_categories"] if grouped.get(c)]
    list_pages, expired_page = _list_pages(expired, by_category)
    # Links in raw HTML, which MkDocs leaves as they are: to the built pages.
    pages = [PageLink(page.number, f"{page.name}.html") for page in list_pages]
    return PoliciesView(published, current, expired, list_pages, pages, expired_page)


@dataclass(frozen=True)
class OfficerCard:
    officer: Officer
    named: list[str]  # the enterprises served that publish their name, by name
    unnamed: int  # how many others


@dataclass
class RoleSection:
    role: str
    total: int  # officers of this role in the town, on all its pages
    continued: bool  # begun on an earlier page
    cards: list[OfficerCard]


@dataclass(frozen=True)
class TownPage:
    name: str  # file name without suffix
    number: int
    sections: list[RoleSection]
    first: int  # the officers shown, numbered in the town
    last: int


@dataclass(frozen=True)
class TownView:
    town: str
    unassigned: bool  # the NO_TOWN heading
    officer_count: int
    pages: list[TownPage]
    links: list[PageLink]

    @property
    def href(self) -> str:
        return f"{self.pages[0].name}.md"


@dataclass(frozen=True)
class DirectoryView:
    towns: list[TownView]
    officer_count: int  # in post


def _page_names(town: str, pages: int, used: set[str]) -> list[str]:
    """File names (no suffix) of a town's directory pages: ``place_slug(town)``
    (its pinyin), then ``-2``, ``-3`` … Never ``index`` nor a name taken by an
    earlier town, also on a disk that ignores case."""
    base = place_slug(town)
    while True:
        names = [base] + [f"{base}-{n}" for n in range(2, pages + 1)]
        if not any(n.lower() in used for n in names):
            used.update(n.lower() for n in names)
            return names
        base = f"town-{base}"


def _cards(programme: Programme, in_post: list[Officer]) -> dict[str, OfficerCard]:
    served: dict[str, set[str]] = defaultdict(set)
    for a in programme.active_assignments():
        served[a.officer_id].add(a.enterprise_id)
    cards = {}
    for o in in_post:
        enterprises = [programme.enterprises[e] for e in sorted(served[o.officer_id])]
        named = sorted(e.name for e in enterprises if e.publish_name)
        cards[o.officer_id] = OfficerCard(o, named, len(enterprises) - len(named))
    return cards


def _town(town: str, entries: list[tuple[str, OfficerCard]], roles: tuple[str, ...], used: set[str]) -> TownView:
    totals = {role: sum(1 for r, _ in entries if r == role) for role in roles}
    chunks = [entries[i:i + OFFICERS_PER_PAGE] for i in range(0, len(entries), OFFICERS_PER_PAGE)]
    names = _page_names(town, len(chunks), used)
    pages = []
    shown: set[str] = set()  # roles begun on an earlier page
    for number, (name, chunk) in enumerate(zip(names, chunks, strict=True), 1):
        sections: list[RoleSection] = []
        for role, card in chunk:
            if not sections or sections[-1].role != role:
                sections.append(RoleSection(role, totals[role], role in shown, []))
            sections[-1].cards.append(card)
        shown.update(s.role for s in sections)
        first = (number - 1) * OFFICERS_PER_PAGE + 1
        pages.append(TownPage(name, number, sections, first, first + len(chunk) - 1))
    links = [PageLink(n, f"{name}.html") for n, name in enumerate(names, 1)]
    return TownView(town, town == NO_TOWN, len(entries), pages, links)


def directory_view(programme: Programme, schema: WorkbookSchema) -> DirectoryView:
    """Each town's officers in post by role, on pages (an officer serving several
    towns is in each town; one serving none under NO_TOWN), so no page grows with
    the district."""
    in_post = sorted(programme.officers_in_post(), key=lambda o: (o.role, o.officer_id))
    cards = _cards(programme, in_post)
    by_town: dict[str, list[Officer]] = defaultdict(list)
    for o in in_post:
        for town in dict.fromkeys(o.towns or (NO_TOWN,)):
            by_town[town].append(o)
    roles = schema.enums["officer_roles"]
    towns = []
    used = {"index"}  # the directory's own page
    for town in dict.fromkeys([*schema.enums["towns"], NO_TOWN]):
        # (role, cards of that role) in the order of the schema's roles
        entries = [(role, cards[o.officer_id]) for role in roles for o in by_town.get(town, ()) if o.role == role]
        if entries:
            towns.append(_town(town, entries, roles, used))
    return DirectoryView(towns, len(in_post))


class DepartmentStep(NamedTuple):
    policy: Policy
    step: PolicyStep
    expired: bool


class DepartmentRow(NamedTuple):
    department: Department
    steps: int


@dataclass(frozen=True)
class DepartmentsView:
    rows: list[DepartmentRow]  # by id
    steps: dict[str, list[DepartmentStep]]  # dept id -> its steps, current policies first


def departments_view(programme: Programme) -> DepartmentsView:
    steps: dict[str, list[DepartmentStep]] = defaultdict(list)
    # Current policies first, expired ones after them, marked.
    policies = sorted(programme.published_policies(), key=lambda p: (p.expired_at(programme.as_of), p.policy_id))
    for p in policies:
        for s in p.steps:
            steps[s.dept_id].append(DepartmentStep(p, s, p.expired_at(programme.as_of)))
    departments = sorted(programme.departments.values(), key=lambda d: d.dept_id)
    return DepartmentsView([DepartmentRow(d, len(steps[d.dept_id])) for d in departments],
                           {d.dept_id: steps[d.dept_id] for d in departments})
