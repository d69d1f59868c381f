"""The rules of sheets_schema/ are typed when the schema loads: a rule that
names a missing field or sheet, an unknown rule or parameter, a missing
parameter or a value its field cannot hold is a configuration error naming
the file and the rule; so are keys naming missing fields or sheets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.errors import ConfigError
from generator.schema import DEFAULT_SCHEMA_DIR, load_schema
from generator.schema.rules import Conditional, Filter, NoOverlap, Referenced, RoleFilter


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "sheets_schema"
    shutil.copytree(DEFAULT_SCHEMA_DIR, copy)
    return copy


def _error(folder: Path, sheet: str, old: str, new: str) -> str:
    path = folder / f"{sheet}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_schema(folder)
    return str(caught.value).removeprefix(f"{path}：")


def test_rules_are_typed():
    issues = load_schema(DEFAULT_SCHEMA_DIR).sheet("issues")
    assert issues.rules[1] == Conditional(
        kind="required_unless", number=2, severity="error", code="required_unless",
        when=Filter("status", ("已挂号",)), unless=None, field="dept_id",
        condition=Filter("status", ("已挂号",)), required=True, when_in=False)
    overlap = load_schema(DEFAULT_SCHEMA_DIR).sheet("assignments").rules[1]
    assert isinstance(overlap, NoOverlap)
    assert overlap.only == RoleFilter("officers", "officer_id", "role", ("暖企专员",), "暖企专员")
    in_use = load_schema(DEFAULT_SCHEMA_DIR).sheet("officers").rules[0]
    assert isinstance(in_use, Referenced) and [b.sheet for b in in_use.by] == ["issues", "assignments"]


@pytest.mark.parametrize(("sheet", "old", "new", "message"), [
    ("issues", "{rule: not_before, field: due_on,", "{rule: not_before, field: due_date,",
     "第 5 条规则（not_before）引用的字段 due_date 在 issues 中不存在"),
    ("issues", "{rule: only_if, field: satisfaction, when: status",
     "{rule: only_if, field: satisfaction, when: state",
     "第 11 条规则（only_if）引用的字段 state 在 issues 中不存在"),
    ("issues", "{rule: not_after_as_of, field: reported_on}", "{rule: not_later, field: reported_on}",
     "第 1 条规则（not_later）不是本系统支持的规则（可用：not_before, not_below, not_after_as_of, not_before_as_of, "
     "required_if, required_unless, only_if, must_be, sequence, no_overlap, referenced, has_referrer, one_per_week）"),
    ("issues", "{rule: not_before, field: due_on, other: reported_on}", "{rule: not_before, field: due_on}",
     "第 5 条规则（not_before）缺少参数 other"),
    ("issues", "{rule: not_before, field: due_on, other: reported_on}",
     "{rule: not_before, field: due_on, other: reported_on, feild: x}",
     "第 5 条规则（not_before）有未知的参数：feild"),
    ("issues", "{rule: required_if, field: closed_on, when: status, values: [已销号]}",
     "{rule: required_if, field: closed_on, when: status, values: [已办结]}",
     "第 6 条规则（required_if）：“已办结”不是 status 的取值（已挂号、已交办、办理中、已销号）"),
    ("issues", "{rule: required_if, field: closed_on, when: status, values: [已销号]}",
     "{rule: required_if, field: closed_on, when: status}",
     "第 6 条规则（required_if）缺少参数 values"),
    ("issues", "{rule: not_before, field: due_on, other: reported_on}", "{rule: not_before, field: due_on, other: owner}",
     "第 5 条规则（not_before）比较日期，但 owner 不是日期字段"),
    ("policy_conditions", "{rule: not_below, field: max, other: min}", "{rule: not_below, field: max, other: note}",
     "第 5 条规则（not_below）比较数值，但 note 不是数值字段"),
    ("policies", "when: published, values: [true]", "when: published, values: [是]",
     "第 3 条规则（not_before_as_of）：published 是“是/否”字段，取值只能是 true 或 false，不能是 '是'"),
    ("policies", "severity: warning, code: expired", "severity: notice, code: expired",
     "第 3 条规则（not_before_as_of）：severity 只能是 error 或 warning，不能是 'notice'"),
    ("officers", "{sheet: issues, field: officer_id, unless: {field: status, values: [已销号]}}",
     "{sheet: issue, field: officer_id, unless: {field: status, values: [已销号]}}",
     "第 1 条规则（referenced）引用的表 issue 不在工作簿中"),
    ("officers", "{sheet: issues, field: officer_id, unless: {field: status, values: [已销号]}}",
     "{sheet: issues, field: officer_id, unless: {field: state, values: [已销号]}}",
     "第 1 条规则（referenced）引用的字段 state 在 issues 中不存在"),
    ("assignments", "field: role, values: [暖企专员]", "field: role, values: [专员]",
     "第 2 条规则（no_overlap）：“专员”不是 role 的取值（暖企专员、助企服务员）"),
    ("issues", "primaryKey: [issue_id]", "primaryKey: [issue_no]",
     "primaryKey 引用的字段 issue_no 在 issues 中不存在"),
    ("issues", "{fields: dept_id, reference: {resource: departments, fields: dept_id}}",
     "{fields: dept_id, reference: {resource: units, fields: dept_id}}",
     "字段 dept_id 的外键指向的表 units 不在工作簿中"),
    ("issues", "{fields: dept_id, reference: {resource: departments, fields: dept_id}}",
     "{fields: dept_id, reference: {resource: departments, fields: unit_id}}",
     "字段 dept_id 的外键指向的字段 unit_id 在 departments 中不存在"),
    ("issues", "{fields: dept_id, reference: {resource: departments, fields: dept_id}}",
     "{fields: unit_id, reference: {resource: departments, fields: dept_id}}",
     "外键引用的字段 unit_id 在 issues 中不存在"),
    ("policies", "publishedBy: published", "publishedBy: issuer",
     "publishedBy 指定的 issuer 不是 policies 的“是/否”字段"),
    ("enterprises", "releases: [name]", "releases: [enterprise_name]",
     "publish_name 的 releases 引用的字段 enterprise_name 在 enterprises 中不存在"),
    ("enterprises", "kind: phone, example: \"13800000000\"}", "kind: phone, example: \"13800000000\", releases: [name]}",
     "contact_phone 设置了 releases，必须是“是/否”字段"),
])
def test_configuration_errors(folder, sheet, old, new, message):
    assert _error(folder, sheet, old, new) == message
