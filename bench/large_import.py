"""Write one large import file, to load-test an import on either store.

    .venv/bin/python bench/large_import.py --resolutions 1000 --out /tmp/big.json

The records come from the register benchmark's generator (the same seed gives
the same file), all in one file, so the whole import is one transaction.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from register.workload import SEED, Workload  # noqa: E402


def large_import(resolutions: int, *, first: int = 0, clauses_per: int = 10,
                 agencies: int = 300, seed: int = SEED) -> dict[str, object]:
    """An import file as plain data: agencies and ``resolutions`` resolutions.

    ``first`` is the serial number of the first resolution: files made with
    ranges that do not overlap have no circular number in common, so they
    can be imported into one register, one after the other or at once.
    """
    workload = Workload(clauses_per=clauses_per, agencies=agencies, batch=resolutions,
                        seed=seed)
    # Resolutions before ``first`` are in another file: none is still open,
    # so this file rescinds nothing it could not find.
    workload.serial = first
    workload.days = [0] * first
    workload.subjects = [""] * first
    workload.open_masks = [0] * first
    workload.obligation_masks = [0] * first
    content, _ = workload.next_file(resolutions)
    return content


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resolutions", type=int, default=1_000)
    parser.add_argument("--first", type=int, default=0,
                        help="serial number of the first resolution")
    parser.add_argument("--clauses-per", type=int, default=10)
    parser.add_argument("--agencies", type=int, default=300)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    content = large_import(args.resolutions, first=args.first, clauses_per=args.clauses_per,
                           agencies=args.agencies, seed=args.seed)
    args.out.write_text(json.dumps(content, ensure_ascii=False))
    print(f"{args.resolutions} resolutions in {args.out} "
          f"({args.out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
