"""A build whose inputs are all unchanged keeps the site in place without
reading, checking or rendering anything (issue 8: a rebuild within 2 s, also
at province scale), and says the same warnings as the build that made it.
Any changed input builds again. No timing here: ``benchmarks/`` measures it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from cassettes import make_cassettes as mc
from cassettes.playback import play, write_key_file
from conftest import copy_example

import generator.pipeline as pipeline
from generator import i18n
from generator.cli import cli
from generator.render import GENERATED_PATHS
from generator.request import BuildRequest, build_key
from generator.schema import load_schema
from generator.site.build import (
    BUILD_MARKER,
    DEFAULT_CONFIG,
    DEFAULT_DOCS,
    copy_handwritten,
)
from generator.sources import EXAMPLE_WORKBOOK, GoogleSheet, RawSheet, WorkbookFile, parse_sources

AS_OF = dt.date(2022, 12, 31)


@pytest.fixture
def project(tmp_path):
    docs = tmp_path / "docs"
    copy_handwritten(DEFAULT_DOCS, docs)
    source = tmp_path / "book.xlsx"
    copy_example(source)  # and its photos: the same warnings as the example's own
    return source, docs, tmp_path / "site", tmp_path / "published"


def _build(project, as_of=AS_OF, **fields):
    source, docs, site, published = project
    return pipeline.build(BuildRequest(sources=parse_sources([str(source)]), as_of=as_of, site_dir=site,
                                       docs_dir=docs, published_dir=published, reuse=True, **fields))


def test_unchanged_inputs_keep_the_site_without_reading_the_sources(project, monkeypatch):
    first = _build(project)
    assert not first.result.kept and first.checked is not None
    site = first.result.site_dir
    stamp = (site / "index.html").stat().st_mtime_ns

    def no_reading(*args, **kwargs):
        raise AssertionError("the sources were read again")

    monkeypatch.setattr(pipeline, "validate", no_reading)
    again = _build(project)
    assert again.result.kept and again.result.skipped
    assert again.checked is None and again.programme is None
    assert again.result.pages == first.result.pages == len(list(site.rglob("*.html")))
    assert again.warnings == first.warnings
    assert [f.code for f in again.warnings] == ["expired"] * 9
    assert (site / "index.html").stat().st_mtime_ns == stamp


def test_a_changed_as_of_date_or_source_is_read_again(project):
    source, *_rest = project
    _build(project)
    moved = _build(project, as_of=dt.date(2023, 1, 1))
    assert not moved.result.kept and moved.checked is not None
    with source.open("ab") as fh:  # the same cells, other bytes (a zip ignores trailing data)
        fh.write(b"\0")
    touched = _build(project, as_of=dt.date(2023, 1, 1))
    assert not touched.result.kept and touched.checked is not None
    # Its pages are those of the site in place: MkDocs is skipped, and the site
    # now stands for the new inputs, so the next build keeps it.
    assert touched.result.skipped
    assert _build(project, as_of=dt.date(2023, 1, 1)).result.kept


def test_stored_warnings_are_in_the_language_of_the_build(project):
    _build(project)
    i18n.set_language("en")
    english = _build(project)
    assert not english.result.kept and english.result.skipped  # the pages are the same
    kept = _build(project)
    assert kept.result.kept
    assert kept.warnings == english.warnings
    assert "2022-11-10" in kept.warnings[0].message and "已过" not in kept.warnings[0].message


def test_a_site_missing_pages_is_built_again(project):
    first = _build(project)
    (first.result.site_dir / "index.html").unlink()
    again = _build(project)
    assert not again.result.kept and not again.result.skipped
    assert (again.result.site_dir / "index.html").is_file()


def test_publish_always_runs(project):
    _build(project)
    published = _build(project, freeze="week")
    assert not published.result.kept and published.checked is not None
    assert published.frozen


def _key(tmp_path: Path, source: Path, **changes):
    as_of = changes.pop("as_of", AS_OF)
    options = {
        "audience": "public", "language": "zh", "schema_dir": load_schema().directory, "config_file": DEFAULT_CONFIG,
        "docs_dir": tmp_path / "docs", "templates": None, "published_dir": tmp_path / "published",
    }
    options.update(changes)
    return build_key(BuildRequest(sources=(WorkbookFile(spec=str(source), path=source),), as_of=as_of, **options))


def test_every_input_is_part_of_the_key(tmp_path):
    source = tmp_path / "book.xlsx"
    shutil.copy2(EXAMPLE_WORKBOOK, source)
    docs = tmp_path / "docs"
    copy_handwritten(DEFAULT_DOCS, docs)
    base = _key(tmp_path, source)
    assert base == _key(tmp_path, source)
    keys = {base}

    def changed(**changes) -> None:
        key = _key(tmp_path, source, **changes)
        assert key not in keys, changes
        keys.add(key)

    changed(as_of=dt.date(2023, 1, 1))
    changed(audience="internal")
    changed(language="en")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "base.md.j2").write_text("x", encoding="utf-8")
    changed(templates=templates)
    (docs / "help" / "index.md").write_text("# 改过的帮助\n", encoding="utf-8")
    changed()
    (tmp_path / "published" / "week").mkdir(parents=True)
    (tmp_path / "published" / "week" / "2022-W50.json").write_text("{}", encoding="utf-8")
    changed()
    schema_copy = tmp_path / "schema"
    shutil.copytree(load_schema().directory, schema_copy)
    assert _key(tmp_path, source, schema_dir=schema_copy) in keys  # the contents count, not the folder
    (schema_copy / "enums.yaml").write_text((schema_copy / "enums.yaml").read_text(encoding="utf-8") + "\n",
                                            encoding="utf-8")
    changed(schema_dir=schema_copy)
    with source.open("ab") as fh:
        fh.write(b"\0")
    changed(schema_dir=schema_copy)


def test_generated_pages_in_docs_are_not_inputs(tmp_path):
    """``build`` leaves the rendered pages in docs/ for ``mkdocs serve``; they are outputs."""
    source = tmp_path / "book.xlsx"
    shutil.copy2(EXAMPLE_WORKBOOK, source)
    (tmp_path / "docs").mkdir()
    base = _key(tmp_path, source)
    generated = tmp_path / "docs" / sorted(GENERATED_PATHS)[0]
    generated.mkdir()
    (generated / "x.md").write_text("# x\n", encoding="utf-8")
    assert _key(tmp_path, source) == base


GOOGLE = GoogleSheet(spec="gsheet:1AbC", key="1AbC")


def _google_key(tmp_path, fetched=None):
    request = BuildRequest(sources=(GOOGLE,), as_of=AS_OF, language="zh", docs_dir=tmp_path)
    return build_key(request, fetched)


def test_google_sheets_before_fetching_and_missing_sources_have_no_key(tmp_path):
    assert _google_key(tmp_path) is None
    assert _key(tmp_path, tmp_path / "absent.xlsx") is None


def test_a_fetched_google_spreadsheet_is_keyed_by_its_cells(tmp_path):
    def tabs(name: str, merged=None):
        return {GOOGLE: [RawSheet("部门", "gsheet:1AbC", rows=[["编号", "名称"], ["D1", name]], merged=merged)]}

    base = _google_key(tmp_path, tabs("区某局"))
    assert base is not None and base == _google_key(tmp_path, tabs("区某局"))
    assert len({base, _google_key(tmp_path, tabs("区某某局")), _google_key(tmp_path, tabs("区某局", [(1, 0, 1, 1)]))}) == 3


def test_an_unchanged_google_spreadsheet_keeps_the_site_after_fetching_it(runner, tmp_path, monkeypatch):
    key_file = write_key_file(tmp_path / "service-account.json")
    site = tmp_path / "site"
    args = ["build", "--source", f"gsheet:{mc.SAMPLE_KEY}", "--credentials", str(key_file), "--as-of", "2022-12-31",
            "--site-dir", str(site), "--published-dir", str(tmp_path / "published")]
    with play("gsheets_read_sample"):
        first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    stamp = (site / "index.html").stat().st_mtime_ns
    pages = len(list(site.rglob("*.html")))

    def no_checking(*args, **kwargs):
        raise AssertionError("the cells were checked again")

    monkeypatch.setattr(pipeline, "check_sheets", no_checking)
    with play("gsheets_read_sample") as played:
        again = runner.invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert len(played.sheets_requests()) == 2  # fetched once, as any build does
    assert f"沿用 {site} 中的站点（{pages} 个页面；加 --force 可重新构建）" in again.output
    assert (site / "index.html").stat().st_mtime_ns == stamp


def test_the_cli_keeps_the_site_says_the_same_warnings_and_can_be_forced(runner, project):
    source, _docs, site, published = project
    args = ["build", "--source", str(source), "--as-of", "2022-12-31", "--site-dir", str(site),
            "--published-dir", str(published)]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    again = runner.invoke(cli, args)
    assert again.exit_code == 0, again.output
    pages = len(list(site.rglob("*.html")))
    warned = [line for line in first.output.splitlines() if line.startswith("警告")]
    assert len(warned) == 5
    assert [line for line in again.output.splitlines() if line.startswith("警告")] == warned
    assert "…… 另有 4 个警告（运行 validate 查看全部）" in again.output
    assert (f"数据源、表结构与配置自上次构建以来没有变化：沿用 {site} 中的站点（{pages} 个页面；加 --force 可重新构建）"
            in again.output)
    forced = runner.invoke(cli, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    # --force repairs: the whole site is built again, MkDocs included.
    assert f"已生成 {pages} 个页面（统计截止 2022-12-31），位于 {site}" in forced.output
    assert (site / BUILD_MARKER).is_file()
