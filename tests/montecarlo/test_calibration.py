"""Issue 10: calibration of the numeric checks over independent seeds."""
from __future__ import annotations

import json

import numpy as np
import pytest

from montecarlo import calibration
from montecarlo.calibration import calibrate, clopper_pearson, outcome_at, read_records, replicate_seeds, summarise
from montecarlo.checks.base import alpha_per_test, declared_of
from montecarlo.cli import main

CHEAP = ["init.preact_symmetric", "bn.scale_invariance", "optim.l2_gradient"]  # M, N and F, well under a second


def test_replicate_seeds_are_spawned_and_a_prefix_does_not_depend_on_the_count():
    seeds = replicate_seeds(0, 5)
    assert len(set(seeds)) == 5 and seeds == replicate_seeds(0, 9)[:5]
    assert replicate_seeds(1, 5) != seeds
    assert seeds[0] == int(np.random.SeedSequence(0).spawn(1)[0].generate_state(1, np.uint64)[0])


def test_clopper_pearson_matches_the_closed_forms():
    low, high = clopper_pearson(0, 200)
    assert low == 0 and high == pytest.approx(1 - 0.025 ** (1 / 200), rel=1e-9)  # 0.0183
    low, high = clopper_pearson(200, 200)
    assert high == 1 and low == pytest.approx(0.025 ** (1 / 200), rel=1e-9)
    low, high = clopper_pearson(3, 100)
    assert 0.006 < low < 0.007 and 0.085 < high < 0.086  # the textbook values 0.0062, 0.0852
    assert clopper_pearson(0, 0) == (0.0, 1.0)


def test_calibrate_runs_every_numeric_check_and_resumes(tmp_path):
    path = tmp_path / "cal.jsonl"
    first = calibrate(CHEAP, seeds=2, output=path)
    assert first.ran == 6 and first.complete_runs == 2 and first.failed_runs == 0 and first.exit_code == 0
    assert [(c.claim_id, c.kind, c.seeds) for c in first.checks] == [
        ("init.preact_symmetric", "M", 2), ("bn.scale_invariance", "N", 2), ("optim.l2_gradient", "F", 2)]
    # an interruption mid-line: the cut line is dropped and that task runs again
    text = path.read_text()
    path.write_text(text[: text.rstrip("\n").rfind("\n") + 1] + '{"claim": "init.pre')
    again = calibrate(CHEAP, seeds=3, output=path)
    assert again.ran == 3 + 1 and again.complete_runs == 3
    header, records = read_records(path)
    assert header["base_seed"] == 0 and len(records) == 9
    assert {(r["claim"], r["seed_index"]) for r in records} == {(c, i) for c in CHEAP for i in range(3)}
    assert calibrate(CHEAP, seeds=3, output=path).ran == 0  # all done: nothing runs


def test_records_are_the_same_for_any_number_of_workers(tmp_path):
    def rows(path):
        return sorted((r["claim"], r["kind"], r["seed_index"], r["seed"], r["outcome"], json.dumps(r["tests"]))
                      for r in read_records(path)[1])

    calibrate(CHEAP, seeds=2, output=tmp_path / "one.jsonl")
    calibrate(CHEAP, seeds=2, output=tmp_path / "two.jsonl", workers=2)
    assert rows(tmp_path / "one.jsonl") == rows(tmp_path / "two.jsonl")


def test_a_file_of_another_base_seed_is_refused_and_a_changed_check_runs_again(tmp_path, monkeypatch):
    path = tmp_path / "cal.jsonl"
    calibrate(CHEAP[:1], seeds=1, output=path)
    with pytest.raises(ValueError, match="base seed 0"):
        calibrate(CHEAP[:1], seeds=1, base_seed=5, output=path)
    monkeypatch.setattr(calibration, "signature", lambda claim_id, kind: "changed")
    assert calibrate(CHEAP[:1], seeds=1, output=path).ran == 1
    (tmp_path / "other.jsonl").write_text('{"something": "else"}\n')
    with pytest.raises(ValueError, match="not a dlproofs calibration file"):
        calibrate(CHEAP[:1], seeds=1, output=tmp_path / "other.jsonl")


def _record(seed_index, outcome, tests, level=1e-5):
    return {"claim": "a.b", "kind": "M", "seed_index": seed_index, "seed": seed_index, "level": level,
            "signature": "s", "outcome": outcome, "seconds": 1.0, "tests": tests}


def test_a_false_alarm_and_a_miscalibrated_check_are_seen():
    level = 1e-5
    rng = np.random.default_rng(0)
    calibrated = [_record(i, "passed", [["p", float(p), 1]]) for i, p in enumerate(rng.random(300))]
    summary = summarise(calibrated, [("a.b", "M")], 300, level=level)
    assert summary.failed_runs == 0 and summary.ks_p > 0.01 and summary.exit_code == 0
    # a check whose p-values pile up near zero (its standard error too small by half): the KS test sees it
    z = rng.standard_normal(300) * 2
    from scipy.stats import norm
    miscalibrated = [_record(i, "passed", [["p", float(2 * norm.sf(abs(x))), 1]]) for i, x in enumerate(z)]
    summary = summarise(miscalibrated, [("a.b", "M")], 300, level=level)
    assert summary.ks_p < 1e-6 and summary.below["0.01"]["observed"] > 3 * summary.below["0.01"]["expected"]
    alarmed = calibrated[:-1] + [_record(299, "failed", [["f", 1e-7, 1]])]
    summary = summarise(alarmed, [("a.b", "M")], 300, level=level)
    assert summary.failed_runs == 1 and summary.exit_code == 1 and summary.checks[0].false_alarms == 1
    assert "1 with a false alarm" in summary.text()


def test_the_p_values_are_judged_per_kind_too_so_a_miscalibrated_kind_is_not_hidden_in_the_pool():
    rng = np.random.default_rng(1)
    from scipy.stats import norm
    uniform = [_record(i, "passed", [["p", float(p), 1]]) for i, p in enumerate(rng.random(2000))]
    too_narrow = [{**_record(i, "passed", [["p", float(2 * norm.sf(abs(x))), 1]]), "kind": "N"}
                  for i, x in enumerate(rng.standard_normal(200) * 1.5)]
    summary = summarise(uniform + too_narrow, [("a.b", "M"), ("a.b", "N")], 2000, level=1e-5)
    assert set(summary.by_kind) == {"M", "N"} and summary.by_kind["M"]["p_values"] == 2000
    assert summary.by_kind["M"]["ks_p"] > 0.01 and summary.by_kind["N"]["ks_p"] < 1e-4
    assert "N checks alone: 200 p-values" in summary.text() and summary.to_dict()["by_kind"]["N"]["p_values"] == 200


def test_undecided_is_neither_a_pass_nor_a_false_alarm():
    records = [_record(0, "undecided", [["u", 0.2, 0]]), _record(1, "passed", [["p", 0.01, 0]])]
    summary = summarise(records, [("a.b", "M")], 2, level=1e-5)
    assert summary.undecided_runs == 1 and summary.failed_runs == 0 and summary.checks[0].undecided == 1


def test_records_of_another_level_are_judged_again_from_their_p_values():
    record = _record(0, "passed", [["p", 4e-6, 1], ["p", None, 0]], level=5e-6)
    assert outcome_at(record, 5e-6) == "passed"
    assert outcome_at(record, 1e-5) == "failed"  # 4e-6 < 1e-5 / 2
    assert outcome_at(record, 2e-6) == "passed"


def test_the_command(tmp_path, capsys):
    path = str(tmp_path / "c.jsonl")
    assert main(["calibrate", "optim.l2_gradient", "--seeds", "2", "-o", path]) == 0
    out = capsys.readouterr().out
    assert "optim.l2_gradient F" in out and "suite: 2 complete run(s)" in out
    assert main(["calibrate", "optim.l2_gradient", "--seeds", "2", "-o", path, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["complete_runs"] == 2 and summary["ran_now"] == 0 and summary["family_alpha"] == 1e-3
    assert alpha_per_test() < 1e-4


@pytest.mark.parametrize("argv, message", [
    (["--seeds", "0"], "--seeds"), (["--seeds", "2", "--kinds", "S"], "--kinds"),
    (["--seeds", "2", "--workers", "0"], "--workers"), (["nope.*", "--seeds", "2"], "no claim matches"),
    (["--seeds", "2", "--base-seed", "-1"], "--base-seed"), (["bn.layernorm_contrast", "--seeds", "1", "--kinds", "M"], "no numeric check"),
])
def test_bad_input_is_one_line_and_exit_2(argv, message, capsys, tmp_path):
    assert main(["calibrate", *argv, "-o", str(tmp_path / "x.jsonl")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_an_output_that_cannot_be_written_is_exit_2(capsys, tmp_path):
    assert main(["calibrate", "optim.l2_gradient", "--seeds", "1", "-o", str(tmp_path / "no" / "x.jsonl")]) == 2
    assert "cannot use --output" in capsys.readouterr().err


def test_the_signature_follows_code_not_prose():
    import ast

    from montecarlo.calibration import _code

    base = 'def draw(rng, size):\n    """Draws."""\n    return rng.random(size) < 0.8  # keep\n'
    prose = 'def draw(rng, size):\n    """Draws, reworded."""\n    # a comment\n    return rng.random(size) < 0.8\n'
    changed = 'def draw(rng, size):\n    """Draws."""\n    return rng.random(size) <= 0.8\n'
    assert _code(ast.parse(base)) == _code(ast.parse(prose))
    assert _code(ast.parse(base)) != _code(ast.parse(changed))


def test_the_signature_covers_the_check_module_the_derivation_and_the_shared_tests(monkeypatch):
    from montecarlo import calibration

    before = calibration.signature("dropout.inverted_scaling", "M")
    assert calibration._modules_of("dropout.inverted_scaling", declared_of("dropout.inverted_scaling")["M"]) == [
        "derivations.dropout", "montecarlo.checks.dropout"]
    monkeypatch.setattr(calibration, "_module_code", lambda name: "edited" if name == "derivations.dropout" else name)
    assert calibration.signature("dropout.inverted_scaling", "M") != before
    monkeypatch.undo()
    calibration._shared_code.cache_clear()
    monkeypatch.setattr(calibration, "SHARED_CONSTANTS", calibration.SHARED_CONSTANTS[:-1])
    assert calibration.signature("dropout.inverted_scaling", "M") != before
    monkeypatch.undo()
    calibration._shared_code.cache_clear()
    assert calibration.signature("dropout.inverted_scaling", "M") == before


def test_a_worker_refuses_to_sign_records_when_the_code_changed_under_it():
    expected = calibration.signature("bn.identity_init", "N")
    assert len(calibration._task("bn.identity_init", "N", ((0, 1),), expected)) == 1
    with pytest.raises(calibration.CodeChangedError, match="changed while the calibration ran"):
        calibration._task("bn.identity_init", "N", ((0, 1),), "0" * 12)
