"""Issue 19 in ``benchmarks.run``: our whole build with each engine, side by
side in one run with bare ``mkdocs build`` and bare ``zensical build`` of the
same pages, then the rebuilds: unchanged inputs, and one cell of the workbook
changed. Judged on CPU seconds (the child's own, from ``os.wait4``: a build's
engine child is counted with it).

Rows recorded (``benchmarks/results/<scale>.json``):

- ``build`` / ``build_mkdocs``: our build, cold (no site, no cache), Zensical / MkDocs;
- ``mkdocs`` / ``zensical``: the bare engines on the pages our build left in docs/,
  cold (Zensical without its ``.cache``);
- ``zensical_cached``: bare ``zensical build`` once more, its cache kept and nothing
  changed: the least any rebuild with Zensical costs, whatever our own part does;
- ``rebuild``: our build again, inputs unchanged (Zensical);
- ``one_cell`` / ``one_cell_mkdocs``: our build after one policy title changed in
  the workbook, over the site and cache the build before left.
"""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .results import Run

POLICY_SHEET = "政策"
CHANGED_CELL = "B3"  # the second policy's title


def change_one_cell(source: Path, target: Path, suffix: str = "（修订）") -> str:
    """A copy of the workbook with one cell changed: the text of ``CHANGED_CELL``
    on the policies sheet gets ``suffix``. Edits the sheet's XML in the zip (the
    sample writes inline strings), so that the rest is byte for byte the same.
    Returns the new text."""
    with zipfile.ZipFile(source) as book:
        workbook = book.read("xl/workbook.xml").decode()
        rels = book.read("xl/_rels/workbook.xml.rels").decode()
        rid = re.search(rf'<sheet name="{POLICY_SHEET}"[^>]*r:id="(rId\d+)"', workbook)
        assert rid, "no policies sheet"
        where = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
        assert where, "no sheet part"
        part = "xl/" + (where.group(1) or where.group(2)).removeprefix("/xl/")
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            new_text = ""
            for item in book.infolist():
                data = book.read(item.filename)
                if item.filename == part:
                    xml = data.decode()
                    cell = re.search(rf'<c r="{CHANGED_CELL}" t="inlineStr"><is><t>([^<]*)</t>', xml)
                    assert cell, f"no text in {CHANGED_CELL}"
                    new_text = cell.group(1) + suffix
                    xml = xml[:cell.start(1)] + new_text + xml[cell.end(1):]
                    data = xml.encode()
                out.writestr(item, data)
    return new_text


def bare_zensical_config(project: Path) -> Path:
    """The project's mkdocs.yml as it is, but for the site folder (``zensical build``
    has no option for it): the bare run must not write into our site."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = project / "mkdocs-bare-zensical.yml"
    config.write_text(re.sub(r"(?m)^site_dir: .*$", "site_dir: site-bare-zensical", text), encoding="utf-8")
    return config


def run_engines(scale: str, workbook: Path, work: Path, rounds: int, runs: Any,
                stage: Callable[..., Run], spawn: Callable[..., Run], prepare_project: Callable[[Path], None],
                page_sizes: Callable[[Path], dict[str, Any]], median: Callable[[list[Run]], Run]) -> None:
    project = work / "project"
    source = str(workbook)
    series: dict[str, list[Run]] = {"build": [], "build_mkdocs": [], "mkdocs": [], "zensical": [], "zensical_cached": []}
    # Alternating, so that a change of load hits all alike; the median run of each is recorded.
    for _ in range(rounds):
        prepare_project(project)  # no site, no cache: a cold build
        series["build_mkdocs"].append(stage("build: ours, MkDocs (cold)", "build", work, tag="build-mkdocs",
                                            source=source, project=str(project), engine="mkdocs"))
        prepare_project(project)
        series["build"].append(stage("build: ours, Zensical (cold)", "build", work, source=source,
                                     project=str(project), engine="zensical"))
        if series["build"][-1].returncode != 0:
            return
        series["build"][-1].info["sizes"] = page_sizes(project / "site")
        bare_site = work / "site-bare"
        shutil.rmtree(bare_site, ignore_errors=True)
        series["mkdocs"].append(spawn("build: bare mkdocs build", [
            sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(bare_site),
        ], stdout=work / "mkdocs.log"))
        shutil.rmtree(project / ".cache", ignore_errors=True)
        shutil.rmtree(project / "site-bare-zensical", ignore_errors=True)
        zensical = [sys.executable, "-m", "zensical", "build", "-f", str(bare_zensical_config(project))]
        series["zensical"].append(spawn("build: bare zensical build", zensical, stdout=work / "zensical.log"))
        # Again over the cache that run left, nothing changed: Zensical's floor.
        series["zensical_cached"].append(spawn("build: bare zensical build, cache kept, nothing changed", zensical,
                                               stdout=work / "zensical-cached.log"))
    for key, found in series.items():
        if found:
            runs[key] = median(found)
    runs["rebuild"] = stage("rebuild, unchanged inputs", "build", work, tag="rebuild", source=source,
                            project=str(project), engine="zensical")
    # Beside the original, as a staff member's edited workbook is: the same folder holds the
    # receipt key and the photos (a copy elsewhere got a new key, and so every record changed).
    changed = workbook.with_name(f"{scale}-one-cell.xlsx")
    text = change_one_cell(workbook, changed)
    runs["one_cell"] = stage("one cell changed: ours, Zensical", "build", work, tag="one-cell", source=str(changed),
                             project=str(project), engine="zensical")
    runs["one_cell"].info["changed"] = f"{POLICY_SHEET}!{CHANGED_CELL} → {text}"
    runs["one_cell"] = runs["one_cell"]  # saved again, with what changed
    # The same with MkDocs: its site first (cold), then the changed workbook.
    stage("build: ours, MkDocs (before the change)", "build", work, tag="before-one-cell-mkdocs", source=source,
          project=str(project), engine="mkdocs")
    runs["one_cell_mkdocs"] = stage("one cell changed: ours, MkDocs", "build", work, tag="one-cell-mkdocs",
                                    source=str(changed), project=str(project), engine="mkdocs")
