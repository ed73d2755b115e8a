"""The BN checks reject the seed's slips, a biased running variance, and a wrong backward."""
import numpy as np
import pytest

import derivations
import montecarlo
import nets
from derivations.batchnorm_backward import SLIPS
from montecarlo.checks.base import Case, alpha_per_test, run_case
from montecarlo.finite_diff import check_module


@pytest.mark.parametrize("slip", list(SLIPS))
def test_check_rejects_seed_004s_formula_and_the_usual_slips(slip):
    report = montecarlo.verify("bn.input_gradient", SLIPS[slip])
    assert report.symbolic_equal is False and report.numeric_rejected is True


def test_check_accepts_the_correct_form_written_as_a_string():
    report = montecarlo.verify("bn.input_gradient", "gamma/(m*sqrt(var + eps))*(m*dy - sum_dy - xhat*sum_dy_xhat)")
    assert report.symbolic_equal is True and report.numeric_rejected is False


def test_a_running_variance_updated_with_the_biased_variance_is_rejected():
    derivation = derivations.get("bn.train_eval")
    batch = 4

    def draw(rng, size, value):
        bn = nets.BatchNorm1d(size, momentum=None)
        for _ in range(20):
            bn(rng.normal(1.5, np.sqrt(2.5), (batch, size)))
        # the cumulative average of biased batch variances is that of the unbiased ones times (B-1)/B
        return bn.buffers["running_var"] * (batch - 1) / batch

    case = Case("biased running variance", {"mu": 1.5, "s2": 2.5, "B": batch, "m": 0.1, "t": 20}, draw,
                value_key="unbiased", cost=80)
    assert not run_case(derivation, case, seed=3, alpha=alpha_per_test(), kind="N").passed


class _BatchNormWithoutTheMeanPath(nets.BatchNorm1d):
    """Drops the path through mu_B: adds back mean_i(dy) gamma / sqrt(var_B + eps), the batch variance
    kept from the input this wrapper saw (public attributes only)."""

    def forward(self, x):
        self.batch_variance = x.var(axis=0)
        return super().forward(x)

    def backward(self, grad_output):
        dx = super().backward(grad_output)
        return dx + grad_output.mean(axis=0) * self.params["weight"] / np.sqrt(self.batch_variance + self.eps)


def test_a_planted_wrong_batchnorm_backward_fails_finite_differences():
    rng = np.random.default_rng(0)
    errors = check_module(_BatchNormWithoutTheMeanPath(3), rng.normal(size=(6, 3)), rng=rng)
    assert not errors[0].passed and errors[0].relative_error > 1e-3
