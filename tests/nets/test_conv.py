"""Conv2d: the convolution sum evaluated directly in float64, PyTorch (when installed), finite
differences in both padding modes and with stride, PyTorch's init, the cache stack, bad input."""
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nets
from montecarlo.finite_diff import check_module

CONFIGS = [  # (C_in, C_out, kernel, stride, padding, padding_mode, bias, H, W)
    (2, 3, 3, 1, 1, "zeros", True, 5, 6),
    (2, 3, 3, 1, 1, "circular", True, 5, 6),
    (3, 2, (3, 2), (2, 1), (1, 2), "zeros", True, 7, 5),
    (3, 2, (3, 2), (2, 1), (1, 2), "circular", False, 7, 5),
    (1, 4, 5, 1, 2, "circular", True, 4, 4),  # a 5x5 kernel on a 4x4 torus: padding wraps a whole period
    (2, 2, 2, 3, 0, "zeros", True, 8, 7),
]
IDS = [f"{c[5]}-k{c[2]}-s{c[3]}-p{c[4]}" for c in CONFIGS]


def _layer(config, seed=0):
    c_in, c_out, k, s, p, mode, bias, _, _ = config
    return nets.Conv2d(c_in, c_out, k, stride=s, padding=p, padding_mode=mode, bias=bias,
                       generator=np.random.default_rng(seed))


def _direct(layer, x):
    """The convolution sum itself, one output entry at a time, padding by index arithmetic."""
    n, c_in, h, w = x.shape
    (kh, kw), (sh, sw), (ph, pw) = layer.kernel_size, layer.stride, layer.padding
    ho, wo = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    weight = layer.weight
    y = np.zeros((n, layer.out_channels, ho, wo))
    for b, o, i, j in itertools.product(range(n), range(layer.out_channels), range(ho), range(wo)):
        total = 0.0 if layer.bias is None else layer.bias[o]
        for c, a, d in itertools.product(range(c_in), range(kh), range(kw)):
            r, q = sh * i + a - ph, sw * j + d - pw
            if layer.padding_mode == "circular":
                total += weight[o, c, a, d] * x[b, c, r % h, q % w]
            elif 0 <= r < h and 0 <= q < w:
                total += weight[o, c, a, d] * x[b, c, r, q]
        y[b, o, i, j] = total
    return y


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_conv2d_forward_matches_the_direct_convolution_sum(config):
    layer = _layer(config)
    x = np.random.default_rng(1).normal(size=(2, config[0], config[7], config[8]))
    assert np.allclose(layer(x), _direct(layer, x), rtol=0, atol=1e-12)


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_conv2d_backward_matches_finite_differences(config):
    layer = _layer(config)
    x = np.random.default_rng(2).normal(size=(2, config[0], config[7], config[8]))
    errors = check_module(layer, x, rng=np.random.default_rng(3))
    assert [e.name for e in errors] == ["input", "weight"] + (["bias"] if config[6] else [])
    assert all(e.passed for e in errors), [(e.name, e.relative_error) for e in errors]


def test_conv2d_planted_wrong_backward_fails_the_finite_difference_check():
    layer = _layer(CONFIGS[1])
    original = layer.backward
    layer.backward = lambda dy: original(dy)[:, :, ::-1, :].copy()  # the circular fold reflected: wrong
    x = np.random.default_rng(2).normal(size=(2, 2, 5, 6))
    assert not check_module(layer, x, rng=np.random.default_rng(3))[0].passed


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_conv2d_matches_torch_forward_and_backward(config):
    torch = pytest.importorskip("torch")
    c_in, c_out, k, s, p, mode, bias, h, w = config
    layer = _layer(config)
    theirs = torch.nn.Conv2d(c_in, c_out, k, stride=s, padding=p, padding_mode=mode, bias=bias).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(layer.weight))
        if bias:
            theirs.bias.copy_(torch.tensor(layer.bias))
    rng = np.random.default_rng(4)
    x = rng.normal(size=(3, c_in, h, w))
    xt = torch.tensor(x, requires_grad=True)
    yt = theirs(xt)
    dy = rng.normal(size=tuple(yt.shape))
    yt.backward(torch.tensor(dy))
    y = layer(x)
    dx = layer.backward(dy)
    assert np.allclose(y, yt.detach().numpy(), rtol=0, atol=1e-12)
    assert np.allclose(dx, xt.grad.numpy(), rtol=0, atol=1e-12)
    assert np.allclose(layer.grads["weight"], theirs.weight.grad.numpy(), rtol=0, atol=1e-12)
    if bias:
        assert np.allclose(layer.grads["bias"], theirs.bias.grad.numpy(), rtol=0, atol=1e-12)


def test_conv2d_initialises_like_torch_uniform_with_bound_one_over_root_fan_in():
    layer = nets.Conv2d(16, 32, 3, generator=np.random.default_rng(0))
    bound = 1 / np.sqrt(16 * 9)
    assert layer.weight.shape == (32, 16, 3, 3) and layer.bias.shape == (32,)
    assert np.abs(layer.weight).max() <= bound and np.abs(layer.bias).max() <= bound
    assert abs(layer.weight.var() / (bound**2 / 3) - 1) < 0.05
    assert nets.init.calculate_fan_in_and_fan_out(layer.weight) == (16 * 9, 32 * 9)


def test_conv2d_called_twice_takes_two_backwards_and_accumulates_weight_gradients():
    rng = np.random.default_rng(5)
    layer = nets.Conv2d(2, 2, 3, padding=1, padding_mode="circular", generator=rng)
    x1, x2 = rng.normal(size=(1, 2, 4, 4)), rng.normal(size=(1, 2, 4, 4))
    dy1, dy2 = rng.normal(size=(1, 2, 4, 4)), rng.normal(size=(1, 2, 4, 4))
    layer(x1), layer(x2)
    dx2, dx1 = layer.backward(dy2), layer.backward(dy1)
    together = layer.grads["weight"].copy()
    for x, dy, dx in ((x1, dy1, dx1), (x2, dy2, dx2)):
        layer.zero_grad()
        layer(x)
        assert np.allclose(layer.backward(dy), dx)
        together -= layer.grads["weight"]
    assert np.allclose(together, 0)


def test_conv2d_takes_unbatched_input_and_float32():
    layer = nets.Conv2d(3, 4, 3, padding=1, generator=np.random.default_rng(0), dtype=np.float32)
    x = np.random.default_rng(1).normal(size=(3, 6, 6)).astype(np.float32)
    y = layer(x)
    assert y.shape == (4, 6, 6) and y.dtype == np.float32
    assert layer.backward(np.ones_like(y)).shape == x.shape


@settings(deadline=None, max_examples=25)
@given(n=st.integers(1, 3), c_in=st.integers(1, 3), c_out=st.integers(1, 3), k=st.integers(1, 4),
       s=st.integers(1, 3), p=st.integers(0, 2), h=st.integers(4, 8), w=st.integers(4, 8),
       mode=st.sampled_from(["zeros", "circular"]))
def test_conv2d_output_shape_is_torch_formula(n, c_in, c_out, k, s, p, h, w, mode):
    layer = nets.Conv2d(c_in, c_out, k, stride=s, padding=p, padding_mode=mode, generator=np.random.default_rng(0))
    y = layer(np.zeros((n, c_in, h, w)))
    assert y.shape == (n, c_out, (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1)
    assert layer.backward(np.ones_like(y)).shape == (n, c_in, h, w)


@pytest.mark.parametrize(("kwargs", "error", "names"), [
    ({"kernel_size": 2.5}, TypeError, "kernel_size"),
    ({"kernel_size": (3, "3")}, TypeError, "kernel_size"),
    ({"kernel_size": 0}, ValueError, "kernel_size"),
    ({"kernel_size": (1, 2, 3)}, ValueError, "kernel_size"),
    ({"kernel_size": 3, "stride": 0}, ValueError, "stride"),
    ({"kernel_size": 3, "padding": -1}, ValueError, "padding"),
    ({"kernel_size": 3, "padding_mode": "reflect"}, ValueError, "padding_mode"),
    ({"kernel_size": 3, "in_channels": 0}, ValueError, "in_channels"),
    ({"kernel_size": 3, "out_channels": 2.0}, TypeError, "out_channels"),
])
def test_conv2d_refuses_bad_arguments_naming_them(kwargs, error, names):
    arguments = {"in_channels": 2, "out_channels": 3, **kwargs}
    with pytest.raises(error, match=names):
        nets.Conv2d(**arguments)


def test_conv2d_refuses_a_kernel_larger_than_the_padded_input():
    layer = nets.Conv2d(1, 1, 5, padding=1, generator=np.random.default_rng(0))
    with pytest.raises(ValueError, match="kernel_size .* larger than the padded input"):
        layer(np.zeros((1, 1, 2, 6)))


def test_conv2d_refuses_a_channel_mismatch_and_a_wrong_rank():
    layer = nets.Conv2d(3, 1, 3, generator=np.random.default_rng(0))
    with pytest.raises(ValueError, match="input has 2 features on axis -3"):
        layer(np.zeros((1, 2, 5, 5)))
    with pytest.raises(ValueError, match="input must have at least 3"):
        layer(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="input must be"):
        layer(np.zeros((1, 1, 3, 5, 5)))


def test_conv2d_circular_padding_wider_than_the_input_is_refused():
    layer = nets.Conv2d(1, 1, 3, padding=3, padding_mode="circular", generator=np.random.default_rng(0))
    with pytest.raises(ValueError, match="padding"):
        layer(np.zeros((1, 1, 2, 2)))
