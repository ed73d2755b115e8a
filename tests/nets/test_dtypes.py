"""float32 and float64: an input must have its layer's dtype; a gradient is cast to its forward's."""
import numpy as np
import pytest

import nets


@pytest.mark.parametrize("layer", [
    lambda dtype: nets.Linear(3, 2, dtype=dtype), lambda dtype: nets.BatchNorm1d(3, dtype=dtype),
    lambda dtype: nets.BatchNorm1d(3, affine=False, dtype=dtype), lambda dtype: nets.LayerNorm(3, dtype=dtype),
    lambda dtype: nets.RNNCell(3, 2, dtype=dtype),
], ids=["Linear", "BatchNorm1d", "BatchNorm1d running stats only", "LayerNorm", "RNNCell"])
@pytest.mark.parametrize(("layer_dtype", "input_dtype"), [(np.float64, np.float32), (np.float32, np.float64)])
def test_an_input_of_another_float_dtype_than_the_layer_is_a_type_error(layer, layer_dtype, input_dtype):
    module = layer(layer_dtype)
    x = np.ones((4, 3), dtype=input_dtype)
    with pytest.raises(TypeError, match=f"input is {np.dtype(input_dtype)} but .* are {np.dtype(layer_dtype)}"):
        module(x)
    assert module(x.astype(layer_dtype)).dtype == layer_dtype


def test_a_layer_without_float_state_takes_either_dtype():
    bn = nets.BatchNorm1d(3, affine=False, track_running_stats=False)
    for dtype in (np.float32, np.float64):
        x = np.arange(12.0).reshape(4, 3).astype(dtype)
        assert bn(x).dtype == dtype and bn.backward(np.ones_like(x)).dtype == dtype


@pytest.mark.parametrize("layer", [nets.Linear(3, 3, dtype=np.float32), nets.BatchNorm1d(3, dtype=np.float32),
                                   nets.Tanh()], ids=["Linear", "BatchNorm1d", "Tanh"])
def test_a_float64_gradient_is_cast_to_the_float32_forward_like_torch_autograd(layer):
    x = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    y = layer(x)
    dx = layer.backward(np.ones(y.shape, dtype=np.float64))
    assert dx.dtype == np.float32
    assert all(g.dtype == np.float32 for g in layer.gradients().values())


def test_the_hidden_state_must_match_the_cell_dtype_too():
    cell = nets.RNNCell(2, 2, dtype=np.float32)
    with pytest.raises(TypeError, match="hx is float64"):
        cell(np.ones((1, 2), np.float32), np.ones((1, 2)))
