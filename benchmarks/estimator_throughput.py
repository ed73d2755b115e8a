"""Samples per second of the main Monte-Carlo estimators beside the bare generator, in one process.

Run: python benchmarks/estimator_throughput.py [--numbers 2e7] [--repeats 5] [--chunks 4194304]

Each row is a declared case streamed exactly as a check streams it (``base._draws``: the
case's own draw function, chunks of CHUNK_NUMBERS random numbers, ``StreamingMoments.update``)
beside the bare generator drawing the same count of random numbers in chunks of the same size
(``standard_normal``, or ``random`` for a case built on uniforms). The two alternate
``--repeats`` times on the same generator; times are CPU seconds of this process
(``time.process_time``), so other load on the machine stretches both alike. The ratio is the
median over the repeats of (estimator numbers/s) / (bare numbers/s), with its range.
``--chunks`` adds rows at other chunk sizes (the default adds the former 2^22) for comparison.

Like with like: both sides draw the same random numbers with the same Generator method into a
fresh array per chunk. A two-valued case (dropout's mask) streams through its draw's ``tally``
as ``_draws`` does: it still draws every uniform and compares it with p, but hands the moments
the counts of the two values instead of an array of draws (exact, see StreamingMoments.update).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # a checkout runs without installing

import montecarlo.checks  # noqa: F401  (declares every case)
from derivations import get
from montecarlo.checks import base
from montecarlo.stats import BLOCK, StreamingMoments

# (claim, case label, generator method the case's random numbers come from)
CASES = (
    ("init.preact_var", "normal w, normal x", "standard_normal"),
    ("init.variance_recursion", "normal a, normal w", "standard_normal"),
    ("init.relu_second_moment", "normal, V[a] = 2.25", "standard_normal"),
    ("dropout.inverted_scaling", "V[M h / p] = h^2 (1 - p)/p, keep p = 0.8, h = 1.7", "random"),
)


def find_case(claim: str, label: str) -> base.Case:
    for case in base.checks_of(claim)["M"].cases:
        if case.label == label:
            return case
    raise LookupError(f"{claim} has no Monte-Carlo case {label!r}")


def estimator_seconds(case: base.Case, value: float, samples: int, rng: np.random.Generator) -> float:
    moments = StreamingMoments(2 if case.statistic == "mean" else 4)  # as run_case accumulates
    start = time.process_time()
    base._draws(case, rng, samples, value, moments)
    seconds = time.process_time() - start
    moments.estimate(case.statistic)  # the streamed sums give an estimate (and were not optimised away)
    return seconds


def bare_seconds(method: str, cost: int, samples: int, rng: np.random.Generator) -> float:
    """The same random numbers as ``samples`` draws of ``cost`` numbers, in the chunks _draws uses."""
    chunk = max(1, base.CHUNK_NUMBERS // max(cost, 1)) * cost
    numbers, draw = samples * cost, getattr(rng, method)
    start = time.process_time()
    done = 0
    while done < numbers:
        size = min(chunk, numbers - done)
        draw(size)
        done += size
    return time.process_time() - start


def measure(claim: str, label: str, method: str, chunk_numbers: int, numbers: int, repeats: int, seed: int):
    base.CHUNK_NUMBERS = chunk_numbers  # _draws reads it at call time
    case = find_case(claim, label)
    value = base._value(get(claim), case.value_key, case.point, None)
    cost = max(case.cost, 1)
    samples = max(1, numbers // cost)
    rng = np.random.default_rng(seed)
    estimator_seconds(case, value, min(samples, 1 << 16), rng)  # warm up: imports, work arrays, page cache
    rates, bare_rates = [], []
    for _ in range(repeats):
        rates.append(samples * cost / estimator_seconds(case, value, samples, rng))
        bare_rates.append(samples * cost / bare_seconds(method, cost, samples, rng))
    ratios = [r / b for r, b in zip(rates, bare_rates)]
    return cost, statistics.median(rates), statistics.median(bare_rates), statistics.median(ratios), ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=float, default=2e7, help="random numbers per timed run (default 2e7)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--chunks", type=int, nargs="*", default=[1 << 22],
                        help="further chunk sizes (random numbers) to compare with CHUNK_NUMBERS")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    default_chunk = base.CHUNK_NUMBERS
    chunks = [default_chunk] + [c for c in args.chunks if c != default_chunk]
    print(f"numpy {np.__version__}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{int(args.numbers):,} random numbers per run, {args.repeats} alternating runs; CPU seconds")
    print(f"{'case':<58} {'cost':>4} {'chunk':>9} {'samples/s':>12} {'numbers/s':>12} {'bare/s':>12} "
          f"{'ratio':>6}  range")
    for claim, label, method in CASES:
        for chunk in chunks:
            cost, rate, bare, ratio, ratios = measure(claim, label, method, chunk, int(args.numbers), args.repeats,
                                                      args.seed)
            name = f"{claim}: {label}"
            name = name if len(name) <= 58 else name[:55] + "..."
            note = "" if chunk == default_chunk else "  (not the default)"
            print(f"{name:<58} {cost:>4} {chunk:>9,} {rate / cost:>12,.0f} {rate:>12,.0f} {bare:>12,.0f} "
                  f"{ratio:>6.2f}  {min(ratios):.2f}-{max(ratios):.2f}{note}")
    base.CHUNK_NUMBERS = default_chunk
    print(f"bare/s: Generator.standard_normal (dropout: Generator.random) in chunks of the same size; "
          f"default CHUNK_NUMBERS = {default_chunk:,}; StreamingMoments.update works in blocks of {BLOCK:,}")


if __name__ == "__main__":
    main()
