"""``validate``: exact output and exit codes."""

import json

from generator.cli import cli


def test_example_workbook_is_clean(runner, example_workbook):
    result = runner.invoke(cli, ["validate", "--source", str(example_workbook), "--as-of", "2022-12-31"])
    assert result.exit_code == 0, result.output
    # The example keeps 9 published policies past their end date (shown as expired): warnings only.
    assert result.output.splitlines()[-1] == "共 0 个错误，9 个警告（政策：9 个警告）"


def test_planted_mistakes_named_at_their_cells(runner, make_workbook):
    def edit(rows):
        rows["issues"][3]["reported_on"] = "01/07/2022"   # row 5, column F
        rows["issues"][4]["status"] = "完成"               # row 6, column G
        rows["departments"][0]["website"] = "javascript:alert(1)"  # row 2, column E

    path = make_workbook(edit)
    result = runner.invoke(cli, ["validate", "--source", str(path), "--as-of", "2022-12-31", "--format", "json"])
    assert result.exit_code == 1
    found = {(f["sheet"], f["cell"], f["code"]) for f in json.loads(result.output) if f["severity"] == "error"}
    assert found == {("问题清单", "F5", "date_ambiguous"), ("问题清单", "G6", "enum"), ("部门", "E2", "url")}


def test_missing_file_is_exit_2(runner, tmp_path):
    result = runner.invoke(cli, ["validate", "--source", str(tmp_path / "nope.xlsx")])
    assert result.exit_code == 2
    assert "找不到数据源" in result.output
    assert "Traceback" not in result.output


def test_english_messages(runner, make_workbook):
    path = make_workbook(lambda rows: rows["issues"][0].update(category="别的"))
    result = runner.invoke(cli, ["validate", "--source", str(path), "--as-of", "2022-12-31", "--lang", "en"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("Error 问题清单!D2 [别的]: 问题类别: 别的 is not one of the allowed values.")
    assert result.output.splitlines()[-1].startswith("In all 1 error, 9 warnings (问题清单: 1 error; 政策: 9 warnings")


def test_two_registered_codes_in_one_cell_are_told_to_take_a_row_each(make_workbook, runner):
    def edit(rows):
        rows["route_policies"][0]["policy_id"] = "P0001、P0002"

    result = runner.invoke(cli, ["validate", "--source", str(make_workbook(edit)), "--as-of", "2022-12-31"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "错误 一件事政策!C2 [P0001、P0002]：“P0001、P0002”是填在一个单元格里的 2 个“政策编号”。"
        "请每个编号各占一行，一个单元格只填一个编号。")


def test_a_department_name_typed_for_its_code_gets_the_code(make_workbook, runner):
    def edit(rows):
        issue = next(r for r in rows["issues"] if r["status"] == "办理中")
        issue["dept_id"] = rows["departments"][3]["name"]

    book = make_workbook(edit)
    result = runner.invoke(cli, ["validate", "--source", str(book), "--as-of", "2022-12-31"])
    assert result.exit_code == 1
    assert "是“部门”中登记的名称，不是部门编号。请填写编号 D004。" in result.output
