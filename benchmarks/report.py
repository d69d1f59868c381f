"""``benchmarks/RESULTS.md``, written from ``benchmarks/results/<scale>.json``
and the hand-written ``benchmarks/notes.md``: per scale, the machine, a row per
stage, a few facts (site size, build rounds, readers) and the targets of issue 8."""

from __future__ import annotations

from typing import Any

from .results import NOTES_MD, RESULTS_MD, SCALES, load_results


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
    ("build", "build, ours, Zensical: whole", "build", "read → … → Zensical → leak guard → swap, cold"),
    ("build", "build, ours, Zensical: engine part", "mkdocs", "step: this process waiting; process: with the child"),
    ("build", "build, ours, Zensical: leak guard", "leak_guard", ""),
    ("build_mkdocs", "build, ours, MkDocs: whole", "build", "cold"),
    ("build_mkdocs", "build, ours, MkDocs: MkDocs part", "mkdocs", ""),
    ("build_mkdocs", "build, ours, MkDocs: leak guard", "leak_guard", ""),
    ("mkdocs", "bare `mkdocs build`, same docs", None, "whole command"),
    ("zensical", "bare `zensical build`, same docs", None, "whole command, no cache"),
    ("zensical_cached", "bare `zensical build`, cache kept, nothing changed", None, "Zensical's floor for a rebuild"),
    ("rebuild", "rebuild, unchanged inputs", "build", "Zensical"),
    ("one_cell", "one cell changed, Zensical", "build", "after the cold build; cache kept"),
    ("one_cell", "one cell changed, Zensical: leak guard", "leak_guard", ""),
    ("one_cell_mkdocs", "one cell changed, MkDocs", "build", ""),
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
    bare = _t(runs, "mkdocs")
    for key, engine in (("build", "Zensical"), ("build_mkdocs", "MkDocs")):
        ours = _t(runs, key)
        if ours and bare:
            out.append((f"whole build ({engine}) < bare mkdocs build (CPU)",
                        f"{ours / bare:.2f}× ({ours:.1f} s vs {bare:.1f} s CPU)", ours < bare))
        else:
            out.append((f"whole build ({engine}) < bare mkdocs build (CPU)", "not measured", None))
    own = _t(runs, "build", "build")
    if own is not None:
        # This process's own CPU in pipeline.build, less its share of the engine step:
        # reading, checking, model, figures, audit, rendering, leak guard.
        own -= _t(runs, "build", "mkdocs") or 0.0
    limit = 10.0 if scale == "province" else float("inf")
    add("our own part (read … render, leak guard) ≤ 10 s" if scale == "province" else "our own part (read … leak guard)",
        own, limit, "{:.1f} s CPU")
    one = _t(runs, "one_cell")
    if one is not None and bare:
        out.append(("one cell changed: republished ≤ ⅓ bare mkdocs build (CPU, Zensical)",
                    f"{one / bare:.2f}× ({one:.1f} s vs {bare:.1f} s CPU)", one <= bare / 3))
    floor = _t(runs, "zensical_cached")
    if floor is not None and bare:
        # Not a target: what the engine alone takes of the one-cell budget, with nothing to rebuild.
        budget = bare / 3
        left = (f"{budget - floor:.1f} s left for reading, checking, rendering and the leak guard" if floor < budget
                else "the engine alone is over it, before anything is read")
        out.append(("Zensical's floor (bare, cache kept, nothing changed) against that ⅓",
                    f"{floor:.1f} s vs {budget:.1f} s CPU: {left}", None))
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

INTRO = [
    "# Benchmarks",
    "",
    "Written by `python -m benchmarks.run` (issues 8 and 19); numbers as measured, not edited.",
    "Each stage runs in its own process. *Step* = the stage's own work, timed inside that process",
    "(its prerequisites excluded); *process* = the whole child from start to exit (interpreter start,",
    "imports and prerequisites included), CPU from `os.wait4` (user + system). Peak = the child's",
    "`ru_maxrss`. Load = 1-minute load average when the stage started: the machine was shared with",
    "other engineers' test runs, so wall times are inflated by up to several times when the load is",
    "high. The stages are single-threaded Python (polars and HiGHS may use a second thread), so the",
    "targets are judged on CPU seconds, which is about the wall time on an idle 2-core machine; the wall",
    "time is shown beside. The builds (issue 19) are judged on CPU too: *process* CPU of a build",
    "includes its engine child (Zensical in a child process; MkDocs in process, or ahead in a child).",
    "Ours (Zensical and MkDocs), bare `mkdocs build` and bare `zensical build` (no cache) of the same pages",
    "run alternately (three rounds at district scale), and the rows show the median run of each.",
    "Code = git HEAD when the stage started, `+` when generator/, sheets_schema/, docs/, mkdocs.yml or",
    "overrides/ had uncommitted changes (the tree was shared with engineers working at the same time).",
    "",
]


def write_markdown() -> None:
    lines = list(INTRO)
    for scale in SCALES:
        data = load_results(scale)
        runs = data.get("runs") or {}
        if runs:
            lines += _scale_section(scale, data, runs)
    if NOTES_MD.exists():
        lines += [NOTES_MD.read_text(encoding="utf-8").rstrip(), ""]
    RESULTS_MD.write_text("\n".join(lines), encoding="utf-8")


def _scale_section(scale: str, data: dict[str, Any], runs: dict[str, Any]) -> list[str]:
    """How to reproduce, the machine, the stage table, the facts and the targets of one scale."""
    m = data["machine"]
    lines = [
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
    lines += _stage_table(runs)
    lines += _facts(runs)
    lines += ["| target | measured | met |", "|---|---|---|"]
    for what, value, ok in targets(scale, runs):
        lines.append(f"| {what} | {value} | {'yes' if ok else 'no' if ok is False else '–'} |")
    lines.append("")
    return lines


def _stage_table(runs: dict[str, Any]) -> list[str]:
    lines = [
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
    return lines


def _facts(runs: dict[str, Any]) -> list[str]:
    """frictionless' verdict, the site's size, the build rounds and the two readers, where measured."""
    lines: list[str] = []
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
    return lines
