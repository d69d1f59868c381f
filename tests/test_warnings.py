"""Warnings: reported at their cell, and they never fail ``validate`` or a build."""

from __future__ import annotations

import json

from generator.cli import cli


def _findings(runner, path, *extra):
    result = runner.invoke(cli, ["validate", "--source", str(path), "--as-of", "2022-12-31", "--format", "json", *extra])
    return result, json.loads(result.output)


def test_expired_published_policy_is_a_warning(runner, make_workbook):
    def edit(rows):
        for p in rows["policies"]:
            p["effective_to"] = None
        rows["policies"][0]["effective_to"] = "2022-06-30"  # published, past: warning at M2
        rows["policies"][1]["effective_to"] = "2022-06-30"
        rows["policies"][1]["published"] = "否"  # a draft: no warning
        rows["policies"][2]["effective_to"] = "2022-12-31"  # ends on the as-of day: still valid

    result, findings = _findings(runner, make_workbook(edit))
    assert result.exit_code == 0
    assert [(f["sheet"], f["cell"], f["code"], f["severity"]) for f in findings] == [
        ("政策", "M2", "expired", "warning")
    ]
    assert findings[0]["message"] == "截止日期 2022-06-30 已过（统计日期 2022-12-31），但发布仍为“是”"


def test_officer_not_in_post_with_open_issue_and_current_assignment(runner, make_workbook, sample_rows):
    officer = sample_rows["officers"][0]["officer_id"]  # a 暖企专员 with open issues and pairings

    def edit(rows):
        rows["officers"][0]["active"] = "否"

    result, findings = _findings(runner, make_workbook(edit))
    assert result.exit_code == 0
    mine = [f for f in findings if f["code"] == "inactive_in_use"]
    open_issues = [r for r in sample_rows["issues"] if r["officer_id"] == officer and r["status"] != "已销号"]
    current = [r for r in sample_rows["assignments"] if r["officer_id"] == officer and r["end_on"] is None]
    assert [(f["sheet"], f["cell"], f["severity"], f["value"]) for f in mine] == [
        ("专员", "J2", "warning", "否"), ("专员", "J2", "warning", "否"),
    ]
    assert {f["message"] for f in mine} == {
        f"{officer} 已不在岗（在岗为“否”），但在“问题清单”中仍有 {len(open_issues)} 条未办结或生效中的记录"
        f"（首见第 {min(sample_rows['issues'].index(r) for r in open_issues) + 2} 行）",
        f"{officer} 已不在岗（在岗为“否”），但在“结对”中仍有 {len(current)} 条未办结或生效中的记录"
        f"（首见第 {min(sample_rows['assignments'].index(r) for r in current) + 2} 行）",
    }


def test_officer_not_in_post_whose_work_is_handed_over_is_fine(runner, make_workbook):
    # The sample's retired 助企服务员 have their pairings ended mid-year and no issues.
    result, findings = _findings(runner, make_workbook())
    assert result.exit_code == 0
    assert not [f for f in findings if f["code"] == "inactive_in_use"]


def test_enterprise_without_current_officer(runner, make_workbook, sample_rows):
    ent = sample_rows["enterprises"][0]["enterprise_id"]

    def edit(rows):
        for a in rows["assignments"]:
            if a["enterprise_id"] == ent:
                a["end_on"] = "2022-11-30"  # ended before the as-of date

    result, findings = _findings(runner, make_workbook(edit))
    assert result.exit_code == 0
    mine = [(f["sheet"], f["cell"], f["severity"], f["message"]) for f in findings if f["code"] == "no_officer"]
    assert mine == [("企业", "A2", "warning", f"{ent} 在 2022-12-31 没有结对专员")]


def test_enterprise_paired_only_later_has_no_officer_now(runner, make_workbook, sample_rows):
    ent = sample_rows["enterprises"][1]["enterprise_id"]

    def edit(rows):
        for a in rows["assignments"]:
            if a["enterprise_id"] == ent:
                a["start_on"] = "2022-12-01"

    _result, findings = _findings(runner, make_workbook(edit), "--as-of", "2022-11-30")
    assert [f["cell"] for f in findings if f["code"] == "no_officer"] == ["A3"]


def test_warnings_do_not_fail_the_text_report(runner, make_workbook):
    path = make_workbook(lambda rows: rows["policies"][0].update(effective_to="2022-06-30"))
    result = runner.invoke(cli, ["validate", "--source", str(path), "--as-of", "2022-12-31"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("警告 政策!M2 [2022-06-30]：截止日期 2022-06-30 已过")
    assert lines[-1].startswith("共 0 个错误，")
    assert "\x1b[" not in result.output  # no colour when not a terminal


def test_colour_on_a_terminal(runner, make_workbook):
    path = make_workbook(lambda rows: rows["departments"][0].update(website="ftp://x"))
    result = runner.invoke(cli, ["validate", "--source", str(path), "--as-of", "2022-12-31"], color=True)
    assert result.exit_code == 1
    assert result.output.startswith("\x1b[31m\x1b[1m错误\x1b[0m 部门!E2 [ftp://x]")
    assert result.output.splitlines()[-1].startswith("\x1b[31m\x1b[1m共 1 个错误")
