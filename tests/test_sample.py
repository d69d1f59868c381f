"""``sample``: deterministic, fictional, shaped like the real programme."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from conftest import validate
from python_calamine import CalamineWorkbook

from generator.cli import cli
from generator.workbook.sample import generate


def test_district_scale_matches_the_programme(sample_rows):
    roles = Counter(o["role"] for o in sample_rows["officers"])
    assert roles == {"暖企专员": 14, "助企服务员": 27}
    assert len(sample_rows["enterprises"]) == 600
    assert sum(e["above_scale"] == "是" for e in sample_rows["enterprises"]) == 141
    assert len(sample_rows["departments"]) == 15
    assert len(sample_rows["policies"]) == 60
    steps = Counter(s["policy_id"] for s in sample_rows["policy_steps"])
    assert set(steps.values()) <= {2, 3, 4, 5, 6}
    years = {i["reported_on"].year for i in sample_rows["issues"]}
    assert years == {2022}
    statuses = Counter(i["status"] for i in sample_rows["issues"])
    assert set(statuses) == {"已挂号", "已交办", "办理中", "已销号"}


def test_obviously_fictional(sample_rows):
    assert all("示例" in e["name"] for e in sample_rows["enterprises"])
    assert all("示例" in d["name"] for d in sample_rows["departments"])
    assert all(o["email"].endswith("@example.gov.cn") for o in sample_rows["officers"])


def test_same_seed_same_cells_other_seed_other_cells():
    assert generate("district", 7) == generate("district", 7)
    assert generate("district", 7)["enterprises"] != generate("district", 8)["enterprises"]


def test_sample_command_writes_a_valid_workbook_with_overdue_issues(runner, tmp_path):
    out = tmp_path / "demo.xlsx"
    result = runner.invoke(cli, ["sample", str(out), "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"已写入 {out}：部门 15，企业 600，专员 41，")
    assert "问题清单" in CalamineWorkbook.from_path(str(out)).sheet_names
    checked = validate([str(out)], dt.date(2022, 12, 31))
    assert checked.report.ok, checked.report.to_text()
    from generator.model import build_programme

    programme = build_programme(checked)
    assert sum(i.overdue_at(dt.date(2022, 12, 31)) for i in programme.issues) > 0


def test_the_bundled_example_is_the_sample_output(example_workbook, sample_rows):
    sheet = CalamineWorkbook.from_path(str(example_workbook)).get_sheet_by_name("企业").to_python()
    assert [r[0] for r in sheet[1:]] == [e["enterprise_id"] for e in sample_rows["enterprises"]]
    assert [r[2] for r in sheet[1:]] == [e["name"] for e in sample_rows["enterprises"]]
