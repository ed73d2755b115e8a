"""``dlproofs mutants``: the mutation catalogue as data, its engine and the command (cheap claims only;
the full sweep is ``python3 -m montecarlo.cli mutants --workers 2``, timed by benchmarks/mutants_verify.py)."""
import json
import tomllib
from pathlib import Path

import pytest

import derivations
from derivations import mutants
from montecarlo import mutation
from montecarlo.cli import main

ROOT = Path(__file__).resolve().parents[2]
CHEAP = ["init.preact_mean", "bn.param_gradients"]  # a fast simulation, and a claim judged symbolically only
RECORD_KEYS = {"id", "topic", "planted", "index", "formula", "category", "verdict", "symbolic", "numeric_rejected",
               "simulated", "notes", "evidence", "survives", "why", "seconds"}
COUNT_KEYS = {"claims", "wrong", "killed", "kill_rate", "wrong_undecided", "right", "false_rejections",
              "false_rejection_rate", "right_undecided", "errors", "simulated_wrong", "numeric_killed",
              "numeric_kill_rate", "simulated_right", "numeric_false_rejections", "survivors"}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_data_file_loads_and_every_formula_claim_has_four_wrong_and_two_right():
    catalogue, not_formula, categories = mutants.load()
    assert catalogue == mutants.CATALOGUE and not_formula == mutants.NOT_FORMULA
    assert set(catalogue) | set(not_formula) == set(derivations.catalog())
    for claim_id, entry in catalogue.items():
        assert len(entry["wrong"]) >= 4 and len(entry["right"]) >= 2, claim_id
        assert len(entry["categories"]) == len(entry["wrong"])
        assert set(entry["categories"]) <= set(categories)
        formulas = [w[0] for w in entry["wrong"]]
        assert len(set(formulas)) == len(formulas), claim_id
    used = {c for entry in catalogue.values() for c in entry["categories"]}
    assert used == set(categories)  # every category of the list is planted somewhere


def test_the_data_file_is_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "mutants.json" in config["tool"]["setuptools"]["package-data"]["derivations"]
    assert mutants.DATA_FILE.parent == Path(derivations.__file__).parent


def test_a_malformed_data_file_is_refused_naming_the_entry(tmp_path):
    data = json.loads(mutants.DATA_FILE.read_text())
    data["claims"]["init.preact_mean"]["wrong"][0]["category"] = "typo"
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="init.preact_mean.*typo"):
        mutants.load(path)
    del data["claims"]["init.preact_mean"]["wrong"][0]["category"]
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="lacks"):
        mutants.load(path)


def test_the_command_on_cheap_claims_kills_every_wrong_answer(capsys):
    code, out, _ = run(capsys, "mutants", "bn.param_gradients", "transfer.*", "--seed", "2")  # symbolic only: fast
    assert code == 0
    assert "0 survivor(s)" in out and "100%" in out
    assert out.splitlines()[0].split()[:3] == ["topic", "claims", "wrong"]
    assert any(line.startswith("all ") for line in out.splitlines())


def test_json_records_and_rates(capsys):
    code, out, _ = run(capsys, "mutants", *CHEAP, "--json", "--seed", "2")
    data = json.loads(out)
    assert code == 0
    assert set(data) >= {"records", "topics", "total", "categories", "seed", "workers", "seconds"}
    catalogue = mutants.CATALOGUE
    planted = sum(len(catalogue[i]["wrong"]) + len(catalogue[i]["right"]) for i in CHEAP)
    assert len(data["records"]) == planted
    assert all(set(r) == RECORD_KEYS for r in data["records"])
    assert set(data["topics"]) == {"init", "bn"} and set(data["total"]) == COUNT_KEYS
    total = data["total"]
    assert total["kill_rate"] == 1 and total["false_rejection_rate"] == 0
    init = data["topics"]["init"]
    assert init["simulated_wrong"] == init["wrong"] and init["numeric_kill_rate"] == 1  # the simulation alone kills
    assert data["topics"]["bn"]["simulated_wrong"] == 0 and data["topics"]["bn"]["numeric_kill_rate"] is None


def test_same_records_for_one_and_two_workers():
    one = mutation.run_mutants(["init.preact_mean"], seed=5, workers=1)
    two = mutation.run_mutants(["init.preact_mean"], seed=5, workers=2)
    assert mutation.strip_timings(one) == mutation.strip_timings(two)


def test_survivors_fail_the_run_and_say_why(capsys, monkeypatch):
    """A wrong answer equal to the target at both simulated points (n = 8 and n = 24) survives the
    simulation; a 'wrong' answer that is right survives everything; a wrong 'rewrite' is a false rejection."""
    entry = dict(mutants.CATALOGUE["init.preact_mean"])
    entry["wrong"] = [("(n - 8)*(n - 24)*mu", "points", "", "planted"), ("n*mu - n*mu", "term", "", "planted")]
    entry["categories"] = ["special_value_only", "other"]
    entry["right"] = ["0", "mu"]
    monkeypatch.setitem(mutants.CATALOGUE, "init.preact_mean", entry)
    code, out, _ = run(capsys, "mutants", "init.preact_mean", "--json", "--seed", "2")
    data = json.loads(out)
    assert code == 1
    first, second = (r for r in data["records"] if r["planted"] == "wrong")
    assert first["verdict"] == "rejected" and first["numeric_rejected"] is False and first["survives"]
    assert "equals the target at every simulated point" in first["why"]
    assert second["verdict"] == "accepted" and "proved equal" in second["why"]
    assert data["total"]["killed"] == 1 and data["total"]["false_rejections"] == 1
    assert data["total"]["numeric_killed"] == 0 and data["total"]["numeric_kill_rate"] == 0
    code, out, _ = run(capsys, "mutants", "init.preact_mean", "--seed", "2")
    assert code == 1 and "2 survivor(s):" in out and "rewrite rejected: init.preact_mean mu" in out


@pytest.mark.parametrize("argv, message", [
    (["no.such_claim"], "matches no claim of the mutation catalogue"),
    (["init.preact_mean", "nope*"], "'nope*'"),
    (["bn.bias_invariance"], "not a formula"),
    (["init.preact_mean", "--workers", "0"], "workers"),
    (["init.preact_mean", "--seed", "-1"], "seed"),
    (["init.preact_mean", "--workers", "two"], "invalid int"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, "mutants", *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err


def test_engine_refuses_bad_arguments():
    with pytest.raises(ValueError, match="seed"):
        mutation.mutant_tasks(["init.preact_mean"], seed=-3)
    with pytest.raises(TypeError, match="patterns"):
        mutation.select_claims([""])
    with pytest.raises(ValueError, match="workers"):
        mutation.run_mutants(["init.preact_mean"], workers=0)
    assert mutation.select_claims(["init.preact_m*", "bn.param_gradients"]) == CHEAP


@pytest.mark.slow
def test_a_dask_cluster_gives_the_records_of_one_process():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_cluster = mutation.run_mutants(["init.preact_mean"], seed=5, scheduler=cluster.scheduler_address)
    one = mutation.run_mutants(["init.preact_mean"], seed=5, workers=1)
    assert mutation.strip_timings(on_cluster) == mutation.strip_timings(one)
