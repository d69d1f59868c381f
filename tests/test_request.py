"""One typed build request: sources parsed once, no loose options, and every
field of the request has a rule for the build key."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest

from generator.cli import cli
from generator.errors import SourceError
from generator.request import KEY_RULES, BuildRequest, ValidateRequest, build_key
from generator.sources import EXAMPLE_WORKBOOK, CsvFolder, GoogleSheet, WorkbookFile, parse_source

AS_OF = dt.date(2022, 12, 31)


def test_a_misspelled_option_is_a_type_error():
    sources = (parse_source(str(EXAMPLE_WORKBOOK)),)
    with pytest.raises(TypeError, match="snapshoot"):
        BuildRequest(sources=sources, as_of=AS_OF, snapshoot=True)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="site_dir"):
        ValidateRequest(sources=sources, as_of=AS_OF, site_dir=Path("site"))  # type: ignore[call-arg]


def test_the_cli_rejects_a_misspelled_option(runner):
    result = runner.invoke(cli, ["build", "--snapshoot", "x"])
    assert result.exit_code == 2
    # click's own words in Chinese too (cli_errors.speak_the_staffs_language)
    assert result.output.splitlines()[-1] == "错误：没有 '--snapshoot' 这个选项。 是不是想输入 '--save-snapshot'？"
    assert "查看帮助。" in result.output


def test_a_source_is_parsed_once_into_its_kind(tmp_path):
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"")
    assert parse_source(str(book)) == WorkbookFile(spec=str(book), path=book)
    assert parse_source(str(tmp_path)) == CsvFolder(spec=str(tmp_path), path=tmp_path)
    url = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjK/edit#gid=0"
    assert parse_source(url) == GoogleSheet(spec=url, key="1AbCdEfGhIjK")
    assert parse_source("gsheet:1AbCdEfGhIjK").key == "1AbCdEfGhIjK"


@pytest.mark.parametrize(("name", "message"), [
    ("absent.xlsx", "找不到数据源 {spec}"),
    ("one.csv", "{spec} 是单个 CSV 文件"),
    ("notes.txt", "{spec} 不是支持的数据源"),
])
def test_a_source_that_cannot_be_one_is_refused_when_parsed(tmp_path, name, message):
    spec = str(tmp_path / name)
    if name != "absent.xlsx":
        (tmp_path / name).write_text("x", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse_source(spec)
    assert message.format(spec=spec) in str(caught.value)


def test_a_bad_google_address_is_refused_when_parsed():
    with pytest.raises(SourceError, match="不是 Google 表格地址"):
        parse_source("https://docs.google.com/spreadsheets/u/0/")


def test_every_field_of_the_request_has_a_key_rule():
    assert set(KEY_RULES) == {f.name for f in dataclasses.fields(BuildRequest)}


def test_a_field_without_a_key_rule_fails(tmp_path):
    @dataclasses.dataclass(frozen=True)
    class Grown(BuildRequest):
        theme_colour: str = "red"

    book = tmp_path / "book.xlsx"
    shutil.copy2(EXAMPLE_WORKBOOK, book)
    with pytest.raises(TypeError, match="BuildRequest.theme_colour has no rule"):
        build_key(Grown(sources=(parse_source(str(book)),), as_of=AS_OF, docs_dir=tmp_path))


def test_how_a_build_runs_is_not_in_the_key_and_what_it_makes_is(tmp_path):
    book = tmp_path / "book.xlsx"
    shutil.copy2(EXAMPLE_WORKBOOK, book)
    base = BuildRequest(sources=(parse_source(str(book)),), as_of=AS_OF, docs_dir=tmp_path / "docs", language="zh")
    key = build_key(base)
    assert key is not None
    assert build_key(dataclasses.replace(base, site_dir=tmp_path / "elsewhere", reuse=True, force=True)) == key
    assert build_key(dataclasses.replace(base, freeze="week")) != key
    assert build_key(dataclasses.replace(base, audience="internal")) != key


def test_an_unknown_audience_is_refused():
    with pytest.raises(ValueError, match="audience"):
        BuildRequest(sources=(), as_of=AS_OF, audience="everyone")


def test_click_speaks_chinese_and_english_when_asked(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert result.output.startswith("用法：") and "显示本帮助并退出。" in result.output
    assert "Show this message" not in result.output
    result = runner.invoke(cli, ["validate", "--lang", "en", "--format", "xml"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "Error: Invalid value for '--format': 'xml' is not one of 'text', 'json'."
