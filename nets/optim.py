"""Stochastic gradient descent with PyTorch's SGD semantics.

PyTorch passes parameters that carry their own ``.grad``; here a Module carries both, so the
optimiser takes the module and reads ``parameters()`` and ``gradients()`` by name.
"""
from __future__ import annotations

import numpy as np

from .module import Module

__all__ = ["SGD"]


class SGD:
    """θ ← θ − lr · d, with, as torch.optim.SGD:

    g = ∇θ + weight_decay·θ (L2 inside the gradient);
    b = g at the first step, else momentum·b + (1 − dampening)·g;
    d = g + momentum·b with nesterov, else b (d = g without momentum).
    """

    def __init__(self, module: Module, lr: float, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False) -> None:
        if not isinstance(module, Module):
            raise TypeError(f"module must be a nets.Module, not {type(module).__name__}")
        for name, value in (("lr", lr), ("momentum", momentum), ("weight_decay", weight_decay)):
            if not (np.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a non-negative number, not {value}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        self.module = module
        self.lr, self.momentum, self.dampening = float(lr), float(momentum), float(dampening)
        self.weight_decay, self.nesterov = float(weight_decay), bool(nesterov)
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
