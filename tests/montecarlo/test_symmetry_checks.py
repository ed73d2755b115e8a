"""symmetry.gradient_equivariance F on the seeds where calibration saw it fail (issue 10)."""
import numpy as np

from montecarlo.checks import run_check
from montecarlo.checks.symmetry import _liveliest_unit


def test_the_rescaled_unit_is_a_live_one():
    gradient = {"0.weight": np.array([[0.0, 0.0], [1e-3, 0.0], [0.0, 2.0]])}
    assert _liveliest_unit(gradient) == 2


def test_a_dead_unit_no_longer_fails_the_check():
    # seeds of `dlproofs calibrate` (base seed 0, seeds 49 and 52) on which unit 0 was dead on the batch, so
    # "B in place of B^-T is wrong" compared two zero gradients and failed
    for seed in (15469712230647833192, 1125930553139763242):
        result = run_check("symmetry.gradient_equivariance", "F", seed=seed)
        assert result.outcome == "passed", [e.describe() for e in result.evidence if not e.passed]
