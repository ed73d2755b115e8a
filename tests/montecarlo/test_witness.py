"""A fact claimed false is shown false by a witness, in the S check's Evidence and in the LaTeX."""
import derivations
from montecarlo.checks import run_check


def test_the_symbolic_evidence_carries_the_witness_of_each_refuted_slip():
    derivation = derivations.get("bn.input_gradient")
    refuted = [f for f in derivation.facts if not f.holds]
    (evidence,) = run_check("bn.input_gradient", "S", seed=0).evidence
    witnesses = evidence.details["witnesses"]
    assert evidence.passed and [w["fact"] for w in witnesses] == [f.statement for f in refuted]
    assert all(w["outcome"] == "different" and w["witness"] and w["left"] != w["right"] for w in witnesses)


def test_the_latex_shows_the_witness_point_and_both_values():
    latex = derivations.get("bn.input_gradient").latex()
    refuted = [f for f in derivations.get("bn.input_gradient").facts if not f.holds]
    assert latex.count("Witness:") == len(refuted) and r"\neq" in latex
