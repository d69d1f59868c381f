"""The benchmark harness (issue 8): generate the sample workbook at a scale,
run every stage in its own process, and write ``benchmarks/RESULTS.md``.

    python -m benchmarks.run [--scale district|province] [--only STAGE] [--reuse]

Each stage runs in a child process; its wall time is measured here and its
CPU time and peak memory (``ru_maxrss``) come from ``os.wait4``, so they are
the child's own. Side by side in the same run: ``validate`` against
``frictionless validate`` on the same data (the checked workbook exported as
CSV with the ``schema export`` descriptor), our whole ``build`` against a
bare ``mkdocs build`` and bare ``zensical build`` of the same docs, with both
engines, and the rebuilds (``benchmarks/engines.py``), and python-calamine against openpyxl
(read-only) as the xlsx reader.

Results per scale are kept in ``benchmarks/results/<scale>.json`` (a run with
``--only`` replaces just those rows) and RESULTS.md is written from them and
from ``benchmarks/notes.md`` (the profiling notes, written by hand): results.py keeps
the runs, report.py writes the Markdown.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .report import write_markdown
from .results import HERE, RESULTS_MD, ROOT, SCALES, Run, save_results

WORK = HERE / "work"
AS_OF = "2022-12-31"
ONLY = ("sample", "read", "check", "validate", "figures", "render", "build", "frictionless")
POLICY_PAGE_BUDGET = 100 * 1024
BUILD_ROUNDS = {"district": 3, "province": 1}  # our build and bare MkDocs, alternating
FRICTIONLESS_TIMEOUT = 1800.0


def spawn(label: str, command: list[str], *, timeout: float | None = None, stdout: Path | None = None,
          result: Path | None = None, env: dict[str, str] | None = None) -> Run:
    run = Run(label=label, command=command, when=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
              load=os.getloadavg()[0], commit=_commit())
    out = stdout.open("wb") if stdout else subprocess.DEVNULL
    if result is not None and result.exists():
        result.unlink()
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT if stdout else subprocess.DEVNULL,
                                env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if timeout is not None and time.perf_counter() - start > timeout:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                run.timed_out = True
                break
            time.sleep(0.02)
    finally:
        if stdout:
            out.close()  # type: ignore[union-attr]
    run.wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    run.returncode = proc.returncode
    run.cpu = usage.ru_utime + usage.ru_stime
    run.peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    if result is not None and result.exists():
        data = json.loads(result.read_text())
        run.timings, run.step_cpu, run.info = data["timings"], data.get("cpu", {}), data["info"]
    print(f"  {label:<34} {run.wall:8.2f} s wall {run.cpu:8.2f} s CPU {run.peak_mb:8.0f} MB"
          + (f"  exit {run.returncode}" if run.returncode else "") + ("  TIMED OUT" if run.timed_out else ""),
          flush=True)
    return run


def _commit() -> str:
    """The code being measured: HEAD, with "+" when tracked files differ from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "generator", "sheets_schema", "mkdocs.yml",
                                "overrides", "docs"], cwd=ROOT, timeout=10).returncode != 0
    except (OSError, subprocess.SubprocessError):
        return ""
    return head + ("+" if dirty else "")


def stage(label: str, name: str, work: Path, tag: str | None = None, **args: str) -> Run:
    tag = tag or name
    result = work / f"{tag}.json"
    command = [sys.executable, "-m", "benchmarks.stages", name, "--out", str(result)]
    for key, value in args.items():
        command += [f"--{key.replace('_', '-')}", value]
    run = spawn(label, command, result=result, stdout=work / f"{tag}.log")
    if run.returncode:
        print((work / f"{tag}.log").read_text(errors="replace")[-2000:], file=sys.stderr)
    return run


def prepare_project(project: Path) -> None:
    """A copy of the project's MkDocs setup: mkdocs.yml, theme overrides and the
    hand-written docs (what rendering owns is left out), with no site yet."""
    from generator.site.build import copy_handwritten

    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    shutil.copy2(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    theme = ROOT / "generator" / "render" / "theme"
    if theme.is_dir():
        shutil.copytree(theme, project / "generator" / "render" / "theme")
    copy_handwritten(ROOT / "docs", project / "docs")


def page_sizes(site: Path) -> dict[str, Any]:
    pages = sorted(site.rglob("*.html"))
    # Every page under policies/: each policy's own page, the list pages and the finder.
    policies = [p for p in pages if p.parent.name == "policies"]
    largest = max(pages, key=lambda p: p.stat().st_size, default=None)
    biggest_policy = max(policies, key=lambda p: p.stat().st_size, default=None)
    return {
        "pages": len(pages),
        "site_mb": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 2**20,
        "largest_page": largest.relative_to(site).as_posix() if largest else None,
        "largest_page_kb": largest.stat().st_size / 1024 if largest else 0,
        "policy_pages": len(policies),
        "largest_policy_page": biggest_policy.relative_to(site).as_posix() if biggest_policy else None,
        "largest_policy_kb": biggest_policy.stat().st_size / 1024 if biggest_policy else 0,
        "policy_pages_over_budget": sum(1 for p in policies if p.stat().st_size >= POLICY_PAGE_BUDGET),
    }


class Recorder(dict[str, Run]):
    """The runs of one scale; each is saved (and RESULTS.md rewritten) as soon
    as it is recorded, so an interrupted run keeps what it measured."""

    def __init__(self, scale: str, command: str) -> None:
        super().__init__()
        self.scale, self.command = scale, command

    def __setitem__(self, key: str, run: Run) -> None:
        super().__setitem__(key, run)
        save_results(self.scale, {key: run}, self.command)
        write_markdown()


def _median(runs: list[Run]) -> Run:
    """The run of median wall time, with every round's wall and CPU seconds in its info."""
    chosen = sorted(runs, key=lambda r: r.wall)[len(runs) // 2]
    chosen.info["rounds"] = [{"wall": r.wall, "cpu": r.cpu, "load": r.load} for r in runs]
    return chosen


def run_scale(scale: str, only: set[str], reuse: bool, command: str) -> dict[str, Run]:
    work = WORK / scale
    work.mkdir(parents=True, exist_ok=True)
    workbook = WORK / f"{scale}.xlsx"
    source = str(workbook)
    runs = Recorder(scale, command)
    print(f"{scale}:", flush=True)
    if "sample" in only or not (reuse and workbook.exists()):
        runs["sample"] = stage("sample (write the workbook)", "sample", work, scale=scale, out_file=source)
    if "read" in only:
        runs["read"] = stage("read: python-calamine", "read", work, source=source)
        runs["read_openpyxl"] = stage("read: openpyxl read-only", "read-openpyxl", work, source=source)
    if "check" in only:
        runs["check"] = stage("check (after read)", "check", work, source=source)
    if "validate" in only or "frictionless" in only:
        runs["validate"] = spawn("validate (CLI, xlsx)", [
            sys.executable, "-m", "generator", "validate", "--source", source, "--as-of", AS_OF,
        ], stdout=work / "validate.log")
    if "figures" in only:
        runs["figures"] = stage("model + figures (after validate)", "figures", work, source=source)
    if "render" in only:
        runs["render"] = stage("render (after figures)", "render", work, source=source)
    if "build" in only:
        from .engines import run_engines

        run_engines(scale, workbook, work, BUILD_ROUNDS[scale], runs, stage, spawn, prepare_project, page_sizes,
                    _median)
    if "frictionless" in only:
        csv_dir = work / "csv"
        runs["export"] = stage("export CSV + descriptor", "export-csv", work, source=source, out_dir=str(csv_dir))
        if runs["export"].returncode == 0:
            runs["validate_csv"] = spawn("validate (CLI, same CSV)", [
                sys.executable, "-m", "generator", "validate", "--source", str(csv_dir), "--as-of", AS_OF,
            ], stdout=work / "validate-csv.log")
            fl = shutil.which("frictionless") or "frictionless"
            runs["frictionless"] = spawn("frictionless validate (same CSV)", [
                fl, "validate", "--json", str(csv_dir / "datapackage.json"),
            ], stdout=work / "frictionless.json", timeout=FRICTIONLESS_TIMEOUT)
            runs["frictionless"].info.update(_frictionless_summary(work / "frictionless.json"))
            runs["frictionless"] = runs["frictionless"]  # saved again, with its verdict
    return runs


def _frictionless_summary(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(errors="replace")
        report = json.loads(text[text.index("{"):])
    except (OSError, ValueError):
        return {}
    errors = sum(len(t.get("errors", [])) for t in report.get("tasks", []))
    rows = sum((t.get("stats") or {}).get("rows", 0) or 0 for t in report.get("tasks", []))
    return {"valid": report.get("valid"), "errors": errors, "rows": rows}



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=SCALES, action="append",
                        help="district and/or province (repeatable; default: both)")
    parser.add_argument("--only", choices=ONLY, action="append", help="run only these stages (repeatable)")
    parser.add_argument("--reuse", action="store_true", help="reuse benchmarks/work/<scale>.xlsx if it exists")
    args = parser.parse_args(argv)
    scales = args.scale or list(SCALES)
    only = set(args.only or ONLY)
    command = "python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:])
    for scale in scales:
        run_scale(scale, only, args.reuse, command.strip())
    print(f"wrote {RESULTS_MD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
