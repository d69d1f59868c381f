"""``build --engine zensical|mkdocs`` (issue 19): both engines build the same
docs/ and mkdocs.yml; what each says on the command line; Zensical's failures
named in Chinese with exit 2 and the last good site left as it was; and the
incremental build: unchanged pages keep their modification time, the leak
guard scans only what changed."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import build, render_page

from generator.cli import cli
from generator.errors import BuildError, ConfigError, LeakError
from generator.site import leakguard, zensical_run
from generator.site.build import DEFAULT_CONFIG, DEFAULT_DOCS, build_site, copy_handwritten
from generator.site.target import SiteTarget
from generator.site.zensical_run import ENGINE_VARIABLE, warnings_of
from generator.sources.receipt_key import ReceiptKey
from generator.workbook.sample.challenges import add_photos, write_photos

AS_OF = "2022-12-31"


def _cli_build(runner, workbook: Path, site: Path, *extra: str):
    return runner.invoke(cli, ["build", "--source", str(workbook), "--as-of", AS_OF, "--site-dir", str(site),
                               "--published-dir", str(site.parent / "published"), *extra])


@pytest.mark.parametrize("engine", ["zensical", "mkdocs"])
def test_each_engine_builds_the_example_and_says_where(runner, example_workbook, tmp_path, engine):
    site = tmp_path / "site"
    result = _cli_build(runner, example_workbook, site, "--engine", engine)
    assert result.exit_code == 0, result.output
    # The example's pages, among them the 一件事 index and its 5 routes, and 研修助学.
    assert result.stdout.splitlines() == [
        f"已生成 221 个页面（统计截止 2022-12-31），位于 {site}",
        f"用浏览器打开 {site / 'index.html'}，或运行 python -m http.server -d {site} 8000 预览",
    ]
    assert "MkDocs 警告" not in result.stderr
    index = (site / "index.html").read_text(encoding="utf-8")
    # Zensical draws its own search box (a button opening a dialog); Material's is a form.
    assert ("md-search__button" in index) == (engine == "zensical")
    assert (site / "policies" / "P0001.html").is_file() and (site / "data" / "policies.json").is_file()
    # The example's photos (issue 18): each image a page embeds is in the site, beside 揭榜挂帅's pages.
    assert (site / "challenges" / "index.html").is_file()
    for page in (site / "projects" / "XM0001.html", site / "challenges" / "JB001.html"):
        sources = re.findall(r'<img src="([^"]+)"', page.read_text(encoding="utf-8"))
        assert sources and all((page.parent / src).is_file() for src in sources)
    # The page a web server shows for a wrong address speaks Chinese and leads home.
    missing = (site / "404.html").read_text(encoding="utf-8")
    assert "404：找不到这个页面" in missing and "返回首页" in missing and "Not found" not in missing


def test_the_engine_comes_from_the_environment_and_a_wrong_one_is_named(runner, example_workbook, tmp_path,
                                                                        monkeypatch):
    monkeypatch.setenv(ENGINE_VARIABLE, "hugo")
    result = _cli_build(runner, example_workbook, tmp_path / "site")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["错误：NUANQI_ENGINE=hugo 不是可用的站点引擎：请使用 zensical, mkdocs 之一",
                                          "没有生成网站。"]
    assert not (tmp_path / "site").exists()
    monkeypatch.setenv(ENGINE_VARIABLE, "mkdocs")
    result = _cli_build(runner, example_workbook, tmp_path / "site")
    assert result.exit_code == 0, result.output
    assert "md-search__button" not in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    result = runner.invoke(cli, ["build", "--engine", "hugo"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "错误：'--engine' 的取值无效：'hugo' 不是可选的值（'zensical', 'mkdocs'）之一。"


def test_changing_the_engine_builds_again(runner, example_workbook, tmp_path):
    site = tmp_path / "site"
    assert _cli_build(runner, example_workbook, site, "--engine", "zensical").exit_code == 0
    again = _cli_build(runner, example_workbook, site, "--engine", "zensical")
    assert again.exit_code == 0 and again.stdout.startswith("数据源、表结构与配置自上次构建以来没有变化：沿用")
    other = _cli_build(runner, example_workbook, site, "--engine", "mkdocs")
    assert other.exit_code == 0 and other.stdout.startswith("已生成 221 个页面")
    assert "md-search__button" not in (site / "index.html").read_text(encoding="utf-8")


def _tiny(tmp_path: Path, config_text: str) -> tuple[Path, Path, Path]:
    config = tmp_path / "mkdocs.yml"
    config.write_text(config_text, encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    return config, docs, tmp_path / "site"


def test_a_configuration_zensical_refuses_is_named_and_nothing_is_published(tmp_path):
    config, docs, site = _tiny(tmp_path, "site_name: t\ntheme:\n  name: no-such-theme\n")
    with pytest.raises(ConfigError) as caught:
        build_site(render_page("# 甲\n"), site, config_file=config, docs_dir=docs, engine="zensical")
    assert str(caught.value).startswith("mkdocs.yml 有误（Zensical）：Theme 'no-such-theme' is not installed")
    assert not site.exists()


def test_a_failing_zensical_build_keeps_the_last_good_site(tmp_path, monkeypatch):
    config, docs, site = _tiny(tmp_path, "site_name: t\nuse_directory_urls: false\n")
    build_site(render_page("# 甲\n"), site, config_file=config, docs_dir=docs, engine="zensical")
    before = (site / "index.html").read_bytes()

    def crashed(command, **kwargs):
        return subprocess.CompletedProcess(command, 101, "Build started\n", "thread 'main' panicked\nError: disk on fire\n")

    monkeypatch.setattr(zensical_run.subprocess, "run", crashed)
    with pytest.raises(BuildError) as caught:
        build_site(render_page("# 乙\n"), site, config_file=config, docs_dir=docs, engine="zensical")
    assert str(caught.value) == "Zensical 构建失败：disk on fire"
    assert (site / "index.html").read_bytes() == before


def test_zensical_findings_are_the_build_warnings(tmp_path):
    config, docs, site = _tiny(tmp_path, "site_name: t\nuse_directory_urls: false\n")
    result = build_site(render_page("# 甲\n\n[别处](nowhere.md)\n"), site, config_file=config, docs_dir=docs,
                        engine="zensical")
    assert result.warnings == ["index.md:3:6: page does not exist"]


def test_warnings_of_reads_zensical_s_report():
    report = ("\x1b[33mWarning:\x1b[0m page does not exist\n    ╭─[ help/index.md:78:5 ]\n    │\n"
              " 78 │ [x](nope.md)\n────╯\nWarning: something without a place\n2 issues found\n")
    assert warnings_of(report) == ["help/index.md:78:5: page does not exist", "something without a place"]


# Incremental by construction.


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the project's mkdocs.yml, theme overrides and hand-written docs."""
    shutil.copy2(DEFAULT_CONFIG, tmp_path / "mkdocs.yml")
    shutil.copytree(DEFAULT_CONFIG.parent / "generator" / "render" / "theme",
                    tmp_path / "generator" / "render" / "theme")
    copy_handwritten(DEFAULT_DOCS, tmp_path / "docs")
    return tmp_path / "mkdocs.yml", tmp_path / "docs"


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_rendering_rewrites_only_the_pages_that_changed(example_workbook, make_workbook, project, tmp_path):
    config, docs = project
    site = tmp_path / "site"
    # One receipt key for both workbooks: each would otherwise find the key file beside it, and
    # other codes would rewrite every records file of the status page.
    key = ReceiptKey(secret="engines test key, not a real one")
    build([str(example_workbook)], dt.date(2022, 12, 31), site_dir=site, config_file=config, docs_dir=docs,
          published_dir=tmp_path / "published", receipt_key=key)
    work = SiteTarget(site).work / "docs"
    before = _mtimes(work)
    assert "policies/P0001.md" in before and "assets/stylesheets/extra.css" in before
    assert "help/index.md" not in before  # the staff's help is not in the public edition
    # The example's rows, photos beside them as the example has them (the sample's rows name none).
    write_photos(tmp_path)
    changed = make_workbook(lambda rows: (add_photos(rows), rows["policies"][0].update(title="一项改了名称的政策（示例）")))
    build([str(changed)], dt.date(2022, 12, 31), site_dir=site, config_file=config, docs_dir=docs,
          published_dir=tmp_path / "published", receipt_key=key)
    after = _mtimes(work)
    assert after.keys() == before.keys()
    rewritten = sorted(name for name in after if after[name] != before[name])
    assert "policies/P0001.md" in rewritten
    assert "assets/stylesheets/extra.css" not in rewritten and "departments/index.md" not in rewritten
    assert len(rewritten) < len(after) // 10, rewritten
    assert "一项改了名称的政策（示例）" in (site / "policies" / "P0001.html").read_text(encoding="utf-8")
    # docs/ gets the rendered pages too, for `mkdocs serve`.
    assert "一项改了名称的政策（示例）" in (docs / "policies" / "P0001.md").read_text(encoding="utf-8")


def test_a_page_rendering_no_longer_makes_is_removed(tmp_path):
    config, docs, site = _tiny(tmp_path, "site_name: t\nuse_directory_urls: false\n")

    def two(stage_docs: Path) -> list[Path]:
        for name in ("index.md", "old.md"):
            (stage_docs / name).write_text(f"# {name}\n", encoding="utf-8")
        return [stage_docs / "index.md", stage_docs / "old.md"]

    build_site(two, site, config_file=config, docs_dir=docs, engine="zensical")
    assert (site / "old.html").is_file()
    build_site(render_page("# 甲\n"), site, config_file=config, docs_dir=docs, engine="zensical")
    assert not (site / "old.html").exists()
    assert not (SiteTarget(site).work / "docs" / "old.md").exists()


@pytest.mark.parametrize("engine", ["zensical", "mkdocs"])
def test_the_leak_guard_scans_only_files_that_changed(tmp_path, monkeypatch, engine):
    config, docs, site = _tiny(tmp_path, "site_name: t\nuse_directory_urls: false\n")
    scanned: list[str] = []
    texts = leakguard._texts
    monkeypatch.setattr(leakguard, "_texts", lambda path, raw, *rest: (scanned.append(path.name), texts(path, raw, *rest))[1])
    secret = {"机密的内部数值": "企业!C2"}

    def pages(home: str):
        def render(stage_docs: Path) -> list[Path]:
            (stage_docs / "index.md").write_text(home, encoding="utf-8")
            (stage_docs / "other.md").write_text("# 别页\n\n不变的内容\n", encoding="utf-8")
            return [stage_docs / "index.md", stage_docs / "other.md"]
        return render

    build_site(pages("# 甲\n\n一\n"), site, config_file=config, docs_dir=docs, internal_values=secret, engine=engine)
    assert "other.html" in scanned and "index.html" in scanned
    scanned.clear()
    build_site(pages("# 甲\n\n二\n"), site, config_file=config, docs_dir=docs, internal_values=secret, engine=engine)
    assert "index.html" in scanned and "other.html" not in scanned
    # Other values looked for: every file is scanned again, and a leak is still found.
    scanned.clear()
    with pytest.raises(LeakError):
        build_site(pages("# 甲\n\n三\n"), site, config_file=config, docs_dir=docs,
                   internal_values={**secret, "不变的内容": "企业!D2"}, engine=engine)
    assert "other.html" in scanned



def test_a_template_zensical_cannot_read_is_named(tmp_path):
    config, docs, site = _tiny(tmp_path, "site_name: t\nuse_directory_urls: false\ntheme:\n  name: mkdocs\n")
    with pytest.raises(BuildError) as caught:
        build_site(render_page("# 甲\n"), site, config_file=config, docs_dir=docs, engine="zensical")
    assert str(caught.value).startswith("Zensical 构建失败：RuntimeError: syntax error"), caught.value
    assert not site.exists()
