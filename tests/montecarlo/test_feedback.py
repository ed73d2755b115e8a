"""The command's feedback: the diagnosis of a rejected candidate, chains from a file or stdin, hints."""
import io

import pytest

from derivations.mutants import NOT_FORMULA
from montecarlo import feedback
from montecarlo.verify import verify


def test_a_rejected_candidate_gets_its_diagnosis_and_slip():
    report = verify("init.preact_var", "n*v*(chi - mu**2)", seed=1)
    lines = feedback.diagnosis_lines(report)
    assert lines[0].startswith("  diagnosis (substitution)") and "zero mean" in lines[0]
    assert lines[1].startswith("  typical slip")
    data = feedback.diagnosis_json(report)["diagnosis"]
    assert data["kind"] == "substitution" and data["witness"]["outcome"] == "different"


def test_an_accepted_candidate_gets_no_diagnosis():
    report = verify("init.preact_var", "chi*n*v", seed=1)
    assert feedback.diagnosis_lines(report) == [] and feedback.diagnosis_json(report)["diagnosis"] is None


def test_a_claim_whose_answer_is_not_a_formula_says_so_in_one_line():
    claim_id = "bn.computation_graph"
    assert claim_id in NOT_FORMULA
    line = feedback.not_formula(claim_id)
    assert line and "\n" not in line
    with pytest.raises(ValueError, match="not a formula"):
        feedback.steps_command(claim_id, "-", stdin=io.StringIO("x\n"))


def test_chains_are_read_bounded(tmp_path, capsys):
    path = tmp_path / "chain.txt"
    path.write_text("V[a]\nE[a^2] - E[a]^2  # definition\nn*v*chi\n")
    assert feedback.steps_command("init.preact_var", str(path)) == 0
    assert "the last line is the claim's answer" in capsys.readouterr().out
    assert feedback.steps_command("init.preact_var", "-", stdin=io.StringIO("V[a]\nn*v*chi/2\n")) == 1
    with pytest.raises(ValueError, match="longer than"):
        feedback.read_chain("-", stdin=io.StringIO("n\n" * feedback.MAX_CHAIN_BYTES))
    with pytest.raises(ValueError, match="cannot read"):
        feedback.read_chain(str(tmp_path / "missing.txt"))


def test_hints_give_the_reason_only(capsys):
    assert feedback.hint_command("init.preact_var", 2) == 0
    out = capsys.readouterr().out
    assert "step 2 of 4" in out and "chi*n*v" not in out and "n*v*chi" not in out
    with pytest.raises(ValueError, match="step"):
        feedback.hint_command("init.preact_var", 0)
