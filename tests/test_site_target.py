"""Issue 20: the site folder a build replaces. Only a folder of ours (or an
empty or absent one) is replaced; the audiences never replace each other; the
public site holds nothing internal; --force repairs; interrupted builds are
repaired by the next; the folder cannot be written is the operator's error."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import build, render_page

import generator.site.target as site_target
from generator.cli import cli
from generator.errors import ConfigError, NuanqiError
from generator.site.build import BUILD_MARKER, DEFAULT_DOCS, build_site, copy_handwritten
from generator.site.target import SiteTarget, check_before_build
from generator.sources import parse_sources

AS_OF = dt.date(2022, 12, 31)
NOT_OURS = "不是本系统生成的站点目录"


def _cli_build(runner, source: Path, site: Path, *extra: str):
    return runner.invoke(cli, ["build", "--source", str(source), "--as-of", "2022-12-31", "--site-dir", str(site),
                               "--published-dir", str(site.parent / "published"), *extra])


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# build_site on its own, with the one-page site of conftest.tiny.


def _tiny_build(tiny, text="# 甲\n", **options):
    config, docs, site = tiny
    return build_site(render_page(text), site, config_file=config, docs_dir=docs, **options)


# Folders that are not ours.


def test_a_home_folder_is_never_replaced(runner, example_workbook, tmp_path):
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text("secret key", encoding="utf-8")
    shutil.copy2(example_workbook, home / "book.xlsx")
    result = _cli_build(runner, example_workbook, home)
    assert result.exit_code == 2, result.output
    assert f"{home} {NOT_OURS}" in result.output
    assert "--site-dir" in result.output and "内部错误" not in result.output
    assert (home / ".ssh" / "id_ed25519").read_text(encoding="utf-8") == "secret key"
    assert sorted(p.name for p in home.iterdir()) == [".ssh", "book.xlsx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]  # nothing beside it either


def test_the_real_home_and_a_source_folder_are_refused_before_reading(runner, example_workbook, tmp_path, monkeypatch):
    home = tmp_path / "me"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    result = _cli_build(runner, example_workbook, home)
    assert result.exit_code == 2, result.output
    assert f"不能把站点生成到 {home}：其中有主目录 {home}" in result.output
    source = tmp_path / "data" / "book.xlsx"
    source.parent.mkdir()
    shutil.copy2(example_workbook, source)
    result = _cli_build(runner, source, tmp_path)
    assert result.exit_code == 2, result.output
    assert f"不能把站点生成到 {tmp_path}：其中有" in result.output
    assert source.is_file()


def test_the_root_the_project_and_docs_are_refused(runner, example_workbook):
    from generator.schema import PROJECT_ROOT

    for folder, what in [(Path("/"), "根目录"), (PROJECT_ROOT, "本项目"), (PROJECT_ROOT / "docs", "页面源目录"),
                         (PROJECT_ROOT.parent, "本项目")]:
        result = _cli_build(runner, example_workbook, folder)
        assert result.exit_code == 2, (folder, result.output)
        assert what in result.output and str(folder.resolve()) in result.output
        assert "内部错误" not in result.output
    assert (PROJECT_ROOT / ".git").exists() and (PROJECT_ROOT / "pyproject.toml").is_file()


def test_a_repository_or_a_file_is_refused(tiny, tmp_path):
    config, docs, _site = tiny
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=f"{repo} {NOT_OURS}"):
        build_site(render_page("# 甲\n"), repo, config_file=config, docs_dir=docs)
    assert (repo / ".git" / "HEAD").is_file()
    afile = tmp_path / "notes.txt"
    afile.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match="是一个文件"):
        build_site(render_page("# 甲\n"), afile, config_file=config, docs_dir=docs)
    assert afile.read_text(encoding="utf-8") == "x"


def test_an_empty_or_absent_folder_and_an_earlier_versions_site_are_replaced(tiny, tmp_path):
    config, docs, site = tiny
    site.mkdir()
    assert not _tiny_build(tiny).skipped
    assert json.loads((site / BUILD_MARKER).read_text(encoding="utf-8"))["audience"] == "internal"
    older = tmp_path / "older"
    older.mkdir()
    (older / "index.html").write_text("old", encoding="utf-8")
    (older / BUILD_MARKER).write_text(json.dumps({"fingerprint": "x", "findings": [{"value": "E001"}]}),
                                      encoding="utf-8")
    build_site(render_page("# 乙\n"), older, config_file=config, docs_dir=docs, internal_values={})
    assert "乙" in (older / "index.html").read_text(encoding="utf-8")
    assert "E001" not in (older / BUILD_MARKER).read_text(encoding="utf-8")


# The audiences.


def test_internal_never_replaces_a_public_site_and_the_reverse(runner, example_workbook, tiny, tmp_path):
    public = tmp_path / "pub"
    _tiny_build((tiny[0], tiny[1], public), internal_values={})
    before = sorted(p.relative_to(public).as_posix() for p in public.rglob("*"))
    result = _cli_build(runner, example_workbook, public, "--audience", "internal")
    assert result.exit_code == 2, result.output
    assert f"{public} 中是公开版站点，内部版不能生成到这里" in result.output
    assert sorted(p.relative_to(public).as_posix() for p in public.rglob("*")) == before
    with pytest.raises(ConfigError, match="中是公开版站点"):
        _tiny_build((tiny[0], tiny[1], public), audience="internal")

    internal = tmp_path / "intern"
    _tiny_build((tiny[0], tiny[1], internal))
    result = _cli_build(runner, example_workbook, internal)
    assert result.exit_code == 2, result.output
    assert f"{internal} 中是内部版站点，公开版不能生成到这里" in result.output
    assert "--site-dir" in result.output
    # A deleted site is still known by what was recorded beside it.
    shutil.rmtree(public)
    with pytest.raises(ConfigError, match="中是公开版站点"):
        _tiny_build((tiny[0], tiny[1], public), audience="internal")


# The public site holds nothing internal.


@pytest.fixture(scope="module")
def public_build(tmp_path_factory, sample_rows):
    from conftest import write_workbook

    rows = copy.deepcopy(sample_rows)
    enterprise = rows["enterprises"][0]["enterprise_id"]
    for a in rows["assignments"]:
        if a["enterprise_id"] == enterprise:
            a["end_on"] = "2022-11-30"  # a warning naming the enterprise
    tmp = tmp_path_factory.mktemp("public")
    book = write_workbook(tmp / "secret-book-name.xlsx", rows)
    docs = tmp / "docs"
    copy_handwritten(DEFAULT_DOCS, docs)
    built = build([str(book)], AS_OF, site_dir=tmp / "site", docs_dir=docs, published_dir=tmp / "published",
                  reuse=True)
    return built, enterprise, book, docs


def test_the_public_site_holds_no_findings_ids_or_paths(public_build):
    built, enterprise, book, _docs = public_build
    site = built.result.site_dir
    findings = [f for f in built.checked.report.warnings if enterprise in f.message]
    assert findings, "the build has a warning naming the enterprise"
    marker = json.loads((site / BUILD_MARKER).read_text(encoding="utf-8"))
    assert sorted(marker) == ["audience", "build", "generator"]
    assert marker["audience"] == "public" and marker["generator"] == "nuanqi"
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        rel = path.relative_to(site).as_posix()
        assert book.name not in text and str(book.parent) not in text, rel
        for finding in findings:
            assert finding.message not in text and finding.place not in text, rel
    state = json.loads((site.parent / ".nuanqi-build-site" / "build.json").read_text(encoding="utf-8"))
    assert state["build"] == marker["build"]
    assert any(enterprise in f["message"] for f in state["findings"])


def test_force_repairs_a_defaced_page_and_a_deleted_search_index(runner, public_build):
    built, _enterprise, book, _docs = public_build
    site = built.result.site_dir
    index = site / "index.html"
    good = index.read_text(encoding="utf-8")
    index.write_text("defaced", encoding="utf-8")
    # The search index: Zensical's, else MkDocs'.
    search = site / "search.json" if (site / "search.json").is_file() else site / "search" / "search_index.json"
    search.unlink()
    result = _cli_build(runner, book, site, "--force")
    assert result.exit_code == 0, result.output
    assert f"已生成 {built.result.pages} 个页面（统计截止 2022-12-31），位于 {site}" in result.output
    assert index.read_text(encoding="utf-8") == good
    assert search.is_file()


def test_a_defaced_site_is_not_kept_even_without_force(tiny):
    _config, _docs, site = tiny
    _tiny_build(tiny)
    assert _tiny_build(tiny).skipped
    (site / "index.html").write_text("defaced", encoding="utf-8")
    assert not _tiny_build(tiny).skipped
    assert "甲" in (site / "index.html").read_text(encoding="utf-8")
    assert not _tiny_build(tiny, force=True).skipped


# Interrupted builds.


def test_stale_staging_folders_are_removed_live_ones_kept(tiny, tmp_path):
    _config, _docs, site = tiny
    _tiny_build(tiny)
    target = SiteTarget(site)
    dead = target.state_dir / "stage-dead"
    (dead / "site").mkdir(parents=True)
    (dead / "pid").write_text(str(_dead_pid()), encoding="ascii")
    live = target.state_dir / "stage-live"
    live.mkdir()
    (live / "pid").write_text(str(os.getppid()), encoding="ascii")
    legacy = tmp_path / ".nuanqi-build-k3x9_q2z"  # an earlier version's, killed
    (legacy / "docs").mkdir(parents=True)
    (legacy / "site").mkdir()
    (legacy / "site" / "big.bin").write_bytes(b"\0" * 1000)
    assert not _tiny_build(tiny, "# 乙\n").skipped
    assert not dead.exists() and not legacy.exists()
    assert live.is_dir()
    assert sorted(p.name for p in target.state_dir.iterdir()) == ["build.json", "lock", "stage-live", "work"]


def test_a_crash_between_the_two_renames_is_repaired(tiny, example_workbook):
    _config, docs, site = tiny
    _tiny_build(tiny)
    stamp = (site / "index.html").stat().st_mtime_ns
    target = SiteTarget(site)
    site.rename(target.old)  # the first rename of the swap done, then the power went
    assert not site.exists()
    check_before_build(site, "internal", sources=parse_sources([str(example_workbook)]), docs_dir=docs,
                       config_file=tiny[0])
    assert (site / "index.html").stat().st_mtime_ns == stamp
    assert not target.old.exists()
    assert target.state(), "the site is the one the state describes"
    site.rename(target.old)
    assert _tiny_build(tiny).skipped  # build_site repairs it too, and keeps it
    assert (site / "index.html").stat().st_mtime_ns == stamp


def test_the_swap_without_exchange_keeps_the_old_site_on_failure(tiny, monkeypatch):
    _config, _docs, site = tiny
    monkeypatch.setattr(site_target, "_exchange", lambda a, b: False)
    _tiny_build(tiny)
    assert not _tiny_build(tiny, "# 乙\n").skipped
    assert "乙" in (site / "index.html").read_text(encoding="utf-8")
    real_rename = Path.rename
    old = SiteTarget(site).old

    def failing(self, target):
        if Path(target) == site and self != old:
            raise OSError(28, "No space left on device", str(target))
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(NuanqiError, match="无法写入"):
        _tiny_build(tiny, "# 丙\n")
    assert "乙" in (site / "index.html").read_text(encoding="utf-8")
    assert not SiteTarget(site).old.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_the_swap_exchanges_in_one_step(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a", encoding="utf-8")
    (b / "x").write_text("b", encoding="utf-8")
    assert site_target._exchange(a, b)
    assert (a / "x").read_text(encoding="utf-8") == "b" and (b / "x").read_text(encoding="utf-8") == "a"


def test_a_second_build_of_the_same_site_at_once_is_refused(tiny):
    _config, _docs, site = tiny
    _tiny_build(tiny)
    with SiteTarget(site).locked(), pytest.raises(NuanqiError, match=f"另一个构建正在写入 {site}"):
        _tiny_build(tiny, "# 乙\n")
    assert "甲" in (site / "index.html").read_text(encoding="utf-8")


def test_an_unwritable_folder_is_an_environment_error(runner, example_workbook):
    parent = Path("/sys/nuanqi-test")
    try:
        parent.mkdir()
    except OSError:
        pass
    else:
        parent.rmdir()
        pytest.skip("/sys is writable here")
    result = _cli_build(runner, example_workbook, parent / "site")
    assert result.exit_code == 2, result.output
    assert "无法写入" in result.output and "内部错误" not in result.output


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_mkdocs_child_dies_with_a_killed_build(tmp_path):
    from generator.site.build import DEFAULT_CONFIG

    # A process holding the child's stdin open, as a shell or a supervisor may:
    # the child does not see the end of its input when the build dies.
    script = (
        "import os, subprocess, sys, time\n"
        "os.environ['NUANQI_MKDOCS_AHEAD'] = '1'\n"
        "from generator.site.mkdocs_run import MkDocsAhead\n"
        f"ahead = MkDocsAhead.start(__import__('pathlib').Path({str(DEFAULT_CONFIG)!r}))\n"
        "fd = ahead.process.stdin.fileno()\n"
        "holder = subprocess.Popen(['sleep', '60'], pass_fds=[fd], stdin=subprocess.DEVNULL)\n"
        "print(ahead.process.pid, holder.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parent.parent)
    assert parent.stdout is not None
    child, holder = map(int, parent.stdout.readline().split())
    time.sleep(3)  # the child has prepared MkDocs and waits for its job
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()

    def gone() -> bool:
        try:
            status = Path(f"/proc/{child}/stat").read_text(encoding="ascii")
        except OSError:
            return True
        return status.rsplit(")", 1)[1].split()[0] in ("Z", "X")

    try:
        deadline = time.monotonic() + 10
        while not gone() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert gone(), "the MkDocs child outlived its build"
    finally:
        os.kill(holder, signal.SIGKILL)
