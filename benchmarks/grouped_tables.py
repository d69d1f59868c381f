"""How much of the tables by enterprise attribute the suppression and the audit let through:
the example workbook (or another) with every period frozen, as publish leaves it; per kind of
period, the tables published with their parts (已解决, 及时交办, 已回访, 重新办理), with counts only, and withheld,
and the cells the audit checked.

    python -m benchmarks.grouped_tables [--source examples/dinghai-2022.xlsx]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter

from generator.figures.parts import PART_COLUMNS
from generator.figures.periods import KINDS
from generator.figures.report import compile_progress
from generator.figures.suppression import threshold
from generator.pipeline import model_of, validate
from generator.request import ValidateRequest
from generator.schema import load_schema
from generator.sources import EXAMPLE_WORKBOOK, parse_sources


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.grouped_tables")
    parser.add_argument("--source", default=str(EXAMPLE_WORKBOOK))
    parser.add_argument("--as-of", default="2022-12-31")
    args = parser.parse_args(argv)
    schema = load_schema()
    checked = validate(ValidateRequest(sources=parse_sources([args.source]), as_of=dt.date.fromisoformat(args.as_of)))
    progress = compile_progress(model_of(checked), schema, threshold(schema), freeze=KINDS)
    counted: Counter[tuple[str, str]] = Counter()
    for doc in progress.all_docs():
        for table in doc.tables.values():
            if not table.enterprise_attribute:
                continue
            parts = "、".join(p for p in PART_COLUMNS if p in table.columns)
            counted[(doc.period.kind, "withheld" if table.withheld else parts or "counts only")] += 1
    for (kind, how), n in sorted(counted.items()):
        print(f"{kind:<6} {how:<40} {n:>4}")
    print(f"audit: {progress.audit.cells} cells checked, {len(progress.audit.findings)} findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
