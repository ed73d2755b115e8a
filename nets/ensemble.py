"""An ensemble: the average of its members' outputs (seed 004 §3, prediction averaging)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .module import Module

__all__ = ["Ensemble"]


class Ensemble(Module):
    """y = (1/N) Σ_k member_k(x) over N members with outputs of one shape; backward sends
    grad_output / N to every member (each accumulates its own parameter gradients)."""

    def __init__(self, members: Sequence[Module]) -> None:
        super().__init__()
        members = list(members)
        if not members:
            raise ValueError("members must not be empty")
        for k, member in enumerate(members):
            if not isinstance(member, Module):
                raise TypeError(f"members[{k}] must be a Module, not {type(member).__name__}")
        self.members = members

    def children(self) -> dict[str, Module]:
        return {str(k): m for k, m in enumerate(self.members)}

    def forward(self, x: np.ndarray) -> np.ndarray:
        outputs = [member(x) for member in self.members]
        shapes = {o.shape for o in outputs}
        if len(shapes) != 1:
            raise ValueError(f"members' outputs differ in shape: {sorted(shapes)}")
        y = sum(outputs) / len(outputs)
        self._save(None, y)
        return y

    def member_outputs(self, x: np.ndarray) -> np.ndarray:
        """Every member's output, stacked (N, *output shape), without caches for backward."""
        from .module import no_grad

        with no_grad():
            return np.stack([member(x) for member in self.members])

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        _, grad_output = self._restore(grad_output)
        share = grad_output / len(self.members)
        return sum(member.backward(share) for member in self.members)

    def __len__(self) -> int:
        return len(self.members)
