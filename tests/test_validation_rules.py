"""Planted mistakes: a workbook as staff could plausibly produce it, with
known mistakes in known cells. Every mistake is reported at its cell with its
rule, in Chinese and in English, and nothing is reported on the valid rows."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from generator.check.report import column_letter
from generator.cli import cli
from generator.schema import load_schema

Rows = dict[str, list[dict[str, Any]]]
Planted = set[tuple[str, str, str]]  # (sheet title, cell, code)
SCHEMA = load_schema()


def at(sheet: str, field: str, index: int) -> tuple[str, str]:
    """(sheet title, A1 cell) of row ``index`` (0-based, as written) of a sheet."""
    s = SCHEMA.sheet(sheet)
    col = next(i for i, f in enumerate(s.fields) if f.name == field)
    return s.title, f"{column_letter(col)}{index + 2}"


def first(rows: Rows, sheet: str, test: Callable[[dict[str, Any]], bool], skip: set[int] | None = None) -> int:
    return next(i for i, r in enumerate(rows[sheet]) if test(r) and i not in (skip or set()))


class Plan:
    """Mistakes planted one by one; each records where it must be reported."""

    def __init__(self, rows: Rows) -> None:
        self.rows = rows
        self.errors: Planted = set()
        self.warnings: Planted = set()
        self.used: dict[str, set[int]] = {}

    def pick(self, sheet: str, test: Callable[[dict[str, Any]], bool] = lambda r: True) -> int:
        used = self.used.setdefault(sheet, set())
        i = first(self.rows, sheet, test, used)
        used.add(i)
        return i

    def set(self, sheet: str, index: int, field: str, value: Any, code: str, *, warning: bool = False) -> None:
        self.rows[sheet][index][field] = value
        (self.warnings if warning else self.errors).add((*at(sheet, field, index), code))

    def append(self, sheet: str, row: dict[str, Any]) -> int:
        self.rows[sheet].append(row)
        self.used.setdefault(sheet, set()).add(len(self.rows[sheet]) - 1)
        return len(self.rows[sheet]) - 1

    def expect(self, sheet: str, field: str, index: int, code: str, *, warning: bool = False) -> None:
        (self.warnings if warning else self.errors).add((*at(sheet, field, index), code))


def plant(rows: Rows) -> Plan:
    p = Plan(rows)
    r = rows
    # 部门 ------------------------------------------------------------------
    i = p.pick("departments")
    p.set("departments", i, "website", "www.dept.example.gov.cn", "url")  # no scheme
    i = p.pick("departments")
    p.set("departments", i, "phone", "2022001", "phone")  # too short for a number in China
    i = p.pick("departments")
    p.set("departments", i, "name", r["departments"][0]["name"], "unique")  # the same name as row 2
    # 企业 ------------------------------------------------------------------
    i = p.pick("enterprises")
    uscc = r["enterprises"][i]["uscc"]
    wrong = "0" if uscc[-1] != "0" else "1"
    p.set("enterprises", i, "uscc", uscc[:-1] + wrong, "uscc_check")  # one character mistyped
    i = p.pick("enterprises")
    p.set("enterprises", i, "uscc", r["enterprises"][i]["uscc"][:17], "uscc_length")  # one dropped
    src, i = p.pick("enterprises"), p.pick("enterprises")
    p.set("enterprises", i, "uscc", r["enterprises"][src]["uscc"], "unique")  # copied from a row above
    i = p.pick("enterprises")
    p.set("enterprises", i, "industry", "海洋经济", "enum")
    i = p.pick("enterprises")
    p.set("enterprises", i, "above_scale", "规上", "bool_type")
    i = p.pick("enterprises")
    p.set("enterprises", i, "town", "定海区", "enum")
    # 专员 ------------------------------------------------------------------
    i = p.pick("officers")
    p.set("officers", i, "mobile", "0580-2022001", "mobile")  # a landline in the mobile column
    i = p.pick("officers")
    p.set("officers", i, "email", "lisi@", "email")
    i = p.pick("officers")
    p.set("officers", i, "towns", "解放街道、舟山新区", "list_enum")
    i = p.pick("officers")
    p.set("officers", i, "home_unit", None, "required")
    src = p.pick("officers")
    new = p.append("officers", dict(r["officers"][src], name="新来的专员"))  # a new officer given an old ID
    p.expect("officers", "officer_id", new, "unique")
    # an officer who left but still holds open issues: a warning, not an error
    i = p.pick("officers", lambda o: o["role"] == "暖企专员" and o["active"] == "是")
    p.set("officers", i, "active", "否", "inactive_in_use", warning=True)
    # 结对 ------------------------------------------------------------------
    i = p.pick("assignments")
    p.set("assignments", i, "officer_id", "O9999", "reference")
    i = p.pick("assignments", lambda a: a["end_on"] is None)
    p.set("assignments", i, "end_on", r["assignments"][i]["start_on"] - dt.timedelta(days=1), "not_before")
    # a second 暖企专员 for an enterprise that has one: overlap, naming both rows
    leads = {o["officer_id"] for o in r["officers"] if o["role"] == "暖企专员"}
    i = p.pick("assignments", lambda a: a["officer_id"] in leads and a["end_on"] is None
               and a["start_on"] < dt.date(2022, 6, 1))
    other_lead = sorted(leads - {r["assignments"][i]["officer_id"]})[0]
    new = p.append("assignments", {"officer_id": other_lead, "enterprise_id": r["assignments"][i]["enterprise_id"],
                                   "match_method": "协调选派", "start_on": dt.date(2022, 6, 1), "end_on": None})
    p.expect("assignments", "start_on", new, "overlap")
    overlap_rows = (i + 2, new + 2)
    # 问题清单 ----------------------------------------------------------------
    i = p.pick("issues", lambda q: q["status"] == "已销号")
    p.set("issues", i, "closed_on", None, "required_if")
    i = p.pick("issues", lambda q: q["status"] == "已销号")
    p.set("issues", i, "resolution", None, "required_if")
    i = p.pick("issues", lambda q: q["status"] == "已销号")
    p.set("issues", i, "closed_on", r["issues"][i]["reported_on"] - dt.timedelta(days=2), "not_before")
    i = p.pick("issues", lambda q: q["status"] == "已交办")
    for field in ("dept_id", "owner", "due_on"):
        p.set("issues", i, field, None, "required_unless")
    i = p.pick("issues", lambda q: q["status"] == "已挂号")
    p.set("issues", i, "reported_on", dt.date(2023, 1, 5), "not_after_as_of")  # typed the wrong year
    i = p.pick("issues", lambda q: q["status"] == "已挂号")
    p.set("issues", i, "closed_on", r["issues"][i]["reported_on"], "only_if")  # closed but not marked so
    i = p.pick("issues", lambda q: q["status"] == "办理中")
    p.set("issues", i, "satisfaction", "满意", "only_if")
    i = p.pick("issues", lambda q: q["status"] == "办理中")
    p.set("issues", i, "dept_id", "D099", "reference")
    i = p.pick("issues", lambda q: q["status"] == "办理中")
    p.set("issues", i, "dept_id", r["departments"][3]["name"], "reference_by_name")  # the name, not the code
    i = p.pick("issues", lambda q: q["status"] == "办理中")
    two = f"{r['departments'][1]['dept_id']}、{r['departments'][2]['dept_id']}"
    p.set("issues", i, "dept_id", two, "reference_several")  # two departments in one cell
    i = p.pick("issues")
    p.set("issues", i, "status", "已办结", "enum")
    i = p.pick("issues")
    p.set("issues", i, "reported_on", "3/15/2022", "date_ambiguous")
    i = p.pick("issues")
    p.set("issues", i, "category", None, "required")
    # 政策 ------------------------------------------------------------------
    i = p.pick("policies", lambda x: x["published"] == "是" and x["effective_from"] > dt.date(2022, 1, 31)
               and (x["effective_to"] is None or x["effective_to"] > dt.date(2022, 12, 31)))
    p.set("policies", i, "effective_to", dt.date(2022, 1, 31), "not_before")
    p.expect("policies", "effective_to", i, "expired", warning=True)  # published and past its end date
    i = p.pick("policies", lambda x: x["published"] == "是" and x["effective_from"] < dt.date(2022, 6, 1)
               and (x["effective_to"] is None or x["effective_to"] > dt.date(2022, 12, 31)))
    p.set("policies", i, "effective_to", dt.date(2022, 6, 30), "expired", warning=True)
    i = p.pick("policies")
    p.set("policies", i, "online_url", "javascript:alert(1)", "url")
    i = p.pick("policies")
    p.set("policies", i, "published", "待定", "bool_type")
    i = p.pick("policies")
    p.set("policies", i, "towns", "白泉镇，舟山市", "list_enum")
    i = p.pick("policies")
    p.set("policies", i, "phone", "0580-202200", "phone")
    # 办理流程 ----------------------------------------------------------------
    policy_of_step = [s["policy_id"] for s in r["policy_steps"]]
    pid = next(p_ for p_ in policy_of_step if policy_of_step.count(p_) >= 3)
    i = p.pick("policy_steps", lambda s: s["policy_id"] == pid and s["step"] == 3)
    p.set("policy_steps", i, "step", 4 if policy_of_step.count(pid) == 3 else 2, "sequence_gap")
    if policy_of_step.count(pid) > 3:  # a repeated 2: reported at the later of the two rows
        p.errors.discard((*at("policy_steps", "step", i), "sequence_gap"))
        later = max(i, first(r, "policy_steps", lambda s: s["policy_id"] == pid and s["step"] == 2))
        p.expect("policy_steps", "step", later, "sequence_gap")
    i = p.pick("policy_steps", lambda s: s["policy_id"] != pid)
    p.set("policy_steps", i, "dept_id", "D0001", "reference")
    i = p.pick("policy_steps", lambda s: s["policy_id"] != pid)
    p.set("policy_steps", i, "days", -1, "minimum")
    i = p.pick("policy_steps", lambda s: s["policy_id"] != pid)
    p.set("policy_steps", i, "action", "  ", "required")
    # optional ledgers, when present, follow the same rules ----------------------
    if "leniency_cases" in r:
        i = p.pick("leniency_cases")
        p.set("leniency_cases", i, "first_offence", "否", "must_be")  # not a first offence: not this ledger
        i = p.pick("leniency_cases", lambda c: c["outcome"] == "已整改" and c["revisit_on"] is None)
        p.set("leniency_cases", i, "checked_on", None, "required_if")
    if "key_projects" in r:
        i = p.pick("key_projects")
        p.set("key_projects", i, "total_investment", -3, "minimum")
    if "project_reports" in r:
        i = p.pick("project_reports", lambda x: x["report_on"].isoweekday() < 5)
        # a second report two days later in the same week: reported at the later row, naming the first
        new = p.append("project_reports", dict(r["project_reports"][i],
                                               report_on=r["project_reports"][i]["report_on"] + dt.timedelta(days=1)))
        p.expect("project_reports", "report_on", new, "one_per_week")
    # an enterprise whose only officer's pairing ended: a warning
    ents = {a["enterprise_id"] for a in r["assignments"]}
    lone = next(e for e in sorted(ents) if sum(a["enterprise_id"] == e for a in r["assignments"]) == 1
                and e not in {r["assignments"][k]["enterprise_id"] for k in p.used["assignments"]})
    k = first(r, "assignments", lambda a: a["enterprise_id"] == lone)
    r["assignments"][k]["end_on"] = dt.date(2022, 11, 30)
    p.expect("enterprises", "enterprise_id", first(r, "enterprises", lambda e: e["enterprise_id"] == lone),
             "no_officer", warning=True)
    p.overlap_rows = overlap_rows  # type: ignore[attr-defined]
    return p


@pytest.fixture(scope="module")
def planted(sample_rows, tmp_path_factory):
    from conftest import write_workbook

    rows = copy.deepcopy(sample_rows)
    plan = plant(rows)
    folder = tmp_path_factory.mktemp("planted")
    return plan, write_workbook(folder / "planted.xlsx", rows), write_workbook(folder / "valid.xlsx", sample_rows)


def _run(runner, path, *extra):
    result = runner.invoke(cli, ["validate", "--source", str(path), "--as-of", "2022-12-31", "--format", "json", *extra])
    return result.exit_code, json.loads(result.output)


def test_the_plan_is_large(planted):
    plan, _path, _valid = planted
    assert len(plan.errors) >= 40
    assert len({code for _s, _c, code in plan.errors}) >= 20


def test_every_planted_error_at_its_cell_and_nothing_else(planted, runner):
    plan, path, _valid = planted
    code, findings = _run(runner, path)
    assert code == 1
    errors = {(f["sheet"], f["cell"], f["code"]) for f in findings if f["severity"] == "error"}
    assert errors - plan.errors == set(), "false alarms"
    assert plan.errors - errors == set(), "missed"
    assert len([f for f in findings if f["severity"] == "error"]) == len(plan.errors)  # one finding each


def test_planted_warnings_and_no_new_ones(planted, runner):
    plan, path, valid = planted
    _code, baseline = _run(runner, valid)
    known = {(f["sheet"], f["cell"], f["code"]) for f in baseline}
    _code, findings = _run(runner, path)
    warnings = {(f["sheet"], f["cell"], f["code"]) for f in findings if f["severity"] == "warning"}
    assert plan.warnings <= warnings
    # The planted pairings (an overlap, a bad date) leave some 走访记录 rows unpaired: warned, as they should be.
    unpaired = {w for w in warnings if w[0] == "走访记录" and w[2] == "visit_not_paired"}
    assert warnings - plan.warnings - unpaired <= known  # the workbook's own warnings (expired policies) only


def test_overlap_names_both_rows(planted, runner):
    plan, path, _valid = planted
    _code, findings = _run(runner, path)
    earlier, later = plan.overlap_rows
    overlap = next(f for f in findings if f["code"] == "overlap")
    assert overlap["row"] == later
    assert f"本行与第 {earlier} 行" in overlap["message"]


def test_each_finding_says_what_and_how_to_fix(planted, runner):
    plan, path, _valid = planted
    _code, zh = _run(runner, path)
    _code, en = _run(runner, path, "--lang", "en")
    assert [(f["cell"], f["code"]) for f in zh] == [(f["cell"], f["code"]) for f in en]
    for f in zh:
        assert f["message"] and f["hint"], f
        assert f["sheet"] and f["severity"] in ("error", "warning")
    for f in en:
        assert f["message"].isascii() or any(ch in f["message"] for ch in (f["value"] or "") + (f["column"] or "")), f
    messages = {f["code"]: f["message"] for f in en}
    assert messages["uscc_check"].endswith("fails its check character (GB 32100-2015)")
    assert messages["required_unless"] in {
        "责任单位 is required when 状态 is 已交办", "责任人 is required when 状态 is 已交办", "办理时限 is required when 状态 is 已交办"}


def test_text_report_groups_by_sheet_and_rule(planted, runner):
    _plan, path, _valid = planted
    result = runner.invoke(cli, ["validate", "--source", str(path), "--as-of", "2022-12-31"])
    lines = result.output.splitlines()
    sheets = [line.split(" ")[1].split("!")[0] for line in lines if line.startswith("错误 ")]
    order = [s.title for s in SCHEMA.sheets]
    assert sheets == sorted(sheets, key=order.index)  # errors come sheet by sheet, in workbook order
    assert lines[-1].startswith("共 ") and "个错误" in lines[-1]


def test_a_date_typed_as_a_serial_number_is_shown_as_a_date(runner, make_workbook):
    # Google Sheets gives dates as serial numbers; staff must read the date.
    path = make_workbook(lambda rows: rows["issues"][0].update(reported_on=45000))  # 2023-03-15
    result = runner.invoke(cli, ["validate", "--source", str(path), "--as-of", "2022-12-31"])
    assert result.exit_code == 1
    assert "问题清单!F2 [2023-03-15]" in result.output
    assert "45000" not in result.output
