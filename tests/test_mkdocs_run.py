"""MkDocs started ahead in a child process (``generator/mkdocs_run.py``): the
same site as MkDocs in process, MkDocs' own complaints named, and no child left
behind when a build stops early."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import build

from generator.errors import ConfigError, DataInvalid
from generator.site import mkdocs_run
from generator.site.build import DEFAULT_CONFIG, DEFAULT_DOCS, copy_handwritten
from generator.site.mkdocs_run import AHEAD_VARIABLE, MkDocsAhead, MkDocsProblem
from generator.sources import EXAMPLE_WORKBOOK

AS_OF = dt.date(2022, 12, 31)


def _build(tmp: Path, name: str) -> Path:
    docs = tmp / f"docs-{name}"
    copy_handwritten(DEFAULT_DOCS, docs)
    built = build([str(EXAMPLE_WORKBOOK)], AS_OF, site_dir=tmp / f"site-{name}", docs_dir=docs,
                  published_dir=tmp / "published", engine="mkdocs")
    assert built.result.warnings == []
    return built.result.site_dir


def _files(site: Path) -> dict[str, bytes]:
    # The compressed sitemap carries the time it was written.
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.name != "sitemap.xml.gz"}


@pytest.fixture
def started(monkeypatch) -> list[MkDocsAhead | None]:
    """Every MkDocsAhead.start of the test, in order (None: in process)."""
    seen: list[MkDocsAhead | None] = []
    start = MkDocsAhead.start.__func__  # type: ignore[attr-defined]

    def record(cls, config_file):
        seen.append(start(cls, config_file))
        return seen[-1]

    monkeypatch.setattr(MkDocsAhead, "start", classmethod(record))
    return seen


def test_ahead_and_in_process_build_the_same_site(tmp_path, monkeypatch, started):
    monkeypatch.setenv(AHEAD_VARIABLE, "1")
    ahead = _files(_build(tmp_path, "ahead"))
    assert len(started) == 1 and started[0].process.returncode == 0
    monkeypatch.setenv(AHEAD_VARIABLE, "0")
    in_process = _files(_build(tmp_path, "in-process"))
    assert started[1:] == [None]
    assert sum(name.endswith(".html") for name in ahead) > 150
    assert ahead.keys() == in_process.keys()
    assert [name for name in ahead if ahead[name] != in_process[name]] == []


@pytest.mark.parametrize("ahead", ["1", "0"])
def test_a_configuration_mkdocs_refuses_is_named(tmp_path, monkeypatch, ahead):
    monkeypatch.setenv(AHEAD_VARIABLE, ahead)
    config = tmp_path / "mkdocs.yml"
    config.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8").replace("name: material", "name: no-such-theme", 1),
                      encoding="utf-8")
    assert "no-such-theme" in config.read_text(encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        build([str(EXAMPLE_WORKBOOK)], AS_OF, site_dir=tmp_path / "site", docs_dir=tmp_path / "docs",
              config_file=config, published_dir=tmp_path / "published", engine="mkdocs")
    message = str(caught.value)
    assert message.startswith("mkdocs.yml 有误（MkDocs）：") and "no-such-theme" in message, message
    assert not (tmp_path / "site").exists()


def test_the_child_is_stopped_when_the_data_is_invalid(tmp_path, monkeypatch, make_workbook, started):
    monkeypatch.setenv(AHEAD_VARIABLE, "1")
    book = make_workbook(lambda rows: rows["issues"][0].update(reported_on="2023-05-01"))
    with pytest.raises(DataInvalid):
        build([str(book)], AS_OF, site_dir=tmp_path / "site", docs_dir=tmp_path / "docs",
              published_dir=tmp_path / "published", engine="mkdocs")
    (child,) = started
    assert child is not None and child.process.returncode is not None  # stopped, not left waiting
    assert not (tmp_path / "site").exists()


def test_the_child_reports_what_mkdocs_refused(tmp_path, monkeypatch):
    monkeypatch.setenv(AHEAD_VARIABLE, "1")
    ahead = MkDocsAhead.start(DEFAULT_CONFIG)
    assert ahead is not None
    try:
        with pytest.raises(MkDocsProblem) as caught:
            ahead.build(DEFAULT_CONFIG, tmp_path / "missing-docs", tmp_path / "site")
    finally:
        ahead.close()
    assert caught.value.kind == "config" and "missing-docs" in caught.value.detail


def test_the_child_without_a_job_exits_quietly():
    done = subprocess.run([sys.executable, "-m", "generator.site.mkdocs_run", str(DEFAULT_CONFIG)], input="",
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_one_core_builds_in_process(monkeypatch):
    monkeypatch.delenv(AHEAD_VARIABLE, raising=False)
    monkeypatch.setattr(mkdocs_run, "_usable_cores", lambda: 1)
    assert MkDocsAhead.start(DEFAULT_CONFIG) is None
    monkeypatch.setattr(mkdocs_run, "_usable_cores", lambda: 2)
    ahead = MkDocsAhead.start(DEFAULT_CONFIG)
    assert ahead is not None
    ahead.close()
    assert ahead.process.returncode is not None


def test_no_child_to_be_had_builds_in_process(monkeypatch):
    monkeypatch.setenv(AHEAD_VARIABLE, "1")

    def refused(*args, **kwargs):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(mkdocs_run.subprocess, "Popen", refused)
    assert MkDocsAhead.start(DEFAULT_CONFIG) is None
