"""Each Monte-Carlo and network check rejects plausible wrong answers (its power, shown), and accepts the right one."""
import numpy as np
import pytest

import derivations
import montecarlo
from montecarlo.checks import init_network
from montecarlo.checks.base import Case, NetworkCase, Statistic, alpha_per_test, run_case, run_check, run_networks

WRONG = [
    ("init.preact_mean", "n*mu"),
    ("init.preact_var", "n*v*chi/2"), ("init.preact_var", "n*v*(chi - mu**2)"), ("init.preact_var", "n*v"),
    ("init.relu_second_moment", "1"), ("init.relu_second_moment", "1/4"),
    ("init.variance_recursion", "alpha*n*v"), ("init.variance_recursion", "alpha*v/2"),
    ("init.he_variance", "1/n"), ("init.he_variance", "2/(n+1)"),
    ("init.lecun_variance", "2/D_a"), ("init.lecun_variance", "1/(D_a + 1)"),
    ("init.glorot_forward", "n*omega"), ("init.glorot_backward", "omega*nabla"),
    ("init.glorot_compromise", "1/(n_in + n_out)"), ("init.glorot_compromise", "sqrt(2/(n_in + n_out))"),
    ("init.glorot_compromise", "1/n_in"),
    ("init.linear_unit_variance", "2/d"), ("init.shifted_relu_variance", "1/d"),
    ("init.shifted_relu_variance", "2/d"),
]


@pytest.mark.parametrize(("claim_id", "candidate"), WRONG, ids=[f"{c}:{w}" for c, w in WRONG])
def test_a_plausible_wrong_answer_is_rejected_by_the_simulation_alone(claim_id, candidate):
    report = montecarlo.verify(claim_id, candidate)
    assert report.symbolic_equal is False
    assert report.numeric_rejected, [e.describe() for e in report.evidence]


# init.he_variance's run (its N check trains networks) is the one of test_verify's example-candidate
# test, which asserts the same (proved equal, simulated, not rejected): here in -m slow only.
@pytest.mark.parametrize("claim_id", ["init.preact_var", pytest.param("init.he_variance", marks=pytest.mark.slow),
                                      "init.glorot_compromise"])
def test_the_derived_answer_is_accepted(claim_id):
    target = derivations.get(claim_id).target
    report = montecarlo.verify(claim_id, target)
    assert report.symbolic_equal is True and report.numeric_rejected is False


NETWORK_WRONG = [
    ("init.variance_recursion", "alpha*n*v"),  # the linear-network law: no factor 1/2 for the ReLU
    ("init.variance_recursion", "alpha*n*v/2 * 21/20"),  # 5% off
    ("init.he_variance", "1/n"),  # LeCun's variance in a ReLU network
    ("init.he_variance", "2/n * 21/20"),
]


@pytest.mark.parametrize(("claim_id", "candidate"), NETWORK_WRONG, ids=[f"{c}:{w}" for c, w in NETWORK_WRONG])
def test_a_wrong_variance_law_is_rejected_by_the_network_runs_alone(claim_id, candidate):
    expression = montecarlo.verify(claim_id, candidate).expression
    result = run_check(claim_id, "N", candidate=expression)
    judged = [e for e in result.evidence if e.p_value is not None]
    assert judged and not any(e.passed for e in judged), [e.describe() for e in result.evidence]


def test_the_pooled_node_statistics_test_rejects_a_law_three_percent_off():
    """A planted per-layer law 3% off makes the mean of t_k over He networks 1.03 instead of 1."""
    derivation = derivations.get("init.node_statistics")
    variance = init_network.NODE_INITS["He"]
    ratios = init_network.pooled_layer_ratios(variance)
    case = NetworkCase("He, law 3% off", {"n": 256, "v": variance}, lambda d, rng, count: ratios(d, rng, count)[:, :1],
                       (Statistic("all layers pooled"),), claimed=lambda value: (1.03,), value_key=None)
    (evidence,) = run_networks(derivation, case, seed=5, alpha=alpha_per_test(), kind="M")
    assert not evidence.passed, evidence.describe()


def test_the_symmetry_check_rejects_a_skewed_weight_distribution():
    derivation = derivations.get("init.preact_symmetric")

    def skewed(rng, size, value):
        w = rng.exponential(1.0, (size, 4)) - 1.0
        x = rng.normal(1.0, 1.0, (size, 4)) + rng.exponential(1.0, (size, 4))
        return np.einsum("ij,ij->i", w, x) ** 3

    case = Case("E[a^3] with centred exponential w", {}, skewed, cost=16)
    assert not run_case(derivation, case, seed=1, alpha=alpha_per_test()).passed


def test_the_relu_check_rejects_half_the_variance_for_a_skewed_variable():
    derivation = derivations.get("init.relu_second_moment")
    case = Case("centred exponential against V/2", {}, lambda rng, size, value: np.maximum(
        rng.exponential(1.0, size) - 1.0, 0) ** 2, claimed=lambda value: value * 1.0)
    assert not run_case(derivation, case, seed=2, alpha=alpha_per_test()).passed


def test_the_same_seed_gives_the_same_numbers():
    first = montecarlo.verify("init.preact_var", kinds="M", seed=11).evidence
    second = montecarlo.verify("init.preact_var", kinds="M", seed=11).evidence
    third = montecarlo.verify("init.preact_var", kinds="M", seed=12).evidence
    assert [e.estimate for e in first] == [e.estimate for e in second]
    assert [e.estimate for e in first] != [e.estimate for e in third]
