import sympy as sp

import derivations
from derivations.batchnorm_backward import SLIPS, SUMMARY_SYMBOLS as S, batch_gradients, input_gradient_closed_form, \
    same_input_gradient
from derivations.batchnorm_forward import batch_statistics, mahalanobis_norm_squared, running_average_mean, \
    symbolic_batch


def test_batch_variance_of_a_projection_is_the_mahalanobis_norm():
    X, w = symbolic_batch(5, 2)
    a = [(X[i, :] * w)[0, 0] for i in range(5)]
    assert sp.expand(batch_statistics(a)[1] - mahalanobis_norm_squared(X, w)) == 0


def test_the_input_gradient_closed_form_is_the_derivative_and_the_slips_are_not():
    assert same_input_gradient(input_gradient_closed_form(), sizes=(2, 3)).equal
    for name, slip in SLIPS.items():
        assert same_input_gradient(slip, sizes=(3,)).different, name  # a witness, not merely "not proved"


def test_an_equivalent_form_in_other_summary_symbols_is_accepted():
    root = sp.sqrt(S["var"] + S["eps"])
    other = S["gamma"] * (S["dy"] - S["sum_dy"] / S["m"]) / root - S["gamma"] * (S["x"] - S["mu"]) * S["sum_dy_xmu"] / (
        S["m"] * root**3)
    assert same_input_gradient(other, sizes=(3,)).equal


def test_planting_a_different_normaliser_changes_the_derived_gradient():
    derivative = batch_gradients(3)["x1"]
    assert derivative.has(sp.Symbol("gamma", real=True)) and not sp.simplify(derivative) == 0


def test_running_average_tends_to_the_population_value():
    value = running_average_mean(sp.Rational(1, 10), 50, 1, 2)
    assert abs(float(value) - 2) < 0.01 and value != 2


def test_bn_claims_are_registered_in_the_catalogue_order():
    ids = [i for i in derivations.catalog() if i.startswith("bn.")]
    assert ids[0] == "bn.mahalanobis_form" and ids[-1] == "bn.computation_graph" and len(ids) == 11


def test_the_input_gradient_is_derived_for_a_symbolic_batch_size_with_deltas():
    derivation = derivations.get("bn.input_gradient")
    m = derivation.symbol("m")
    chain_rule = derivation.steps[1].expr
    assert chain_rule.has(sp.KroneckerDelta) and any(s.limits[0][2] == m for s in chain_rule.atoms(sp.Sum))
    assert not derivation.target.has(sp.Sum, sp.KroneckerDelta, sp.Indexed)
    assert derivations.equal(derivation.target, input_gradient_closed_form())
