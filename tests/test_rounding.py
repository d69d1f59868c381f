"""Rates are 四舍五入 to one decimal in decimal arithmetic, from the whole counts
(site.md): 51/80 = 63.75 % is 63.8, which binary floating point rounds to 63.7."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from generator.figures.rounding import legacy_percent, percent, percent_text, shares_total
from generator.render.environment import percent as percent_filter
from generator.render.labels import shares_note


@pytest.mark.parametrize("part,whole,shown", [
    (51, 80, "63.8%"),  # 63.75: half up
    (1, 8, "12.5%"),
    (1, 3, "33.3%"),
    (2, 3, "66.7%"),
    (1, 2000, "0.1%"),  # 0.05: half up
    (1, 2001, "0.0%"),
    (0, 7, "0.0%"),
    (7, 7, "100.0%"),
])
def test_half_up_from_the_counts(part, whole, shown):
    assert percent_text(Fraction(part, whole)) == shown
    assert percent_filter(Fraction(part, whole)) == shown
    assert f"{percent(Fraction(part, whole)):.1f}%" == shown


def test_binary_floating_point_got_it_wrong():
    assert round(51 / 80 * 100, 1) == 63.7
    assert legacy_percent(Fraction(51, 80)) == 63.7 and percent(Fraction(51, 80)) == 63.8


def test_no_denominator_is_a_dash():
    assert percent(None) is None and percent_text(None) == "—" and percent_filter(None) == "—"


def test_decimal_amounts_are_exact_too():
    assert percent_text(Decimal("0.63749")) == "63.7%" and percent_text(Decimal("0.6375")) == "63.8%"


def test_shares_that_do_not_add_to_100_say_so():
    assert shares_total([33.3, 33.3, 33.3]) == Decimal("99.9")
    note = shares_note([33.3, 33.3, 33.3])
    assert note is not None and "合计为 99.9%" in note and "舍入" in note
    assert shares_note([50.0, 25.0, 25.0]) is None
    assert shares_note([None, None, None]) is None
