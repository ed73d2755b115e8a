"""Wall time and numbers of the network experiments (residual.depth_training, residual.gradient_uniformity,
transfer.freeze_vs_finetune), each run once at its claim's default seed: ``python benchmarks/experiments_walltime.py``."""
from __future__ import annotations

import time

from montecarlo.checks import run_check


def main() -> None:
    for claim_id in ("residual.depth_training", "residual.gradient_uniformity", "transfer.freeze_vs_finetune"):
        start = time.perf_counter()
        result = run_check(claim_id, "N")
        print(f"{claim_id}: {time.perf_counter() - start:.2f} s wall, {'passed' if result.passed else 'FAILED'}")
        for evidence in result.evidence:
            print("   ", evidence.describe())


if __name__ == "__main__":
    main()
