"""nets.init follows torch.nn.init: gains, fans (conv weights too), bounds and stds."""
import math

import numpy as np
import pytest

from nets import init


@pytest.mark.parametrize(("name", "param", "gain"), [
    ("linear", None, 1.0), ("conv2d", None, 1.0), ("sigmoid", None, 1.0), ("tanh", None, 5 / 3),
    ("relu", None, math.sqrt(2)), ("leaky_relu", None, math.sqrt(2 / (1 + 0.01**2))),
    ("leaky_relu", 0.2, math.sqrt(2 / 1.04)), ("selu", None, 0.75),
])
def test_calculate_gain_matches_pytorch(name, param, gain):
    assert init.calculate_gain(name, param) == pytest.approx(gain, rel=1e-15)


def test_unknown_nonlinearity_is_refused():
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")


def test_fans_of_linear_and_conv_weights():
    assert init.calculate_fan_in_and_fan_out(np.empty((3, 5))) == (5, 3)
    assert init.calculate_fan_in_and_fan_out(np.empty((16, 8, 3, 3))) == (72, 144)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.calculate_fan_in_and_fan_out(np.empty(4))


def test_uniform_initialisers_respect_their_bounds():
    rng = np.random.default_rng(0)
    w = np.empty((64, 32, 3, 3))
    init.kaiming_uniform_(w, nonlinearity="relu", generator=rng)
    assert np.abs(w).max() <= math.sqrt(2) * math.sqrt(3 / (32 * 9))
    init.xavier_uniform_(w, generator=rng)
    assert np.abs(w).max() <= math.sqrt(6 / (32 * 9 + 64 * 9))


def test_kaiming_fan_out_uses_the_output_fan():
    w = np.empty((400, 100))
    init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu", generator=np.random.default_rng(1))
    # variance 2/400 = 0.005; the sample variance of 40,000 normal entries is within 2% (7 sd)
    assert w.var() == pytest.approx(0.005, rel=0.05)
    with pytest.raises(ValueError, match="Mode"):
        init.kaiming_normal_(w, mode="fan")


def test_initialisers_refuse_non_arrays_and_bad_std():
    with pytest.raises(TypeError, match="tensor"):
        init.normal_([1.0, 2.0])
    with pytest.raises(ValueError, match="std"):
        init.normal_(np.empty(3), std=-1.0)
