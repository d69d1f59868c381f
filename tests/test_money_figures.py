"""The published 兑付 figures (issue 16): recomputed here from the workbook's own cells
(openpyxl), attacked with scipy's linprog over every cell a month publishes, and the
frozen months' sums on the progress index; unfrozen months publish no amount."""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
import statistics
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from htmltree import parse
from scipy.optimize import linprog

from generator.cli import cli
from generator.sources import EXAMPLE_WORKBOOK

MARK = "*"
P = 10.0  # workbook.yaml dominance: p_percent, p 10
K = 3  # suppression.k
DIMENSIONS = {"town": "所在镇街", "industry": "所属行业", "size": "企业规模", "above_scale": "规上企业"}


def sheet_rows(book: Path, title: str) -> list[dict]:
    ws = openpyxl.load_workbook(book, read_only=True)[title]
    rows = ws.iter_rows(values_only=True)
    header = next(rows)
    return [dict(zip(header, r, strict=False)) for r in rows if any(v is not None for v in r)]


def paid_rows(book: Path) -> list[dict]:
    """Each 已拨付 row with the cells it counts in, from the workbook alone."""
    firms = {r["企业编号"]: r for r in sheet_rows(book, "企业")}
    policies = {r["政策编号"]: r for r in sheet_rows(book, "政策")}
    out = []
    for r in sheet_rows(book, "兑付"):
        if r["状态"] != "已拨付":
            continue
        firm, policy = firms[r["企业编号"]], policies[r["政策编号"]]
        cells = {("category", policy["政策类别"])}
        if policy["发布"] == "是":
            cells.add(("policy", r["政策编号"]))
        for name, header in DIMENSIONS.items():
            value = firm[header]
            cells.add((name, {"是": "规上", "否": "规下"}[value] if name == "above_scale" else value))
        out.append({"month": r["拨付日期"].strftime("%Y-%m"), "firm": r["企业编号"], "amount": float(r["金额（元）"]),
                    "days": (r["拨付日期"] - r["申报日期"]).days, "cells": cells})
    return out


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The example published month by month, then built again (frozen files read back)."""
    from click.testing import CliRunner

    tmp = tmp_path_factory.mktemp("money")
    book = tmp / "book.xlsx"
    shutil.copy(EXAMPLE_WORKBOOK, book)
    args = ["--source", str(book), "--as-of", "2022-12-31", "--site-dir", str(tmp / "site")]
    result = CliRunner().invoke(cli, ["publish", "--period", "month", *args])
    assert result.exit_code == 0, result.output
    return tmp, book


def months(tmp: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((tmp / "published" / "month").glob("*.json"))}


def cells_of(money: dict) -> dict[tuple[str, str], dict]:
    out = {("total", ""): money["figures"]}
    for name, table in money["tables"].items():
        for row in table["rows"]:
            out[(name, row[name])] = row
    return out


def members(paid: list[dict], cell: tuple[str, str]) -> list[dict]:
    return paid if cell == ("total", "") else [p for p in paid if cell in p["cells"]]


def payees(rows: list[dict]) -> list[float]:
    """What each enterprise was paid in these rows, largest first."""
    by_firm: dict[str, float] = defaultdict(float)
    for p in rows:
        by_firm[p["firm"]] += p["amount"]
    return sorted(by_firm.values(), reverse=True)


def test_every_published_count_amount_and_median_is_the_workbooks(published):
    tmp, book = published
    paid = paid_rows(book)
    shown = 0
    for key, doc in months(tmp).items():
        mine = [p for p in paid if p["month"] == key]
        for cell, row in cells_of(doc["money"]).items():
            rows = members(mine, cell)
            if row["payments_amount"] == MARK:
                assert row["payments_count"] == MARK and row["median_days_to_pay"] == MARK
                continue
            assert row["payments_count"] == len(rows), (key, cell)
            assert row["payments_amount"] == round(math.fsum(p["amount"] for p in rows)), (key, cell)
            median = statistics.median([p["days"] for p in rows]) if rows else None
            assert row["median_days_to_pay"] == median, (key, cell)
            shown += bool(rows)
    assert shown > 50  # a fair part of the cells is published, not only zeros


def test_no_published_amount_draws_on_fewer_than_k_enterprises_or_is_dominated(published):
    tmp, book = published
    paid = paid_rows(book)
    for key, doc in months(tmp).items():
        mine = [p for p in paid if p["month"] == key]
        for cell, row in cells_of(doc["money"]).items():
            if row["payments_amount"] == MARK or not members(mine, cell):
                continue
            amounts = payees(members(mine, cell))
            assert len(amounts) >= K, (key, cell, amounts)
            assert sum(amounts[2:]) >= P / 100 * amounts[0], (key, cell, amounts)


def attack(mine: list[dict], money: dict) -> list[tuple]:
    """Each suppressed sensitive cell the reader can bound within its protection: one
    unknown >= 0 per atom (the cells a payment counts in, an atom's total amount) and
    every published amount, the month's total and every table's cells, within half a yuan."""
    atoms = sorted({frozenset(p["cells"]) for p in mine}, key=sorted)
    column = {a: i for i, a in enumerate(atoms)}
    cells = cells_of(money)

    def row_of(cell):
        v = np.zeros(len(atoms))
        for p in members(mine, cell):
            v[column[frozenset(p["cells"])]] = 1.0
        return v

    a_ub, b_ub = [], []
    for cell, row in cells.items():
        if row["payments_amount"] != MARK:
            a_ub += [row_of(cell), -row_of(cell)]
            b_ub += [row["payments_amount"] + 0.5, -(row["payments_amount"] - 0.5)]
    failures = []
    for cell, row in cells.items():
        rows = members(mine, cell)
        if row["payments_amount"] != MARK or not rows:
            continue
        amounts = payees(rows)
        total = math.fsum(amounts)
        r = P / 100 * amounts[0] - (total - amounts[0] - (amounts[1] if len(amounts) > 1 else 0.0))
        if len(amounts) < K:
            r = max(r, P / 100 * amounts[0])
        if r <= 0:
            continue
        bounds = []
        for sense in (1.0, -1.0):
            res = linprog(sense * row_of(cell), A_ub=np.array(a_ub), b_ub=np.array(b_ub), bounds=(0, None),
                          method="highs")
            bounds.append(math.inf if res.status == 3 else sense * res.fun)
        low, high = bounds
        if high < total + r - 1e-6 * total or low > max(total - r, 0.0) + 1e-6 * total:
            failures.append((cell, low, total, high, r))
    return failures


def test_an_lp_attack_on_each_month_recovers_no_amount_within_p_percent(published):
    tmp, book = published
    paid = paid_rows(book)
    attacked = 0
    for key, doc in months(tmp).items():
        mine = [p for p in paid if p["month"] == key]
        if mine:
            assert attack(mine, doc["money"]) == [], key
            attacked += 1
    assert attacked >= 10


def test_the_attack_recovers_an_amount_when_only_the_primary_cells_are_hidden(published):
    """The attacker is not toothless: publish again a complement of one month, and a
    dominated cell is bounded within its protection."""
    tmp, book = published
    paid = paid_rows(book)
    doc = months(tmp)["2022-09"]["money"]
    mine = [p for p in paid if p["month"] == "2022-09"]
    cells = cells_of(doc)
    for cell, row in cells.items():
        if row["payments_amount"] == MARK:
            rows = members(mine, cell)
            firms = {p["firm"] for p in rows}
            if len(firms) >= K and rows:  # a complement, not a small cell: show it
                row["payments_amount"] = round(math.fsum(p["amount"] for p in rows))
    assert attack(mine, doc) != []


def test_pages_and_open_data_show_the_frozen_months_money(published):
    tmp, _book = published
    site = tmp / "site"
    frozen = months(tmp)["2022-09"]["money"]
    data = json.loads((site / "progress" / "month" / "2022-09.json").read_text(encoding="utf-8"))
    assert data["money"]["units"]["payments_amount"] == "yuan"
    assert data["money"]["figures"]["payments_amount"] == frozen["figures"]["payments_amount"]
    hidden = [r for r in data["money"]["tables"]["town"]["rows"] if r["conf_status"]["payments_amount"] == "C"]
    assert hidden and all(r["payments_amount"] is None for r in hidden)
    page = parse(site / "progress" / "month" / "2022-09.html")
    text = page.text()
    assert "政策兑付" in text and f"{frozen['figures']['payments_amount']:,}" in text
    csv = (site / "progress" / "month" / "2022-09.csv").read_text(encoding="utf-8-sig")
    assert "money.figures.payments_amount" in csv


def test_the_index_adds_up_the_frozen_months_and_hides_what_any_month_hid(published):
    tmp, _book = published
    docs = months(tmp)
    index = parse(tmp / "site" / "progress" / "index.html")
    text = index.text()
    total = sum(d["money"]["figures"]["payments_amount"] for d in docs.values())
    assert "已发布的 12 个月合计" in text
    assert f"{total:,}" in text
    towns = {r["town"] for d in docs.values() for r in d["money"]["tables"]["town"]["rows"]
             if r["payments_amount"] == MARK}
    table = next(t for t in index.find_all("table") if "所在镇街" in t.text())
    for tr in table.find_all("tr")[1:]:
        cells = [c.text().strip() for c in tr.iter() if c.tag in ("td", "th")]
        if cells[0] in towns:
            assert cells[1:3] == [MARK, MARK], cells


def test_an_unfrozen_month_publishes_no_amount(make_workbook, runner, tmp_path):
    book = make_workbook()
    site = tmp_path / "site"
    result = runner.invoke(cli, ["build", "--source", str(book), "--as-of", "2022-12-31", "--site-dir", str(site)])
    assert result.exit_code == 0, result.output
    data = json.loads((site / "progress" / "month" / "2022-09.json").read_text(encoding="utf-8"))
    assert "money" not in data
    text = parse(site / "progress" / "month" / "2022-09.html").text()
    assert "本月的兑付数字（拨付笔数、金额、申报至拨付天数和已告知率）在本月数字发布时一并公布" in text
    assert "已发布的" not in parse(site / "progress" / "index.html").text()


def test_a_frozen_month_keeps_its_money_when_the_ledger_changes(published, runner):
    tmp, book = published
    before = months(tmp)["2022-09"]["money"]
    wb = openpyxl.load_workbook(book)
    ws = wb["兑付"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        paid_on = row[header.index("拨付日期")].value
        if isinstance(paid_on, dt.datetime) and paid_on.month == 9:
            row[header.index("金额（元）")].value = 1
    wb.save(book)
    site = tmp / "site-again"
    result = runner.invoke(cli, ["build", "--source", str(book), "--as-of", "2022-12-31", "--site-dir", str(site)])
    assert result.exit_code == 0, result.output
    data = json.loads((site / "progress" / "month" / "2022-09.json").read_text(encoding="utf-8"))
    assert data["money"]["figures"]["payments_amount"] == before["figures"]["payments_amount"]


def test_a_workbook_without_the_payments_sheet_says_nothing_of_money(make_workbook, runner, tmp_path):
    book = make_workbook(lambda rows: rows.pop("payments"))
    site = tmp_path / "site"
    args = ["--source", str(book), "--as-of", "2022-12-31", "--site-dir", str(site)]
    result = runner.invoke(cli, ["publish", "--period", "month", *args])
    assert result.exit_code == 0, result.output
    frozen = json.loads((tmp_path / "published" / "month" / "2022-09.json").read_text(encoding="utf-8"))
    assert "money" not in frozen
    assert "政策兑付" not in parse(site / "progress" / "month" / "2022-09.html").text()


def listed(cell) -> set[str]:
    return {v.strip() for v in str(cell).replace("，", "、").split("、") if v.strip()} if cell else set()


def test_the_told_rate_is_the_share_of_matching_pairs_told_by_the_months_end(published):
    """Recomputed by brute force over every pair, from the workbook: open published policies at
    the month's end, the enterprises their 适用 lists and 规上 condition let in, told or not."""
    tmp, book = published
    firms = sheet_rows(book, "企业")
    policies = sheet_rows(book, "政策")
    above = {r["政策编号"]: r["比较"] for r in sheet_rows(book, "申报条件") if r["条件"] == "规上"}
    pushes = sheet_rows(book, "政策推送")
    checked = 0
    for key, doc in months(tmp).items():
        year, month = map(int, key.split("-"))
        end = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))
        told = {(r["政策编号"], r["企业编号"]) for r in pushes if r["告知日期"].date() <= end}

        def open_at(p, end=end):
            return (p["发布"] == "是" and p["生效日期"].date() <= end
                    and (p["截止日期"] is None or p["截止日期"].date() >= end)
                    and (p["申报截止"] is None or p["申报截止"].date() >= end))

        hits = whole = 0
        by_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for p in filter(open_at, policies):
            for f in firms:
                lists = ((p["适用行业"], f["所属行业"]), (p["适用规模"], f["企业规模"]), (p["适用镇街"], f["所在镇街"]))
                if any(listed(allowed) and value not in listed(allowed) for allowed, value in lists):
                    continue
                if p["政策编号"] in above and (f["规上企业"] == "是") != (above[p["政策编号"]] == "是"):
                    continue
                hit = (p["政策编号"], f["企业编号"]) in told
                hits, whole = hits + hit, whole + 1
                by_category[p["政策类别"]][0] += hit
                by_category[p["政策类别"]][1] += 1

        def rate(part, all_):
            return float((Decimal(part) * 1000 / Decimal(all_)).quantize(Decimal(1), ROUND_HALF_UP)) / 10

        assert doc["money"]["figures"]["eligible_told_rate"] == rate(hits, whole), key
        for row in doc["money"]["tables"]["category"]["rows"]:
            part, all_ = by_category.get(row["category"], [0, 0])
            if all_ and row["eligible_told_rate"] != MARK:
                assert row["eligible_told_rate"] == rate(part, all_), (key, row)
        checked += 1
    assert checked == 12
