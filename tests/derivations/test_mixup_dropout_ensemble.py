"""The mixup, dropout and ensemble derivations: each chain proved, and each planted change of an
assumption (a squared-error loss, an asymmetric Beta, the drop probability read as the keep
probability, independent members) breaks a link or changes the result."""
import dataclasses

import pytest
import sympy as sp

import derivations
from derivations.core import DerivationError
from derivations.dropout import inverted_scale, p, p_drop, relu_unit_expectation
from derivations.ensemble import N, correlation_range, ensemble_variance, rho, sigma2
from derivations.mixup import alpha, beta_density, canonical, label_free_steps, lam, squared_error

CLAIMS = ["mixup.ce_linear_in_target", "mixup.label_free_form", "mixup.beta_identity", "mixup.simplified_objective",
          "dropout.inverted_scaling", "ensemble.variance_reduction"]


@pytest.mark.parametrize("claim_id", CLAIMS)
def test_every_link_and_fact_is_proved(claim_id):
    assert derivations.get(claim_id).check() > 0


def test_the_label_free_chain_fails_at_linearity_for_the_squared_error():
    planted = dataclasses.replace(derivations.get("mixup.label_free_form"), steps=label_free_steps(loss=squared_error),
                                  evaluate=canonical(squared_error))
    with pytest.raises(DerivationError, match="link 1"):
        planted.check()


def test_the_label_free_chain_fails_at_the_symmetry_step_for_an_asymmetric_beta():
    planted = dataclasses.replace(derivations.get("mixup.label_free_form"), steps=label_free_steps(second_shape=alpha + 1))
    with pytest.raises(DerivationError, match="link 2"):
        planted.check()


def test_the_label_free_weight_is_two_lambda():
    assert derivations.compare(derivations.get("mixup.label_free_form").target, 2 * lam).equal


def test_the_beta_ratio_is_derived_by_gammasimp_and_its_mirror_is_two_one_minus_lambda():
    assert derivations.compare(derivations.get("mixup.beta_identity").target, 2 * lam).equal
    mirror = sp.gammasimp(beta_density(alpha, alpha + 1) / beta_density(alpha, alpha))
    assert derivations.compare(mirror, 2 * (1 - lam)).equal
    assert derivations.compare(mirror, 2 * lam).different


def test_the_simplified_density_integrates_to_one_at_an_instance():
    density = derivations.get("mixup.simplified_objective").target.subs(alpha, sp.Rational(1, 2))
    assert sp.simplify(sp.integrate(density, (lam, 0, 1)) - 1) == 0


def test_the_cross_entropy_is_linear_and_the_squared_error_gap_is_derived():
    d = derivations.get("mixup.ce_linear_in_target")
    assert [f.holds for f in d.facts] == [False, True]
    assert d.values["squared_error_gap"].has(lam)


def test_the_inverted_scale_reads_the_keep_probability():
    assert inverted_scale() == 1 / p
    assert derivations.compare(inverted_scale(1 - p_drop), 1 / (1 - p_drop)).equal
    assert derivations.compare(inverted_scale(1 - p), 1 / p).different  # the drop probability read as keep


def test_a_relu_unit_after_dropout_has_the_derived_expectation():
    value = relu_unit_expectation(2, 1, sp.Rational(-1, 2), sp.Rational(1, 2))
    assert value == sp.Rational(1, 2) * sp.Max(4 - sp.Rational(1, 2), 0) + sp.Rational(1, 2) * 0
    assert value != sp.Max(2 - sp.Rational(1, 2), 0)


def test_the_ensemble_variance_and_the_range_of_rho():
    assert derivations.compare(ensemble_variance(), rho * sigma2 + (1 - rho) * sigma2 / N).equal
    assert derivations.compare(ensemble_variance(5, 0, 2), sp.Rational(2, 5)).equal
    assert correlation_range(4) == sp.Interval(sp.Rational(-1, 3), 1)
    assert derivations.compare(ensemble_variance(N, -1 / (N - 1), sigma2), 0).equal  # the lowest rho: V = 0


def test_independent_members_give_sigma2_over_n_not_the_claim():
    from derivations.moments import MomentModel, exchangeable
    from derivations.ensemble import X, average, mu

    independent = MomentModel(exchangeable(X, mean=mu, variance=sigma2, joint={(1, 1): mu**2}))
    assert derivations.compare(independent.variance(average), sigma2 / N).equal
    assert derivations.compare(independent.variance(average), derivations.get("ensemble.variance_reduction").target
                               ).different


@pytest.mark.parametrize("claim_id", CLAIMS)
def test_latex_and_text_render(claim_id):
    d = derivations.get(claim_id)
    assert r"\begin{align*}" in d.latex()
    assert d.answer
