"""Mixup sampling (seed 000, Assignment 4) and a small softmax classifier on synthetic data.

Mixup draws two examples (x₁, y₁), (x₂, y₂) from the data and λ ~ Be(α, α), and forms
x̃_λ = λx₁ + (1 − λ)x₂ and ỹ_λ = λy₁ + (1 − λ)y₂ (y one-hot).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from .activations import Tanh
from .container import Sequential
from .linear import Linear
from .losses import log_softmax
from .module import check_array, no_grad

__all__ = ["MixupBatch", "mixup_pairs", "one_hot", "softmax_classifier", "fit_classifier", "per_example_loss"]


@dataclass(frozen=True)
class MixupBatch:
    """``first``, ``second``: indices (n,) of the two examples; ``lam``: λ (n,); ``inputs`` x̃ (n, d);
    ``targets`` ỹ (n, C)."""

    first: np.ndarray
    second: np.ndarray
    lam: np.ndarray
    inputs: np.ndarray
    targets: np.ndarray


def _positive(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, not {type(value).__name__}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be positive and finite, not {value}")
    return float(value)


def _count(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be positive, not {value}")
    return int(value)


def one_hot(labels: np.ndarray, classes: int, dtype=np.float64) -> np.ndarray:
    """Rows e_{labels[i]} of the identity (n, classes)."""
    classes = _count("classes", classes)
    if not isinstance(labels, np.ndarray) or not np.issubdtype(labels.dtype, np.integer) or labels.ndim != 1:
        raise TypeError("labels must be a 1-d integer numpy.ndarray")
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f"labels must lie in [0, {classes})")
    return np.eye(classes, dtype=dtype)[labels]


def mixup_pairs(inputs: np.ndarray, targets: np.ndarray, size: int, alpha: float, *,
                rng: np.random.Generator) -> MixupBatch:
    """``size`` mixup examples: both examples drawn uniformly (with replacement) from the rows of
    ``inputs`` (n, d) and ``targets`` (n, C), independently, and λ ~ Be(alpha, alpha)."""
    inputs = check_array(inputs, "inputs", min_ndim=2)
    targets = check_array(targets, "targets", min_ndim=2)
    if targets.shape[0] != inputs.shape[0]:
        raise ValueError(f"targets has {targets.shape[0]} rows, inputs {inputs.shape[0]}")
    if inputs.shape[0] == 0:
        raise ValueError("inputs has no rows to mix")
    size, alpha = _count("size", size), _positive("alpha", alpha)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, not {type(rng).__name__}")
    n = inputs.shape[0]
    first, second = rng.integers(0, n, size), rng.integers(0, n, size)
    lam = rng.beta(alpha, alpha, size)
    column = lam[:, None]
    return MixupBatch(first, second, lam, column * inputs[first] + (1 - column) * inputs[second],
                      column * targets[first] + (1 - column) * targets[second])


def softmax_classifier(features: int, classes: int, hidden: int = 16, *, rng: np.random.Generator) -> Sequential:
    """Linear(features, hidden) → Tanh → Linear(hidden, classes): logits for a softmax."""
    return Sequential(Linear(_count("features", features), _count("hidden", hidden), rng=rng), Tanh(),
                      Linear(hidden, _count("classes", classes), rng=rng))


def per_example_loss(model: Sequential, inputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """l(x_i, y_i) = −Σ_c y_ic log softmax(model(x_i))_c for each row (targets may be soft), no cache."""
    with no_grad():
        logits = model(inputs)
    return -(targets * log_softmax(logits)).sum(axis=1)


def fit_classifier(model: Sequential, inputs: np.ndarray, targets: np.ndarray, *, steps: int = 200,
                   lr: float = 0.5) -> Sequential:
    """Full-batch gradient descent on the mean softmax cross-entropy (soft targets allowed)."""
    from .losses import SoftmaxCrossEntropy

    steps, lr = _count("steps", steps), _positive("lr", lr)
    loss = SoftmaxCrossEntropy()
    for _ in range(steps):
        model.zero_grad()
        loss(model(inputs), targets)
        model.backward(loss.backward())
        for name, value in model.parameters().items():
            value -= lr * model.gradients()[name]
    return model
