"""The benchmark harness (issue 8): generate the sample workbook at a scale,
run every stage in its own process, and write ``benchmarks/RESULTS.md``.

    python -m benchmarks.run [--scale district|province] [--only STAGE] [--reuse]

Each stage runs in a child process; its wall time is measured here and its
CPU time and peak memory (``ru_maxrss``) come from ``os.wait4``, so they are
the child's own. Side by side in the same run: ``validate`` against
``frictionless validate`` on the same data (the checked workbook exported as
CSV with the ``schema export`` descriptor), our whole ``build`` against a
bare ``mkdocs build`` of the same docs, and python-calamine against openpyxl
(read-only) as the xlsx reader.

Results per scale are kept in ``benchmarks/results/<scale>.json`` (a run with
``--only`` replaces just those rows) and RESULTS.md is written from them and
from ``benchmarks/notes.md`` (the profiling notes, written by hand).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
RESULTS_DIR = HERE / "results"
RESULTS_MD = HERE / "RESULTS.md"
NOTES_MD = HERE / "notes.md"
AS_OF = "2022-12-31"
SCALES = ("district", "province")
ONLY = ("sample", "read", "check", "validate", "figures", "render", "build", "frictionless")
POLICY_PAGE_BUDGET = 100 * 1024
BUILD_ROUNDS = {"district": 3, "province": 1}  # our build and bare MkDocs, alternating
FRICTIONLESS_TIMEOUT = 1800.0
PACKAGES = ("mkdocs", "mkdocs-material", "python-calamine", "openpyxl", "xlsxwriter", "frictionless", "jinja2")


@dataclass
class Run:
    """One child process."""

    label: str
    command: list[str]
    wall: float = 0.0
    cpu: float = 0.0
    peak_mb: float = 0.0
    returncode: int | None = None
    timed_out: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # step -> wall seconds
    step_cpu: dict[str, float] = field(default_factory=dict)  # step -> CPU seconds
    info: dict[str, Any] = field(default_factory=dict)
    when: str = ""
    load: float = 0.0  # 1-minute load average when it started
    harness: str = ""  # the benchmarks.run command that measured it
    commit: str = ""  # git HEAD when it started ("+" when the working tree had other changes)

    @property
    def ok(self) -> bool:
        return not self.timed_out and self.returncode is not None


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
        project = work / "project"
        ours: list[Run] = []
        bare: list[Run] = []
        # Ours and bare MkDocs alternate, so that a change of load hits both alike;
        # the median run of each is the one recorded.
        for _ in range(BUILD_ROUNDS[scale]):
            prepare_project(project)  # no site yet: a cold build
            ours.append(stage("build: ours (cold)", "build", work, source=source, project=str(project)))
            if ours[-1].returncode != 0:
                break
            ours[-1].info["sizes"] = page_sizes(project / "site")
            bare_site = work / "site-bare"
            shutil.rmtree(bare_site, ignore_errors=True)
            bare.append(spawn("build: bare mkdocs build", [
                sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(bare_site),
            ], stdout=work / "mkdocs.log"))
        if ours and bare and ours[-1].returncode == 0:
            runs["build"] = _median(ours)
            runs["mkdocs"] = _median(bare)
            runs["rebuild"] = stage("rebuild, unchanged inputs", "build", work, tag="rebuild", source=source,
                                    project=str(project))
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


# ---------------------------------------------------------------- the report


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")).split()[1])
        memory = f"{kb / 2**20:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return {
        "nproc": len(os.sched_getaffinity(0)), "cpu": model or platform.processor(), "memory": memory,
        "python": platform.python_version(), "platform": platform.platform(), "packages": versions,
    }


def load_results(scale: str) -> dict[str, Any]:
    path = RESULTS_DIR / f"{scale}.json"
    if path.exists():
        return json.loads(path.read_text())
    return {"scale": scale, "runs": {}}


def save_results(scale: str, runs: dict[str, Run], command: str) -> dict[str, Any]:
    data = load_results(scale)
    data["machine"] = machine()
    data["command"] = command
    data["updated"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    for run in runs.values():
        run.harness = command
    data["runs"].update({k: asdict(v) for k, v in runs.items()})
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"{scale}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return data


def _row(r: dict[str, Any], what: str, step: str | None = None, note: str = "") -> str:
    seconds = r["timings"].get(step, float("nan")) if step else r["wall"]
    cpu = r.get("step_cpu", {}).get(step, float("nan")) if step else r["cpu"]
    flag = " (timed out)" if r["timed_out"] else ("" if r["returncode"] in (0, 1) else f" (exit {r['returncode']})")
    return (f"| {what} | {cpu:.2f} | {seconds:.2f} | {r['cpu']:.2f} | {r['wall']:.2f} | {r['peak_mb']:.0f} | "
            f"{r['load']:.1f} | {r['when'][11:16]} {r.get('commit', '')} | {note}{flag} |")


STAGE_ROWS: list[tuple[str, str, str | None, str]] = [
    ("sample", "sample: write the workbook", "sample", ""),
    ("read", "read (python-calamine)", "read", ""),
    ("read_openpyxl", "read (openpyxl read-only)", "read_openpyxl", "alternative reader"),
    ("check", "check (typed cells, rules)", "check", "after read"),
    ("validate", "validate, CLI (read + check)", None, "whole command"),
    ("figures", "model", "model", "after validate"),
    ("figures", "figures (headline, periods, audit)", "figures", "after model"),
    ("render", "render public pages", "render", "after figures"),
    ("render", "render internal pages", "render_internal", "after figures"),
    ("build", "build, ours: whole", "build", "read → … → MkDocs → leak guard → swap"),
    ("build", "build, ours: MkDocs part", "mkdocs", ""),
    ("build", "build, ours: leak guard", "leak_guard", ""),
    ("mkdocs", "bare `mkdocs build`, same docs", None, "whole command"),
    ("rebuild", "rebuild, unchanged inputs", "build", ""),
    ("export", "export CSV + descriptor", "export_csv", "preparation, not compared"),
    ("validate_csv", "validate, CLI, on the CSV", None, "whole command"),
    ("frictionless", "frictionless validate, same CSV", None, "whole command"),
]


def _t(runs: dict[str, Any], key: str, step: str | None = None) -> float | None:
    """CPU seconds of a step, or of the whole process (``step`` None)."""
    r = runs.get(key)
    if not r or r["timed_out"] or r["returncode"] not in (0, 1):
        return None
    return r.get("step_cpu", {}).get(step) if step else r["cpu"]


def _w(runs: dict[str, Any], key: str) -> str:
    r = runs.get(key)
    return f", wall {r['wall']:.1f} s at load {r['load']:.1f}" if r else ""


def targets(scale: str, runs: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    out: list[tuple[str, str, bool | None]] = []

    def add(what: str, value: float | None, limit: float, fmt: str, ok: bool | None = None) -> None:
        if value is None:
            out.append((what, "not measured", None))
        else:
            out.append((what, fmt.format(value), value <= limit if ok is None else ok))

    if scale == "province":
        add("validate ≤ 15 s", _t(runs, "validate"), 15, "{:.1f} s CPU" + _w(runs, "validate"))
        peak = runs.get("validate", {}).get("peak_mb")
        add("validate ≤ 1.5 GB peak", peak, 1536, "{:.0f} MB")
    ours, theirs = _t(runs, "validate_csv"), _t(runs, "frictionless")
    if ours and theirs and scale != "province":
        # The issue sets the 10x for the province workbook; at district scale both
        # commands are mostly interpreter start-up, so the ratio is shown, not judged.
        out.append(("validate vs frictionless (same CSV; judged at province scale)",
                    f"{theirs / ours:.1f}× ({ours:.1f} s vs {theirs:.1f} s CPU)", None))
    elif ours and theirs:
        out.append(("validate ≥ 10× faster than frictionless (same CSV)",
                    f"{theirs / ours:.1f}× ({ours:.1f} s vs {theirs:.1f} s CPU)", theirs / ours >= 10))
    elif ours and runs.get("frictionless", {}).get("timed_out"):
        ratio = runs["frictionless"]["wall"] / ours
        out.append(("validate ≥ 10× faster than frictionless (same CSV)", f"> {ratio:.1f}× (frictionless timed out)", ratio >= 10))
    else:
        out.append(("validate ≥ 10× faster than frictionless (same CSV)", "not measured", None))
    if scale == "district":
        build, bare = _t(runs, "build"), _t(runs, "mkdocs")
        if build and bare:
            # Judged on the wait, wall time: MkDocs starts ahead on the second core
            # (generator/mkdocs_run.py), which saves wall time, not CPU.
            ours_r, bare_r = runs["build"], runs["mkdocs"]
            rounds = len(ours_r["info"].get("rounds", [None]))
            out.append((f"build ≤ 1.3 × bare mkdocs build (wall, median of {rounds} alternating runs)",
                        f"{ours_r['wall'] / bare_r['wall']:.2f}× ({ours_r['wall']:.1f} s vs {bare_r['wall']:.1f} s "
                        f"wall at load {ours_r['load']:.1f}/{bare_r['load']:.1f}); CPU {build / bare:.2f}× "
                        f"({build:.1f} s vs {bare:.1f} s)", ours_r["wall"] / bare_r["wall"] <= 1.3))
        else:
            out.append(("build ≤ 1.3 × bare mkdocs build", "not measured", None))
    if scale == "province":
        parts = [_t(runs, "figures", "model"), _t(runs, "figures", "figures"), _t(runs, "render", "render")]
        known = [p for p in parts if p is not None]
        add("model + figures + render ≤ 10 s", sum(known) if len(known) == len(parts) else None,
            10, "{:.1f} s CPU")
    add("rebuild, unchanged inputs ≤ 2 s", _t(runs, "rebuild"), 2, "{:.2f} s CPU" + _w(runs, "rebuild"))
    sizes = runs.get("build", {}).get("info", {}).get("sizes")
    if sizes:
        out.append(("every policy page < 100 KB HTML (policies/: each policy, the list pages, the finder)",
                    f"largest {sizes['largest_policy_kb']:.1f} KB ({sizes['largest_policy_page']}); "
                    f"{sizes['policy_pages_over_budget']} of {sizes['policy_pages']} over",
                    sizes["policy_pages_over_budget"] == 0))
    return out


def write_markdown() -> None:
    lines = [
        "# Benchmarks",
        "",
        "Written by `python -m benchmarks.run` (issue 8); numbers as measured, not edited.",
        "Each stage runs in its own process. *Step* = the stage's own work, timed inside that process",
        "(its prerequisites excluded); *process* = the whole child from start to exit (interpreter start,",
        "imports and prerequisites included), CPU from `os.wait4` (user + system). Peak = the child's",
        "`ru_maxrss`. Load = 1-minute load average when the stage started: the machine was shared with",
        "other engineers' test runs, so wall times are inflated by up to several times when the load is",
        "high. The stages are single-threaded Python (polars and HiGHS may use a second thread), so the",
        "targets are judged on CPU seconds, which is about the wall time on an idle 2-core machine; the wall",
        "time is shown beside. Except the build against bare MkDocs: our build starts MkDocs ahead in a",
        "child process on the second core (`generator/mkdocs_run.py`), which shortens the wait, not the CPU",
        "time, so that target is judged on wall time: ours and bare MkDocs run alternately three times, and",
        "the rows show the median run of each (the child's CPU is in the process columns; the MkDocs part's",
        "step CPU is the parent's own, waiting).",
        "Code = git HEAD when the stage started, `+` when generator/, sheets_schema/, docs/, mkdocs.yml or",
        "overrides/ had uncommitted changes (the tree was shared with engineers working at the same time).",
        "",
    ]
    for scale in SCALES:
        data = load_results(scale)
        runs = data.get("runs") or {}
        if not runs:
            continue
        m = data["machine"]
        lines += [
            f"## {scale.capitalize()} scale",
            "",
            f"Reproduce: `python -m benchmarks.run --scale {scale}` (all stages). The rows below were measured by "
            + ", ".join(f"`{c}`" for c in sorted({r.get("harness") or data["command"] for r in runs.values()}))
            + f" (last run {data['updated']}; each row gives its time).",
            "",
            f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory']} memory, Python {m['python']}, {m['platform']}.",
            "Packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()) + ".",
            "",
        ]
        counts = runs.get("sample", {}).get("info", {}).get("rows")
        if counts:
            lines += ["Workbook: " + "，".join(f"{k} {v:,}" for k, v in counts.items()) + ".", ""]
        lines += [
            "| stage | step CPU s | step wall s | process CPU s | process wall s | peak MB | load | at (UTC), code | note |",
            "|---|---:|---:|---:|---:|---:|---:|---|---|",
        ]
        for key, what, step, note in STAGE_ROWS:
            r = runs.get(key)
            if r is None or (step and step not in r["timings"]):
                continue
            if key == "rebuild":
                note = ("inputs unchanged: site kept, nothing read" if r["info"].get("kept")
                        else "MkDocs skipped" if r["info"].get("skipped_mkdocs") else "MkDocs ran again")
            lines.append(_row(r, what, step, note))
        lines.append("")
        fl = runs.get("frictionless", {}).get("info")
        if fl:
            lines += [f"frictionless' own verdict: valid={fl.get('valid')}, {fl.get('errors')} errors, "
                      f"{fl.get('rows')} rows read.", ""]
        sizes = runs.get("build", {}).get("info", {}).get("sizes")
        if sizes:
            lines += [
                f"Site: {sizes['pages']} HTML pages, {sizes['site_mb']:.1f} MB in all; largest page "
                f"{sizes['largest_page']} {sizes['largest_page_kb']:.1f} KB; {sizes['policy_pages']} policy pages, "
                f"largest {sizes['largest_policy_page']} {sizes['largest_policy_kb']:.1f} KB.",
                "",
            ]
        rounds = [runs.get(k, {}).get("info", {}).get("rounds") for k in ("build", "mkdocs")]
        if all(rounds):
            def show(rs: list[dict[str, float]]) -> str:
                return ", ".join(f"{r['wall']:.2f}/{r['cpu']:.2f}" for r in rs)
            lines += [f"Build rounds, wall/CPU s in the order run: ours {show(rounds[0])}; bare MkDocs {show(rounds[1])}.", ""]
        r1 = runs.get("read", {}).get("step_cpu", {}).get("read")
        r2 = runs.get("read_openpyxl", {}).get("step_cpu", {}).get("read_openpyxl")
        if r1 and r2:
            lines += [f"Reader: python-calamine {r1:.2f} s CPU, openpyxl read-only {r2:.2f} s CPU "
                      f"({r2 / r1:.1f}× slower) for the same cells.", ""]
        lines += ["| target | measured | met |", "|---|---|---|"]
        for what, value, ok in targets(scale, runs):
            lines.append(f"| {what} | {value} | {'yes' if ok else 'no' if ok is False else '–'} |")
        lines.append("")
    if NOTES_MD.exists():
        lines += [NOTES_MD.read_text(encoding="utf-8").rstrip(), ""]
    RESULTS_MD.write_text("\n".join(lines), encoding="utf-8")


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
