"""symmetry.*: the gradient of an invariant function, and gradient descent from an invariant point."""
import pytest
import sympy as sp

import derivations
from derivations import compare
from derivations.init_symmetry import tiny_network
from derivations.symmetry import B, df_dw1, df_dw2, hidden_swap


@pytest.mark.parametrize("claim_id", ["symmetry.gradient_equivariance", "symmetry.gd_preserves_invariance"])
def test_every_link_and_fact_of_the_symmetry_claims_is_proved(claim_id):
    assert derivations.get(claim_id).check() > 0


def test_the_inverse_transpose_is_accepted_and_b_transpose_or_b_rejected():
    d = derivations.get("symmetry.gradient_equivariance")
    g = sp.Matrix([df_dw1, df_dw2])
    assert d.accepts(B.T.inv() * g).equal
    assert d.accepts(B.T * g).different
    assert d.accepts(B * g).different


def test_a_swap_of_the_incoming_weights_alone_is_not_a_symmetry_of_the_net():
    """Planted: forget to swap W2's columns, and the loss is no longer invariant."""
    params, _, objective = tiny_network()
    swap = hidden_swap(params)
    partial = {k: v for k, v in swap.items() if not str(k).startswith("W2")}
    assert compare(objective.subs(swap, simultaneous=True), objective).equal
    assert not compare(objective.subs(partial, simultaneous=True), objective).equal
