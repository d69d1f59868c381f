"""Two releases compared reveal no issue's enterprise: one issue is moved and one
added between two builds a day apart, and an attacker who has both sites looks
for the enterprise whose town, industry, size and 规上 fit every difference.

Grouped tables are published once, when their period is frozen; a period not
frozen yet shows its totals only (they change, but name no attribute), and a
period frozen over days whose frozen tables were since revised withholds its
enterprise tables (their difference with the older ones would be the change).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

from conftest import ledger_as_of

from generator.cli import cli

DIMENSIONS = {"town": "town", "industry": "industry", "size": "size", "above_scale": "above_scale"}


def one_issue_changed(rows) -> None:
    """An April issue's 销号 moved into May, and one more issue reported in April."""
    moved = next(r for r in rows["issues"] if r["closed_on"] and r["closed_on"].month == 4
                 and r["reported_on"].month == 4 and r["closed_on"].day > 20)
    moved["closed_on"] = dt.date(2022, 5, 3)
    if moved.get("revisit_on"):
        moved["revisit_on"] = dt.date(2022, 5, 6)
    rows["issues"].append(dict(moved, issue_id="Q9999"))  # the same enterprise raises another


def changed_enterprise(rows) -> str:
    return next(r["enterprise_id"] for r in rows["issues"] if r["issue_id"] == "Q9999")


def public_tables(site: Path) -> dict[tuple[str, str, str], list[dict]]:
    """Every grouped table of every period page's JSON file: (kind, key, table) -> rows."""
    out = {}
    for path in sorted((site / "progress").glob("*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for name, table in data["tables"].items():
            out[(data["period"]["kind"], data["period"]["key"], name)] = table["rows"]
    return out


def attributes(rows, enterprise_id: str) -> dict[str, str]:
    e = next(e for e in rows["enterprises"] if e["enterprise_id"] == enterprise_id)
    return {dim: ({"是": "规上", "否": "规下"}[e[field]] if dim == "above_scale" else e[field])
            for dim, field in DIMENSIONS.items()}


def candidates(before: dict, after: dict, rows) -> set[str]:
    """The attacker: enterprises whose attributes match every value whose published number changed.

    A cell counts when it is a number in both releases and the numbers differ (a withheld
    cell says nothing); counts only change at the changed issue's own town, industry, size."""
    changed: dict[str, set[str]] = {}
    for key in set(before) & set(after):
        _kind, _period, name = key
        if name not in DIMENSIONS:
            continue
        old = {r[name]: r for r in before[key]}
        for row in after[key]:
            was = old.get(row[name])
            for column in ("issues_new", "issues_closed"):
                a, b = (was or {}).get(column), row.get(column)
                if isinstance(a, int) and isinstance(b, int) and a != b:
                    changed.setdefault(name, set()).add(row[name])
    every = {e["enterprise_id"] for e in rows["enterprises"]}
    return {e for e in every if all(attributes(rows, e)[d] in values for d, values in changed.items())}


def as_of(day: dt.date, change=None):
    """The ledger as it stood on ``day`` (issues reported by then, closed by then or still open;
    the optional ledgers up to then), changed by ``change``."""
    def edit(rows) -> None:
        ledger_as_of(rows, day)
        rows["leniency_cases"] = [r for r in rows["leniency_cases"] if max(
            d for d in (r["found_on"], r.get("checked_on"), r.get("revisit_on")) if d) <= day]
        rows["project_reports"] = [r for r in rows["project_reports"] if r["report_on"] <= day]
        if change:
            change(rows)
    return edit


MARCH, JUNE = dt.date(2022, 3, 31), dt.date(2022, 6, 10)


def test_a_daily_build_and_the_next_reveal_nothing(make_workbook, sample_rows, runner, tmp_path):
    """Nothing frozen after March: April and May are not published yet, the change lands in them."""
    path = make_workbook(as_of(MARCH))
    folder = tmp_path / "published"
    args = ["--source", str(path), "--published-dir", str(folder)]
    assert runner.invoke(cli, ["publish", "--period", "month", *args, "--as-of", "2022-03-31",
                               "--site-dir", str(tmp_path / "s0")]).exit_code == 0
    make_workbook(as_of(JUNE))
    first = runner.invoke(cli, ["build", *args, "--as-of", "2022-06-10", "--site-dir", str(tmp_path / "s1")])
    assert first.exit_code == 0, first.output
    make_workbook(as_of(JUNE, one_issue_changed))
    second = runner.invoke(cli, ["build", *args, "--as-of", "2022-06-11", "--site-dir", str(tmp_path / "s2")])
    assert second.exit_code == 0, second.output
    before, after = public_tables(tmp_path / "s1"), public_tables(tmp_path / "s2")
    assert before == after  # not one grouped cell differs
    april = json.loads((tmp_path / "s2" / "progress" / "month" / "2022-04.json").read_text(encoding="utf-8"))
    old_april = json.loads((tmp_path / "s1" / "progress" / "month" / "2022-04.json").read_text(encoding="utf-8"))
    assert april["figures"]["issues_new"] == old_april["figures"]["issues_new"] + 1  # the totals do change
    assert all(t["why"] == "provisional" for t in april["tables"].values())
    rows = json.loads(json.dumps(sample_rows, default=str))
    assert candidates(before, after, rows) == {e["enterprise_id"] for e in rows["enterprises"]}


def test_the_attacker_finds_the_enterprise_when_unfrozen_periods_show_grouped_tables(
        make_workbook, sample_rows, runner, tmp_path):
    """What the design prevents: the same two days, each publishing April and May with their
    tables (as a build of a period not yet frozen did before), narrow the enterprise to a handful."""
    sites = []
    for n, change in enumerate((None, one_issue_changed)):
        path = make_workbook(as_of(JUNE, change), name=f"book{n}.xlsx")
        result = runner.invoke(cli, ["publish", "--period", "month", "--source", str(path), "--as-of", "2022-06-10",
                                     "--published-dir", str(tmp_path / f"p{n}"), "--site-dir", str(tmp_path / f"s{n}")])
        assert result.exit_code == 0, result.output
        sites.append(public_tables(tmp_path / f"s{n}"))
    rows = json.loads(json.dumps(sample_rows, default=str))
    changed = copy.deepcopy(sample_rows)
    one_issue_changed(changed)
    found = candidates(sites[0], sites[1], rows)
    # 2 of the sample's 600 enterprises fit, the changed one among them
    assert changed_enterprise(changed) in found and len(found) <= len(rows["enterprises"]) // 100


def test_publishing_the_month_after_a_revision_withholds_what_would_differ(
        make_workbook, sample_rows, runner, tmp_path):
    """Weeks frozen before the change, months frozen after it: the months' enterprise tables, set
    beside the weeks', would show the change; they are withheld, the weeks keep their numbers."""
    path = make_workbook(as_of(MARCH))
    folder = tmp_path / "published"
    args = ["--source", str(path), "--published-dir", str(folder)]
    assert runner.invoke(cli, ["publish", "--period", "month", *args, "--as-of", "2022-03-31",
                               "--site-dir", str(tmp_path / "s0")]).exit_code == 0
    make_workbook(as_of(JUNE))
    first = runner.invoke(cli, ["publish", "--period", "week", *args, "--as-of", "2022-06-10",
                                "--site-dir", str(tmp_path / "s1")])
    assert first.exit_code == 0, first.output
    make_workbook(as_of(JUNE, one_issue_changed))
    second = runner.invoke(cli, ["publish", "--period", "month", *args, "--as-of", "2022-06-11",
                                 "--site-dir", str(tmp_path / "s2")])
    assert second.exit_code == 0, second.output
    before, after = public_tables(tmp_path / "s1"), public_tables(tmp_path / "s2")
    for key, rows in before.items():
        if key[0] == "week":
            assert after[key] == rows  # frozen: unchanged
    for month in ("2022-04", "2022-05"):
        data = json.loads((tmp_path / "s2" / "progress" / "month" / f"{month}.json").read_text(encoding="utf-8"))
        assert data["frozen"] == {"on": "2022-06-11"}
        for name, table in data["tables"].items():
            if table["enterprise_attribute"]:
                assert table["withheld"] and table["why"] in ("revised", "small"), (month, name)
        page = (tmp_path / "s2" / "progress" / "month" / f"{month}.html").read_text(encoding="utf-8")
        assert "为防止把本表与它对比推算出具体企业的情况" in page
    week = json.loads((tmp_path / "s2" / "progress" / "week" / "2022-W15.json").read_text(encoding="utf-8"))
    assert week["grouped_revised"] or any(
        json.loads(p.read_text(encoding="utf-8"))["grouped_revised"] for p in (tmp_path / "s2" / "progress" / "week").glob("2022-W1*.json"))
    # Weeks and months of both releases together: the attacker's differences fit every enterprise.
    union = {**before, **{k: v for k, v in after.items() if k not in before}}
    rows = json.loads(json.dumps(sample_rows, default=str))
    assert candidates(before, union, rows) == {e["enterprise_id"] for e in rows["enterprises"]}
