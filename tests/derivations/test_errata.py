import json
import re
from pathlib import Path

import pytest

import derivations
from derivations.errata import KINDS, Erratum, errata as all_errata

from .shared_docs import claims_table, seed_lines

README = Path(__file__).resolve().parents[2] / "README.md"
_SECTION = re.compile(r"<!-- errata:begin[^>]*-->\n(.*?)<!-- errata:end -->", re.S)


def test_readme_errata_section_is_the_generated_text():
    match = _SECTION.search(README.read_text(encoding="utf-8"))
    assert match, "README.md lacks the <!-- errata:begin --> ... <!-- errata:end --> section"
    assert match.group(1) == derivations.errata_markdown(), (
        "README's errata differ from derivations.errata_markdown(); regenerate them with "
        "python -c \"from derivations.errata import update_readme; update_readme('README.md')\"")


def test_update_readme_rewrites_only_the_section(tmp_path):
    from derivations.errata import update_readme
    readme = tmp_path / "README.md"
    readme.write_text("# t\n\n<!-- errata:begin -->\nold\n<!-- errata:end -->\n\n## next\n", encoding="utf-8")
    assert update_readme(readme) is True
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# t\n\n<!-- errata:begin -->\n" + derivations.errata_markdown()) and text.endswith("## next\n")
    assert update_readme(readme) is False
    (tmp_path / "bare.md").write_text("no section", encoding="utf-8")
    with pytest.raises(ValueError, match="path"):
        update_readme(tmp_path / "bare.md")


def test_every_erratum_names_a_real_seed_file_and_location():
    for erratum in derivations.errata():
        lines = seed_lines(erratum.file)
        assert max(erratum.lines) <= len(lines), erratum
        assert erratum.anchor in lines[erratum.lines[0] - 1], (erratum.seed, erratum.lines, erratum.anchor)
        assert erratum.where and erratum.written and erratum.right


def test_kinds_are_from_the_allowed_set():
    assert set(KINDS) == {"slip", "typo", "ambiguity", "naming"}
    assert {e.kind for e in derivations.errata()} <= set(KINDS)


def test_claim_ids_exist_in_claims_md_and_checks_are_the_claims():
    table = claims_table()
    for erratum in derivations.errata():
        assert erratum.claim in table, erratum.claim
        assert set(erratum.check) <= set(table[erratum.claim][1]), (erratum.claim, erratum.check)


def test_every_seed_has_errata_and_the_counts_add_up():
    counts = derivations.errata_counts()
    assert all(sum(counts[seed].values()) > 0 for seed in ("000", "001", "002", "003", "004"))
    assert sum(counts["all"].values()) == len(derivations.errata())


def test_the_corrected_entries_say_what_the_issue_found():
    by_place = {(e.seed, e.lines): e for e in derivations.errata()}
    # seed 004 P3: an intermediate line drops the -1/2, the final formula is right
    dropped = [e for e in derivations.errata() if e.seed == "004" and e.claim == "bn.input_gradient"]
    assert {e.kind for e in dropped} == {"slip", "typo"} and len(dropped) == 3
    assert any("final ∂f/∂xᵢ of the solution is right" in e.right for e in dropped)
    assert any("Σᵢ" in e.right and "∂f/∂σ²" in e.written for e in dropped)
    # seed 004's "Xavier" for 1/D_a is a naming convention
    assert by_place[("004", (162, 164, 166))].kind == "naming"
    # seed 000 A1 a) and seed 003 P1 b) are not errata
    assert not any(e.seed == "000" and e.claim in ("init.preact_var", "init.preact_mean") for e in derivations.errata())
    assert not any(e.claim == "init.shifted_relu_variance" for e in derivations.errata())


def test_text_and_json_forms():
    text = derivations.errata_text()
    assert text.splitlines()[0] == f"{len(derivations.errata())} errata: " + ", ".join(
        f"{derivations.errata_counts()['all'][k]} {k}" for k in KINDS) + "."
    assert "seed 004, line 191 (§6 ReLU relatives) [typo] activations.relatives; shown by: F" in text
    data = json.loads(derivations.errata_text(as_json=True))
    assert len(data["errata"]) == len(derivations.errata())
    assert {"seed", "file", "where", "lines", "anchor", "written", "right", "kind", "claim", "check"} <= set(
        data["errata"][0])
    with pytest.raises(TypeError, match="as_json"):
        derivations.errata_text(as_json="yes")


@pytest.mark.parametrize("field, value, message", [
    ("seed", "007", "seed"), ("kind", "blunder", "kind"), ("lines", (), "lines"),
    ("claim", "no.such_claim", "claim_id"), ("check", "M", "check"),
])
def test_bad_errata_are_refused(field, value, message):
    fields = dict(seed="004", where="Problem 6", lines=(191,), anchor="x", written="w", right="r",
                  kind="typo", claim="activations.relatives", check="F")
    fields[field] = value
    with pytest.raises((ValueError, TypeError), match=message):
        Erratum(**fields)


def test_errata_records_are_sorted_by_seed_and_line():
    records = all_errata()
    assert list(records) == sorted(records, key=lambda e: (e.seed, e.lines))
