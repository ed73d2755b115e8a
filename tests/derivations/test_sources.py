import pytest

import derivations
from derivations import core, sources

from .shared_docs import claims_table


def test_every_claim_of_claims_md_has_a_record_in_its_order():
    table = claims_table()
    assert len(table) == 52
    assert list(derivations.claim_ids()) == list(table)


def test_records_checks_agree_with_claims_md():
    for claim_id, (_, checks) in claims_table().items():
        assert derivations.info(claim_id).checks == checks, claim_id


def test_records_name_the_seeds_claims_md_names():
    for claim_id, (cell, _) in claims_table().items():
        named = {token for token in ("000", "001", "002", "003", "004") if token in cell}
        assert set(derivations.info(claim_id).seeds) == named, claim_id


def test_records_are_complete_sentences_with_known_seed_files():
    for record in derivations.claim_infos():
        assert record.title and record.question and record.answer, record.id
        assert record.question.endswith(("?", ".")) and record.answer.endswith("."), record.id
        for source in record.sources:
            assert source.file == sources.SEED_FILES[source.seed]
            assert source.problem, record.id


def test_every_registered_derivation_has_a_record():
    assert set(derivations.catalog()) <= set(derivations.claim_ids())


def test_the_registry_fills_a_derivation_from_its_record():
    derivation = derivations.get("init.preact_mean")
    record = derivations.info("init.preact_mean")
    assert derivation.info is record
    assert derivation.title and derivation.source
    assert set(derivation.checks) == set(record.checks)


def test_info_and_listing_build_no_derivation(monkeypatch):
    monkeypatch.setattr(core, "_BUILT", {})
    calls = []
    for claim_id, builder in list(core._BUILDERS.items()):
        monkeypatch.setitem(core._BUILDERS, claim_id, lambda b=builder, i=claim_id: calls.append(i) or b())
    records = derivations.claim_infos()
    assert [derivations.info(r.id) for r in records] == list(records)
    assert all((r.id in derivations.catalog()) == (r.id in core._BUILDERS) for r in records)
    assert list(derivations.catalog()) == [i for i in derivations.claim_ids() if i in core._BUILDERS]  # CLAIMS.md order
    assert calls == [] and core._BUILT == {}


def test_membership_in_the_catalog_does_not_build():
    assert "no.such_claim" not in derivations.catalog()
    assert 3 not in derivations.catalog()


@pytest.mark.parametrize("bad", ["no.such_claim", "", "init.preact_mean "])
def test_unknown_id_is_a_value_error_naming_claim_id(bad):
    with pytest.raises(ValueError, match="claim_id"):
        derivations.info(bad)
    with pytest.raises(ValueError, match="claim_id"):
        derivations.get(bad)


def test_non_string_id_is_a_type_error():
    with pytest.raises(TypeError, match="claim_id"):
        derivations.info(3)


def test_a_claim_without_a_record_cannot_be_registered():
    with pytest.raises(ValueError, match="claim_id 'made.up' has no record"):
        derivations.claim("made.up")


def test_a_recorded_claim_without_a_derivation_says_so():
    unbuilt = [r.id for r in derivations.claim_infos() if r.id not in derivations.catalog()]
    if not unbuilt:
        pytest.skip("every claim has a derivation")
    with pytest.raises(ValueError, match="has no derivation yet"):
        derivations.get(unbuilt[0])


def test_record_serialises_to_plain_data():
    data = derivations.info("bn.input_gradient").as_dict()
    assert data["sources"] == [{"seed": "004", "file": sources.SEED_FILES["004"], "problem": "Problem 3", "part": ""}]
    assert data["checks"] == ["S", "F"]
    assert str(derivations.info("init.preact_var").sources[0]) == "seed 000, Assignment 1 a)"


def test_bad_records_are_refused():
    with pytest.raises(ValueError, match="seed"):
        sources.Source("005", "Problem 1")
    with pytest.raises(ValueError, match="checks"):
        sources.ClaimInfo("x.y", "t", (sources.Source("000", "A"),), "q?", "a.", "SX")
