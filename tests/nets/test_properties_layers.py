"""Every nets layer, loss and optimiser against random shapes and hostile inputs.

The policy these tests fix:
- an input must be a float32 or float64 ndarray: another dtype (integers, bool, float16, complex,
  object) or a list is a TypeError naming it; a layer's dtype argument likewise;
- a layer with floating parameters or buffers refuses an input of the other float dtype with a
  TypeError (PyTorch: "expected scalar type Float but found Double"), and so do a Sequential,
  Ensemble or Residual through their first such layer and a cell for its hidden state; layers
  without floating state follow the input's dtype; a loss takes a target of the other float dtype
  as PyTorch does (promoting), its gradient in the input's dtype;
- NaN or ±inf in an input is a ValueError naming it (raised, not propagated as PyTorch would:
  one clear error), without a NumPy RuntimeWarning first;
- an empty batch passes through every layer that can take one (shape (0, …) out, and back);
  a batch norm in training refuses it as PyTorch does, a mean loss over it is a ValueError;
- huge and tiny finite scales give finite outputs where the mathematics does (normalisation is
  scale invariant up to its eps; saturating activations saturate without overflow warnings).
"""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import nets

FAST = settings(max_examples=25, deadline=None)


def _rng():
    return np.random.default_rng(0)


LAYERS = {  # name: (factory(dtype), input shape, has floating state)
    "Linear": (lambda d: nets.Linear(3, 2, rng=_rng(), dtype=d), (4, 3), True),
    "Linear without bias": (lambda d: nets.Linear(3, 2, bias=False, rng=_rng(), dtype=d), (4, 3), True),
    "ReLU": (lambda d: nets.ReLU(), (4, 3), False),
    "LeakyReLU": (lambda d: nets.LeakyReLU(0.1), (4, 3), False),
    "ELU": (lambda d: nets.ELU(), (4, 3), False),
    "Tanh": (lambda d: nets.Tanh(), (4, 3), False),
    "Sigmoid": (lambda d: nets.Sigmoid(), (4, 3), False),
    "Dropout": (lambda d: nets.Dropout(0.5, generator=_rng()), (4, 3), False),
    "BatchNorm1d": (lambda d: nets.BatchNorm1d(3, dtype=d), (4, 3), True),
    "BatchNorm1d without affine": (lambda d: nets.BatchNorm1d(3, affine=False, dtype=d), (4, 3), True),
    "BatchNorm2d": (lambda d: nets.BatchNorm2d(3, dtype=d), (2, 3, 2, 2), True),
    "LayerNorm": (lambda d: nets.LayerNorm(3, dtype=d), (4, 3), True),
    "Conv2d": (lambda d: nets.Conv2d(3, 2, 2, generator=_rng(), dtype=d), (2, 3, 4, 4), True),
    "Sequential": (lambda d: nets.Sequential(nets.Linear(3, 3, rng=_rng(), dtype=d), nets.ReLU()), (4, 3), True),
    "Residual": (lambda d: nets.Residual(nets.Linear(3, 3, rng=_rng(), dtype=d)), (4, 3), True),
    "Ensemble": (lambda d: nets.Ensemble([nets.Linear(3, 2, rng=_rng(), dtype=d) for _ in range(2)]), (4, 3), True),
    "RNNCell": (lambda d: nets.RNNCell(3, 2, generator=_rng(), dtype=d), (4, 3), True),
    "UGRNNCell": (lambda d: nets.UGRNNCell(3, 2, generator=_rng(), dtype=d), (4, 3), True),
    "Unrolled": (lambda d: nets.Unrolled(nets.RNNCell(3, 2, generator=_rng(), dtype=d)), (5, 4, 3), True),
}
STATEFUL = [name for name, (_, _, state) in LAYERS.items() if state]
DTYPE_ARGUMENT = {"Linear": lambda d: nets.Linear(3, 2, dtype=d), "Conv2d": lambda d: nets.Conv2d(3, 2, 2, dtype=d),
                  "BatchNorm1d": lambda d: nets.BatchNorm1d(3, dtype=d), "LayerNorm": lambda d: nets.LayerNorm(3, dtype=d),
                  "RNNCell": lambda d: nets.RNNCell(3, 2, dtype=d), "UGRNNCell": lambda d: nets.UGRNNCell(3, 2, dtype=d)}


def _input(name, dtype=np.float64, scale=1.0):
    return (np.random.default_rng(1).standard_normal(LAYERS[name][1]) * scale).astype(dtype)


def _forward_backward(layer, x):
    y = layer(x)
    grad = layer.backward(np.ones_like(y))
    return y, grad[0] if isinstance(grad, tuple) else grad


@pytest.mark.parametrize("name", list(LAYERS))
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.bool_, np.float16, np.complex128, object], ids=str)
def test_an_input_of_a_non_float_dtype_is_a_type_error_naming_it(name, dtype):
    layer = LAYERS[name][0](np.float64)
    with pytest.raises(TypeError, match="input must be float32 or float64"):
        layer(_input(name).astype(dtype))


@pytest.mark.parametrize("name", list(LAYERS))
@pytest.mark.parametrize("value", [[[1.0, 2.0, 3.0]], 1.0, None, "x"], ids=repr)
def test_an_input_that_is_not_an_ndarray_is_a_type_error_naming_it(name, value):
    with pytest.raises(TypeError, match="input must be a numpy.ndarray"):
        LAYERS[name][0](np.float64)(value)


@pytest.mark.parametrize("name", STATEFUL)
@pytest.mark.parametrize(("layer_dtype", "input_dtype"), [(np.float32, np.float64), (np.float64, np.float32)],
                         ids=["float32 layer", "float64 layer"])
def test_a_mixed_float32_float64_call_is_a_type_error_like_pytorch(name, layer_dtype, input_dtype):
    layer = LAYERS[name][0](layer_dtype)
    with pytest.raises(TypeError, match=f"is {np.dtype(input_dtype)} but .* are {np.dtype(layer_dtype)}"):
        layer(_input(name, input_dtype))
    y, grad = _forward_backward(layer, _input(name, layer_dtype))
    assert y.dtype == grad.dtype == layer_dtype


@pytest.mark.parametrize("name", [n for n in LAYERS if n not in STATEFUL])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_layer_without_floating_state_follows_the_input_dtype(name, dtype):
    y, grad = _forward_backward(LAYERS[name][0](np.float64), _input(name, dtype))
    assert y.dtype == grad.dtype == dtype


@pytest.mark.parametrize("container", ["Sequential", "Ensemble"])
def test_a_container_of_mixed_dtype_members_refuses_the_call(container):
    members = [nets.Linear(3, 3, dtype=np.float32), nets.Linear(3, 3, dtype=np.float64)]
    model = nets.Sequential(*members) if container == "Sequential" else nets.Ensemble(members)
    for dtype in (np.float32, np.float64):
        with pytest.raises(TypeError, match="but Linear's parameters are"):
            model(np.ones((2, 3), dtype))


@pytest.mark.parametrize("name", list(DTYPE_ARGUMENT))
@pytest.mark.parametrize("dtype", [np.float16, np.int64, int, complex, object, "float8", "bogus", "f2"], ids=repr)
def test_a_layer_refuses_a_dtype_argument_that_is_not_float32_or_float64(name, dtype):
    with pytest.raises(TypeError, match="dtype must be float32 or float64"):
        DTYPE_ARGUMENT[name](dtype)


@pytest.mark.parametrize("name", list(DTYPE_ARGUMENT))
@pytest.mark.parametrize("dtype", [np.float32, "float64", np.dtype("float32"), float, None], ids=repr)
def test_a_layer_takes_any_spelling_of_float32_or_float64(name, dtype):
    """(None is NumPy's and PyTorch's default: float64 here.)"""
    layer = DTYPE_ARGUMENT[name](dtype)
    assert {p.dtype for p in layer.parameters().values()} == {np.dtype(dtype)}


@pytest.mark.parametrize("name", list(LAYERS))
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf], ids=str)
@pytest.mark.parametrize("mode", ["train", "eval"])
def test_nan_or_inf_in_an_input_is_one_value_error_without_a_runtime_warning(name, bad, mode):
    layer = LAYERS[name][0](np.float64)
    layer.train(mode == "train")
    x = _input(name)
    x.flat[3] = bad
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="input contains NaN or infinite values"):
            layer(x)


@pytest.mark.parametrize("name", list(LAYERS))
def test_nan_in_a_gradient_is_a_value_error_naming_it(name):
    layer = LAYERS[name][0](np.float64)
    y = layer(_input(name))
    grad = np.ones_like(y)
    grad.flat[0] = np.nan
    with pytest.raises(ValueError, match="grad_output contains NaN or infinite values"):
        layer.backward(grad)


def _empty(name):
    shape = LAYERS[name][1]
    return np.zeros((shape[0], 0) + shape[2:]) if name == "Unrolled" else np.zeros((0,) + shape[1:])


@pytest.mark.parametrize("name", [n for n in LAYERS if not n.startswith("BatchNorm")])
def test_an_empty_batch_passes_forward_and_backward(name):
    x = _empty(name)
    y, grad = _forward_backward(LAYERS[name][0](np.float64), x)
    assert y.size == 0 and grad.shape == x.shape


@pytest.mark.parametrize("name", [n for n in LAYERS if n.startswith("BatchNorm")])
def test_a_batch_norm_in_training_refuses_an_empty_batch_like_pytorch(name):
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        LAYERS[name][0](np.float64)(_empty(name))


@pytest.mark.parametrize("name", list(LAYERS))
@pytest.mark.parametrize("scale", [1e-300, 1e-150, 1e150], ids=str)
def test_huge_and_tiny_finite_inputs_give_finite_outputs_without_warnings(name, scale):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y, grad = _forward_backward(LAYERS[name][0](np.float64), _input(name, scale=scale))
    assert np.isfinite(y).all() and np.isfinite(grad).all()


@FAST
@given(st.floats(min_value=0.0, max_value=150.0), st.sampled_from(["BatchNorm1d", "LayerNorm"]))
def test_normalisation_is_scale_invariant_up_to_eps(decades, name):
    """y(s x) − y(x) = x̂ (1/√(1 + ε/(s²σ²)) − 1/√(1 + ε/σ²)) in magnitude ≤ |x̂| ε/(2σ²) for s ≥ 1,
    and |x̂| ≤ √m over a group of m values: the bound is √m ε / (2 σ²_min), plus round-off."""
    layer = LAYERS[name][0](np.float64)
    x = _input(name)
    groups = x.T if name == "BatchNorm1d" else x
    m, smallest_variance = groups.shape[1], groups.var(axis=1).min()
    bound = np.sqrt(m) * layer.eps / (2 * smallest_variance) + 1e-12
    assert np.abs(layer(x * 10.0**decades) - layer(x)).max() <= bound


batch_shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


@FAST
@given(batch_shapes, st.sampled_from([np.float32, np.float64]))
def test_linear_maps_any_batch_shape_and_back(batch, dtype):
    layer = nets.Linear(3, 2, rng=_rng(), dtype=dtype)
    x = np.random.default_rng(2).standard_normal(batch + (3,)).astype(dtype)
    y, grad = _forward_backward(layer, x)
    assert y.shape == batch + (2,) and grad.shape == x.shape and y.dtype == dtype
    np.testing.assert_allclose(y, x @ layer.weight.T + layer.bias, rtol=1e-5 if dtype == np.float32 else 1e-12)


@FAST
@given(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4),
       st.sampled_from(["ReLU", "LeakyReLU", "ELU", "Tanh", "Sigmoid", "Dropout"]))
def test_an_elementwise_layer_keeps_any_shape(shape, name):
    x = np.random.default_rng(3).standard_normal(shape)
    y, grad = _forward_backward(LAYERS[name][0](np.float64), x)
    assert y.shape == grad.shape == x.shape


@FAST
@given(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3), st.sampled_from([(3,), (2, 3)]))
def test_layer_norm_takes_any_leading_shape(leading, normalized):
    layer = nets.LayerNorm(normalized)
    x = np.random.default_rng(4).standard_normal(leading + normalized)
    y, grad = _forward_backward(layer, x)
    assert y.shape == grad.shape == x.shape
    axes = tuple(range(len(leading), x.ndim))
    if y.size:
        assert np.abs(y.mean(axis=axes)).max() < 1e-12


@FAST
@given(st.integers(1, 3), st.integers(1, 3), st.integers(0, 2), st.integers(3, 7), st.integers(3, 7))
def test_conv2d_output_size_is_the_pytorch_formula(kernel, stride, padding, height, width):
    layer = nets.Conv2d(2, 1, kernel, stride=stride, padding=padding, generator=_rng())
    if kernel > min(height, width) + 2 * padding:
        return
    x = np.random.default_rng(5).standard_normal((1, 2, height, width))
    y, grad = _forward_backward(layer, x)
    expected = ((height + 2 * padding - kernel) // stride + 1, (width + 2 * padding - kernel) // stride + 1)
    assert y.shape == (1, 1) + expected and grad.shape == x.shape


@FAST
@given(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
def test_a_wrong_feature_count_is_a_value_error_naming_the_input(shape):
    features = shape[-1]
    for layer in (nets.Linear(features + 1, 2), nets.RNNCell(features + 1, 2), nets.LayerNorm(features + 1)):
        with pytest.raises(ValueError, match="input"):
            layer(np.ones(shape))


# ----- losses -----

@pytest.mark.parametrize("loss, target", [(nets.MSELoss(), np.full((4, 3), 0.5)), (nets.SoftmaxCrossEntropy(), np.full((4, 3), 1 / 3))],
                         ids=["MSELoss", "SoftmaxCrossEntropy soft target"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_loss_takes_a_target_of_the_other_float_dtype_like_pytorch_and_answers_in_the_input_dtype(loss, target, dtype):
    """torch.nn.functional.mse_loss(float32, float64) promotes; the input's gradient is float32."""
    logits = np.random.default_rng(7).standard_normal((4, 3)).astype(dtype)
    other = np.float64 if dtype == np.float32 else np.float32
    mixed, same = loss(logits, target.astype(other)), loss(logits, target.astype(dtype))
    assert abs(mixed - same) <= 1e-6 * max(1.0, abs(same))
    assert loss.backward().dtype == dtype


@pytest.mark.parametrize("loss, target", [(nets.MSELoss, np.zeros((0, 3))), (nets.SoftmaxCrossEntropy, np.zeros(0, int))],
                         ids=["MSELoss", "SoftmaxCrossEntropy"])
def test_a_mean_loss_over_an_empty_batch_is_a_value_error_and_a_sum_is_zero(loss, target):
    with pytest.raises(ValueError, match="empty"):
        loss()(np.zeros((0, 3)), target)
    summed = loss(reduction="sum")
    assert summed(np.zeros((0, 3)), target) == 0.0
    assert summed.backward().shape == (0, 3)


@pytest.mark.parametrize("logits, target, error", [
    (np.ones((4, 0)), np.zeros(4, int), ValueError), (np.ones((4, 3)), np.array([0, 1, 3, 0]), ValueError),
    (np.ones((4, 3)), np.array([0.0, 1, 2, 0]), ValueError), (np.ones((4, 3)), [0, 1, 2, 0], TypeError),
    (np.ones((4, 3)), np.full((4, 3), 0.5), ValueError), (np.ones(3), np.zeros(3, int), ValueError),
    (np.full((4, 3), np.nan), np.zeros(4, int), ValueError),
], ids=["no classes", "index out of range", "float indices", "list target", "rows not summing to 1", "1-d logits", "NaN"])
def test_cross_entropy_refuses_bad_logits_and_targets_with_one_error(logits, target, error):
    with pytest.raises(error) as raised:
        nets.SoftmaxCrossEntropy()(logits, target)
    assert "\n" not in str(raised.value)


@FAST
@given(st.floats(min_value=-300, max_value=300))
def test_cross_entropy_is_finite_and_shift_invariant_at_any_logit_scale(decades_sign):
    logits = np.random.default_rng(6).standard_normal((4, 3)) * 10.0 ** abs(decades_sign)
    loss = nets.SoftmaxCrossEntropy()
    value, shifted = loss(logits, np.array([0, 1, 2, 0])), loss(logits + 7.0, np.array([0, 1, 2, 0]))
    assert np.isfinite(value) and np.isfinite(loss.backward()).all()
    assert abs(value - shifted) <= 1e-9 * max(1.0, abs(value))


# ----- optimisers -----

def _trained_linear():
    layer = nets.Linear(3, 2, rng=_rng())
    layer(np.ones((4, 3)))
    layer.backward(np.ones((4, 2)))
    return layer


@pytest.mark.parametrize("make", [lambda m, v: nets.optim.SGD(m, lr=v), lambda m, v: nets.optim.SGD(m, lr=0.1, momentum=v),
                                  lambda m, v: nets.optim.SGD(m, lr=0.1, weight_decay=v),
                                  lambda m, v: nets.optim.DataMomentumSGD(m, v, 0.5),
                                  lambda m, v: nets.optim.DataMomentumSGD(m, 0.1, v)],
                         ids=["SGD lr", "SGD momentum", "SGD weight_decay", "DataMomentumSGD lr", "DataMomentumSGD momentum"])
@pytest.mark.parametrize("value, error", [(-1.0, ValueError), (np.nan, ValueError), (np.inf, ValueError),
                                          ("0.1", TypeError), (True, TypeError), (None, TypeError), (1j, TypeError)],
                         ids=["negative", "nan", "inf", "str", "bool", "None", "complex"])
def test_an_optimiser_refuses_a_bad_hyperparameter_with_one_error(make, value, error):
    with pytest.raises(error):
        make(_trained_linear(), value)


@pytest.mark.parametrize("optimiser", [nets.optim.SGD, nets.optim.DataMomentumSGD])
@pytest.mark.parametrize("module", ["layer", None, [np.ones(3)]], ids=repr)
def test_an_optimiser_refuses_what_is_not_a_module(optimiser, module):
    if module == "layer":
        return
    with pytest.raises(TypeError, match="module"):
        optimiser(module, 0.1, 0.5)


@FAST
@given(st.floats(min_value=0.0, max_value=10.0), st.floats(min_value=0.0, max_value=0.99),
       st.floats(min_value=0.0, max_value=1.0))
def test_a_first_sgd_step_is_minus_lr_times_the_regularised_gradient(lr, momentum, weight_decay):
    """PyTorch's SGD: the buffer starts at the first gradient g + λθ, so step one is θ − lr (g + λθ)
    whatever the momentum (dampening 0)."""
    layer = _trained_linear()
    before = {k: p.copy() for k, p in layer.parameters().items()}
    grads = {k: g.copy() for k, g in layer.gradients().items()}
    nets.optim.SGD(layer, lr=lr, momentum=momentum, weight_decay=weight_decay).step()
    for k, p in layer.parameters().items():
        np.testing.assert_allclose(p, before[k] - lr * (grads[k] + weight_decay * before[k]), rtol=1e-12, atol=1e-12)


# ----- initialisers -----

INITIALISERS = {
    "uniform_ a": lambda t, v: nets.init.uniform_(t, v, 1.0, generator=_rng()),
    "normal_ std": lambda t, v: nets.init.normal_(t, 0.0, v, generator=_rng()),
    "normal_ mean": lambda t, v: nets.init.normal_(t, v, 1.0, generator=_rng()),
    "xavier_uniform_ gain": lambda t, v: nets.init.xavier_uniform_(t, v, generator=_rng()),
    "xavier_normal_ gain": lambda t, v: nets.init.xavier_normal_(t, v, generator=_rng()),
    "kaiming_normal_ a": lambda t, v: nets.init.kaiming_normal_(t, v, generator=_rng()),
    "kaiming_uniform_ a": lambda t, v: nets.init.kaiming_uniform_(t, v, generator=_rng()),
}


@pytest.mark.parametrize("name", list(INITIALISERS))
@pytest.mark.parametrize("value, error", [(np.nan, ValueError), (np.inf, ValueError), ("1", (TypeError, ValueError)),
                                          (None, (TypeError, ValueError)), (True, (TypeError, ValueError))], ids=repr)
def test_an_initialiser_refuses_a_bad_number_with_one_error(name, value, error):
    if value is None and name.startswith("kaiming"):
        return  # a=None is PyTorch's default slope, 0.01
    with pytest.raises(error):
        INITIALISERS[name](np.zeros((3, 2)), value)


@FAST
@given(st.floats(min_value=-1e308, max_value=1e308), st.sampled_from(["kaiming_normal_ a", "kaiming_uniform_ a"]))
def test_kaiming_takes_any_finite_slope_without_overflow(slope, name):
    weight = INITIALISERS[name](np.zeros((64, 32)), slope)
    assert np.isfinite(weight).all()
    assert nets.init.calculate_gain("leaky_relu", slope) == pytest.approx(np.sqrt(2 / (1 + slope**2)) if abs(slope) < 1e150
                                                                         else np.sqrt(2) / abs(slope))


@pytest.mark.parametrize("initialiser", [nets.init.kaiming_normal_, nets.init.kaiming_uniform_, nets.init.xavier_uniform_,
                                         nets.init.xavier_normal_, nets.init.lecun_normal_, nets.init.lecun_uniform_])
@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (2, 2, 0, 0), (0, 0)], ids=str)
def test_a_zero_element_weight_is_left_untouched_not_divided_by_a_zero_fan(initialiser, shape):
    weight = np.zeros(shape)
    assert initialiser(weight, generator=_rng()) is weight and weight.size == 0


@pytest.mark.parametrize("tensor, error", [(np.zeros(3), ValueError), (np.zeros((2, 2), int), TypeError),
                                           ([[0.0]], TypeError), (np.zeros((2, 2), np.float16), TypeError)], ids=repr)
def test_an_initialiser_refuses_a_tensor_it_cannot_fill(tensor, error):
    with pytest.raises(error, match="tensor|Fan"):
        nets.init.kaiming_normal_(tensor, generator=_rng())


# ----- helpers around the layers -----

@pytest.mark.parametrize("call, error, name", [
    (lambda: nets.data.gaussian_blobs(2.5, 2, 3, rng=_rng()), TypeError, "n"),
    (lambda: nets.data.gaussian_blobs(10, "2", 3, rng=_rng()), TypeError, "classes"),
    (lambda: nets.data.gaussian_blobs(10, 2, 0, rng=_rng()), ValueError, "features"),
    (lambda: nets.mixup.mixup_pairs(np.ones((0, 3)), np.ones((0, 2)), 3, 1.0, rng=_rng()), ValueError, "inputs"),
    (lambda: nets.mixup.mixup_pairs(np.ones((4, 3)), np.ones((4, 2)) / 2, 3, np.nan, rng=_rng()), ValueError, "alpha"),
    (lambda: nets.layer_statistics(nets.mlp(4, 2, rng=_rng()), np.ones((0, 4))), ValueError, "x"),
    (lambda: nets.linear_output_second_moments(nets.mlp(4, 2, rng=_rng()), np.ones((0, 4))), ValueError, "x"),
    (lambda: nets.reinitialise(nets.mlp(4, 2, rng=_rng()), "bogus", _rng()), ValueError, "initialiser"),
    (lambda: nets.mlp(4, 2, activation="bogus", rng=_rng()), ValueError, "activation"),
], ids=["blobs float n", "blobs str classes", "blobs zero features", "mixup of nothing", "mixup nan alpha",
        "statistics of an empty batch", "second moments of an empty batch", "unknown initialiser", "unknown activation"])
def test_the_helpers_refuse_bad_arguments_with_one_error_naming_them(call, error, name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(error, match=name):
            call()


@pytest.mark.parametrize(("linear_dtype", "norm_dtype"), [(np.float32, np.float64), (np.float64, np.float32)])
def test_folding_a_batch_norm_of_the_other_dtype_is_a_type_error_as_calling_them_would_be(linear_dtype, norm_dtype):
    with pytest.raises(TypeError, match="fold layers of one dtype"):
        nets.fold_batchnorm(nets.Linear(2, 3, dtype=linear_dtype), nets.BatchNorm1d(3, dtype=norm_dtype))
    folded = nets.fold_batchnorm(nets.Linear(2, 3, dtype=linear_dtype), nets.BatchNorm1d(3, dtype=linear_dtype))
    assert folded.weight.dtype == linear_dtype
