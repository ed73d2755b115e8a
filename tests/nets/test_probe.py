import numpy as np
import pytest

import nets


def test_layer_statistics_record_every_linear_layer():
    rng = np.random.default_rng(0)
    model = nets.mlp(32, 6, rng=rng)
    stats = nets.layer_statistics(model, rng.standard_normal((16, 32)))
    assert stats.preactivation_second_moment.shape == (6,) and stats.gradient_second_moment.shape == (6,)
    assert stats.gradient_second_moment[-1] == 1.0 and np.all(stats.weight_gradient_rms > 0)


def test_mlp_refuses_unknown_choices():
    with pytest.raises(ValueError, match="initialiser"):
        nets.mlp(4, 2, initialiser="magic", rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="depth"):
        nets.mlp(4, 0, rng=np.random.default_rng(0))
