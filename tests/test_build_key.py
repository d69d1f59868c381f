"""Every input of a build is in its key: a template override named only by
the environment (NUANQI_TEMPLATES) rebuilds the site when it is edited."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import generator.pipeline as pipeline
from generator.cli import templates_folder
from generator.request import BuildRequest
from generator.site.build import DEFAULT_DOCS, copy_handwritten
from generator.sources import EXAMPLE_WORKBOOK, parse_sources

AS_OF = dt.date(2022, 12, 31)


def test_an_override_named_by_the_environment_is_part_of_the_key(tmp_path: Path, monkeypatch):
    docs = tmp_path / "docs"
    copy_handwritten(DEFAULT_DOCS, docs)
    source = tmp_path / "book.xlsx"
    shutil.copy2(EXAMPLE_WORKBOOK, source)
    overrides = tmp_path / "templates"
    (overrides / "progress").mkdir(parents=True)
    page = overrides / "progress" / "index.md.j2"
    page.write_text("# 工作进展\n\n第一版说明\n", encoding="utf-8")
    monkeypatch.setenv("NUANQI_TEMPLATES", str(overrides))
    # The key covers the generator's code too; hold it still while others edit it.
    monkeypatch.setattr("generator.site.build_key._CODE_DIR", tmp_path / "code")

    def build():
        # The CLI reads the environment into the request (templates_folder), as here.
        return pipeline.build(BuildRequest(
            sources=parse_sources([str(source)]), as_of=AS_OF, site_dir=tmp_path / "site", docs_dir=docs,
            published_dir=tmp_path / "published", reuse=True, templates=templates_folder(None)))

    first = build()
    assert "第一版说明" in (first.result.site_dir / "progress/index.html").read_text(encoding="utf-8")
    assert build().result.kept  # nothing changed
    page.write_text("# 工作进展\n\n第二版说明\n", encoding="utf-8")
    again = build()
    assert not again.result.kept and not again.result.skipped
    assert "第二版说明" in (again.result.site_dir / "progress/index.html").read_text(encoding="utf-8")
