"""Optional: nets against PyTorch itself, when torch is installed (pip install torch==2.13.0)."""
import numpy as np
import pytest

import nets

torch = pytest.importorskip("torch")


def _tensor(a):
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


@pytest.mark.parametrize("shape", [(8, 3), (6, 3, 5)])
@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm1d_matches_torch_in_training_eval_and_running_stats(shape, momentum):
    rng = np.random.default_rng(0)
    ours = nets.BatchNorm1d(3, momentum=momentum)
    theirs = torch.nn.BatchNorm1d(3, momentum=momentum).double()
    ours.params["weight"][...] = rng.normal(size=3)
    ours.params["bias"][...] = rng.normal(size=3)
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(ours.params["weight"]))
        theirs.bias.copy_(torch.tensor(ours.params["bias"]))
    for _ in range(3):
        x = rng.normal(2.0, 3.0, shape)
        dy = rng.normal(size=shape)
        xt = _tensor(x)
        yt = theirs(xt)
        yt.backward(torch.tensor(dy))
        ours.zero_grad()
        y = ours(x)
        dx = ours.backward(dy)
        assert np.allclose(y, yt.detach().numpy(), rtol=0, atol=1e-12)
        assert np.allclose(dx, xt.grad.numpy(), rtol=0, atol=1e-12)
        assert np.allclose(ours.grads["weight"], theirs.weight.grad.numpy(), rtol=0, atol=1e-12)
        theirs.weight.grad = None
        theirs.bias.grad = None
    assert np.allclose(ours.buffers["running_mean"], theirs.running_mean.numpy(), rtol=0, atol=1e-12)
    assert np.allclose(ours.buffers["running_var"], theirs.running_var.numpy(), rtol=0, atol=1e-12)
    assert int(ours.buffers["num_batches_tracked"]) == int(theirs.num_batches_tracked)
    ours.eval()
    theirs.eval()
    x = rng.normal(size=shape)
    assert np.allclose(ours(x), theirs(torch.tensor(x)).detach().numpy(), rtol=0, atol=1e-12)


def test_batchnorm2d_and_layernorm_match_torch():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 3, 5, 6))
    dy = rng.normal(size=x.shape)
    for ours, theirs in ((nets.BatchNorm2d(3), torch.nn.BatchNorm2d(3).double()),
                         (nets.LayerNorm((5, 6)), torch.nn.LayerNorm((5, 6)).double())):
        xt = _tensor(x)
        yt = theirs(xt)
        yt.backward(torch.tensor(dy))
        y, dx = ours(x), ours.backward(dy)
        assert np.allclose(y, yt.detach().numpy(), rtol=0, atol=1e-12)
        assert np.allclose(dx, xt.grad.numpy(), rtol=0, atol=1e-12)
        assert np.allclose(ours.grads["weight"], theirs.weight.grad.numpy(), rtol=0, atol=1e-12)


def test_single_value_per_channel_in_training_is_an_error_in_both():
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        torch.nn.BatchNorm1d(3)(torch.zeros(1, 3))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nets.BatchNorm1d(3)(np.zeros((1, 3)))


def test_linear_init_gains_and_sgd_match_torch():
    for name, param in (("relu", None), ("leaky_relu", 0.2), ("tanh", None), ("selu", None)):
        assert nets.init.calculate_gain(name, param) == pytest.approx(torch.nn.init.calculate_gain(name, param))
    w = torch.empty(16, 8, 3, 3)
    assert nets.init.calculate_fan_in_and_fan_out(np.empty((16, 8, 3, 3))) == \
        torch.nn.init._calculate_fan_in_and_fan_out(w)
    rng = np.random.default_rng(2)
    layer = nets.Linear(4, 3, rng=rng)
    theirs = torch.nn.Linear(4, 3).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(layer.params["weight"]))
        theirs.bias.copy_(torch.tensor(layer.params["bias"]))
    ours_sgd = nets.optim.SGD(layer, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)
    their_sgd = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)
    for _ in range(3):
        x, dy = rng.normal(size=(5, 4)), rng.normal(size=(5, 3))
        their_sgd.zero_grad()
        theirs(torch.tensor(x)).backward(torch.tensor(dy))
        their_sgd.step()
        ours_sgd.zero_grad()
        layer(x)
        layer.backward(dy)
        ours_sgd.step()
    assert np.allclose(layer.params["weight"], theirs.weight.detach().numpy(), rtol=0, atol=1e-12)


def test_softmax_cross_entropy_matches_torch_for_hard_and_soft_targets():
    rng = np.random.default_rng(3)
    logits = rng.normal(size=(5, 4)) * 3
    for target in (rng.integers(0, 4, 5), rng.dirichlet(np.ones(4), 5)):
        loss = nets.SoftmaxCrossEntropy()
        value = loss(logits, target)
        lt = _tensor(logits)
        theirs = torch.nn.functional.cross_entropy(lt, torch.tensor(target))
        theirs.backward()
        assert value == pytest.approx(theirs.item(), abs=1e-12)
        assert np.allclose(loss.backward(), lt.grad.numpy(), rtol=0, atol=1e-12)


@pytest.mark.parametrize(("ours", "theirs", "shape"), [
    (lambda: nets.BatchNorm1d(16, dtype=np.float32), lambda: torch.nn.BatchNorm1d(16), (64, 16)),
    (lambda: nets.BatchNorm2d(4, dtype=np.float32), lambda: torch.nn.BatchNorm2d(4), (8, 4, 6, 6)),
    (lambda: nets.LayerNorm((4, 6), dtype=np.float32), lambda: torch.nn.LayerNorm((4, 6)), (8, 3, 4, 6)),
])
def test_float32_fused_layers_match_torch_float32(ours, theirs, shape):
    rng = np.random.default_rng(4)
    ours, theirs = ours(), theirs()
    x = rng.normal(2.0, 3.0, shape).astype(np.float32)
    dy = rng.normal(size=shape).astype(np.float32)
    xt = torch.tensor(x, requires_grad=True)
    yt = theirs(xt)
    yt.backward(torch.tensor(dy))
    y, dx = ours(x), ours.backward(dy)
    assert y.dtype == dx.dtype == np.float32
    assert np.allclose(y, yt.detach().numpy(), rtol=0, atol=2e-5)
    assert np.allclose(dx, xt.grad.numpy(), rtol=0, atol=2e-5)
    assert np.allclose(ours.grads["weight"], theirs.weight.grad.numpy(), rtol=1e-4, atol=1e-4)
    for name in ("running_mean", "running_var"):
        if hasattr(theirs, name):
            assert np.allclose(getattr(ours, name), getattr(theirs, name).numpy(), rtol=1e-5, atol=1e-6)
