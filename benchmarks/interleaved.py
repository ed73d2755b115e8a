"""Shared by the benchmarks: time contenders side by side in one process."""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def measure(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median seconds per run, the contenders interleaved repeat by repeat (after one warm-up each),
    so that a change in the machine's load falls on all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():
        run()
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}
