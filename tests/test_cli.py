import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import derivations
from montecarlo import cli
from montecarlo.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_contract(capsys):
    code, out, _ = run(capsys, "list", "--json")
    rows = json.loads(out)
    assert code == 0
    row = next(r for r in rows if r["id"] == "init.preact_var")
    assert row["checks"] == ["S", "M"] and row["derived"] is True
    assert set(row) >= {"id", "title", "source", "sources", "question", "answer", "checks", "derived"}
    assert len(rows) == len(derivations.claim_ids()) == 52
    assert sum(r["derived"] for r in rows) == len(derivations.catalog())


def test_list_builds_no_derivation(capsys, monkeypatch):
    from derivations import core
    monkeypatch.setattr(core, "_BUILT", {})
    built = []
    monkeypatch.setattr(core, "_BUILDERS", {k: (lambda k=k: built.append(k)) for k in core._BUILDERS})
    code, out, _ = run(capsys, "list")
    assert code == 0 and built == [] and "init.preact_var" in out and "optim.momentum_equivalence" in out


def test_errata_lists_each_entry_with_its_seed_location(capsys):
    code, out, _ = run(capsys, "errata")
    assert code == 0 and out.startswith(derivations.errata_text().splitlines()[0])
    assert out.count("\n  written: ") == len(derivations.errata())
    code, out, _ = run(capsys, "errata", "--json")
    data = json.loads(out)
    assert code == 0 and len(data["errata"]) == len(derivations.errata())
    assert all({"seed", "where", "written", "right", "kind"} <= set(e) for e in data["errata"])


def test_verify_json_contract_and_pattern(capsys):
    code, out, _ = run(capsys, "verify", "init.vanishing*", "--json")
    data = json.loads(out)
    assert code == 0 and [d["id"] for d in data] == ["init.vanishing_chain"]
    assert {c["kind"] for c in data[0]["checks"]} == {"S", "N"} and all(c["passed"] for c in data[0]["checks"])


def test_check_accepts_the_right_answer_and_rejects_a_slip(capsys):
    code, out, _ = run(capsys, "check", "init.preact_var", "n*v*chi", "--json")
    data = json.loads(out)
    assert code == 0 and data["symbolic_equal"] is True and data["rejected"] is False
    assert data["verdict"] == "accepted"
    code, out, _ = run(capsys, "check", "init.preact_var", "n*v", "--json")
    data = json.loads(out)
    assert code == 1 and data["rejected"] is True and data["numeric_rejected"] is True
    assert data["comparison"]["outcome"] == "different" and set(data["comparison"]["witness"]) >= {"n", "v", "chi"}
    assert set(data) >= {"id", "candidate", "symbolic_equal", "rejected", "evidence"}


@pytest.mark.parametrize("argv", [
    ["show", "init.nope"], ["check", "init.preact_var", "__import__('os').system('true')"],
    ["check", "init.preact_var", "n*("], ["verify", "nothing.*"], ["verify", "--kinds", "Q"], ["frobnicate"],
    ["verify", "--seed", "-3"], ["check", "relu.forward_backward_example", "1"],
    ["check", "loss.softmax_ce_gradient", "12345"], ["check", "loss.softmax_ce_gradient", "1/0"],
    ["check", "init.preact_var", "1/0"], ["verify", "init.preact_var", "--kinds", "F"],
    ["check", "init.preact_var", "n**n**n**n"], ["check", "init.nope", "1"],
])
def test_bad_input_is_one_line_and_exit_code_2(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and err.startswith("dlproofs: error:") and err.count("\n") == 1 and "Traceback" not in err


def test_show_prints_the_steps_and_the_result(capsys):
    code, out, _ = run(capsys, "show", "init.he_variance")
    assert code == 0 and "result:" in out and "example: dlproofs check init.he_variance '2/n'" in out
    code, out, _ = run(capsys, "show", "init.he_variance", "--latex")
    assert r"\begin{align*}" in out


def test_figures_writes_the_graph_and_the_node_statistics(capsys, tmp_path):
    code, out, err = run(capsys, "figures", "-o", str(tmp_path), "bn_graph", "node_statistics")
    assert code == 0 and "figure node_statistics" in err  # every figure is drawn by test_solutions' document
    assert {"bn_graph.dot", "bn_graph.tex", "node_statistics.png", "node_statistics.pdf"} <= {
        p.name for p in tmp_path.iterdir()}
    assert (tmp_path / "node_statistics.png").stat().st_size > 10_000
    code, out, err = run(capsys, "figures", "-o", str(tmp_path), "no_such_figure")
    assert code == 2 and "no figure named no_such_figure; the figures are" in err


def test_show_prints_no_raw_latex_for_any_claim(capsys):
    for claim_id in derivations.catalog():
        code, out, _ = run(capsys, "show", claim_id)
        assert code == 0
        assert "\\mathbb" not in out and "\\texttt" not in out and "\\frac" not in out, claim_id
        assert "$" not in out, claim_id


def test_a_candidate_with_a_leading_minus_needs_no_double_dash(capsys):
    code, out, _ = run(capsys, "check", "init.he_variance", "-2/n")
    assert code == 1 and "REJECTED" in out and "witness" in out
    code, out, _ = run(capsys, "check", "--json", "activations.relatives", "-x")
    assert code == 1 and json.loads(out)["verdict"] == "rejected"


def test_an_undecided_candidate_exits_4_and_says_so(capsys, monkeypatch):
    from derivations import Comparison
    from derivations.core import Derivation

    monkeypatch.setattr(Derivation, "accepts", lambda self, candidate, **_: Comparison("undecided", "no proof"))
    code, out, _ = run(capsys, "check", "init.zero_init_symmetry", "1/2")
    assert code == 4 and "UNDECIDED" in out and "ACCEPTED" not in out and "REJECTED" not in out


def test_version_and_help_document_the_exit_codes(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("dlproofs ")
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "exit codes" in out and "141" in out and "internal error" in out


def test_an_internal_error_is_not_reported_as_bad_input(capsys, monkeypatch):
    def broken(args):
        raise ValueError("a bug")

    monkeypatch.setattr(cli, "_list", broken)
    code, _, err = run(capsys, "list")
    assert code == 3 and "internal error" in err and err.count("\n") == 1


def test_a_missing_matplotlib_names_both_install_commands(capsys, monkeypatch, tmp_path):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else real(name, *a))
    code, _, err = run(capsys, "figures", "-o", str(tmp_path))
    assert code == 2 and "pip install '.[plots]'" in err and "pip install 'dlproofs[plots]'" in err


def test_output_piped_into_head_ends_quietly():
    env = dict(os.environ, PYTHONPATH=str(ROOT), OPENBLAS_NUM_THREADS="1")
    command = f"{sys.executable} -m montecarlo.cli show bn.input_gradient | head -n 2"
    done = subprocess.run(["bash", "-c", "set -o pipefail; " + command], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)
    assert done.stdout.count("\n") == 2 and "Traceback" not in done.stderr and "Error" not in done.stderr
    assert done.returncode in (0, 141)


# --- feedback: diagnosis, check --steps, hint -------------------------------------------------

def test_check_prints_the_diagnosis_of_a_rejected_candidate(capsys):
    code, out, _ = run(capsys, "check", "init.preact_var", "n*v*chi/2", "--seed", "1")
    assert code == 1 and "diagnosis (factor): off by a constant factor 1/2" in out and "typical slip" in out
    code, out, _ = run(capsys, "check", "init.preact_var", "n*v*chi/2", "--seed", "1", "--json")
    data = json.loads(out)
    assert data["diagnosis"]["kind"] == "factor" and data["diagnosis"]["factor"] == "1/2"
    assert data["diagnosis"]["witness"]["outcome"] == "different"


def test_check_steps_from_a_file_and_from_stdin(capsys, tmp_path, monkeypatch):
    import io

    chain = tmp_path / "chain.txt"
    chain.write_text("V[a]\nE[a^2] - E[a]^2  # definition of the variance\nn*E[w_1^2]*E[x_1]^2\n")
    code, out, _ = run(capsys, "check", "init.preact_var", "--steps", str(chain))
    assert code == 1 and "line 3: INVALID" in out and "first invalid link: line 2 -> line 3" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("V[a]\nn*v*chi\n"))
    code, out, _ = run(capsys, "check", "init.preact_var", "--steps", "-", "--json")
    assert code == 0 and json.loads(out)["valid"] is True


def test_check_steps_bad_input_is_one_line(capsys, tmp_path):
    code, _, err = run(capsys, "check", "init.preact_var")
    assert code == 2 and "one of the two" in err and err.count("\n") == 1
    code, _, err = run(capsys, "check", "init.preact_var", "--steps", str(tmp_path / "none"))
    assert code == 2 and "cannot read" in err and err.count("\n") == 1
    code, _, err = run(capsys, "check", "bn.computation_graph", "--steps", str(tmp_path / "none"))
    assert code == 2 and "not a formula" in err and err.count("\n") == 1


def test_hint_gives_one_step_as_its_reason(capsys):
    code, out, _ = run(capsys, "hint", "init.preact_var")
    assert code == 0 and "step 1 of 4: definition of the variance" in out
    code, out, _ = run(capsys, "hint", "init.preact_var", "--step", "4")
    assert code == 0 and "step 4 of 4" in out and "next:" not in out
    code, _, err = run(capsys, "hint", "init.preact_var", "--step", "5")
    assert code == 2 and "step must be" in err


def test_list_and_help_load_no_check_module():
    """`dlproofs list` and `--help` read records: no topic module of the checks, no nets, no SciPy stats."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    probe = ("import sys; from montecarlo.cli import main; main(['list']); main(['--help']); "
             "print(sorted(m for m in sys.modules if m.startswith(('montecarlo.checks.', 'nets', 'scipy.stats'))))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "['montecarlo.checks.base']"
