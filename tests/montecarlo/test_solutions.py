"""The solutions document: every claim of the registry, its evidence as run, the errata; it compiles cleanly."""
import json
import re
import shutil
from pathlib import Path

import pytest

import derivations
from montecarlo import cli, solutions
from montecarlo.figures import figure, registered, write_figures

CLAIMS_MD = next((p / "shared" / "CLAIMS.md" for p in Path(__file__).resolve().parents
                  if (p / "shared" / "CLAIMS.md").is_file()), Path("CLAIMS.md-not-found"))


def _report(claim_id: str, passed: bool = True) -> dict:
    evidence = {"claim_id": claim_id, "kind": "M", "label": "normal w, normal x", "passed": passed,
                "estimate": 5.9984, "std_error": 0.0158, "ci": [5.928, 6.068], "claimed": 6.0, "samples": 346204,
                "detectable_error": 0.0179, "details": {}}
    return {"id": claim_id, "passed": passed,
            "checks": [{"kind": "M", "passed": passed, "seconds": 0.1, "message": "", "evidence": [evidence]}]}


@pytest.fixture(scope="module")
def evidence_file(tmp_path_factory) -> Path:
    """A verify --json file: every derived claim passed, except one failed and one left out (skipped)."""
    derived = list(derivations.catalog())
    reports = [_report(i, passed=(i != derived[1])) for i in derived if i != derived[2]]
    path = tmp_path_factory.mktemp("evidence") / "verify.json"
    path.write_text(json.dumps(reports), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(evidence_file, tmp_path_factory) -> Path:
    """The document written by `dlproofs latex --evidence` (figures included when matplotlib is there)."""
    out = tmp_path_factory.mktemp("doc") / "solutions.tex"
    assert cli.main(["latex", "-o", str(out), "--evidence", str(evidence_file)]) == 0
    return out


def _claim_block(tex: str, claim_id: str) -> str:
    start = tex.index(rf"\label{{claim:{claim_id}}}")
    end = tex.find(r"\label{claim:", start + 10)
    return tex[start:end if end > 0 else len(tex)]


def test_every_claim_of_the_catalogue_has_a_labelled_section(built):
    tex = built.read_text(encoding="utf-8")
    ids = derivations.claim_ids()
    if CLAIMS_MD.is_file():
        ids = re.findall(r"^\| `([a-z0-9_.]+)` \|", CLAIMS_MD.read_text(encoding="utf-8"), re.M)
        assert set(ids) == set(derivations.claim_ids())
    for claim_id in ids:
        assert tex.count(rf"\label{{claim:{claim_id}}}") == 1, claim_id


def test_a_derived_claim_shows_question_derivation_boxed_result_answer_and_evidence(built):
    block = _claim_block(built.read_text(encoding="utf-8"), "init.preact_var")
    for part in (r"\textbf{Question.}", r"\begin{align*}", r"\boxed{", r"\textbf{Answer.}", r"\textbf{Evidence.}",
                 r"\begin{tabular}", "346\\,204", "1.8\\%"):
        assert part in block, part


def test_a_claim_without_derivation_says_so_and_never_passes(built):
    tex = built.read_text(encoding="utf-8")
    missing = [r.id for r in derivations.claim_infos() if r.id not in derivations.catalog()]
    for claim_id in missing:
        block = _claim_block(tex, claim_id)
        assert "Not derived yet" in block and r"\textbf{Question.}" in block and r"\textbf{Answer.}" in block
        assert "passed" not in block


def test_a_failed_claim_and_a_skipped_claim_show_as_such(built):
    tex = built.read_text(encoding="utf-8")
    derived = list(derivations.catalog())
    assert r"\textbf{FAILED}" in _claim_block(tex, derived[1]) and r"\textbf{FAIL}" in _claim_block(tex, derived[1])
    assert r"\textbf{Skipped}" in _claim_block(tex, derived[2])


def test_the_errata_section_lists_every_erratum(built):
    tex = built.read_text(encoding="utf-8")
    section = tex[tex.index(r"\section{Errata in the seeds}"):]
    assert section.count(r"\item ") == len(derivations.errata())


def test_the_document_states_the_runs_date_version_and_seed(built):
    tex = built.read_text(encoding="utf-8")
    assert "Evidence: verify run of" in tex and "version not recorded" in tex and "own seed" in tex


def test_problems_follow_the_seeds_order():
    problems = ["Assignment 2 b)", "Assignment 1 a)", "Assignment 4 a)", "Assignment 1 d)"]
    ordered = solutions.problem_order("000", problems, {p: [] for p in problems})
    if solutions._seed_lines("000"):
        assert ordered == ["Assignment 1 a)", "Assignment 1 d)", "Assignment 2 b)", "Assignment 4 a)"]


def test_a_bad_evidence_file_is_refused_with_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert cli.main(["latex", "-o", str(tmp_path / "s.tex"), "--evidence", str(bad)]) == 2
    assert "--evidence" in capsys.readouterr().err
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"a": 1}), encoding="utf-8")
    with pytest.raises(ValueError, match="verify --json"):
        solutions.load_evidence(other)
    assert cli.main(["latex", "-o", str(tmp_path / "s.pdf"), "--evidence", str(other)]) == 2


def test_pdf_without_pdflatex_says_how_to_install_and_keeps_the_tex(built, monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    ok, message = solutions.compile_pdf(built)
    assert not ok and "apt-get install" in message and "\n" not in message


def test_a_figure_needs_a_known_claim_and_writes_pdf_and_png_with_progress(tmp_path):
    with pytest.raises(ValueError, match="no.such"):
        figure("nope", claims=("no.such",), caption="")(lambda seed: None)
    pytest.importorskip("matplotlib")
    lines = []
    written = write_figures(tmp_path, names=["beta_densities"], progress=lines.append)
    assert {p.name for p in written} == {"beta_densities.pdf", "beta_densities.png"}
    assert lines == ["[1/1] figure beta_densities"]
    assert {"node_statistics", "bn_graph", "bn_running_statistics"} <= {f.name for f in registered()}


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_the_document_compiles_without_errors_undefined_references_or_overfull_lines(built):
    ok, message = solutions.compile_pdf(built)
    assert ok, message
    log = built.with_suffix(".log").read_text(encoding="latin-1")
    assert "undefined" not in log.lower().replace("undefined control", "")
    assert "Rerun to get cross-references right" not in log
    overfull = [float(p) for p in re.findall(r"Overfull \\[hv]box \(([\d.]+)pt too", log)]
    assert [p for p in overfull if p > 10] == []
    assert built.with_suffix(".pdf").stat().st_size > 100_000


def test_a_saved_run_keeps_its_seed_date_and_version(tmp_path):
    run = solutions.EvidenceRun({"init.preact_mean": _report("init.preact_mean")}, 7, "2026-01-02 03:04 UTC", "9.9")
    path = tmp_path / "saved.json"
    path.write_text(run.to_json(), encoding="utf-8")
    loaded = solutions.load_evidence(path)
    assert (loaded.seed, loaded.date, loaded.version) == (7, "2026-01-02 03:04 UTC", "9.9")
    assert loaded.reports == run.reports
    assert "base seed 7" in "\n".join(solutions._preamble(loaded, "9.9"))


def test_a_long_note_is_cut_so_an_evidence_table_fits_on_a_page():
    note = "shown: a one-sided paired t-test over five seeds " * 10
    cut = solutions._clipped(note)
    assert len(cut) <= solutions.NOTE_CHARACTERS + 4 and cut.endswith(" ...") and note.startswith(cut[:-4])
    assert solutions._clipped("short") == "short"
