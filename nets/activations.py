"""Element-wise activations; each backward multiplies by the derivative at the cached input."""
from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

import numpy as np

from .module import Module, check_array

__all__ = ["ReLU", "LeakyReLU", "ELU", "Tanh", "Sigmoid"]


def _real(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, not {type(value).__name__}")


@dataclass
class _Cache:
    input: np.ndarray
    output: np.ndarray


class _Elementwise(Module):
    def forward(self, x: np.ndarray) -> np.ndarray:
        x = check_array(x, "input", min_ndim=0)
        y = self._function(x)
        self._save(_Cache(x, y), y)
        return y

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        cache, grad_output = self._restore(grad_output)
        return grad_output * self._derivative(cache)


class ReLU(_Elementwise):
    """y = max(0, x); dy/dx = 1 for x > 0, 0 otherwise (PyTorch's choice at 0)."""

    def _function(self, x):
        return np.maximum(x, 0)

    def _derivative(self, cache):
        return (cache.input > 0).astype(cache.input.dtype)


class LeakyReLU(_Elementwise):
    """y = x for x > 0, negative_slope · x otherwise."""

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        _real("negative_slope", negative_slope)
        if not np.isfinite(negative_slope):
            raise ValueError(f"negative_slope must be finite, not {negative_slope}")
        self.negative_slope = float(negative_slope)

    def _function(self, x):
        return np.where(x > 0, x, self.negative_slope * x)

    def _derivative(self, cache):
        return np.where(cache.input > 0, 1.0, self.negative_slope).astype(cache.input.dtype)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class ELU(_Elementwise):
    """y = x for x > 0, alpha · (eˣ − 1) otherwise; dy/dx = y + alpha for x ≤ 0."""

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        _real("alpha", alpha)
        if not np.isfinite(alpha):
            raise ValueError(f"alpha must be finite, not {alpha}")
        self.alpha = float(alpha)

    def _function(self, x):
        return np.where(x > 0, x, self.alpha * np.expm1(np.minimum(x, 0)))

    def _derivative(self, cache):
        return np.where(cache.input > 0, 1.0, cache.output + self.alpha).astype(cache.input.dtype)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class Tanh(_Elementwise):
    """y = tanh x; dy/dx = 1 − y²."""

    def _function(self, x):
        return np.tanh(x)

    def _derivative(self, cache):
        return 1 - cache.output**2


class Sigmoid(_Elementwise):
    """y = 1 / (1 + e^{−x}); dy/dx = y (1 − y)."""

    def _function(self, x):
        return 0.5 * (1 + np.tanh(0.5 * x))  # the same function, without overflow for large |x|

    def _derivative(self, cache):
        return cache.output * (1 - cache.output)
