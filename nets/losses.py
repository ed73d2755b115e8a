"""Losses: softmax cross-entropy (PyTorch's CrossEntropyLoss) and mean squared error.

A float target of the other float dtype is accepted as PyTorch accepts it (the loss is computed
in the wider dtype), and the gradient has the input's dtype, as torch's autograd gives; the mean
over an empty batch, which PyTorch answers with NaN, is a ValueError naming the input; the sum
over an empty batch is 0.
"""
from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

import numpy as np

from .module import Module, check_array

__all__ = ["SoftmaxCrossEntropy", "MSELoss", "log_softmax"]

_REDUCTIONS = ("mean", "sum")


def log_softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    """log softmax by the log-sum-exp trick: z − max z − log Σ exp(z − max z)."""
    shifted = logits - logits.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _reduction(value: str) -> str:
    if value not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, not {value!r}")
    return value


def _mean_scale(reduction: str, count: int, name: str) -> float:
    if reduction == "sum":
        return 1.0
    if count == 0:
        raise ValueError(f"{name} is empty: the mean over no elements is undefined (reduction='sum' gives 0)")
    return 1.0 / count


def _restore_scalar(loss: Module, grad_output) -> tuple:
    """The loss's most recent cache, and ``grad_output`` (a real number, the gradient of the scalar loss)."""
    if isinstance(grad_output, bool) or not isinstance(grad_output, (Real, np.ndarray)):
        raise TypeError(f"grad_output must be a real number, not {type(grad_output).__name__}")
    cache, grad_output = loss._restore(np.asarray(grad_output, dtype=np.float64))
    return cache, float(grad_output)


@dataclass
class _CECache:
    probabilities: np.ndarray
    targets: np.ndarray
    scale: float


class SoftmaxCrossEntropy(Module):
    """l = −Σ_j y_j log softmax(z)_j, averaged (or summed) over the batch.

    ``logits`` (N, C); ``target`` either class indices (N,) of an integer dtype (one-hot) or
    probabilities (N, C) whose rows sum to one (soft targets, as mixup makes).
    backward returns ∂l/∂z = (softmax(z) − y) / N for the mean.
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = _reduction(reduction)

    def forward(self, logits: np.ndarray, target: np.ndarray) -> float:
        logits = check_array(logits, "logits", min_ndim=2)
        if logits.ndim != 2 or logits.shape[1] == 0:
            raise ValueError(f"logits must have shape (N, C) with C >= 1 classes, not {logits.shape}")
        targets = self._targets(target, logits)
        scale = _mean_scale(self.reduction, logits.shape[0], "logits")
        log_p = log_softmax(logits)
        total = -(targets * log_p).sum()
        value = float(total * scale)
        self._save(_CECache(np.exp(log_p), targets, scale), value)
        return value

    @staticmethod
    def _targets(target, logits: np.ndarray) -> np.ndarray:
        if not isinstance(target, np.ndarray):
            raise TypeError(f"target must be a numpy.ndarray, not {type(target).__name__}")
        n, c = logits.shape
        if np.issubdtype(target.dtype, np.integer):
            if target.shape != (n,):
                raise ValueError(f"target of class indices must have shape ({n},), not {target.shape}")
            if n and (target.min() < 0 or target.max() >= c):
                raise ValueError(f"target class indices must lie in [0, {c}), got {target.min()}..{target.max()}")
            onehot = np.zeros_like(logits)
            onehot[np.arange(n), target] = 1
            return onehot
        target = check_array(target, "target", min_ndim=2)
        if target.shape != logits.shape:
            raise ValueError(f"soft target must have the logits' shape {logits.shape}, not {target.shape}")
        if np.any(target < 0) or not np.allclose(target.sum(axis=1), 1, rtol=0, atol=1e-6):
            raise ValueError("soft target rows must be probabilities (non-negative, summing to 1)")
        return target.astype(logits.dtype, copy=False)

    def backward(self, grad_output: float = 1.0) -> np.ndarray:
        cache, grad_output = _restore_scalar(self, grad_output)
        return (cache.probabilities - cache.targets) * (cache.scale * grad_output)


@dataclass
class _MSECache:
    difference: np.ndarray
    scale: float
    dtype: np.dtype


class MSELoss(Module):
    """l = mean (or sum) of (input − target)²; ∂l/∂input = 2 (input − target) / numel."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = _reduction(reduction)

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> float:
        prediction = check_array(prediction, "input", min_ndim=0)
        target = check_array(target, "target", min_ndim=0)
        if prediction.shape != target.shape:
            raise ValueError(f"target must have the input's shape {prediction.shape}, not {target.shape}")
        scale = _mean_scale(self.reduction, prediction.size, "input")
        difference = prediction - target
        value = float((difference**2).sum() * scale)
        self._save(_MSECache(difference, scale, prediction.dtype), value)
        return value

    def backward(self, grad_output: float = 1.0) -> np.ndarray:
        cache, grad_output = _restore_scalar(self, grad_output)
        gradient = 2 * cache.difference * (cache.scale * grad_output)
        return gradient.astype(cache.dtype, copy=False)  # the input's dtype, whatever the target's
