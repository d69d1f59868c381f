"""Writing to Google spreadsheets only when asked: template --google adds the
missing tabs in one batchUpdate and never touches existing ones; validate
--write-back rewrites the tab 校验结果 only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cassettes import make_cassettes as mc
from cassettes.playback import SA_EMAIL, path, play, query, token_scopes, write_key_file

from generator.cli import cli
from generator.schema import load_schema
from generator.sources.gsheets import READ_SCOPES, WRITE_SCOPES

SMALL = f"gsheet:{mc.SMALL_KEY}"
ALLOWED = {"addSheet", "updateCells", "setDataValidation", "updateSheetProperties"}


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return write_key_file(tmp_path / "service-account.json")


def sheet_ids(request: dict[str, Any]) -> set[int]:
    """Every sheetId a batchUpdate request refers to."""
    found: set[int] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "sheetId":
                    found.add(v)
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(request)
    return found


def test_template_adds_the_missing_tabs_in_one_batch_update(runner, key_file):
    schema = load_schema()
    with play("gsheets_template") as p:
        result = runner.invoke(cli, ["template", "--google", SMALL, "--credentials", str(key_file)])
    assert result.exit_code == 0, result.output
    missing = [s.title for s in schema.sheets if s.title != "部门"]
    assert result.output == f"已在 Google 表格中新增 {len(missing)} 个工作表：{'、'.join(missing)}\n"
    assert [path(r).rsplit("/", 1)[-1] for r in p.sheets_requests()] == [mc.SMALL_KEY, f"{mc.SMALL_KEY}:batchUpdate"]
    assert [token_scopes(r) for r in p.token_requests()] == [list(WRITE_SCOPES)]
    [body] = p.bodies(":batchUpdate")
    requests = body["requests"]
    assert {next(iter(r)) for r in requests} <= ALLOWED
    added = {r["addSheet"]["properties"]["sheetId"]: r["addSheet"]["properties"] for r in requests if "addSheet" in r}
    assert [props["title"] for props in added.values()] == missing
    assert 0 not in added  # the existing tab 部门 (sheetId 0) is not touched
    for r in requests:
        assert sheet_ids(r) <= set(added), r
    assert all(props["gridProperties"]["frozenRowCount"] == 1 for props in added.values())
    by_id = {props["title"]: sid for sid, props in added.items()}
    for sheet in schema.sheets:
        if sheet.title == "部门":
            continue
        sid = by_id[sheet.title]
        [header] = [r["updateCells"] for r in requests if "updateCells" in r and r["updateCells"]["start"]["sheetId"] == sid]
        assert header["start"] == {"sheetId": sid, "rowIndex": 0, "columnIndex": 0}
        cells = header["rows"][0]["values"]
        assert [c["userEnteredValue"]["stringValue"] for c in cells] == [f.title for f in sheet.fields]
        assert all(c["note"] for c in cells)
        rules = {r["setDataValidation"]["range"]["startColumnIndex"]: r["setDataValidation"]
                 for r in requests if "setDataValidation" in r and r["setDataValidation"]["range"]["sheetId"] == sid}
        for col, f in enumerate(sheet.fields):
            if f.kind == "enum":
                values = [v["userEnteredValue"] for v in rules[col]["rule"]["condition"]["values"]]
                assert values == list(f.enum or ())
                assert rules[col]["range"]["startRowIndex"] == 1  # never the header
            elif f.kind == "boolean":
                assert [v["userEnteredValue"] for v in rules[col]["rule"]["condition"]["values"]] == ["是", "否"]
            else:
                assert col not in rules


def test_template_twice_changes_nothing(runner, key_file):
    with play("gsheets_template_done") as p:
        result = runner.invoke(cli, ["template", "--google", mc.SMALL_KEY, "--credentials", str(key_file)])
    assert result.exit_code == 0, result.output
    assert result.output == "Google 表格已包含所有工作表，未做任何修改。\n"
    assert len(p.sheets_requests()) == 1 and p.sheets_requests()[0].method == "GET"


def test_template_needs_a_target(runner):
    result = runner.invoke(cli, ["template"])
    assert result.exit_code == 2
    assert "--google" in result.output


def test_validate_writes_nothing_unless_asked(runner, key_file):
    with play("gsheets_read_small") as p:
        result = runner.invoke(cli, ["validate", "-s", SMALL, "--credentials", str(key_file), "--as-of", "2022-12-31"])
    assert result.exit_code == 1
    assert all(r.method == "GET" for r in p.sheets_requests())
    assert [token_scopes(r) for r in p.token_requests()] == [list(READ_SCOPES)]


def written_rows(body: dict[str, Any]) -> list[list[str]]:
    [update] = [r["updateCells"] for r in body["requests"] if "updateCells" in r]
    return [[c["userEnteredValue"]["stringValue"] for c in row["values"]] for row in update["rows"]]


def test_write_back_creates_the_results_tab(runner, key_file):
    with play("gsheets_write_back") as p:
        result = runner.invoke(cli, ["validate", "-s", SMALL, "--credentials", str(key_file), "--as-of", "2022-12-31",
                                     "--write-back"])
    assert result.exit_code == 1  # the data is still invalid; the report was written
    assert result.output.endswith(f"已把校验结果写入 gsheet:{mc.SMALL_KEY} 的“校验结果”工作表\n")
    assert p.cassette.all_played
    methods = [(r.method, path(r).rsplit("/", 1)[-1]) for r in p.sheets_requests()]
    assert methods == [("GET", mc.SMALL_KEY), ("GET", "values:batchGet"), ("GET", mc.SMALL_KEY),
                       ("POST", f"{mc.SMALL_KEY}:batchUpdate")]
    # Reading asked for read-only access; only the write-back asked for more.
    assert [token_scopes(r) for r in p.token_requests()] == [list(READ_SCOPES), list(WRITE_SCOPES)]
    [body] = p.bodies(":batchUpdate")
    add, update = body["requests"]
    new_id = add["addSheet"]["properties"]["sheetId"]
    assert add["addSheet"]["properties"]["title"] == "校验结果"
    assert new_id != 0
    assert update["updateCells"]["range"] == {"sheetId": new_id}  # the whole tab: what is not written is cleared
    assert update["updateCells"]["fields"] == "userEnteredValue"
    rows = written_rows(body)
    assert rows[0] == ["级别", "位置", "列名", "单元格内容", "问题", "修改方法"]
    assert rows[1][:4] == ["错误", "部门!C3", "联系电话", "12345"]
    assert rows[2][:4] == ["错误", "部门!E4", "网址", "ftp://dept3.example.gov.cn/"]
    assert [r[1] for r in rows[3:-1]] == ["企业", "专员", "结对", "问题清单", "政策", "办理流程"]
    assert rows[-1][4].startswith("共 8 个错误，0 个警告")
    assert all(r[1] for r in rows[1:-1])  # one row per finding, each with its place


def test_write_back_again_clears_only_that_tab(runner, key_file):
    with play("gsheets_write_back_again") as p:
        result = runner.invoke(cli, ["validate", "-s", SMALL, "--credentials", str(key_file), "--as-of", "2022-12-31",
                                     "--write-back"])
    assert result.exit_code == 1
    assert p.cassette.all_played
    [body] = p.bodies(":batchUpdate")
    assert [next(iter(r)) for r in body["requests"]] == ["updateCells"]  # no new tab
    assert sheet_ids(body) == {4242}
    # 校验结果 itself is never read as data.
    [batch_get] = [r for r in p.sheets_requests() if path(r).endswith("values:batchGet")]
    assert query(batch_get)["ranges"] == ["'部门'"]


def test_write_back_without_editor_access(runner, key_file):
    with play("gsheets_write_back_forbidden"):
        result = runner.invoke(cli, ["validate", "-s", SMALL, "--credentials", str(key_file), "--as-of", "2022-12-31",
                                     "--write-back"])
    assert result.exit_code == 2
    assert "错误 部门!C3 [12345]" in result.output  # the report is printed first
    assert result.output.splitlines()[-1] == (
        f"错误：服务账号无权打开表格 {mc.SMALL_KEY}：请在 Google 表格中点击“共享”，把 {SA_EMAIL} "
        "添加为查看者（使用 template --google 或 --write-back 时须为编辑者）"
    )


def test_write_back_needs_a_google_source(runner, example_workbook):
    result = runner.invoke(cli, ["validate", "-s", str(example_workbook), "--write-back"])
    assert result.exit_code == 2
    assert result.output == "错误：--write-back 只能写回 Google 表格，而数据源中没有 Google 表格\n"
