"""Money figures under disclosure control (issue 16): the dominance rule, primary and
secondary suppression of sums, and an attacker, written here independently of
generator/figures/dominance.py (scipy's linprog over the published cells), that must
not bound any suppressed sensitive cell within its required protection."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest
from scipy.optimize import linprog

from generator.errors import ConfigError
from generator.figures.dominance import (
    Atom,
    Cell,
    audit,
    cell_contributions,
    protect,
    published_value,
    required_protection,
    sensitive,
)
from generator.schema import load_schema
from generator.schema.dominance import Dominance

P10 = Dominance(rule="p_percent", p=10)
NK = Dominance(rule="nk", n=2, k=85)


# --- an independent attacker and rule -------------------------------------------

def attack(cells: list[Cell], atoms: dict[str, Atom], hidden: set[str],
           half_width: float = 0.0) -> dict[str, tuple[float, float]]:
    """[L, U] of each hidden cell from the published ones: one unknown >= 0 per atom,
    each published sum within half_width of the figure shown (rounded to 2*half_width)."""
    names = sorted({a for c in cells for a in c.atoms})
    col = {a: j for j, a in enumerate(names)}

    def row(cell: Cell) -> np.ndarray:
        x = np.zeros(len(names))
        x[[col[a] for a in cell.atoms]] = 1.0
        return x

    def value(cell: Cell) -> float:
        t = sum(sum(atoms[a].contributions.values()) for a in cell.atoms)
        return t if half_width == 0 else round(t / (2 * half_width)) * 2 * half_width

    shown = [c for c in cells if c.id not in hidden]
    a = np.array([row(c) for c in shown]) if shown else None
    b = np.array([value(c) for c in shown]) if shown else None
    kwargs: dict = {"bounds": (0, None), "method": "highs"}
    if shown and half_width == 0:
        kwargs.update(A_eq=a, b_eq=b)
    elif shown:
        kwargs.update(A_ub=np.vstack([a, -a]), b_ub=np.concatenate([b + half_width, -(b - half_width)]))
    out = {}
    for cell in cells:
        if cell.id not in hidden:
            continue
        ends = []
        for sense in (1.0, -1.0):
            res = linprog(sense * row(cell), **kwargs)
            assert res.status in (0, 3), (cell.id, res.message)
            ends.append(math.inf if res.status == 3 else sense * res.fun)
        out[cell.id] = (ends[0], ends[1])
    return out


def p_rule_r(amounts: list[float], p: float = 10.0, k: int = 3) -> float:
    """The p % rule's required protection, by its definition (0: not dominated)."""
    xs = sorted((v for v in amounts if v > 0), reverse=True) + [0.0, 0.0]
    total = sum(xs)
    r = p / 100 * xs[0] - (total - xs[0] - xs[1])
    if 0 < len([v for v in amounts if v > 0]) < k:
        r = max(r, p / 100 * xs[0])
    return max(r, 0.0)


def assert_attacker_fails(cells, atoms, protection, half_width=0.0):
    bounds = attack(cells, atoms, set(protection.suppressed), half_width)
    for proof in protection.proofs:
        low, high = bounds[proof.cell]
        slack = 1e-6 * max(1.0, proof.total)
        assert high >= proof.total + proof.required - slack, (proof, low, high)
        assert low <= max(proof.total - proof.required, 0.0) + slack, (proof, low, high)
        # The module's own proof agrees with the attacker.
        assert math.isclose(proof.low, low, rel_tol=1e-6, abs_tol=1e-6)
        assert proof.high == high or math.isclose(proof.high, high, rel_tol=1e-6)


def two_way(amounts: dict[tuple[str, str], dict[str, float]], table: str = "t", tag: str = ""):
    """Interior cells, row and column totals and the grand total over (town, industry) atoms."""
    towns = sorted({t for t, _ in amounts})
    industries = sorted({i for _, i in amounts})
    cells = [Cell(f"{tag}{t}|{i}", table, frozenset({f"{tag}{t}{i}"})) for t, i in amounts]
    cells += [Cell(f"{tag}{t}|*", table, frozenset(f"{tag}{t}{i}" for i in industries)) for t in towns]
    cells += [Cell(f"{tag}*|{i}", table, frozenset(f"{tag}{t}{i}" for t in towns)) for i in industries]
    cells.append(Cell(f"{tag}*|*", table, frozenset(f"{tag}{t}{i}" for t, i in amounts)))
    atoms = {f"{tag}{t}{i}": Atom(f"{tag}{t}{i}", c) for (t, i), c in amounts.items()}
    return cells, atoms


# --- the rules ------------------------------------------------------------------

def test_p_percent_rule():
    dominated = {"a": 100.0, "b": 5.0, "c": 3.0}
    assert sensitive(dominated, P10, 3)
    assert required_protection(dominated, P10, 3) == pytest.approx(7.0)  # 10 - 3
    equal = {"a": 10.0, "b": 10.0, "c": 10.0}
    assert not sensitive(equal, P10, 3)
    assert required_protection(equal, P10, 3) == 0.0
    # Two enterprises: each knows the other's amount from the total.
    assert sensitive({"a": 10.0, "b": 10.0}, P10, 2)
    assert required_protection({"a": 10.0, "b": 10.0}, P10, 2) == pytest.approx(1.0)
    # Fewer than k enterprises, though not dominated: protected as if the largest were alone.
    assert sensitive(equal, P10, 4)
    assert required_protection(equal, P10, 4) == pytest.approx(1.0)
    # Just at the threshold: 8 is not less than 10 % of 80.
    assert not sensitive({"a": 80.0, "b": 12.0, "c": 4.0, "d": 4.0}, P10, 3)


def test_nk_rule():
    dominated = {"a": 100.0, "b": 5.0, "c": 3.0}
    assert sensitive(dominated, NK, 3)
    assert required_protection(dominated, NK, 3) == pytest.approx(100 / 85 * 105 - 108)
    assert not sensitive({"a": 10.0, "b": 10.0, "c": 10.0}, NK, 3)
    # Fewer than k: p = 100 (100 - 85) / 85 of the largest.
    assert sensitive({"a": 10.0, "b": 10.0, "c": 10.0}, NK, 4)
    assert required_protection({"a": 10.0, "b": 10.0, "c": 10.0}, NK, 4) == pytest.approx(10 * 15 / 85)
    assert sensitive({"a": 50.0, "b": 40.0, "c": 10.0}, Dominance(rule="nk", n=1, k=45), 3)
    assert not sensitive({"a": 50.0, "b": 40.0, "c": 10.0}, Dominance(rule="nk", n=1, k=50), 3)


def test_empty_cells_and_zero_payments():
    assert not sensitive({}, P10, 3)
    assert not sensitive({"a": 0.0, "b": 0.0}, P10, 3)
    atoms = {"x": Atom("x", {"a": 5.0, "b": 0.0}), "y": Atom("y", {"a": 7.0, "c": 2.0})}
    # One enterprise in two atoms is one contributor; one paid nothing is none.
    assert cell_contributions(Cell("c", "t", frozenset({"x", "y"})), atoms) == {"a": 12.0, "c": 2.0}
    assert published_value(1234.4, 0.5) == 1234.0
    assert published_value(1234.0, 50.0) == 1200.0


# --- a table by town and industry --------------------------------------------------

def _town_industry():
    amounts = {}
    for n, (t, i) in enumerate(itertools.product("ABC", "XYZ")):
        amounts[(t, i)] = {f"{t}{i}{j}": float(v) for j, v in enumerate([100 + 10 * n, 90 + 5 * n, 80, 70])}
    amounts[("A", "X")] = {"big": 1000.0, "s1": 50.0, "s2": 20.0, "s3": 10.0}
    return two_way(amounts)


def test_primary_suppression_alone_gives_the_cell_away():
    cells, atoms = _town_industry()
    (proof,) = audit(cells, atoms, ["A|X"], P10, 3)
    assert (proof.cell, proof.total, proof.required) == ("A|X", 1080.0, 70.0)
    assert not proof.protected
    # The attacker recovers it exactly, from its row or column total.
    assert attack(cells, atoms, {"A|X"})["A|X"] == pytest.approx((1080.0, 1080.0))


def test_secondary_suppression_protects_the_dominated_cell():
    cells, atoms = _town_industry()
    protection = protect(cells, atoms, P10, 3)
    assert protection.primary == ("A|X",)
    # A rectangle: the cell, one more in its row, in its column, and the fourth corner.
    assert protection.secondary == ("A|Y", "B|X", "B|Y")
    (proof,) = protection.proofs
    assert proof.protected
    assert (proof.low, proof.high) == pytest.approx((680.0, 1435.0))
    assert_attacker_fails(cells, atoms, protection)


def test_the_nk_rule_protects_the_dominated_cell_too():
    cells, atoms = _town_industry()
    protection = protect(cells, atoms, NK, 3)
    assert protection.primary == ("A|X",)
    (proof,) = protection.proofs
    assert proof.required == pytest.approx(100 / 85 * 1050 - 1080)
    assert proof.protected
    assert_attacker_fails(cells, atoms, protection)


def test_rounded_figures_are_ranges_for_the_attacker():
    cells, atoms = _town_industry()
    protection = protect(cells, atoms, P10, 3, rounding=50.0)
    assert protection.primary == ("A|X",)
    assert all(p.protected for p in protection.proofs)
    assert_attacker_fails(cells, atoms, protection, half_width=50.0)


# --- months and a quarter over the same atoms --------------------------------------

def test_a_month_suppressed_under_a_published_quarter_gets_a_complement():
    amounts = {
        ("A", "01"): {"a1": 300.0, "a2": 280.0, "a3": 250.0},
        ("B", "01"): {"b1": 200.0, "b2": 190.0, "b3": 180.0},
        ("A", "02"): {"big": 5000.0, "a2": 40.0, "a3": 30.0},
        ("B", "02"): {"b1": 210.0, "b2": 160.0, "b3": 150.0},
        ("A", "03"): {"a1": 320.0, "a2": 300.0, "a3": 200.0},
        ("B", "03"): {"b1": 400.0, "b2": 350.0, "b3": 300.0},
    }
    atoms = {t + m: Atom(t + m, c) for (t, m), c in amounts.items()}
    months = [Cell(f"2024-{m}", "monthly", frozenset({"A" + m, "B" + m})) for m in ("01", "02", "03")]
    quarter = [Cell("2024Q1", "quarterly", frozenset(atoms)),
               Cell("2024Q1 A", "quarterly", frozenset(a for a in atoms if a[0] == "A")),
               Cell("2024Q1 B", "quarterly", frozenset(a for a in atoms if a[0] == "B"))]
    cells = months + quarter
    # 2024-02: 5000 + 40 + 30 + 520 (B): the others add up to 590 - 210 = 380 < 500.
    (proof,) = audit(cells, atoms, ["2024-02"], P10, 3)
    assert not proof.protected and proof.low == pytest.approx(5590.0)
    protection = protect(cells, atoms, P10, 3)
    assert protection.primary == ("2024-02",)
    # The smallest other month of at least r = 120 (2024-01: 1400 < 2024-03: 1870).
    assert protection.secondary == ("2024-01",)
    assert_attacker_fails(cells, atoms, protection)


# --- random tables -------------------------------------------------------------

def _random_tables(seed: int):
    """Skewed payments in a towns × industries table per month and for the quarter."""
    rng = random.Random(seed)
    towns, industries = "ABCD"[: rng.randint(2, 4)], "XYZ"[: rng.randint(2, 3)]
    months = ["m1", "m2"][: rng.randint(1, 2)]
    cells: list[Cell] = []
    atoms: dict[str, Atom] = {}
    for m in months:
        amounts = {}
        for t, i in itertools.product(towns, industries):
            people = rng.choice([0, 1, 2, 3, 4, 5, 6])
            # Pareto amounts: now and then one enterprise takes nearly everything.
            amounts[(t, i)] = {f"e{rng.randint(1, 40)}": float(round(100 * rng.paretovariate(1.1)))
                               for _ in range(people)}
        more, more_atoms = two_way(amounts, table=m, tag=m)
        cells += more
        atoms.update(more_atoms)
    for t, i in itertools.product(towns, industries):
        cells.append(Cell(f"Q {t}|{i}", "Q", frozenset(f"{m}{t}{i}" for m in months)))
    for t in towns:
        cells.append(Cell(f"Q {t}|*", "Q", frozenset(f"{m}{t}{i}" for m in months for i in industries)))
    cells.append(Cell("Q *|*", "Q", frozenset(atoms)))
    return cells, atoms


@pytest.mark.parametrize("seed", range(30))
def test_random_tables_are_protected(seed):
    cells, atoms = _random_tables(seed)
    half_width = 0.5 if seed % 3 == 0 else 0.0
    protection = protect(cells, atoms, P10, 3, rounding=half_width)
    hidden = set(protection.suppressed)
    for cell in cells:
        amounts = list(cell_contributions(cell, atoms).values())
        # No published cell is sensitive (the rule recomputed here), every sensitive one is primary.
        assert (p_rule_r(amounts) > 0) == (cell.id in protection.primary), cell.id
        if cell.id not in hidden:
            assert p_rule_r(amounts) == 0
    assert len(protection.proofs) == len(protection.primary)
    assert all(p.protected for p in protection.proofs)
    assert_attacker_fails(cells, atoms, protection, half_width)


# --- workbook.yaml dominance -------------------------------------------------------

def test_dominance_is_read_from_workbook_yaml():
    assert load_schema().dominance == Dominance(rule="p_percent", p=10.0, n=2, k=85.0)


def _schema_with(tmp_path, setting: str):
    schema_dir = tmp_path / "schema"
    schema_dir.mkdir()
    for path in load_schema().directory.glob("*.yaml"):
        (schema_dir / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    book = schema_dir / "workbook.yaml"
    text = book.read_text(encoding="utf-8")
    start = text.index("dominance: {")
    end = text.index("\n", start)
    book.write_text(text[:start] + f"dominance: {setting}" + text[end:], encoding="utf-8")
    return schema_dir, book


def test_an_nk_dominance_setting_is_read(tmp_path):
    schema_dir, _ = _schema_with(tmp_path, "{rule: nk, n: 3, k: 90}")
    assert load_schema(schema_dir).dominance == Dominance(rule="nk", p=10.0, n=3, k=90.0)


@pytest.mark.parametrize("setting, shown", [
    ("{rule: majority}", "dominance.rule 必须是 p_percent 或 nk，不能是 'majority'"),
    ("{p: 0}", "dominance.p 必须是大于 0 且小于 100 的数，不能是 0"),
    ("{p: 100}", "dominance.p 必须是大于 0 且小于 100 的数，不能是 100"),
    ("{p: 十}", "dominance.p 必须是大于 0 且小于 100 的数，不能是 '十'"),
    ("{rule: nk, n: 0}", "dominance.n 必须是不小于 1 的整数，不能是 0"),
    ("{rule: nk, n: 1.5}", "dominance.n 必须是不小于 1 的整数，不能是 1.5"),
    ("{rule: nk, k: 0}", "dominance.k 必须是大于 0 且小于 100 的数，不能是 0"),
    ("{rule: nk, k: 100}", "dominance.k 必须是大于 0 且小于 100 的数，不能是 100"),
    ("{rule: nk, q: 3}", "dominance 中有无法识别的设置：q（可用的有：rule, p, n, k）"),
    ("p_percent", "dominance 必须是一组设置（rule, p, n, k）"),
])
def test_a_wrong_dominance_setting_names_its_key(tmp_path, setting, shown):
    schema_dir, book = _schema_with(tmp_path, setting)
    with pytest.raises(ConfigError) as raised:
        load_schema(schema_dir)
    assert str(raised.value) == f"{book}：{shown}"
