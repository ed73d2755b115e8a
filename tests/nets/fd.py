"""Central finite differences in float64, for the nets tests.

∂f/∂x_k ≈ (f(x + h e_k) − f(x − h e_k)) / 2h with h = ε^{1/3}·max(1, |x_k|): truncation
h²|f'''|/6 and round-off ε|f|/h balance there, leaving a relative error near ε^{2/3} ≈ 4e-11
on smooth functions, so a correct analytic gradient agrees to RTOL = 1e-7 and a wrong one
(a dropped term, a missing call's contribution) misses by orders of magnitude more.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

RTOL = 1e-7
_EPS = np.finfo(np.float64).eps


def numeric_gradient(f: Callable[[], float], x: np.ndarray) -> np.ndarray:
    """∂f/∂x by central differences, perturbing the float64 array ``x`` in place (restored after)."""
    if x.dtype != np.float64:
        raise TypeError(f"x must be float64 for finite differences, not {x.dtype}")
    grad = np.empty_like(x)
    flat, out = x.reshape(-1), grad.reshape(-1)
    for k in range(flat.size):
        original = flat[k]
        h = _EPS ** (1 / 3) * max(1.0, abs(original))
        flat[k] = original + h
        plus = f()
        flat[k] = original - h
        minus = f()
        flat[k] = original
        out[k] = (plus - minus) / (2 * h)
    return grad


def relative_error(analytic: np.ndarray, numeric: np.ndarray, floor: float = 1e-8) -> float:
    """‖analytic − numeric‖∞ / max(‖analytic‖∞, ‖numeric‖∞, floor)."""
    scale = max(np.abs(analytic).max(initial=0.0), np.abs(numeric).max(initial=0.0), floor)
    return float(np.abs(analytic - numeric).max(initial=0.0) / scale)


def assert_matches(analytic: np.ndarray, f: Callable[[], float], x: np.ndarray, name: str) -> None:
    """Assert the analytic gradient of f with respect to x agrees with central differences to RTOL."""
    numeric = numeric_gradient(f, x)
    assert analytic.shape == x.shape, f"{name}: gradient shape {analytic.shape}, expected {x.shape}"
    error = relative_error(analytic, numeric)
    assert error < RTOL, f"{name}: relative error {error:.2e} against finite differences"
