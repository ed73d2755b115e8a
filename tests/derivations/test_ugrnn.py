"""The UGRNN derivations (seed 003 Problem 2): chains proved, answers judged, planted changes seen."""
import sympy as sp

import derivations
from derivations.ugrnn import backward_additions, explicit, preactivation
from montecarlo.verify import example_candidate, prepare_candidate

IDS = ("ugrnn.split_matrices", "ugrnn.index_form", "ugrnn.backward")


def test_every_ugrnn_chain_is_proved_and_renders_to_latex():
    for claim_id in IDS:
        derivation = derivations.get(claim_id)
        assert derivation.check() >= 3
        assert r"\begin{align*}" in derivation.latex()


def test_the_index_form_writes_the_matrix_products_as_sums_over_the_input_and_hidden_units():
    result = derivations.get("ugrnn.index_form").result.rhs
    assert len(result.atoms(sp.Sum)) == 4  # two per gate: over the inputs j and the hidden units k
    assert r"\sum" in sp.latex(result)


def test_the_split_form_equals_the_concatenated_product_written_out_entry_by_entry():
    def entries(name, rows, cols):
        return sp.Matrix(rows, cols, lambda r, c: sp.Symbol(f"{name}_{r + 1}{c + 1}", real=True))

    x, h = entries("x", 1, 2), entries("h", 1, 2)
    weight = entries("W_fx", 2, 2).row_join(entries("W_fh", 2, 2))  # W^f = [W^{f,x} W^{f,h}]
    concatenated = x.row_join(h) * weight.T + entries("b_f", 2, 1).T
    assert sp.simplify(concatenated - explicit(preactivation("f", split=True))) == sp.zeros(1, 2)


def test_backward_candidates_are_judged():
    derivation = derivations.get("ugrnn.backward")
    assert derivation.accepts(prepare_candidate("ugrnn.backward", example_candidate("ugrnn.backward")))
    wrong = prepare_candidate("ugrnn.backward", "[[g*(d - h)], [g*f], [g*(1 - f)]]")
    assert derivation.accepts(wrong).different


def test_index_and_split_candidates_accept_their_examples():
    for claim_id in IDS[:2]:
        candidate = prepare_candidate(claim_id, example_candidate(claim_id))
        assert derivations.get(claim_id).accepts(candidate)


def test_a_planted_change_of_the_update_changes_the_derived_backward():
    def at_entry(additions):
        return {k: v.replace(lambda n: isinstance(n, sp.Indexed), lambda n: sp.Symbol(str(n.base), real=True))
                for k, v in additions.items()}

    right = at_entry(backward_additions())
    changed = at_entry(backward_additions(lambda f, h, d: f * h + f * d))  # (1 - f) misread as f
    assert derivations.compare(right["d"], changed["d"]).different
    assert derivations.compare(right["h"], changed["h"]).equal
