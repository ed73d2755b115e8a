"""Weight initialisers with torch.nn.init's names, semantics and gains; in place on an ndarray.

Each takes the array to fill and a ``generator`` (a numpy Generator, PyTorch's keyword) and
returns the array. A number that is not a real number is a TypeError naming it, a non-finite
bound, std, gain or slope a ValueError; a zero-element array is returned untouched (PyTorch's
kaiming_* call that a no-op) rather than dividing by a zero fan. The variances they realise are derived in ``derivations.init_variance``
and checked against these functions in ``montecarlo.checks``.
"""
from __future__ import annotations

import math
from numbers import Real

import numpy as np

from .module import default_generator

__all__ = [
    "calculate_gain", "calculate_fan_in_and_fan_out", "uniform_", "normal_", "constant_", "zeros_",
    "ones_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
    "lecun_uniform_", "lecun_normal_",
]

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The gain of torch.nn.init.calculate_gain: 1 (linear, conv, sigmoid), 5/3 (tanh),
    √2 (relu), √(2/(1 + slope²)) (leaky_relu, slope 0.01 by default), 3/4 (selu)."""
    if nonlinearity in _LINEAR:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, bool) or not isinstance(param, Real):
            raise ValueError(f"negative_slope {param!r} is not a valid number")
        elif not math.isfinite(param):
            raise ValueError(f"negative_slope must be finite, not {param}")
        else:
            slope = float(param)
        return math.sqrt(2.0) / math.hypot(1.0, slope)  # √(2/(1 + slope²)) without overflow
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity!r}")


def _array(tensor) -> np.ndarray:
    if not isinstance(tensor, np.ndarray):
        raise TypeError(f"tensor must be a numpy.ndarray, not {type(tensor).__name__}")
    if tensor.dtype not in (np.float32, np.float64):
        raise TypeError(f"tensor must be float32 or float64, not {tensor.dtype}")
    return tensor


def calculate_fan_in_and_fan_out(tensor: np.ndarray) -> tuple[int, int]:
    """fan_in = shape[1]·receptive field, fan_out = shape[0]·receptive field, where the
    receptive field is the product of shape[2:] (a conv weight (out, in, kH, kW))."""
    tensor = _array(tensor)
    if tensor.ndim < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive = int(np.prod(tensor.shape[2:])) if tensor.ndim > 2 else 1
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fan(tensor: np.ndarray, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _real(name: str, value, *, finite: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, not {type(value).__name__}")
    if finite and not math.isfinite(value):
        raise ValueError(f"{name} must be finite, not {value}")
    return float(value)


def _rng(generator):
    return default_generator() if generator is None else generator


def uniform_(tensor, a: float = 0.0, b: float = 1.0, *, generator=None) -> np.ndarray:
    tensor = _array(tensor)
    a, b = _real("a", a), _real("b", b)
    if not a <= b:
        raise ValueError(f"uniform_ needs a <= b, got a={a}, b={b}")
    if not math.isfinite(b - a):
        raise ValueError(f"uniform_ needs b - a finite, got a={a}, b={b}")
    tensor[...] = _rng(generator).uniform(a, b, tensor.shape)
    return tensor


def normal_(tensor, mean: float = 0.0, std: float = 1.0, *, generator=None) -> np.ndarray:
    """Fixed-std initialisation N(mean, std²)."""
    tensor = _array(tensor)
    mean, std = _real("mean", mean), _real("std", std)
    if not (np.isfinite(std) and std >= 0):
        raise ValueError(f"std must be a non-negative number, not {std}")
    tensor[...] = _rng(generator).normal(mean, std, tensor.shape)
    return tensor


def constant_(tensor, val: float) -> np.ndarray:
    _array(tensor)[...] = _real("val", val, finite=False)  # NaN and infinities fill, as in PyTorch
    return tensor


def zeros_(tensor) -> np.ndarray:
    return constant_(tensor, 0.0)


def ones_(tensor) -> np.ndarray:
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor, gain: float = 1.0, *, generator=None) -> np.ndarray:
    """U(−b, b) with b = gain·√(6/(fan_in + fan_out)): variance gain²·2/(fan_in + fan_out)."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    if tensor.size == 0:
        return tensor
    bound = _real("gain", gain) * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator=generator)


def xavier_normal_(tensor, gain: float = 1.0, *, generator=None) -> np.ndarray:
    """N(0, std²) with std = gain·√(2/(fan_in + fan_out))."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    if tensor.size == 0:
        return tensor
    return normal_(tensor, 0.0, _real("gain", gain) * math.sqrt(2.0 / (fan_in + fan_out)), generator=generator)


def kaiming_uniform_(tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu", *,
                     generator=None) -> np.ndarray:
    """U(−b, b) with b = gain·√(3/fan): variance gain²/fan (2/fan for ReLU)."""
    fan = _fan(_array(tensor), mode)
    if tensor.size == 0:
        return tensor
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan)
    return uniform_(tensor, -bound, bound, generator=generator)


def kaiming_normal_(tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu", *,
                    generator=None) -> np.ndarray:
    """N(0, std²) with std = gain/√fan; with a = 0 the gain is √2, so the variance is 2/fan."""
    fan = _fan(_array(tensor), mode)
    if tensor.size == 0:
        return tensor
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(fan), generator=generator)


def lecun_normal_(tensor, *, generator=None) -> np.ndarray:
    """N(0, 1/fan_in) (not in torch.nn.init; PyTorch's SELU guidance uses it)."""
    fan_in, _ = calculate_fan_in_and_fan_out(tensor)
    if tensor.size == 0:
        return tensor
    return normal_(tensor, 0.0, 1.0 / math.sqrt(fan_in), generator=generator)


def lecun_uniform_(tensor, *, generator=None) -> np.ndarray:
    """U(−√(3/fan_in), √(3/fan_in)): variance 1/fan_in."""
    fan_in, _ = calculate_fan_in_and_fan_out(tensor)
    if tensor.size == 0:
        return tensor
    bound = math.sqrt(3.0 / fan_in)
    return uniform_(tensor, -bound, bound, generator=generator)
