import json

import pytest

from montecarlo.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_contract(capsys):
    code, out, _ = run(capsys, "list", "--json")
    rows = json.loads(out)
    assert code == 0
    row = next(r for r in rows if r["id"] == "init.preact_var")
    assert row["symbols"] == ["n", "v", "chi", "mu"] and row["checks"] == ["S", "M"]
    assert set(row) >= {"id", "title", "source", "symbols", "checks"}


def test_verify_json_contract_and_pattern(capsys):
    code, out, _ = run(capsys, "verify", "init.vanishing*", "--json")
    data = json.loads(out)
    assert code == 0 and [d["id"] for d in data] == ["init.vanishing_chain"]
    assert {c["kind"] for c in data[0]["checks"]} == {"S", "N"} and all(c["passed"] for c in data[0]["checks"])


def test_check_accepts_the_right_answer_and_rejects_a_slip(capsys):
    code, out, _ = run(capsys, "check", "init.preact_var", "n*v*chi", "--json")
    data = json.loads(out)
    assert code == 0 and data["symbolic_equal"] is True and data["rejected"] is False
    code, out, _ = run(capsys, "check", "init.preact_var", "n*v", "--json")
    data = json.loads(out)
    assert code == 1 and data["rejected"] is True and data["numeric_rejected"] is True
    assert set(data) >= {"id", "candidate", "symbolic_equal", "rejected", "evidence"}


@pytest.mark.parametrize("argv", [
    ["show", "init.nope"], ["check", "init.preact_var", "__import__('os').system('true')"],
    ["check", "init.preact_var", "n*("], ["verify", "nothing.*"], ["verify", "--kinds", "Q"], ["frobnicate"],
    ["verify", "--seed", "-3"],
])
def test_bad_input_is_one_line_and_exit_code_2(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and err.startswith("dlproofs: error:") and err.count("\n") == 1 and "Traceback" not in err


def test_show_prints_the_steps_and_the_result(capsys):
    code, out, _ = run(capsys, "show", "init.he_variance")
    assert code == 0 and "result: Eq(v_k, 2/n)" in out
    code, out, _ = run(capsys, "show", "init.he_variance", "--latex")
    assert r"\begin{align*}" in out


def test_figures_writes_the_graph_and_the_node_statistics(capsys, tmp_path):
    code, out, _ = run(capsys, "figures", "-o", str(tmp_path))
    assert code == 0
    assert {p.name for p in tmp_path.iterdir()} == {"bn_graph.dot", "bn_graph.tex", "node_statistics.png"}
    assert (tmp_path / "node_statistics.png").stat().st_size > 10_000
