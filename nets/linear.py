"""Fully connected layer, with PyTorch's parameter names and shapes."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import init
from .module import Module, check_array, default_generator, float_dtype

__all__ = ["Linear"]


@dataclass
class _LinearCache:
    input: np.ndarray


class Linear(Module):
    """y = x · weightᵀ + bias.

    Shapes: x (*, in_features) → y (*, out_features); ``weight`` (out_features, in_features),
    ``bias`` (out_features,) or None. Initialised as PyTorch does: weight and bias uniform on
    (−1/√in_features, 1/√in_features) (kaiming_uniform_ with a = √5). The input must have the
    parameters' dtype (TypeError otherwise).
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, *,
                 rng: np.random.Generator | None = None, dtype=np.float64) -> None:
        super().__init__()
        dtype = float_dtype(dtype)
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise TypeError(f"{name} must be an int, not {type(value).__name__}")
            if value <= 0:
                raise ValueError(f"{name} must be positive, not {value}")
        self.in_features, self.out_features = int(in_features), int(out_features)
        rng = default_generator() if rng is None else rng
        weight = np.empty((self.out_features, self.in_features), dtype=dtype)
        init.kaiming_uniform_(weight, a=np.sqrt(5.0), generator=rng)
        self.register_parameter("weight", weight)
        bound = 1.0 / np.sqrt(self.in_features)
        self.register_parameter("bias", rng.uniform(-bound, bound, self.out_features).astype(dtype) if bias else None)

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = check_array(x, "input", features=self.in_features)
        self.check_dtype(x)
        y = x @ self.params["weight"].T
        if "bias" in self.params:
            y += self.params["bias"]
        self._save(_LinearCache(x), y)
        return y

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        cache, grad_output = self._restore(grad_output)
        x = cache.input
        flat_dy = grad_output.reshape(-1, self.out_features)
        self.grads["weight"] += flat_dy.T @ x.reshape(-1, self.in_features)
        if "bias" in self.params:
            self.grads["bias"] += flat_dy.sum(axis=0)
        return grad_output @ self.params["weight"]

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={'bias' in self.params}"
