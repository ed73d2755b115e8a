"""The Module contract: named parameters, gradients and buffers; explicit forward and backward.

Every layer keeps what its backward needs in a named cache written by ``forward``;
``backward(grad_output)`` returns the gradient with respect to the input and *adds* the
parameter gradients into ``grads`` (so a shared layer accumulates, as in PyTorch).
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = ["Module", "manual_seed", "default_generator", "check_array"]

_DEFAULT = np.random.default_rng(0)


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the generator used by layers built without ``rng`` (like torch.manual_seed)."""
    global _DEFAULT
    _DEFAULT = np.random.default_rng(seed)
    return _DEFAULT


def default_generator() -> np.random.Generator:
    return _DEFAULT


def check_array(value, name: str, *, min_ndim: int = 1, features: int | None = None,
                feature_axis: int = -1) -> np.ndarray:
    """``value`` as a floating ndarray; TypeError/ValueError naming ``name`` otherwise."""
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray, not {type(value).__name__}")
    if value.dtype not in (np.float32, np.float64):
        raise TypeError(f"{name} must be float32 or float64, not {value.dtype}")
    if value.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimension(s), not shape {value.shape}")
    if features is not None and value.shape[feature_axis] != features:
        raise ValueError(
            f"{name} has {value.shape[feature_axis]} features on axis {feature_axis}, expected {features} "
            f"(shape {value.shape})"
        )
    if not np.isfinite(value).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return value


class Module:
    """Base class: ``params`` and ``grads`` share keys; ``buffers`` hold non-trained state."""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}
        self.training = True
        self._cache = None

    def register_parameter(self, name: str, value: np.ndarray) -> None:
        self.params[name] = value
        self.grads[name] = np.zeros_like(value)

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def _saved(self):
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        return self._cache

    def children(self) -> dict[str, Module]:
        return {}

    def _named(self, kind: str, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
        for name, value in getattr(self, kind).items():
            yield prefix + name, value
        for child_name, child in self.children().items():
            yield from child._named(kind, f"{prefix}{child_name}.")

    def parameters(self) -> dict[str, np.ndarray]:
        """Every parameter, by dotted name as in PyTorch's named_parameters()."""
        return dict(self._named("params"))

    def gradients(self) -> dict[str, np.ndarray]:
        """The gradient of every parameter, by the same names."""
        return dict(self._named("grads"))

    def named_buffers(self) -> dict[str, np.ndarray]:
        return dict(self._named("buffers"))

    def zero_grad(self) -> None:
        for grad in self.gradients().values():
            grad.fill(0)

    def train(self, mode: bool = True) -> Module:
        self.training = bool(mode)
        for child in self.children().values():
            child.train(mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.extra_repr()})"
