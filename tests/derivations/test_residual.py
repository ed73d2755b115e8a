"""The residual variance laws of seed 003 P3: derived, checked link by link, and sensitive to their assumptions."""
import dataclasses

import pytest
import sympy as sp

import derivations
from derivations.core import DerivationError
from derivations.residual import (
    C, L, N, _ResidualModel, _one_layer, conv_taps, doubling_weight_variance, l, residual_closed_form,
    residual_gradient_variance, residual_layer_variance, rho, sigma2_l, sigma_W, torus_weight_gradient,
)

IDS = ["residual.variance_recursion", "residual.variance_closed_form", "residual.doubling_weight_variance",
       "residual.gradient_variance", "residual.weight_grad_limit"]


@pytest.mark.parametrize("claim_id", IDS)
def test_residual_derivation_checks_every_link_and_renders(claim_id):
    derivation = derivations.get(claim_id)
    assert derivation.check() >= 5
    assert r"\begin{align*}" in derivation.latex()
    assert all(s.name.isidentifier() for s in derivation.symbols)


def test_recursion_is_derived_from_the_conv_sum_with_n_squared_c_taps():
    assert sp.simplify(conv_taps() - N**2 * C) == 0
    assert sp.simplify(residual_layer_variance() - sigma2_l * (1 + N**2 * C * sigma_W)) == 0
    assert residual_layer_variance(2, sp.Rational(1, 10), 3, 3) == 2 * (1 + sp.Rational(27, 10))


def test_recursion_needs_no_independence_of_the_window_entries_nor_of_the_two_terms():
    derived = residual_layer_variance()
    assert not derived.has(rho) and not derived.has(sp.Symbol("kappa", real=True))


def test_a_planted_weight_mean_breaks_the_recursion_and_lets_the_correlations_in():
    mu = sp.Symbol("mu_w", positive=True)
    planted = dataclasses.replace(derivations.get("residual.variance_recursion"),
                                  evaluate=_ResidualModel(weight_mean=mu).evaluate)
    with pytest.raises(DerivationError, match="link"):
        planted.check()
    with_mean = _one_layer(conv_taps(), weight_mean=mu)[3]
    assert with_mean.has(rho) and with_mean.has(sp.Symbol("kappa", real=True))


def test_closed_form_and_gradient_variance_come_from_rsolve():
    ratio = 1 + N**2 * C * sigma_W
    assert sp.simplify(residual_closed_form() - ratio**l) == 0
    assert sp.simplify(residual_gradient_variance() - ratio ** (L - l)) == 0
    assert residual_closed_form(0) == 1 and residual_gradient_variance(L, L) == 1


def test_doubling_weight_variance_approximate_exact_and_the_error_in_l():
    approximate, exact = doubling_weight_variance(), doubling_weight_variance(exact=True)
    assert sp.simplify(approximate - sp.log(2) / (L * N**2 * C)) == 0
    assert sp.simplify(exact - (2 ** (1 / L) - 1) / (N**2 * C)) == 0
    values = derivations.get("residual.doubling_weight_variance").values
    error = values["relative_error"]
    assert float(error.subs(L, 1)) == pytest.approx(1 / float(sp.log(2)) - 1)
    assert float(error.subs(L, 100)) == pytest.approx(float(sp.log(2)) / 200, rel=0.01)
    assert float(values["achieved"].subs({L: 1})) == pytest.approx(1 + float(sp.log(2)))


def test_doubling_rejects_the_kernel_area_dropped_the_square_root_and_the_exact_solution():
    derivation = derivations.get("residual.doubling_weight_variance")
    assert derivation.accepts(sp.log(2) / (L * N**2 * C)).equal
    for wrong in (sp.log(2) / (L * N * C), sp.sqrt(sp.log(2) / (L * N**2 * C)), (2 ** (1 / L) - 1) / (N**2 * C)):
        assert derivation.accepts(wrong).different
    # the reverse: the approximation passed off as the exact solution
    assert derivations.compare(sp.log(2) / (L * N**2 * C), derivation.values["exact"]).different


def test_weight_grad_limit_is_the_correlation_of_top_gradient_and_input_for_every_layer():
    derivation = derivations.get("residual.weight_grad_limit")
    g = sp.symbols("g0 g1 g2", real=True)
    x = sp.symbols("x0 x1 x2", real=True)
    expected = sp.Matrix([sum(g[i] * x[(i + a - 1) % 3] for i in range(3)) for a in range(3)])
    assert (derivation.target - expected).expand() == sp.zeros(3, 1)
    assert (derivation.values["layer_1"] - expected).expand() == sp.zeros(3, 1)
    assert (torus_weight_gradient(1) - expected).expand() == sp.zeros(3, 1)


def test_with_a_relu_around_the_convolution_the_limit_depends_on_the_direction():
    along_u = torus_weight_gradient(1, activation=True)
    assert along_u.has(sp.Heaviside)
    u = sp.symbols("u0_0 u0_1 u0_2", real=True)
    point = {**dict(zip(u, (1, -2, 1))), **dict(zip(sp.symbols("x0 x1 x2", real=True), (1, 2, -1))),
             **dict(zip(sp.symbols("g0 g1 g2", real=True), (1, 1, 1)))}
    flipped = along_u.subs({s: -s for s in u}, simultaneous=True)
    assert along_u.subs(point) != flipped.subs(point)
