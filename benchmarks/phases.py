"""Where one ``build`` spends its CPU time, stage by stage, in process.

    python -m benchmarks.phases [--source benchmarks/work/district.xlsx] [--ahead 0|1] [--project DIR]

Wraps the stages of ``generator.pipeline.build`` with CPU timers (``process_time``:
this process only, so with MkDocs started ahead the MkDocs row is the time spent
waiting for it, and its own CPU is in the last line) and builds into a fresh
copy of the project's MkDocs setup (or, with ``--project``, into that directory,
set up on first use and kept: a second run there is a rebuild with the caches of
the first, e.g. after one cell changed). A profiling aid for ``benchmarks/notes.md``,
not a measurement of record: the tables of record come from ``benchmarks.run``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.phases")
    parser.add_argument("--source", default=str(HERE / "work" / "district.xlsx"))
    parser.add_argument("--as-of", default="2022-12-31")
    parser.add_argument("--ahead", choices=["0", "1"], help="NUANQI_MKDOCS_AHEAD for this build")
    parser.add_argument("--project", help="build here, keeping what earlier builds left (default: a fresh copy)")
    args = parser.parse_args(argv)
    if args.ahead:
        os.environ["NUANQI_MKDOCS_AHEAD"] = args.ahead
    start = time.process_time()
    import generator.figures.store as freeze_module
    import generator.pipeline as pipeline
    import generator.render as render_module
    import generator.site.build as build_module
    from generator.request import BuildRequest
    from generator.sources import parse_sources

    from .run import prepare_project
    from .stages import Clock, _timed

    imports = time.process_time() - start
    clock = Clock()
    _timed(pipeline, "build_key", clock, "inputs key")
    _timed(pipeline, "validate", clock, "validate (read + check)")
    _timed(pipeline, "model_of", clock, "model")
    _timed(freeze_module, "prepare", clock, "period figures + audit")
    _timed(pipeline, "value_sets", clock, "leak-guard values")
    _timed(render_module, "render_public", clock, "render")
    _timed(build_module, "run_mkdocs", clock, "MkDocs")
    _timed(build_module, "scan", clock, "leak guard")
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(args.project) if args.project else Path(tmp) / "project"
        if project.is_dir() and any(project.iterdir()) and not (project / "mkdocs.yml").exists():
            # prepare_project empties its folder: never a folder this script did not set up.
            parser.error(f"{project} is not empty and holds no mkdocs.yml: name a new folder or one set up before")
        if not (project / "mkdocs.yml").exists():
            prepare_project(project)
        begun = time.process_time()
        pipeline.build(BuildRequest(
            sources=parse_sources([args.source]), as_of=dt.date.fromisoformat(args.as_of), site_dir=project / "site",
            config_file=project / "mkdocs.yml", docs_dir=project / "docs",
            published_dir=project / "published", reuse=True))
        whole = time.process_time() - begun
    print(f"{'imports':<26} {imports:6.3f} s")
    for label, seconds in clock.cpu.items():
        print(f"{label:<26} {seconds:6.3f} s")
    print(f"{'rest of build':<26} {whole - sum(clock.cpu.values()):6.3f} s")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"this process {time.process_time():.3f} s CPU; MkDocs child {children.ru_utime + children.ru_stime:.3f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
