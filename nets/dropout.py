"""Inverted dropout, with PyTorch's parameter: ``p`` is the probability of DROPPING a unit.

Seed 004 (and seed 001) write p for the probability of KEEPING a unit; with keep = 1 − p the
layer computes, in training mode, y = x · m / keep with m ~ Bernoulli(keep) independently per
entry, so E[y] = x; in evaluation mode y = x (nothing to rescale at test time).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

import numpy as np

from .module import Module, check_array, default_generator

__all__ = ["Dropout"]


@dataclass
class _DropoutCache:
    scaled_mask: np.ndarray | None  # mask / keep in training mode, None in evaluation mode


class Dropout(Module):
    """y = x · m / (1 − p) in training mode (m ~ Bernoulli(1 − p) per entry), y = x in eval mode.

    ``p`` is PyTorch's drop probability in [0, 1] (seed 004's keep probability is 1 − p); p = 1
    drops every unit (y = 0, as PyTorch). ``generator`` is the numpy Generator the masks are drawn
    from (the package's default generator when None). Shapes: any; backward multiplies the upstream
    gradient by the same m / (1 − p) (identity in eval mode).
    """

    def __init__(self, p: float = 0.5, *, generator: np.random.Generator | None = None) -> None:
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, Real):
            raise TypeError(f"p must be a real number, not {type(p).__name__}")
        if not (math.isfinite(p) and 0.0 <= p <= 1.0):
            raise ValueError(f"p (the drop probability) must lie in [0, 1], not {p}")
        if generator is not None and not isinstance(generator, np.random.Generator):
            raise TypeError(f"generator must be a numpy.random.Generator, not {type(generator).__name__}")
        self.p = float(p)
        self.generator = generator

    @property
    def keep(self) -> float:
        """The keep probability 1 − p (seed 004's p)."""
        return 1.0 - self.p

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = check_array(x, "input", min_ndim=0)
        if not self.training or self.p == 0.0:
            self._save(_DropoutCache(None), x)
            return x.copy()
        rng = self.generator if self.generator is not None else default_generator()
        if self.p == 1.0:
            scaled = np.zeros_like(x)
        else:
            scaled = (rng.random(x.shape) >= self.p).astype(x.dtype) / x.dtype.type(self.keep)
        y = x * scaled
        self._save(_DropoutCache(scaled), y)
        return y

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        cache, grad_output = self._restore(grad_output)
        if cache.scaled_mask is None:
            return grad_output.copy()
        return grad_output * cache.scaled_mask

    def extra_repr(self) -> str:
        return f"p={self.p}"
