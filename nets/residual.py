"""The residual (skip) connection around a body module."""
from __future__ import annotations

import numpy as np

from .module import Module, check_array

__all__ = ["Residual"]


class Residual(Module):
    """y = x + body(x), the body's output of the input's shape (He et al., 2016, seed 002).

    backward(∂l/∂y) = ∂l/∂y + body.backward(∂l/∂y): the skip path carries the upstream
    gradient unchanged, the body adds its own. Each forward pushes one entry on the stack
    (and the body's own), so a Residual called k times takes k backward calls.
    """

    def __init__(self, body: Module) -> None:
        super().__init__()
        if not isinstance(body, Module):
            raise TypeError(f"body must be a nets.Module, not {type(body).__name__}")
        self.body = body

    def children(self) -> dict[str, Module]:
        return {"body": self.body}

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = check_array(x, "input")
        out = self.body(x)
        if out.shape != x.shape:
            raise ValueError(f"body must keep the input's shape for a residual connection: input {x.shape}, "
                             f"body output {out.shape}")
        y = x + out
        self._save(None, y)
        return y

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        _, grad_output = self._restore(grad_output)
        return grad_output + self.body.backward(grad_output)

    def extra_repr(self) -> str:
        return repr(self.body)
