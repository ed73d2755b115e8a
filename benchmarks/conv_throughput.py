"""Forward + backward time of nets.Conv2d against torch.nn.Conv2d on the CPU, side by side in one process.

Run: python benchmarks/conv_throughput.py [--repeats 20]

Input (32, 64, 32, 32), float32, 3×3 kernels, 64 output channels, stride 1, padding 1, in both
padding modes. One repeat is a forward and a backward pass of each contender in turn, so the
machine's load falls on both alike; printed: the median over the repeats and the ratio
ours/torch of the medians (target ≤ 3). First with both libraries' default threads, then both
on one thread: torch.set_num_threads(1), and NumPy's BLAS on one thread, which can only be set
before NumPy loads (OPENBLAS_NUM_THREADS=1 ...), so that half runs in a child process.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # a checkout runs without installing

import nets  # noqa: E402
from interleaved import measure  # benchmarks/, the script's own folder

SHAPE, OUT, KERNEL = (32, 64, 32, 32), 64, 3
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _contenders(padding_mode: str, rng, torch) -> dict:
    """name → a function running one forward + backward pass."""
    x = rng.standard_normal(SHAPE).astype(np.float32)
    dy = rng.standard_normal((SHAPE[0], OUT) + SHAPE[2:]).astype(np.float32)
    ours = nets.Conv2d(SHAPE[1], OUT, KERNEL, padding=1, padding_mode=padding_mode, generator=rng, dtype=np.float32)

    def run_ours():
        ours(x)
        ours.backward(dy)

    runs = {"ours": run_ours}
    if torch is not None:
        theirs = torch.nn.Conv2d(SHAPE[1], OUT, KERNEL, padding=1, padding_mode=padding_mode)
        xt, dyt = torch.from_numpy(x).requires_grad_(), torch.from_numpy(dy)

        def run_torch():
            xt.grad = None
            theirs(xt).backward(dyt)

        runs["torch"] = run_torch
    return runs


def report(label: str, torch, repeats: int) -> None:
    print(f"\n{label} (load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs)")
    print(f"{'padding':<10} {'input':<18} {'ours':>10} {'torch':>10} {'ours/torch':>11}")
    rng = np.random.default_rng(0)
    for mode in ("zeros", "circular"):
        medians = measure(_contenders(mode, rng, torch), repeats)
        theirs = f"{medians['torch'] * 1e3:8.1f}ms" if "torch" in medians else f"{'-':>10}"
        ratio = f"{medians['ours'] / medians['torch']:11.2f}" if "torch" in medians else f"{'-':>11}"
        print(f"{mode:<10} {str(SHAPE):<18} {medians['ours'] * 1e3:8.1f}ms {theirs} {ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--one-thread", action="store_true", help="(the child run) both libraries on one thread")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        torch = None
        print("torch is not installed (pip install torch): timing nets alone")
    kernel = f"Conv2d {SHAPE[1]}->{OUT}, {KERNEL}x{KERNEL}, float32, forward + backward"
    if args.one_thread:
        if torch is not None:
            torch.set_num_threads(1)
        report(f"{kernel}, both on one thread (torch.set_num_threads(1), OPENBLAS_NUM_THREADS=1)", torch, args.repeats)
        return
    threads = f"torch {torch.__version__} with {torch.get_num_threads()} threads" if torch is not None else "nets"
    report(f"{kernel}, default threads: {threads}", torch, args.repeats)
    sys.stdout.flush()
    subprocess.run([sys.executable, __file__, "--one-thread", "--repeats", str(args.repeats)],
                   env={**os.environ, **ONE_THREAD}, check=True)


if __name__ == "__main__":
    main()
