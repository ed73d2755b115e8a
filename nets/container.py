"""Sequential composition."""
from __future__ import annotations

import numpy as np

from .module import Module

__all__ = ["Sequential"]


class Sequential(Module):
    """Applies its modules in order; back-propagates through them in reverse.

    Each forward (in grad mode) pushes one entry on every module's stack, so a Sequential
    called k times before backward takes k backward calls, like any module.
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        for k, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(f"modules[{k}] must be a Module, not {type(module).__name__}")
        self.modules = list(modules)

    def children(self) -> dict[str, Module]:
        return {str(k): m for k, m in enumerate(self.modules)}

    def forward(self, x: np.ndarray) -> np.ndarray:
        for module in self.modules:
            x = module(x)
        self._save(None, x)
        return x

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        _, grad_output = self._restore(grad_output)
        for module in reversed(self.modules):
            grad_output = module.backward(grad_output)
        return grad_output

    def __getitem__(self, index: int) -> Module:
        return self.modules[index]

    def __len__(self) -> int:
        return len(self.modules)

    def __iter__(self):
        return iter(self.modules)

    def __repr__(self) -> str:
        inner = "\n".join(f"  ({k}): {m!r}" for k, m in enumerate(self.modules))
        return f"Sequential(\n{inner}\n)"
