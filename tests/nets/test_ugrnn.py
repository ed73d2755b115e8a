"""UGRNNCell (seed 003 Problem 2) and its back-propagation through time against finite differences."""
import numpy as np
import pytest

import nets

from .fd import assert_matches


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def test_ugrnn_cell_computes_the_seed_equations_with_concatenated_matrices():
    rng = np.random.default_rng(0)
    cell = nets.UGRNNCell(3, 4, generator=rng)
    x, h = rng.normal(size=(5, 3)), rng.normal(size=(5, 4))
    xh = np.concatenate([x, h], axis=1)
    w_f = np.concatenate([cell.weight_fx, cell.weight_fh], axis=1)
    w_d = np.concatenate([cell.weight_dx, cell.weight_dh], axis=1)
    f, d = _sigmoid(xh @ w_f.T + cell.bias_f), np.tanh(xh @ w_d.T + cell.bias_d)
    with nets.no_grad():
        assert np.allclose(cell(x, h), f * h + (1 - f) * d, rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("steps", [1, 2, 5])
@pytest.mark.parametrize("bias", [True, False])
def test_unrolled_ugrnn_gradients_match_finite_differences(steps, bias):
    rng = np.random.default_rng(steps)
    rnn = nets.Unrolled(nets.UGRNNCell(3, 4, bias=bias, generator=rng))
    xs, h0, v = rng.normal(size=(steps, 2, 3)), rng.normal(size=(2, 4)), rng.normal(size=(steps, 2, 4))

    def loss() -> float:
        with nets.no_grad():
            return float(np.sum(v * rnn(xs, h0)))

    rnn.zero_grad()
    rnn(xs, h0)
    assert rnn.cell.pending_backwards == steps
    grad_xs = rnn.backward(v)
    assert rnn.cell.pending_backwards == 0
    assert_matches(grad_xs, loss, xs, "xs")
    assert_matches(rnn.grad_h0, loss, h0, "h0")
    for name, param in rnn.named_parameters():
        assert_matches(rnn.gradients()[name], loss, param, name)


def test_ugrnn_takes_unbatched_input_and_a_missing_hidden_state_as_zeros():
    rng = np.random.default_rng(7)
    cell = nets.UGRNNCell(3, 4, generator=rng)
    x = rng.normal(size=3)
    with nets.no_grad():
        assert np.allclose(cell(x), cell(x[None], np.zeros((1, 4)))[0])


def test_unrolled_refuses_zero_steps_and_a_wrong_hidden_size():
    rng = np.random.default_rng(8)
    rnn = nets.Unrolled(nets.UGRNNCell(3, 4, generator=rng))
    with pytest.raises(ValueError, match="T = 0"):
        rnn(np.zeros((0, 2, 3)))
    with pytest.raises(ValueError, match="h0"):
        rnn(np.zeros((2, 2, 3)), np.zeros((2, 5)))
    with pytest.raises(ValueError, match="hx"):
        nets.UGRNNCell(3, 4, generator=rng)(np.zeros((2, 3)), np.zeros((2, 5)))
    with pytest.raises(ValueError, match="hidden_size"):
        nets.UGRNNCell(3, 0)
    with pytest.raises(TypeError, match="input_size"):
        nets.UGRNNCell(3.0, 4)


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(deadline=None, max_examples=25)
@given(steps=st.integers(1, 4), batch=st.integers(1, 3), inputs=st.integers(1, 4), hidden=st.integers(1, 4),
       dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2**32 - 1))
def test_unrolled_ugrnn_keeps_shapes_and_dtype(steps, batch, inputs, hidden, dtype, seed):
    rng = np.random.default_rng(seed)
    rnn = nets.Unrolled(nets.UGRNNCell(inputs, hidden, generator=rng, dtype=dtype))
    xs = rng.standard_normal((steps, batch, inputs)).astype(dtype)
    hs = rnn(xs)
    assert hs.shape == (steps, batch, hidden) and hs.dtype == dtype
    assert np.all(np.abs(hs) < 1)  # a convex mix of tanh values and h0 = 0 stays in (-1, 1)
    grad = rnn.backward(np.ones_like(hs))
    assert grad.shape == xs.shape and grad.dtype == dtype
