"""``schema export``: a Frictionless Data Package descriptor of the sheets.
frictionless' own validation agrees with ours: the example passes there too,
and every row it flags for a generic constraint in a broken workbook is
flagged by us as well."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import validate

from generator.cli import cli
from generator.workbook.descriptor import descriptor, export_csv

frictionless = pytest.importorskip("frictionless")

AS_OF = dt.date(2022, 12, 31)
GENERIC = {"type-error", "constraint-error", "unique-error", "primary-key", "foreign-key"}


def test_export_prints_the_descriptor(runner, schema):
    result = runner.invoke(cli, ["schema", "export"])
    assert result.exit_code == 0, result.output
    package = json.loads(result.output)
    assert package == descriptor(schema)
    assert [r["name"] for r in package["resources"]] == [s.name for s in schema.sheets]
    assert [r["path"] for r in package["resources"]] == [f"{s.name}.csv" for s in schema.sheets]
    officers = next(r for r in package["resources"] if r["name"] == "officers")["schema"]
    fields = {f["name"]: f for f in officers["fields"]}
    assert fields["towns"]["type"] == "string"  # a list of towns in one cell
    assert fields["active"] == {"name": "active", "title": "在岗", "type": "boolean", "trueValues": ["是"],
                                "falseValues": ["否"], "constraints": {"required": True}}
    assert fields["role"]["constraints"] == {"required": True, "enum": ["暖企专员", "助企服务员"]}
    issues = next(r for r in package["resources"] if r["name"] == "issues")["schema"]
    assert {"fields": ["dept_id"], "reference": {"resource": "departments", "fields": ["dept_id"]}} in issues["foreignKeys"]
    assert issues["primaryKey"] == ["issue_id"]


def test_export_to_a_file_is_a_valid_descriptor(runner, tmp_path):
    out = tmp_path / "datapackage.json"
    result = runner.invoke(cli, ["schema", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"已写入 {out}\n"
    report = frictionless.Package.validate_descriptor(json.loads(out.read_text(encoding="utf-8")))
    assert report.valid, report.flatten(["type", "note"])


def test_export_to_an_unwritable_place_is_exit_2(runner, tmp_path):
    result = runner.invoke(cli, ["schema", "export", "--out", str(tmp_path / "no" / "such" / "dir.json")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def _both(path: Path, schema, folder: Path):
    """Our error rows and frictionless' flagged rows, as (sheet key, spreadsheet row)."""
    checked = validate([str(path)], AS_OF, schema)
    title_to_key = {s.title: s.name for s in schema.sheets}
    ours = {(title_to_key[f.sheet], f.row) for f in checked.report.errors}
    rows_of = export_csv(checked, folder, schema)
    report = frictionless.validate(str(folder / "datapackage.json"))
    theirs = set()
    for task in report.tasks:
        for error in task.errors:
            if error.type in GENERIC:
                theirs.add((task.name, rows_of[task.name][error.row_number - 2], error.type))
    return ours, theirs


def test_example_passes_frictionless_too(example_workbook, schema, tmp_path):
    checked = validate([str(example_workbook)], AS_OF, schema)
    assert checked.report.ok
    export_csv(checked, tmp_path / "csv", schema)
    report = frictionless.validate(str(tmp_path / "csv" / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:10]


def test_exported_folder_is_a_source_for_validate(example_workbook, schema, tmp_path, runner):
    export_csv(validate([str(example_workbook)], AS_OF, schema), tmp_path / "csv", schema)
    result = runner.invoke(cli, ["validate", "--source", str(tmp_path / "csv"), "--as-of", "2022-12-31"])
    assert result.exit_code == 0, result.output


def _blank(rows, sheet, i, key):
    rows[sheet][i][key] = None


CORPUS = {
    "required": lambda r: (_blank(r, "departments", 2, "name"), _blank(r, "issues", 7, "description"),
                           _blank(r, "policy_steps", 3, "action")),
    "types": lambda r: (r["issues"][3].update(reported_on="明天"), r["policy_steps"][1].update(step="三"),
                        r["officers"][4].update(active="也许"), r["assignments"][6].update(start_on="2022-13-01"),
                        r["policy_steps"][5].update(days="5天")),
    "enums": lambda r: (r["enterprises"][9].update(industry="渔业"), r["issues"][12].update(status="完成"),
                        r["officers"][2].update(role="专员")),
    "unique": lambda r: (r["departments"][4].update(dept_id=r["departments"][1]["dept_id"]),
                         r["enterprises"][20].update(uscc=r["enterprises"][3]["uscc"]),
                         r["issues"][30].update(issue_id=r["issues"][29]["issue_id"])),
    "foreign keys": lambda r: (r["issues"][40].update(dept_id="D999"), r["assignments"][11].update(officer_id="O9999"),
                               r["policy_steps"][8].update(policy_id="P9999"),
                               r["issues"][41].update(reopens="Q999999")),  # a reference to its own sheet
    "minimum": lambda r: (r["policy_steps"][0].update(step=0), r["policy_steps"][2].update(days=-1)),
    "codes with spaces": lambda r: (r["departments"][0].update(dept_id="D 001"),),
    "mixed": lambda r: (r["enterprises"][0].update(size="超大"), _blank(r, "enterprises", 1, "town"),
                        r["issues"][0].update(officer_id="nobody"), r["policies"][0].update(published="可能"),
                        r["policies"][1].update(effective_from="2022/02/30")),
}


@pytest.mark.parametrize("case", list(CORPUS))
def test_every_row_frictionless_flags_we_flag(case, make_workbook, schema, tmp_path):
    path = make_workbook(CORPUS[case], name=f"{case}.xlsx")
    ours, theirs = _both(path, schema, tmp_path / "csv")
    assert theirs, "the corpus case should break a generic constraint"
    missed = {(sheet, row, kind) for sheet, row, kind in theirs if (sheet, row) not in ours}
    assert missed == set()
