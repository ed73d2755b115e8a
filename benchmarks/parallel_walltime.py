"""Wall time of whole commands at W = 1 and W = 2 workers: `dlproofs verify` on every claim and
`dlproofs calibrate` per seed; optionally the default `pytest`.

Run: python benchmarks/parallel_walltime.py [--rounds R] [--calibrate-seeds K] [--no-verify] [--pytest] [PATTERN ...]

Each command runs as its own process from this checkout (`python -m montecarlo.cli`), W = 1 and
W = 2 in turn (A B A B ... for R rounds), so a drift in the machine's speed hits both; the
speed-up is the ratio of the two walls round by round. Every calibrate run writes a fresh file,
so each runs all K seeds. The load average is printed before and after: on a busy machine the
two processes of W = 2 compete with other work and the speed-up shrinks.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def wall(argv: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", *argv], cwd=ROOT, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - start, done.returncode


def paired(label: str, make_argv, rounds: int) -> None:
    walls = {1: [], 2: []}
    for _ in range(rounds):
        for workers in (1, 2):
            seconds, code = wall(make_argv(workers))
            walls[workers].append(seconds)
            print(f"  {label} W={workers}: {seconds:.1f} s (exit {code})", flush=True)
    ratios = [a / b for a, b in zip(walls[1], walls[2])]
    print(f"{label}: W=1 median {statistics.median(walls[1]):.1f} s, W=2 median {statistics.median(walls[2]):.1f} s, "
          f"speed-up {statistics.median(ratios):.2f}x (rounds: {', '.join(f'{r:.2f}' for r in ratios)})", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patterns", nargs="*")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--calibrate-seeds", type=int, default=2, metavar="K", help="0 skips calibrate")
    parser.add_argument("--pytest", action="store_true", help="also time the default pytest once")
    parser.add_argument("--no-verify", action="store_true", help="skip the verify pair")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}; {os.cpu_count()} cores", flush=True)
    if not args.no_verify:
        paired("verify", lambda w: ["montecarlo.cli", "verify", *args.patterns, "--workers", str(w)], args.rounds)
    if args.calibrate_seeds:
        with tempfile.TemporaryDirectory() as folder:
            counter = iter(range(10**6))
            paired(f"calibrate --seeds {args.calibrate_seeds}",
                   lambda w: ["montecarlo.cli", "calibrate", *args.patterns, "--seeds", str(args.calibrate_seeds),
                              "--workers", str(w), "-o", str(Path(folder) / f"c{next(counter)}.jsonl")], args.rounds)
            print(f"  (per seed: divide by {args.calibrate_seeds})")
    if args.pytest:
        seconds, code = wall(["pytest", "-q", "-p", "no:cacheprovider"])
        print(f"pytest (default selection): {seconds:.1f} s wall (exit {code})")
    print(f"load average after: {os.getloadavg()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
