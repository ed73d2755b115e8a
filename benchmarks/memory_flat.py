"""Peak memory of a streaming Monte-Carlo estimate at 10^7 and at 10^9 samples, side by side.

Run: python benchmarks/memory_flat.py [--samples 1e7 1e9] [--case init.relu_second_moment "normal, V[a] = 2.25"]

Each size runs in a fresh child process, which streams the declared case exactly as a check
does (``base._draws``: chunks of CHUNK_NUMBERS random numbers into ``StreamingMoments``) and
reports the peak of the memory traced by ``tracemalloc`` (NumPy reports its array buffers to
it) and its own peak resident set (``ru_maxrss``). A first child only imports the same modules,
so the resident set the estimate adds is the difference. Flat memory: the same peaks at every
size. The default case draws one normal per sample, so 10^9 samples are 10^9 random numbers
(about 15 s of CPU on this machine).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # a checkout runs without installing


def child(claim: str, label: str, samples: int, seed: int) -> dict:
    import numpy as np

    import montecarlo.checks  # noqa: F401  (declares every case)
    from derivations import get
    from montecarlo.checks import base
    from montecarlo.stats import StreamingMoments

    if samples == 0:  # the imports alone
        return {"samples": 0, "seconds": 0.0, "traced_peak": 0, "maxrss": _maxrss()}
    case = next(c for c in base.checks_of(claim)["M"].cases if c.label == label)
    value = base._value(get(claim), case.value_key, case.point, None)
    moments = StreamingMoments()
    tracemalloc.start()
    start = time.perf_counter()
    cpu = time.process_time()
    base._draws(case, np.random.default_rng(seed), samples, value, moments)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    estimate = moments.estimate(case.statistic)
    return {"samples": moments.count, "seconds": seconds, "cpu_seconds": cpu, "traced_peak": peak,
            "maxrss": _maxrss(), "estimate": estimate.value, "std_error": estimate.std_error,
            "chunk_numbers": base.CHUNK_NUMBERS, "cost": case.cost}


def _maxrss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def run_child(claim: str, label: str, samples: int, seed: int) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(samples), "--case", claim, label,
               "--seed", str(seed)]
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=float, nargs="+", default=[1e7, 1e9])
    parser.add_argument("--case", nargs=2, default=["init.relu_second_moment", "normal, V[a] = 2.25"],
                        metavar=("CLAIM", "LABEL"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    claim, label = args.case
    if args.child is not None:
        print(json.dumps(child(claim, label, args.child, args.seed)))
        return
    print(f"{claim}: {label}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    baseline = run_child(claim, label, 0, args.seed)
    rows = [run_child(claim, label, int(n), args.seed) for n in args.samples]
    mib = 2**20
    print(f"chunks of {rows[0]['chunk_numbers']:,} random numbers, {rows[0]['cost']} per sample; "
          f"a child that only imports peaks at {baseline['maxrss'] / mib:.1f} MiB resident")
    print(f"{'samples':>15} {'wall s':>8} {'CPU s':>8} {'samples/s':>12} {'traced peak':>12} {'max RSS':>10} "
          f"{'RSS - imports':>14}  estimate ± SE")
    for row in rows:
        print(f"{row['samples']:>15,} {row['seconds']:>8.1f} {row['cpu_seconds']:>8.1f} "
              f"{row['samples'] / row['cpu_seconds']:>12,.0f} {row['traced_peak'] / mib:>8.2f} MiB "
              f"{row['maxrss'] / mib:>6.1f} MiB {(row['maxrss'] - baseline['maxrss']) / mib:>10.1f} MiB"
              f"  {row['estimate']:.6f} ± {row['std_error']:.2g}")
    first, last = rows[0], rows[-1]
    print(f"{last['samples'] / first['samples']:.0f}x the samples: traced peak x"
          f"{last['traced_peak'] / first['traced_peak']:.2f}, max RSS x{last['maxrss'] / first['maxrss']:.2f}")


if __name__ == "__main__":
    main()
