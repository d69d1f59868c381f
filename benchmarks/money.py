"""What the published 兑付 figures cost at ``publish --period month`` (issue 16): the
已告知率's policies × kinds matrix (once a build), then each month's figures, their
protection (the reader's LP, dominance.py) and the told rates; on a sample workbook
(default: the province one ``benchmarks.run`` writes).

    python -m benchmarks.money [--source benchmarks/work/province.xlsx]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from generator.figures.money import money_part
from generator.figures.periods import finished_periods
from generator.figures.told import Reach
from generator.pipeline import model_of, validate
from generator.request import ValidateRequest
from generator.schema import load_schema
from generator.sources import parse_sources

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.money")
    parser.add_argument("--source", default=str(HERE / "work" / "province.xlsx"))
    args = parser.parse_args(argv)
    as_of = dt.date(2022, 12, 31)
    schema = load_schema()
    programme = model_of(validate(ValidateRequest(sources=parse_sources([args.source]), as_of=as_of)))
    clock = time.process_time()
    reach = Reach(programme, schema)
    made = time.process_time() - clock
    print(f"{len(programme.enterprises):,} enterprises in {len(reach.size):,} kinds, "
          f"{len(reach.policies):,} published policies, {len(programme.pushes):,} pushes, "
          f"{len(programme.payments):,} payments")
    print(f"matrix of policies x kinds: {made:.2f} s CPU")
    total = 0.0
    for period in finished_periods("month", dt.date(2022, 1, 1), as_of):
        clock = time.process_time()
        money = money_part(programme, schema, period, schema.suppression_k, reach)
        spent = time.process_time() - clock
        total += spent
        hidden = sum(1 for t in (money.tables.values() if money else ()) for r in t.rows if r["payments_amount"] == "*")
        print(f"{period.key}: {spent:.2f} s CPU, {hidden} cells not published")
    print(f"every month: {total:.2f} s CPU, with the matrix {total + made:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
