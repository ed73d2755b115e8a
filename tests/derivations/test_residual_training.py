"""Derivations behind the experiments: residual against plain gradient ratios, identity blocks, frozen parameters."""
import sympy as sp

import derivations
from derivations.residual_training import n, plain_gradient_ratio, residual_gradient_ratio, sigma_W
from derivations.transfer import trained_parameters
from montecarlo.verify import prepare_candidate


def test_the_experiment_claims_are_proved():
    for claim_id in ("residual.depth_training", "residual.gradient_uniformity", "transfer.freeze_vs_finetune"):
        assert derivations.get(claim_id).check() >= 2


def test_the_skip_connection_adds_one_to_the_per_layer_gradient_ratio():
    assert derivations.compare(residual_gradient_ratio() - plain_gradient_ratio(), sp.Integer(1)).equal
    assert derivations.compare(plain_gradient_ratio(), n * sigma_W).equal


def test_the_plain_ratio_is_rejected_as_the_residual_answer_with_a_witness():
    derivation = derivations.get("residual.gradient_uniformity")
    assert derivation.accepts(prepare_candidate(derivation.id, "n*sigma_W")).different


def test_frozen_transfer_trains_one_hidden_layer_fewer_for_each_layer_transferred():
    L, m, W, C = sp.symbols("L n W C", positive=True, integer=True)
    assert sp.expand(trained_parameters(L, m, W, C) - trained_parameters(L, m + 1, W, C)) == sp.expand((W + 1) * W)
    assert trained_parameters(4, 3, 32, 6) == 198
