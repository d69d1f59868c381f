"""The foot of every page (issue 17): 主办单位, a phone, the 备案号 from
workbook.yaml ``footer`` and the date the figures run to, with both engines."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import build
from htmltree import parse

from generator.cli import cli
from generator.schema import load_schema

LINE = ("主办单位：定海区暖企服务工作领导小组办公室（示例） · 联系电话：0580-2020000（示例） · "
        "备案号：浙ICP备00000000号（示例） · 数据更新至2022年12月31日")


@pytest.mark.parametrize("engine", ["zensical", "mkdocs"])
def test_every_page_says_who_runs_the_site_and_how_fresh_it_is(tmp_path, example_workbook, engine):
    built = build([str(example_workbook)], dt.date(2022, 12, 31), site_dir=tmp_path / "site",
                  docs_dir=tmp_path / "docs", engine=engine)
    site = built.result.site_dir
    for page in ("index.html", "policies/index.html", "progress/month/2022-11.html", "404.html"):
        (foot,) = parse(site / page).find_all("div", cls="md-copyright__highlight")
        assert foot.text().strip() == LINE, page


@pytest.mark.parametrize("setting, shown", [
    ("footer: {icp: '<b>浙ICP备1号</b>'}", "footer.icp 必须是一行纯文字，不能是 '<b>浙ICP备1号</b>'"),
    ("footer: {owner: 区暖企办}", "footer 中有无法识别的设置：owner（可用的有：organiser, contact, icp）"),
])
def test_a_wrong_footer_setting_stops_at_start(runner, tmp_path, monkeypatch, setting, shown):
    schema_dir = tmp_path / "schema"
    schema_dir.mkdir()
    for path in load_schema().directory.glob("*.yaml"):
        (schema_dir / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    book = schema_dir / "workbook.yaml"
    lines = [setting if line.startswith("footer:") else line for line in book.read_text(encoding="utf-8").splitlines()]
    book.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("NUANQI_SCHEMA_DIR", str(schema_dir))
    result = runner.invoke(cli, ["validate", "--as-of", "2022-12-31"])
    assert result.exit_code == 2
    assert str(book) in result.output and shown in result.output
