"""PyTorch's attribute access beside the dicts: layer.weight, bn.running_mean, named_parameters()."""
import numpy as np
import pytest

import nets


def test_parameters_and_buffers_read_as_attributes_and_are_the_dicts_arrays():
    layer, bn = nets.Linear(3, 2), nets.BatchNorm1d(2)
    assert layer.weight is layer.params["weight"] and layer.bias is layer.params["bias"]
    assert bn.weight is bn.params["weight"] and bn.bias is bn.params["bias"]
    assert bn.running_mean is bn.buffers["running_mean"] and bn.running_var is bn.buffers["running_var"]
    assert int(bn.num_batches_tracked) == 0
    bn(np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert bn.running_mean is bn.buffers["running_mean"] and np.allclose(bn.running_mean, [0.2, 0.3])


def test_assignment_through_the_attribute_updates_the_dict_and_the_forward():
    layer = nets.Linear(2, 2)
    layer.weight = np.eye(2)
    layer.bias = np.zeros(2)
    assert layer.params["weight"] is layer.weight
    x = np.array([[1.0, -2.0]])
    assert np.array_equal(layer(x), x)
    bn = nets.BatchNorm1d(2).eval()
    bn.running_mean = np.array([1.0, -2.0])
    assert bn.buffers["running_mean"] is bn.running_mean and np.allclose(bn(x), 0.0, atol=1e-12)


def test_assigning_a_new_shape_resets_its_gradient_and_a_non_array_is_refused():
    layer = nets.Linear(2, 2)
    layer.weight = np.ones((2, 2))
    assert layer.grads["weight"].shape == (2, 2)
    with pytest.raises(TypeError, match="parameter 'weight'"):
        layer.weight = [[1.0, 0.0], [0.0, 1.0]]
    with pytest.raises(TypeError, match="buffer 'running_var'"):
        nets.BatchNorm1d(2).running_var = 1.0
    layer.weight = np.ones((3, 2))
    assert layer.grads["weight"].shape == (3, 2)


def test_absent_parameters_and_buffers_read_as_none_like_pytorch():
    assert nets.Linear(2, 3, bias=False).bias is None
    bn = nets.BatchNorm1d(3, affine=False, track_running_stats=False)
    assert bn.weight is None and bn.bias is None and bn.running_mean is None and bn.running_var is None
    assert nets.LayerNorm(3, elementwise_affine=False).weight is None
    with pytest.raises(AttributeError, match="no attribute 'wieght'"):
        nets.Linear(2, 3).wieght


def test_named_parameters_and_buffers_yield_dotted_pairs_like_pytorch():
    model = nets.Sequential(nets.Linear(2, 3), nets.BatchNorm1d(3), nets.ReLU(), nets.Linear(3, 1, bias=False))
    names = [name for name, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "1.weight", "1.bias", "3.weight"]
    assert all(array is model[int(n[0])].params[n[2:]] for n, array in model.named_parameters())
    assert [name for name, _ in model.named_buffers()] == ["1.running_mean", "1.running_var", "1.num_batches_tracked"]
    assert list(model.parameters()) == names and list(model.gradients()) == names


def test_named_parameters_match_torchs_names():
    torch = pytest.importorskip("torch")
    ours = nets.Sequential(nets.Linear(2, 3), nets.BatchNorm1d(3), nets.Linear(3, 1))
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3), torch.nn.Linear(3, 1))
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert all(ours_p.shape == tuple(p.shape) for (_, ours_p), (_, p) in zip(ours.named_parameters(),
                                                                         theirs.named_parameters()))


def test_sgd_updates_an_array_assigned_through_the_attribute():
    layer = nets.Linear(1, 1)
    layer.weight = np.array([[2.0]])
    layer(np.array([[1.0]]))
    layer.backward(np.array([[1.0]]))
    nets.optim.SGD(layer, lr=0.5).step()
    assert layer.weight[0, 0] == pytest.approx(1.5)
