"""The mutation catalogue through ``verify``: kill rates per topic, survivors, and the wall time at W workers.

Run from a checkout: python benchmarks/mutants_verify.py [--workers W] [--seed S] [PATTERN ...]

The same sweep as ``dlproofs mutants`` (``montecarlo.mutation``), timed: it prints the report
(per topic the kill rate, the false-rejection rate and the numeric kill rate, then every
survivor with why), the wall time, the summed time of the entries and their ratio (the
speed-up over running them one after another in one process), and the slowest entries.
Exit code as the command's: 0 when every wrong answer is rejected and no rewrite is.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # a checkout runs without installing

from montecarlo import mutation  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patterns", nargs="*")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int)
    args = parser.parse_args(argv)
    ids = mutation.select_claims(args.patterns)
    start = time.perf_counter()
    records = mutation.run_mutants(ids, seed=args.seed, workers=args.workers)
    wall = time.perf_counter() - start
    print("\n".join(mutation.report_lines(records, wall)))
    summed = sum(r["seconds"] for r in records)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"workers {args.workers}: wall {wall:.1f} s, entries summed {summed:.1f} s, ratio {summed / wall:.2f} "
          f"(1-minute load average at the end {load:.2f})")
    for r in sorted(records, key=lambda r: -r["seconds"])[:5]:
        print(f"  slowest: {r['seconds']:6.1f} s  {r['id']} {r['planted']} {r['formula'][:60]}")
    return mutation.exit_code(records)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
