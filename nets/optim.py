"""Stochastic gradient descent: PyTorch's SGD, and momentum on the data gradient only.

PyTorch passes parameters that carry their own ``.grad``; here a Module carries both, so an
optimiser takes the module and reads ``parameters()`` and ``gradients()`` by name. The
hyper-parameters are plain attributes (``lr``, ``momentum``, ...) that may be changed between
steps, as PyTorch's ``param_groups`` entries may (a learning-rate schedule).
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from .module import Module

__all__ = ["SGD", "DataMomentumSGD", "CONVENTIONS"]

#: Momentum conventions of DataMomentumSGD: PyTorch's undamped buffer and the exponential average.
CONVENTIONS = ("pytorch", "average")


def _rate(name: str, value, *, below_one: bool = False) -> float:
    """A finite non-negative hyper-parameter (below 1 with ``below_one``), as float."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, not {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite non-negative number, not {value}")
    if below_one and value >= 1:
        raise ValueError(f"{name} must be below 1 (the buffer would not forget: the iterates diverge), not {value}")
    return value


def _module(module) -> Module:
    if not isinstance(module, Module):
        raise TypeError(f"module must be a nets.Module, not {type(module).__name__}")
    return module


class SGD:
    """θ ← θ − lr · d, with, as torch.optim.SGD:

    g = ∇θ + weight_decay·θ (L2 inside the gradient);
    b = g at the first step, else momentum·b + (1 − dampening)·g;
    d = g + momentum·b with nesterov, else b (d = g without momentum).

    A buffer set in ``momentum_buffer[name]`` before the first step is used as PyTorch uses a
    ``momentum_buffer`` in its state: the first step is then b = momentum·b + (1 − dampening)·g.
    Unlike PyTorch, momentum ≥ 1 (a buffer that never forgets) and dampening outside [0, 1] are refused.
    """

    def __init__(self, module: Module, lr: float, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False) -> None:
        self.module = _module(module)
        self.lr = _rate("lr", lr)
        self.momentum = _rate("momentum", momentum, below_one=True)
        self.dampening = _rate("dampening", dampening)
        if self.dampening > 1:
            raise ValueError(f"dampening must lie in [0, 1], not {self.dampening}")
        self.weight_decay = _rate("weight_decay", weight_decay)
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be a bool, not {type(nesterov).__name__}")
        if nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError("nesterov momentum requires a momentum > 0 and zero dampening "
                             f"(momentum={self.momentum}, dampening={self.dampening})")
        self.nesterov = nesterov
        self.momentum_buffer: dict[str, np.ndarray] = {}

    def zero_grad(self) -> None:
        self.module.zero_grad()

    def step(self) -> None:
        grads = self.module.gradients()
        for name, param in self.module.parameters().items():
            d = grads[name]
            if self.weight_decay:
                d = d + self.weight_decay * param
            if self.momentum:
                buffer = self.momentum_buffer.get(name)
                if buffer is None:
                    buffer = self.momentum_buffer[name] = d.copy()
                else:
                    buffer *= self.momentum
                    buffer += (1 - self.dampening) * d
                d = d + self.momentum * buffer if self.nesterov else buffer
            param -= self.lr * d


class DataMomentumSGD:
    """Momentum on the stochastic data gradient g only; the regulariser's exact gradient outside it.

    Seed 000, Assignment 3: for L(θ) + (λ/2)‖θ‖² with a stochastic estimate g of ∇L, the
    regulariser's gradient g_r = λθ is known exactly, so only g is averaged:

    v ← momentum·v + g              (``convention="pytorch"``, PyTorch's undamped buffer), or
    v ← momentum·v + (1 − momentum)·g (``convention="average"``, the exponential average);
    θ ← θ − lr·(v + weight_decay·θ)   (weight_decay is λ).

    ``buffer_start`` is v before the first step: a number (every entry; 0 by default), a mapping
    name -> array, or "first_gradient" (PyTorch's choice: v = g at the first step).
    """

    def __init__(self, module: Module, lr: float, momentum: float, weight_decay: float = 0.0, *,
                 convention: str = "pytorch", buffer_start=0.0) -> None:
        self.module = _module(module)
        self.lr = _rate("lr", lr)
        self.momentum = _rate("momentum", momentum, below_one=True)
        self.weight_decay = _rate("weight_decay", weight_decay)
        if convention not in CONVENTIONS:
            raise ValueError(f"convention must be one of {CONVENTIONS}, not {convention!r}")
        self.convention = convention
        self.momentum_buffer: dict[str, np.ndarray] = {}
        self._first_gradient = False
        params = self.module.parameters()
        if isinstance(buffer_start, str):
            if buffer_start != "first_gradient":
                raise ValueError(f"buffer_start must be a number, a mapping or 'first_gradient', not {buffer_start!r}")
            self._first_gradient = True
        elif isinstance(buffer_start, Mapping):
            if set(buffer_start) != set(params):
                raise ValueError(f"buffer_start must name every parameter {sorted(params)}, not {sorted(buffer_start)}")
            for name, value in buffer_start.items():
                value = np.array(value, dtype=params[name].dtype)
                if value.shape != params[name].shape or not np.all(np.isfinite(value)):
                    raise ValueError(f"buffer_start[{name!r}] must be finite with shape {params[name].shape}")
                self.momentum_buffer[name] = value
        else:
            start = _real("buffer_start", buffer_start)
            self.momentum_buffer = {name: np.full_like(p, start) for name, p in params.items()}

    def zero_grad(self) -> None:
        self.module.zero_grad()

    def step(self) -> None:
        grads = self.module.gradients()
        damping = 1.0 if self.convention == "pytorch" else 1.0 - self.momentum
        for name, param in self.module.parameters().items():
            g = grads[name]
            buffer = self.momentum_buffer.get(name)
            if buffer is None:
                buffer = self.momentum_buffer[name] = g.copy()
            else:
                buffer *= self.momentum
                buffer += damping * g
            param -= self.lr * (buffer + self.weight_decay * param)


def _real(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, not {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, not {value}")
    return float(value)
