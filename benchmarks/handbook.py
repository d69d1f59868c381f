"""The printed 惠企政策汇编 as the policy count grows: the district sample with
its policies copied up to 2,000 (as ``benchmarks/policy_scale.py`` does), then
``pipeline.handbook`` into a temporary folder; prints the time of each part
(validate and model, the HTML, the PDF) and the PDF's pages and size.

    python -m benchmarks.handbook [--policies 2000]

tests/test_handbook.py reads the example's handbook back in the normal suite.
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

from generator.pipeline import model_of, validate
from generator.render.handbook import render_handbook
from generator.render.views.handbook import handbook_view
from generator.request import ValidateRequest
from generator.schema import load_schema
from generator.site.handbook import write_handbook
from generator.site.leakguard import value_sets
from generator.sources import parse_sources
from generator.workbook.sample import generate, grow_policies, write_rows

SITE = "https://qiye.dinghai.example.gov.cn/"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=2000)
    args = parser.parse_args(argv)
    schema = load_schema()
    rows = generate("district", 2022)
    grow_policies(rows, args.policies)
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "policies.xlsx"
        write_rows(book, rows, schema)
        times: list[tuple[str, float, float]] = []
        wall, cpu = time.perf_counter(), _cpu()

        def lap(name: str) -> None:
            nonlocal wall, cpu
            now, used = time.perf_counter(), _cpu()
            times.append((name, now - wall, used - cpu))
            wall, cpu = now, used

        checked = validate(ValidateRequest(sources=parse_sources([str(book)]), as_of=dt.date(2022, 12, 31)))
        programme = model_of(checked)
        internal, _public = value_sets(checked, schema)
        lap("validate, model, leak-guard values")
        view = handbook_view(programme, schema, SITE)
        html = render_handbook(view)
        lap("HTML (view, QR codes, template)")
        written = write_handbook(html, Path(tmp) / "handbook.pdf", internal)
        lap("leak guard + PDF (WeasyPrint)")
        size = written.path.stat().st_size
    total_wall = sum(t[1] for t in times)
    total_cpu = sum(t[2] for t in times)
    print(f"{view.count} published policies of {args.policies}: {written.pages} pages, {size / 1e6:.1f} MB, "
          f"{total_wall:.1f} s wall, {total_cpu:.1f} s CPU; load {os.getloadavg()[0]:.1f}")
    for name, seconds, used in times:
        print(f"  {name}: {seconds:.1f} s wall, {used:.1f} s CPU")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
