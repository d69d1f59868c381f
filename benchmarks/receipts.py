"""What the 办理进度查询 records cost (issue 14): every 回执码 (HMAC), each record sealed
under its code, the 256 shard scripts, and opening every record again as the leak
guard does; on a sample workbook (default: the province one ``benchmarks.run`` writes).

    python -m benchmarks.receipts [--source benchmarks/work/province.xlsx]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from generator.pipeline import model_of, validate
from generator.render import receipts
from generator.request import ValidateRequest
from generator.sources import parse_sources

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.receipts")
    parser.add_argument("--source", default=str(HERE / "work" / "province.xlsx"))
    args = parser.parse_args(argv)
    programme = model_of(validate(ValidateRequest(sources=parse_sources([args.source]), as_of=dt.date(2022, 12, 31))))
    key = b"benchmark receipt key, 32 bytes."
    clock = time.process_time()
    shards = receipts.status_shards(programme, key)
    sealed = time.process_time() - clock
    clock = time.process_time()
    size = sum(len(receipts.shard_script(name, records)) for name, records in shards.items())
    scripts = time.process_time() - clock
    clock = time.process_time()
    ring = receipts.keyring(programme, key)
    for lookup, typed in ring.items():
        if receipts.unseal(typed, shards[receipts.shard_of(lookup)][lookup]) is None:
            print(f"record {lookup} does not open", file=sys.stderr)
            return 1
    opened = time.process_time() - clock
    print(f"{len(programme.issues):,} issues, {len(ring):,} records, {size / 1e6:.1f} MB of shard scripts")
    print(f"codes and sealing {sealed:.2f} s CPU, shard scripts {scripts:.2f} s, opening every record {opened:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
