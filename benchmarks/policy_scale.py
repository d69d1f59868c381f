"""Page size as the policy count grows: the district sample with its policies
copied up to 2,000, built into a temporary folder; prints the build time and
the largest policy page, and fails when a policy page reaches 100 KB.

    python -m benchmarks.policy_scale [--policies 2000]

tests/test_policy_pages.py runs the same check with 300 policies in the normal suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from generator.pipeline import build
from generator.request import BuildRequest
from generator.schema import load_schema
from generator.sources import parse_sources
from generator.workbook.sample import generate, grow_policies, write_rows

LIMIT = 100_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=2000)
    args = parser.parse_args(argv)
    rows = generate("district", 2022)
    grow_policies(rows, args.policies)
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "policies.xlsx"
        write_rows(book, rows, load_schema())
        start = time.perf_counter()
        built = build(BuildRequest(sources=parse_sources([str(book)]), as_of=dt.date(2022, 12, 31),
                                   site_dir=Path(tmp) / "site", docs_dir=Path(tmp) / "docs"))
        seconds = time.perf_counter() - start
        pages = sorted((p.stat().st_size, p.name) for p in (built.result.site_dir / "policies").glob("P*.html"))
        size, name = pages[-1]
        index = (built.result.site_dir / "policies" / "index.html").stat().st_size
        data = (built.result.site_dir / "data" / "policies.json").stat().st_size
    print(f"{args.policies} policies, {len(pages)} policy pages, build {seconds:.1f} s")
    print(f"largest policy page {name}: {size:,} bytes (limit {LIMIT:,}); policies/index.html {index:,} bytes; "
          f"data/policies.json {data:,} bytes")
    return 0 if size < LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
