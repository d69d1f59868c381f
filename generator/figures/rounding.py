"""Rates as they are published (site.md): a percentage with one decimal,
rounded 四舍五入 (half up), worked out exactly from the whole counts.

Floating point cannot do this: 51/80 is 63.75 %, but ``round(63.75, 1)`` gives
63.7 because 0.6375 has no exact binary form. Here a rate is a ``Fraction`` of
two counts until the moment it is published, and the published value is whole
tenths of a percent, so 51/80 is 63.8.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

Ratio = Fraction


def ratio(part: int, whole: int) -> Fraction | None:
    """part / whole exactly; None when there is no denominator."""
    return None if whole == 0 else Fraction(part, whole)


def tenths(value: Fraction | Decimal) -> int:
    """The value as a percentage in whole tenths, half up (value 0.6375 → 638)."""
    scaled = Fraction(value) * 1000
    return int((scaled * 2 + 1) // 2)


def percent(value: Fraction | Decimal | None) -> float | None:
    """The published percentage (one decimal, half up); None for none."""
    return None if value is None else tenths(value) / 10


def percent_text(value: Fraction | Decimal | None) -> str:
    """As a page shows it: "63.8%", "—" when there is no denominator."""
    if value is None:
        return "—"
    t = tenths(value)
    return f"{t // 10}.{t % 10}%"


def legacy_percent(value: Fraction | None) -> float | None:
    """The value as versions before frozen-file format 3 published it (binary
    floating point, ``round``): used only to tell a changed ledger from the
    change of rounding rule when a frozen period is compared with the ledger."""
    return None if value is None else round(float(value) * 100, 1)


def shares_total(shares: Sequence[object]) -> Decimal | None:
    """The sum of published shares (each one decimal), exactly; None when none is published."""
    known = [Decimal(str(s)) for s in shares if isinstance(s, int | float)]
    return sum(known, Decimal(0)) if known else None
