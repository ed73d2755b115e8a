"""RNNCell and Unrolled: back-propagation through time against finite differences and torch."""
import math

import numpy as np
import pytest

import nets

from .fd import assert_matches


def _cell(nonlinearity, rng, input_size=3, hidden_size=4, bias=True):
    return nets.RNNCell(input_size, hidden_size, bias=bias, nonlinearity=nonlinearity, generator=rng)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_cell_gradients_match_finite_differences(nonlinearity):
    rng = np.random.default_rng(0)
    cell = _cell(nonlinearity, rng)
    x, h, v = rng.normal(size=(5, 3)), rng.normal(size=(5, 4)), rng.normal(size=(5, 4))

    def loss() -> float:
        with nets.no_grad():
            return float(np.sum(v * cell(x, h)))

    cell(x, h)
    grad_x, grad_h = cell.backward(v)
    assert_matches(grad_x, loss, x, "x")
    assert_matches(grad_h, loss, h, "h")
    for name, param in cell.named_parameters():
        assert_matches(cell.grads[name], loss, param, name)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("bias", [True, False])
def test_unrolled_back_propagation_through_time_matches_finite_differences(nonlinearity, bias):
    rng = np.random.default_rng(1)
    rnn = nets.Unrolled(_cell(nonlinearity, rng, bias=bias))
    xs, h0, v = rng.normal(size=(4, 2, 3)), rng.normal(size=(2, 4)), rng.normal(size=(4, 2, 4))

    def loss() -> float:
        with nets.no_grad():
            return float(np.sum(v * rnn(xs, h0)))

    hs = rnn(xs, h0)
    assert hs.shape == (4, 2, 4) and rnn.cell.pending_backwards == 4
    rnn.zero_grad()
    grad_xs = rnn.backward(v)
    assert rnn.cell.pending_backwards == 0
    assert_matches(grad_xs, loss, xs, "xs")
    assert_matches(rnn.grad_h0, loss, h0, "h0")
    names = [name for name, _ in rnn.named_parameters()]
    assert names == ["cell.weight_ih", "cell.weight_hh"] + (["cell.bias_ih", "cell.bias_hh"] if bias else [])
    for name, param in rnn.named_parameters():
        assert_matches(rnn.gradients()[name], loss, param, name)


def test_the_cell_takes_unbatched_input_and_a_missing_hidden_state_as_zeros():
    rng = np.random.default_rng(2)
    cell = _cell("tanh", rng)
    x = rng.normal(size=3)
    h = cell(x)
    assert h.shape == (4,)
    assert np.allclose(h, np.tanh(cell.weight_ih @ x + cell.bias_ih + cell.bias_hh))
    grad_x, grad_h = cell.backward(np.ones(4))
    assert grad_x.shape == (3,) and grad_h.shape == (4,)


def test_rnn_cell_initialisation_is_pytorchs_uniform_bound():
    cell = nets.RNNCell(10, 400, generator=np.random.default_rng(3))
    bound = 1 / math.sqrt(400)
    for name, shape in (("weight_ih", (400, 10)), ("weight_hh", (400, 400)), ("bias_ih", (400,)), ("bias_hh", (400,))):
        p = getattr(cell, name)
        assert p.shape == shape and 0.98 * bound < np.abs(p).max() <= bound
    assert nets.RNNCell(2, 3, bias=False).bias_ih is None


@pytest.mark.parametrize(("call", "error", "name"), [
    (lambda: nets.RNNCell(0, 3), ValueError, "input_size"), (lambda: nets.RNNCell(2, 2.0), TypeError, "hidden_size"),
    (lambda: nets.RNNCell(2, 3, nonlinearity="sigmoid"), ValueError, "nonlinearity"),
    (lambda: nets.RNNCell(2, 3)(np.ones((4, 3))), ValueError, "input has 3 features"),
    (lambda: nets.RNNCell(2, 3)(np.ones((4, 2)), np.ones((5, 3))), ValueError, "hx must have shape"),
    (lambda: nets.RNNCell(2, 3)(np.ones((4, 2), np.float32)), TypeError, "input is float32"),
    (lambda: nets.RNNCell(2, 3).backward(np.ones((4, 3))), RuntimeError, "no forward left"),
    (lambda: nets.Unrolled(nets.Linear(2, 3)), TypeError, "cell"),
    (lambda: nets.Unrolled(nets.RNNCell(2, 3))(np.ones((4, 2))), ValueError, "at least 3"),
])
def test_bad_input_raises_a_clear_error(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_unrolled_fits_in_a_sequential():
    rng = np.random.default_rng(4)
    model = nets.Sequential(nets.Unrolled(_cell("tanh", rng)), nets.Linear(4, 1, rng=rng))
    xs = rng.normal(size=(3, 2, 3))
    y = model(xs)
    assert y.shape == (3, 2, 1) and model.backward(np.ones_like(y)).shape == xs.shape
    assert list(model.parameters())[:2] == ["0.cell.weight_ih", "0.cell.weight_hh"]


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_unrolled_matches_torch_rnn_and_rnn_cell(nonlinearity):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    rnn = nets.Unrolled(_cell(nonlinearity, rng))
    theirs = torch.nn.RNN(3, 4, nonlinearity=nonlinearity).double()
    their_cell = torch.nn.RNNCell(3, 4, nonlinearity=nonlinearity).double()
    with torch.no_grad():
        for name, param in rnn.cell.named_parameters():
            getattr(theirs, f"{name}_l0").copy_(torch.from_numpy(param))
            getattr(their_cell, name).copy_(torch.from_numpy(param))
    xs, h0, v = rng.normal(size=(5, 2, 3)), rng.normal(size=(2, 4)), rng.normal(size=(5, 2, 4))
    xt, ht = torch.tensor(xs, requires_grad=True), torch.tensor(h0[None], requires_grad=True)
    out, _ = theirs(xt, ht)
    out.backward(torch.from_numpy(v))
    hs = rnn(xs, h0)
    grad_xs = rnn.backward(v)
    assert np.allclose(hs, out.detach().numpy(), rtol=0, atol=1e-12)
    assert np.allclose(grad_xs, xt.grad.numpy(), rtol=0, atol=1e-12)
    assert np.allclose(rnn.grad_h0, ht.grad.numpy()[0], rtol=0, atol=1e-12)
    for name, _ in rnn.cell.named_parameters():
        assert np.allclose(rnn.cell.grads[name], getattr(theirs, f"{name}_l0").grad.numpy(), rtol=0, atol=1e-12)
    h = their_cell(torch.from_numpy(xs[0]), torch.from_numpy(h0))
    assert np.allclose(rnn.cell(xs[0], h0), h.detach().numpy(), rtol=0, atol=1e-12)
