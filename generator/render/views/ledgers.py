"""Labels of the two optional ledgers' figures (重点项目, 容错纠错): the week
label, the sentence per project level, the names of the total rows and of the
follow-up kinds. ``figures`` computes without naming any of them."""

from __future__ import annotations

from ...figures.leniency import FollowUpKind
from ...figures.projects import LevelProgress
from ...i18n import _
from ...schema import WorkbookSchema


def enum_of(schema: WorkbookSchema, sheet: str, field: str) -> tuple[str, ...]:
    """An enumeration of an optional sheet; empty when the schema lacks it."""
    try:
        return schema.sheet(sheet).field(field).enum or ()
    except KeyError:
        return ()


def week_label(week: tuple[int, int]) -> str:
    """An ISO week (year, week) as the pages name it."""
    return _("{year} week {week}").format(year=week[0], week=week[1])


def total_level() -> str:
    """The level word of all key projects together (their total row)."""
    return _("key")


def level_sentence(level: LevelProgress) -> str:
    """One level's (or the total's) investment against its annual plan, in a sentence."""
    rate = "—" if level.rate is None else f"{level.rate * 100:.1f}%"
    return _("{projects} {level} projects completed {invested} hundred million yuan, {rate} of the annual plan").format(
        projects=level.projects, level=total_level() if level.level is None else level.level,
        invested=f"{level.invested:.2f}", rate=rate)


def leniency_total() -> str:
    """The label of the 容错纠错 total row (all 领域)."""
    return _("Total")


def follow_up_kind(kind: FollowUpKind) -> str:
    return {FollowUpKind.CHECK: _("check"), FollowUpKind.VISIT: _("return visit")}[kind]
