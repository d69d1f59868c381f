"""One benchmark stage, run in its own process by ``benchmarks.run`` so that
its peak memory (``ru_maxrss``) and CPU time can be read by the parent.

Each stage does its prerequisites first (untimed: a stage's process holds
what the stages before it made, as the real pipeline does), times its own
step(s) with ``perf_counter``, and writes a JSON object to ``--out``:
``{"timings": {step: wall seconds}, "cpu": {step: CPU seconds}, "info": {...}}``.

It calls the public pipeline functions, so it measures whatever the pipeline
does when it runs (periods, suppression audit, ledgers …).
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

AS_OF = dt.date(2022, 12, 31)


class Clock:
    """Wall (``perf_counter``) and CPU (``process_time``) seconds per step."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.info: dict[str, Any] = {}

    @contextmanager
    def __call__(self, step: str) -> Iterator[None]:
        start, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - start
            self.cpu[step] = self.cpu.get(step, 0.0) + time.process_time() - cpu


def _checked(source: str) -> Any:
    from generator.pipeline import validate
    from generator.request import ValidateRequest
    from generator.sources import parse_sources

    return validate(ValidateRequest(sources=parse_sources([source]), as_of=AS_OF))


def _progress(programme: Any, schema: Any) -> Any:
    """The audited period figures, when the pipeline has them."""
    try:
        from generator.figures.periods import KINDS
        from generator.figures.report import compile_progress
        from generator.figures.suppression import threshold
    except ImportError:
        return None
    return compile_progress(programme, schema, threshold(schema), freeze=KINDS)  # as publish: every table audited


def stage_sample(args: argparse.Namespace, clock: Clock) -> None:
    from generator.workbook.sample import write_sample

    with clock("sample"):
        counts = write_sample(Path(args.out_file), scale=args.scale, seed=2022)
    clock.info["rows"] = counts


def stage_read(args: argparse.Namespace, clock: Clock) -> None:
    from generator.sources import parse_source, read_source

    with clock("read"):
        sheets = read_source(parse_source(args.source))
    clock.info["cells"] = sum(len(r) for s in sheets for r in s.rows)
    clock.info["rows"] = sum(len(s.rows) for s in sheets)


def read_openpyxl(path: str) -> list[tuple[str, list[list[Any]]]]:
    """The alternative reader: openpyxl read-only, values only, all sheets."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in book.worksheets]
    finally:
        book.close()


def stage_read_openpyxl(args: argparse.Namespace, clock: Clock) -> None:
    with clock("read_openpyxl"):
        sheets = read_openpyxl(args.source)
    clock.info["cells"] = sum(len(r) for _t, rows in sheets for r in rows)
    clock.info["rows"] = sum(len(rows) for _t, rows in sheets)


def stage_check(args: argparse.Namespace, clock: Clock) -> None:
    from generator.check import check_sheets
    from generator.schema import load_schema
    from generator.sources import parse_source, read_source

    schema = load_schema()
    with clock("read"):
        raw = [(args.source, read_source(parse_source(args.source)))]
    with clock("check"):
        checked = check_sheets(raw, schema, AS_OF)
    clock.info["errors"] = len(checked.report.errors)
    clock.info["warnings"] = len(checked.report.warnings)


def stage_figures(args: argparse.Namespace, clock: Clock) -> None:
    from generator.figures import headline
    from generator.pipeline import model_of
    from generator.schema import load_schema

    schema = load_schema()
    with clock("validate"):
        checked = _checked(args.source)
    with clock("model"):
        programme = model_of(checked)
    with clock("figures"):
        headline(programme, schema.roles["satisfaction"])
        progress = _progress(programme, schema)
    if progress is not None:
        clock.info["periods"] = sum(len(docs) for docs in progress.docs.values())


def stage_render(args: argparse.Namespace, clock: Clock) -> None:
    from generator.pipeline import model_of
    from generator.render import render_public
    from generator.schema import load_schema

    schema = load_schema()
    checked = _checked(args.source)
    programme = model_of(checked)
    progress = _progress(programme, schema)
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "public"
        kwargs = {"progress": progress} if "progress" in inspect.signature(render_public).parameters else {}
        with clock("render"):
            written = render_public(programme, schema, docs, **kwargs)
        clock.info["pages"] = len(written)
        clock.info["bytes"] = sum(p.stat().st_size for p in written)
        try:
            from generator.render.internal import render_internal
        except ImportError:
            return
        with clock("render_internal"):
            written = render_internal(programme, checked, schema, Path(tmp) / "internal")
        clock.info["internal_pages"] = len(written)


def _timed(module: Any, name: str, clock: Clock, step: str) -> None:
    """Wrap ``module.name`` so that the time spent in it is recorded as ``step``."""
    original: Callable[..., Any] = getattr(module, name)

    def wrapper(*a: Any, **k: Any) -> Any:
        with clock(step):
            return original(*a, **k)

    setattr(module, name, wrapper)


def stage_build(args: argparse.Namespace, clock: Clock) -> None:
    """Our whole ``build`` (as the CLI runs it) into a copy of the project's
    MkDocs configuration, with the MkDocs run and the leak guard timed apart."""
    import generator.site.build as build_module
    from generator.pipeline import build

    project = Path(args.project)
    _timed(build_module, "run_mkdocs", clock, "mkdocs")
    _timed(build_module, "scan", clock, "leak_guard")
    from generator.request import BuildRequest
    from generator.sources import parse_sources

    request = BuildRequest(
        sources=parse_sources([args.source]), as_of=AS_OF, site_dir=project / "site",
        config_file=project / "mkdocs.yml", docs_dir=project / "docs", published_dir=project / "published",
        reuse=True,  # as the CLI's build does (no --force)
        **({"engine": args.engine} if args.engine else {}),
    )
    with clock("build"):
        built = build(request)
    clock.info["pages"] = built.result.pages
    clock.info["warnings"] = len(built.result.warnings)
    clock.info["skipped_mkdocs"] = bool(getattr(built.result, "skipped", False))
    clock.info["kept"] = bool(getattr(built.result, "kept", False))
    clock.info["engine"] = getattr(request, "engine", "mkdocs")


def stage_export_csv(args: argparse.Namespace, clock: Clock) -> None:
    from generator.schema import load_schema
    from generator.workbook.descriptor import export_csv

    out = Path(args.out_dir)
    if out.exists():
        shutil.rmtree(out)
    with clock("export_csv"):
        export_csv(_checked(args.source), out, load_schema())


STAGES: dict[str, Callable[[argparse.Namespace, Clock], None]] = {
    "sample": stage_sample,
    "read": stage_read,
    "read-openpyxl": stage_read_openpyxl,
    "check": stage_check,
    "figures": stage_figures,
    "render": stage_render,
    "build": stage_build,
    "export-csv": stage_export_csv,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stages")
    parser.add_argument("stage", choices=sorted(STAGES))
    parser.add_argument("--out", required=True, help="where the JSON result goes")
    parser.add_argument("--source")
    parser.add_argument("--scale", default="district")
    parser.add_argument("--out-file")
    parser.add_argument("--out-dir")
    parser.add_argument("--project")
    parser.add_argument("--engine", help="build: zensical or mkdocs (default: the build's default)")
    args = parser.parse_args(argv)
    clock = Clock()
    STAGES[args.stage](args, clock)
    Path(args.out).write_text(json.dumps({"timings": clock.timings, "cpu": clock.cpu, "info": clock.info}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
