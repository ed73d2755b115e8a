"""The random-direction finite-difference check against the full one, and against torch's fast gradcheck.

Run: python benchmarks/fd_scaling.py [--sizes 100 1000 10000 100000] [--full-limit 10000] [--repeats 5]

The function is f(W) = ⟨v, x Wᵀ + b⟩ of a nets.Linear layer (batch of 4, v standard normal),
the gradient checked is ∂f/∂W from the layer's backward, and the parameter count P is the
size of W. Per P the script times, in this one process:

- random directions: ``finite_diff.gradient_error(full=False)``: ∇f·u against an extrapolated
  central difference along 8 random directions u, 32 evaluations of f whatever P;
- full: ``gradient_error(full=True)``, one extrapolated central difference per entry, 4P
  evaluations. Above ``--full-limit`` only the first ``--full-limit`` entries are checked and
  the time is scaled by P / full-limit (marked "extrapolated");
- torch: ``torch.autograd.gradcheck(fast_mode=True)`` on the same f written in torch (float64,
  autograd's gradient), when torch imports; the column reads "-" otherwise.

Times are the median of ``--repeats`` runs (the full check: one run), in CPU seconds;
"f-evals" is the time of the check over the time of one evaluation of f. BLAS and torch run
single-threaded, so both sides do the same arithmetic on one core.
"""
from __future__ import annotations

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # before numpy loads its BLAS

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # a checkout runs without installing

import nets
from montecarlo.finite_diff import EPS, gradient_error

BATCH = 4


def shape_of(parameters: int) -> tuple[int, int]:
    """A (out, in) weight with ``parameters`` entries: in = 10^⌊digits/2⌋ (10x10, 10x100, 100x100, ...)."""
    fan_in = 10 ** (len(str(parameters)) // 2)
    if parameters <= 0 or parameters % fan_in:
        raise ValueError(f"--sizes: {parameters} is not a positive multiple of {fan_in}")
    return parameters // fan_in, fan_in


class Problem:
    """f(W) = ⟨v, layer(x)⟩ and its analytic ∂f/∂W from nets.Linear.backward."""

    def __init__(self, parameters: int, rng: np.random.Generator) -> None:
        out_features, in_features = shape_of(parameters)
        self.layer = nets.Linear(in_features, out_features, rng=rng)
        self.x = rng.standard_normal((BATCH, in_features))
        with nets.no_grad():
            y = self.layer.forward(self.x)
        self.v = rng.standard_normal(y.shape)
        self.noise = 8 * EPS * float(np.sum(np.abs(self.v * y)))
        self.layer.zero_grad()
        self.layer.forward(self.x)
        self.layer.backward(self.v)
        self.grad = self.layer.gradients()["weight"].copy()
        self.weight = self.layer.parameters()["weight"]

    def f(self) -> float:
        with nets.no_grad():
            return float(np.sum(self.v * self.layer.forward(self.x)))

    def check(self, rng: np.random.Generator, full: bool, entries: int | None = None):
        weight, grad = self.weight, self.grad
        if entries is not None:  # the first entries only: views, so perturbing them perturbs the layer
            weight, grad = weight.reshape(-1)[:entries], grad.reshape(-1)[:entries]
        return gradient_error(self.f, weight, grad, name="weight", rng=rng, full=full, noise=self.noise)


def cpu_seconds(fn, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.process_time()
        result = fn()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def torch_gradcheck(problem: Problem, repeats: int):
    """Seconds of gradcheck(fast_mode=True) on f written in torch, or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    x, v = torch.from_numpy(problem.x), torch.from_numpy(problem.v)
    bias = torch.from_numpy(problem.layer.parameters()["bias"])
    weight = torch.from_numpy(problem.weight.copy()).requires_grad_(True)

    def f(w):
        return (v * (x @ w.T + bias)).sum()

    seconds, passed = cpu_seconds(lambda: torch.autograd.gradcheck(f, (weight,), fast_mode=True), repeats)
    return seconds, passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10_000, 100_000])
    parser.add_argument("--full-limit", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    try:
        import torch
        torch_note = f"torch {torch.__version__}"
    except ImportError:
        torch_note = "torch is not importable: its column is left out"
    print(f"f(W) = <v, x W^T + b>, batch {BATCH}; CPU seconds, one thread; {torch_note}; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'P':>8} {'W':>11} {'one f':>9} | {'random dirs':>11} {'evals':>5} {'f-evals':>7} {'rel err':>8} | "
          f"{'full':>9} {'evals':>7} {'f-evals':>8} {'rel err':>8} | {'torch fast':>10} {'ok':>3} | "
          f"{'full/random':>11}")
    for parameters in args.sizes:
        problem = Problem(parameters, rng)
        one_f, _ = cpu_seconds(problem.f, max(args.repeats, 20))
        random_s, random_e = cpu_seconds(lambda: problem.check(rng, full=False), args.repeats)
        entries = None if parameters <= args.full_limit else args.full_limit
        full_s, full_e = cpu_seconds(lambda: problem.check(rng, full=True, entries=entries), 1)
        full_s *= parameters / (entries or parameters)
        full_evals = 4 * parameters
        mark = "*" if entries else " "
        torch_result = torch_gradcheck(problem, args.repeats)
        torch_cols = (f"{torch_result[0]:>10.2e} {'yes' if torch_result[1] else 'no':>3}" if torch_result
                      else f"{'-':>10} {'-':>3}")
        shape = "x".join(map(str, problem.weight.shape))
        print(f"{parameters:>8,} {shape:>11} {one_f:>9.2e} | {random_s:>11.2e} {random_e.evaluations:>5} "
              f"{random_s / one_f:>7.0f} {random_e.relative_error:>8.1e} | {full_s:>8.2e}{mark} {full_evals:>7,} "
              f"{full_s / one_f:>8.0f} {full_e.relative_error:>8.1e} | {torch_cols} | {full_s / random_s:>11.0f}")
    print(f"* extrapolated from the first {args.full_limit:,} entries (time x P / {args.full_limit:,}); "
          "rel err: the floored relative error the check reports (passes below 1e-7)")


if __name__ == "__main__":
    main()
