"""Small synthetic data sets made in code (no downloads)."""
from __future__ import annotations

import numbers

import numpy as np

__all__ = ["gaussian_blobs"]


def gaussian_blobs(n: int, classes: int, features: int, *, rng: np.random.Generator,
                   separation: float = 3.0, dtype=np.float64) -> tuple[np.ndarray, np.ndarray]:
    """n points in ``classes`` Gaussian clusters with unit covariance and centres drawn at
    distance ``separation`` scale; returns inputs (n, features) and integer labels (n,)."""
    for name, value in (("n", n), ("classes", classes), ("features", features)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be an int, not {type(value).__name__}")
        if value <= 0:
            raise ValueError(f"{name} must be positive, not {value}")
    centres = rng.normal(0, separation / np.sqrt(features), (classes, features))
    labels = rng.integers(0, classes, n)
    inputs = centres[labels] + rng.normal(0, 1, (n, features))
    return inputs.astype(dtype), labels
