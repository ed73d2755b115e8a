"""The Module contract: named parameters, gradients and buffers; explicit forward and backward.

Every forward run in grad mode pushes what its backward needs (a small named cache) on the
module's stack; ``backward(grad_output)`` pops the most recent one, returns the gradient with
respect to that call's input and *adds* the parameter gradients into ``grads``. A module
called k times before backward therefore takes k backward calls, in reverse order, and its
parameter gradients accumulate over them, as PyTorch's do. Under ``no_grad()`` a forward
pushes nothing (inference, finite differences).
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np

__all__ = ["Module", "manual_seed", "default_generator", "check_array", "no_grad", "is_grad_enabled", "float_dtype"]

_DEFAULT = np.random.default_rng(0)
_GRAD_MODE = threading.local()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the generator used by layers built without ``rng`` (like torch.manual_seed)."""
    global _DEFAULT
    _DEFAULT = np.random.default_rng(seed)
    return _DEFAULT


def default_generator() -> np.random.Generator:
    return _DEFAULT


def is_grad_enabled() -> bool:
    """Whether a forward keeps its cache for backward (torch.is_grad_enabled)."""
    return getattr(_GRAD_MODE, "enabled", True)


@contextlib.contextmanager
def no_grad():
    """Within the block, forwards keep no cache (torch.no_grad); running statistics still update."""
    previous = is_grad_enabled()
    _GRAD_MODE.enabled = False
    try:
        yield
    finally:
        _GRAD_MODE.enabled = previous


def check_array(value, name: str, *, min_ndim: int = 1, features: int | None = None,
                feature_axis: int = -1, finite: bool = True) -> np.ndarray:
    """``value`` as a floating ndarray; TypeError/ValueError naming ``name`` otherwise.

    ``finite=False`` leaves the NaN/inf scan to the caller (a layer whose reductions reveal it).
    """
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
    if finite and not np.isfinite(value).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return value


def float_dtype(dtype, name: str = "dtype") -> np.dtype:
    """``dtype`` as a NumPy dtype if it is float32 or float64 (as a layer's parameters must be);
    TypeError naming ``name`` for anything else (float16, an integer, complex, object, a typo)."""
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name} must be float32 or float64, not {dtype!r}") from None
    if resolved not in (np.float32, np.float64):
        raise TypeError(f"{name} must be float32 or float64, not {resolved}")
    return resolved


class _Pending(NamedTuple):
    """One forward awaiting its backward: the layer's cache and the output it returned."""

    cache: Any
    output_shape: tuple[int, ...]
    output_dtype: np.dtype


class Module:
    """Base class: ``params`` and ``grads`` share keys; ``buffers`` hold non-trained state.

    Parameters and buffers read and write as attributes too (``layer.weight``,
    ``bn.running_mean``), as in PyTorch; a name registered as None (``Linear(..., bias=False)``)
    reads as None.
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}
        self.training = True
        self._absent: set[str] = set()
        self._pending: list[_Pending] = []

    # ----- parameters, buffers and attribute access -----

    def register_parameter(self, name: str, value: np.ndarray | None) -> None:
        """A trained array (its gradient starts at zero), or None for an absent one (bias=False)."""
        if value is None:
            self._absent.add(name)
            return
        self._absent.discard(name)
        self.params[name] = value
        self.grads[name] = np.zeros_like(value)

    def register_buffer(self, name: str, value: np.ndarray | None) -> None:
        """Non-trained state (running statistics), or None for an absent one."""
        if value is None:
            self._absent.add(name)
            return
        self._absent.discard(name)
        self.buffers[name] = value

    def __getattr__(self, name: str):
        # only reached when ordinary lookup fails: parameters, buffers, then absent names
        state = self.__dict__
        for kind in ("params", "buffers"):
            if name in state.get(kind, ()):
                return state[kind][name]
        if name in state.get("_absent", ()):
            return None
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value) -> None:
        state = self.__dict__
        if name in state.get("params", ()):
            self._require_array(name, value, "parameter")
            self.params[name] = value
            if self.grads[name].shape != value.shape or self.grads[name].dtype != value.dtype:
                self.grads[name] = np.zeros_like(value)
        elif name in state.get("buffers", ()):
            self._require_array(name, value, "buffer")
            self.buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _require_array(self, name: str, value, kind: str) -> None:
        if not isinstance(value, np.ndarray):
            raise TypeError(f"cannot assign {type(value).__name__} as {kind} {name!r} (numpy.ndarray expected)")

    # ----- the stack of caches -----

    def _save(self, cache, output) -> None:
        """Push ``cache`` for the backward of the forward that returned ``output`` (grad mode only)."""
        if is_grad_enabled():
            output = np.asarray(output)
            self._pending.append(_Pending(cache, output.shape, output.dtype))

    def _restore(self, grad_output, *, finite: bool = True) -> tuple[Any, np.ndarray]:
        """Pop the most recent forward's cache; ``grad_output`` checked against that forward's
        output (shape; cast to its dtype, as torch's autograd casts a gradient)."""
        if not self._pending:
            raise RuntimeError(
                f"{type(self).__name__}.backward called with no forward left to back-propagate through "
                "(backward before forward, more backward calls than forward calls in grad mode, "
                "or the forward ran under nets.no_grad())")
        pending = self._pending[-1]
        grad_output = check_array(grad_output, "grad_output", min_ndim=0, finite=finite)
        if grad_output.shape != pending.output_shape:
            raise ValueError(f"grad_output has shape {grad_output.shape}, but the forward it back-propagates "
                             f"through returned shape {pending.output_shape}")
        self._pending.pop()
        return pending.cache, grad_output.astype(pending.output_dtype, copy=False)

    @property
    def pending_backwards(self) -> int:
        """How many forwards (in grad mode) still await their backward."""
        return len(self._pending)

    def clear_caches(self) -> None:
        """Drop every pending forward of this module and its children (like freeing torch's graph)."""
        self._pending.clear()
        for child in self.children().values():
            child.clear_caches()

    def check_dtype(self, x: np.ndarray, name: str = "input") -> None:
        """TypeError when ``x``'s float dtype differs from the module's own floating arrays."""
        for kind, store in (("parameters", self.params), ("buffers", self.buffers)):
            for value in store.values():
                if value.dtype.kind == "f" and value.dtype != x.dtype:
                    raise TypeError(
                        f"{name} is {x.dtype} but {type(self).__name__}'s {kind} are {value.dtype}: cast the "
                        f"{name} ({name}.astype(np.{value.dtype})) or build the layer with dtype=np.{x.dtype}")

    # ----- forward, backward, children -----

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def children(self) -> dict[str, Module]:
        return {}

    def _named(self, kind: str, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
        for name, value in getattr(self, kind).items():
            yield prefix + name, value
        for child_name, child in self.children().items():
            yield from child._named(kind, f"{prefix}{child_name}.")

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
        """(dotted name, array) for every parameter, children's as ``child.name`` (PyTorch's order)."""
        return self._named("params", prefix)

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
        """(dotted name, array) for every buffer, as named_parameters."""
        return self._named("buffers", prefix)

    def parameters(self) -> dict[str, np.ndarray]:
        """Every parameter, by dotted name as in PyTorch's named_parameters()."""
        return dict(self.named_parameters())

    def gradients(self) -> dict[str, np.ndarray]:
        """The gradient of every parameter, by the same names."""
        return dict(self._named("grads"))

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
