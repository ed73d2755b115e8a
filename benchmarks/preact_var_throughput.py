"""Monte-Carlo throughput of init.preact_var beside the bare normal generator, and peak memory.

Run: python benchmarks/preact_var_throughput.py [--samples 1e8]

Prints, measured in this one process: random numbers per second of
``Generator.standard_normal`` alone; samples per second (and the random numbers they use)
of the init.preact_var case "normal w, normal x" streamed through StreamingMoments as a
check does; their ratio; and the peak memory traced (tracemalloc, which NumPy reports to)
while streaming the given number of samples.
"""
from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # a checkout runs without installing

from montecarlo.checks.base import CHUNK_NUMBERS
from montecarlo.checks.init_variance import POINT_A, _at_point, _preactivation
from montecarlo.stats import StreamingMoments


def bare_normal_rate(numbers: int, rng: np.random.Generator) -> float:
    start = time.perf_counter()
    done = 0
    while done < numbers:
        size = min(CHUNK_NUMBERS, numbers - done)
        rng.standard_normal(size)
        done += size
    return numbers / (time.perf_counter() - start)


def stream(samples: int, rng: np.random.Generator) -> tuple[float, StreamingMoments]:
    draw = _at_point(_preactivation("normal", "normal", POINT_A), POINT_A)
    per_sample = 2 * POINT_A["n"]
    chunk = CHUNK_NUMBERS // per_sample
    moments = StreamingMoments()
    start = time.perf_counter()
    done = 0
    while done < samples:
        size = min(chunk, samples - done)
        moments.update(draw(rng, size, None))
        done += size
    return samples / (time.perf_counter() - start), moments


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=float, default=1e8, help="samples for the peak-memory run (default 1e8)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    per_sample = 2 * POINT_A["n"]
    timing_samples = 2_000_000
    bare = bare_normal_rate(timing_samples * per_sample, rng)
    rate, _ = stream(timing_samples, rng)
    print(f"init.preact_var, n = {POINT_A['n']} ({per_sample} normals per sample), chunks of {CHUNK_NUMBERS:,} numbers")
    print(f"bare standard_normal:        {bare:,.0f} numbers/s")
    print(f"init.preact_var Monte-Carlo: {rate:,.0f} samples/s = {rate * per_sample:,.0f} numbers/s "
          f"({rate * per_sample / bare:.2f} of the bare rate)")
    samples = int(args.samples)
    tracemalloc.start()
    start = time.perf_counter()
    _, moments = stream(samples, rng)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    estimate = moments.variance_estimate()
    print(f"{samples:,} samples in {seconds:.1f} s, peak traced memory {peak / 2**20:.1f} MiB "
          f"(V[a] = {estimate.value:.5f} ± {estimate.std_error:.5f}, claimed n v chi = "
          f"{POINT_A['n'] * POINT_A['v'] * POINT_A['chi']})")


if __name__ == "__main__":
    main()
