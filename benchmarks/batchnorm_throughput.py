"""Forward + backward throughput of nets' batch norm layers (training mode).

Run: python benchmarks/batchnorm_throughput.py [--repeats 20]

Prints, for BatchNorm1d on a (256, 1024) batch in float32 and float64 and BatchNorm2d on
(32, 64, 32, 32) in float64 and float32, the median time of one forward + backward pass
over the repeats and the elements processed per second; beside it the same pass written
as the fused closed form in plain NumPy (no graph, no checks), and the ratio of the two,
all measured in this process.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import nets


def measure(layer, shape, dtype, repeats: int, rng) -> float:
    x = rng.standard_normal(shape).astype(dtype)
    dy = rng.standard_normal(shape).astype(dtype)
    layer(x)
    layer.backward(dy)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        layer(x)
        layer.backward(dy)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def closed_form(shape, dtype, repeats: int, rng) -> float:
    """x̂ = (x − μ)/√(σ² + ε), y = x̂; dx = (m·dy − Σdy − x̂·Σ(dy·x̂)) / (m√(σ² + ε))."""
    axes = (0,) + tuple(range(2, len(shape)))
    m = np.prod([shape[a] for a in axes])
    x = rng.standard_normal(shape).astype(dtype)
    dy = rng.standard_normal(shape).astype(dtype)
    times = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        mean = x.mean(axis=axes, keepdims=True)
        inv = 1 / np.sqrt(x.var(axis=axes, keepdims=True) + 1e-5)
        xhat = (x - mean) * inv
        (m * dy - dy.sum(axis=axes, keepdims=True) - xhat * (dy * xhat).sum(axis=axes, keepdims=True)) * (inv / m)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    cases = [("BatchNorm1d", lambda dt: nets.BatchNorm1d(1024, dtype=dt), (256, 1024)),
             ("BatchNorm2d", lambda dt: nets.BatchNorm2d(64, dtype=dt), (32, 64, 32, 32))]
    print(f"{'layer':<12} {'shape':<18} {'dtype':<8} {'fwd+bwd':>10} {'elements/s':>14} {'closed form':>12} {'ratio':>6}")
    for name, make, shape in cases:
        for dtype in (np.float32, np.float64):
            seconds = measure(make(dtype), shape, dtype, args.repeats, rng)
            fused = closed_form(shape, dtype, args.repeats, rng)
            print(f"{name:<12} {str(shape):<18} {np.dtype(dtype).name:<8} {seconds * 1e3:>8.2f} ms "
                  f"{np.prod(shape) / seconds:>14,.0f} {fused * 1e3:>9.2f} ms {seconds / fused:>6.2f}")


if __name__ == "__main__":
    main()
