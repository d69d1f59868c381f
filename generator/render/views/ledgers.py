"""What the pages of the optional ledgers (重点项目, 容错纠错) read from the
schema. Their labels (week label, the sentence per level, the total rows, the
follow-up kinds) are macros of ``templates/_labels.j2``."""

from __future__ import annotations

from ...schema import WorkbookSchema


def enum_of(schema: WorkbookSchema, sheet: str, field: str) -> tuple[str, ...]:
    """An enumeration of an optional sheet; empty when the schema lacks it."""
    try:
        return schema.sheet(sheet).field(field).enum or ()
    except KeyError:
        return ()
