"""Every entry of the mutation catalogue through ``montecarlo.verify``: wrong answers rejected, rewrites accepted.

Run: python benchmarks/mutants_verify.py [CLAIM_ID ...]

The test suite runs one wrong answer and one rewrite per claim through ``verify`` (its
simulations are slow); this sweep runs them all and prints each verdict and its time, and
exits 1 when a wrong answer is not rejected (a survivor) or a rewrite is not accepted.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # a checkout runs without installing

from derivations.diagnosis import catalogue_expression  # noqa: E402
from derivations.mutants import CATALOGUE  # noqa: E402
from montecarlo.verify import verify  # noqa: E402


def main(argv: list[str]) -> int:
    ids = argv or list(CATALOGUE)
    bad = 0
    for claim_id in ids:
        entry = CATALOGUE[claim_id]
        rows = [(text, "rejected") for text, *_ in entry["wrong"]] + [(text, "accepted") for text in entry["right"]]
        for text, wanted in rows:
            start = time.perf_counter()
            verdict = verify(claim_id, catalogue_expression(claim_id, text), seed=1).verdict
            flag = "" if verdict == wanted else "   <-- expected " + wanted
            bad += verdict != wanted
            print(f"{claim_id:36s} {verdict:9s} {time.perf_counter() - start:6.1f}s  {text}{flag}", flush=True)
    print(f"{bad} unexpected verdict(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
