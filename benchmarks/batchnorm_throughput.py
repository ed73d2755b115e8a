"""Forward + backward time of nets' batch norm against PyTorch CPU, side by side in one process.

Run: python benchmarks/batchnorm_throughput.py [--repeats 60] [--no-staged]

For BatchNorm1d on a (256, 1024) batch and BatchNorm2d on (32, 64, 32, 32), float32, training
mode, one repeat is a forward and a backward pass of each contender in turn (ours, torch,
and unless --no-staged the staged graph our layers used to run, ``layer.staged(x, dy)``),
so that the machine's load falls on all alike. Prints the median time over the repeats and
the ratio ours/torch of the medians (target ≤ 1.5), first with both libraries' default
threads, then with both on one thread (torch.set_num_threads(1) and
nets.fused_norm.set_num_threads(1)). The load average is printed beside, since the figures
move with it: on a loaded machine torch's thread pool suffers most.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # a checkout runs without installing

import nets
from interleaved import measure  # benchmarks/, the script's own folder

CASES = [("BatchNorm1d", nets.BatchNorm1d, (256, 1024)), ("BatchNorm2d", nets.BatchNorm2d, (32, 64, 32, 32))]


def _contenders(layer_type, shape, rng, torch, staged: bool):
    """name → a function running one forward + backward pass."""
    x = rng.standard_normal(shape).astype(np.float32)
    dy = rng.standard_normal(shape).astype(np.float32)
    ours = layer_type(shape[1], dtype=np.float32)

    def run_ours():
        ours(x)
        ours.backward(dy)

    runs = {"ours": run_ours}
    if torch is not None:
        theirs = getattr(torch.nn, layer_type.__name__)(shape[1])
        xt, dyt = torch.from_numpy(x).requires_grad_(), torch.from_numpy(dy)

        def run_torch():
            xt.grad = None
            theirs(xt).backward(dyt)

        runs["torch"] = run_torch
    if staged:
        runs["staged"] = lambda: ours.staged(x, dy)
    return runs


def report(label: str, rng, torch, repeats: int, staged: bool) -> None:
    print(f"\n{label} (load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs)")
    print(f"{'layer':<12} {'shape':<18} {'ours':>9} {'torch':>9} {'ours/torch':>11} {'staged':>9}")
    for name, layer_type, shape in CASES:
        medians = measure(_contenders(layer_type, shape, rng, torch, staged), repeats)
        theirs = f"{medians['torch'] * 1e3:7.2f}ms" if "torch" in medians else f"{'-':>9}"
        ratio = f"{medians['ours'] / medians['torch']:11.2f}" if "torch" in medians else f"{'-':>11}"
        old = f"{medians['staged'] * 1e3:7.2f}ms" if "staged" in medians else f"{'-':>9}"
        print(f"{name:<12} {str(shape):<18} {medians['ours'] * 1e3:7.2f}ms {theirs} {ratio} {old}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=60)
    parser.add_argument("--no-staged", action="store_true", help="leave out the staged graph")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        torch = None
        print("torch is not installed (pip install torch): timing nets alone")
    rng = np.random.default_rng(0)
    staged = not args.no_staged
    if torch is None:
        report("float32, training mode", rng, None, args.repeats, staged)
        return
    report(f"float32, training mode, torch {torch.__version__} with {torch.get_num_threads()} threads", rng, torch,
           args.repeats, staged)
    torch.set_num_threads(1)
    nets.fused_norm.set_num_threads(1)
    report("the same, both on one thread: torch.set_num_threads(1), nets.fused_norm.set_num_threads(1)", rng, torch,
           args.repeats, False)


if __name__ == "__main__":
    main()
