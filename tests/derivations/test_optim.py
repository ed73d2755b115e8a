"""optim.*: the L2 gradient, data-only momentum, and its equivalence with PyTorch's SGD, derived."""
import pytest
import sympy as sp

import derivations
from derivations import optim
from derivations.optim import lam, lr, momentum

IDS = ["optim.l2_gradient", "optim.momentum_data_only", "optim.momentum_equivalence"]


@pytest.mark.parametrize("claim_id", IDS)
def test_every_link_and_fact_of_the_optim_claims_is_proved(claim_id):
    assert derivations.get(claim_id).check() > 0


def test_the_l2_gradient_is_two_alpha_w_for_seed_001_and_lam_theta_for_seed_000():
    d = derivations.get("optim.l2_gradient")
    assert d.accepts(sp.sympify("2*alpha*w", locals={s.name: s for s in d.symbols}))
    assert d.accepts(sp.Symbol("alpha", positive=True) * sp.Symbol("w", real=True)).different
    assert d.accepts(lam * sp.Symbol("theta", real=True), part="seed_000")
    assert d.accepts(2 * lam * sp.Symbol("theta", real=True), part="seed_000").different


def test_the_derived_mapping_of_pytorchs_convention():
    settings = optim.equivalent_settings("pytorch")
    assert sp.simplify(settings["lr"] - lr) == 0
    assert sp.simplify(settings["momentum"] - momentum * (1 - lr * lam)) == 0
    assert sp.simplify(settings["weight_decay"] - (1 - momentum) * lam) == 0


def test_the_derived_mapping_of_the_exponential_average():
    settings = optim.equivalent_settings("average")
    mapped = momentum * (1 - lr * lam)
    assert sp.simplify(settings["weight_decay"] - lam) == 0
    assert sp.simplify(settings["momentum"] - mapped) == 0
    assert sp.simplify(settings["lr"] - lr * (1 - momentum) / (1 - mapped)) == 0


def test_a_planted_algorithm_with_the_regulariser_inside_the_buffer_maps_to_itself():
    """Derived, not typed: change the algorithm and the mapping changes (to the identity)."""
    for convention in optim.CONVENTIONS:
        settings = optim.equivalent_settings(convention, algorithm=optim.regulariser_in_buffer_step)
        assert {k: sp.simplify(v) for k, v in settings.items()} == {"lr": lr, "momentum": momentum,
                                                                    "weight_decay": lam}


def test_the_schedule_needs_a_momentum_from_the_previous_learning_rate():
    settings = optim.equivalent_settings("pytorch", schedule=True)
    assert sp.simplify(settings["momentum"] - momentum * (1 - optim.lr_previous * lam)) == 0


def test_the_matched_buffer_start_and_the_pytorch_default_gap():
    assert sp.simplify(optim.matched_buffer_start("pytorch", 0) - lam * optim.theta_0 / (1 - lr * lam)) == 0
    e_1, gap = optim.pytorch_default_gap("pytorch")
    assert sp.simplify(e_1 - lr * momentum * lam * optim.theta_0) == 0
    assert sp.simplify(gap.subs(optim.t, 5) - e_1 * ((1 - lr * lam) ** 5 - momentum**5) / (1 - lr * lam - momentum)) == 0


@pytest.mark.parametrize(("part", "right", "wrong"), [
    ("lr", "lr", "lr*(1-momentum)"),
    ("momentum", "momentum - lr*lam*momentum", "momentum"),
    ("weight_decay", "lam - momentum*lam", "lam"),
    ("buffer_start", "lam*theta_0/(1 - lr*lam)", "0"),
    ("average_weight_decay", "lam", "(1-momentum)*lam"),
])
def test_parts_accept_rewrites_and_reject_the_plausible_slips(part, right, wrong):
    d = derivations.get("optim.momentum_equivalence")
    names = {s.name: s for s in d.symbols}
    assert d.accepts(sp.sympify(right, locals=names), part=part).equal
    assert d.accepts(sp.sympify(wrong, locals=names), part=part).different


def test_an_unknown_part_is_refused_with_the_list_of_parts():
    d = derivations.get("optim.momentum_equivalence")
    with pytest.raises(ValueError, match="its parts are: lr, momentum, weight_decay"):
        d.accepts(lr, part="learning_rate")
    with pytest.raises(ValueError, match="none"):
        derivations.get("symmetry.gradient_equivariance").part_value("B")


def test_a_convention_that_does_not_exist_is_refused():
    with pytest.raises(ValueError, match="convention"):
        optim.equivalent_settings("nesterov")
