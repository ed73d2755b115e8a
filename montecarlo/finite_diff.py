"""Finite-difference checks of analytic gradients, in float64.

Central differences (f(x + h e) − f(x − h e)) / 2h have truncation error h²|f'''|/6 and
round-off error about ε|f|/h; the step h = ε^{1/3}·max(1, |x|) balances the two, leaving a
relative error near ε^{2/3} ≈ 4e-11 for smooth functions. Where f varies on a scale much
finer than max(1, |x|) (batch norm over two nearly equal values: σ ≈ 0.03 against x ≈ 3) the
h² term alone reaches 10⁻⁶, so the numeric derivative is Richardson's extrapolation
(4 D(h/2) − D(h))/3 of D(h) = (f(x + h e) − f(x − h e))/2h: its truncation error is O(h⁴) and
its round-off at most 3ε|f|/h. A check passes when the floored
relative error ‖analytic − numeric‖∞ / max(‖analytic‖∞, ‖numeric‖∞, floor) is below
RTOL = 1e-7: three orders of magnitude above what a correct gradient attains, and five
below what a wrong one gives (a dropped term or factor is an O(1) relative error). The
floor is the gradient size below which differences cannot resolve RTOL: the round-off of
f, noise ≈ 8ε·Σ|terms of f|, gives the extrapolated derivative an error of at most 3·noise/h,
so the floor is 3·noise/(h·RTOL). A near-zero gradient is thus judged by its absolute error.

Two modes: the full gradient, one coordinate at a time (small tensors); and a directional
check, ∇f·u against (f(x + hu) − f(x − hu))/2h for random directions u scaled to unit RMS
(so every entry moves by about h), whose cost does not grow with the number of entries.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nets import Module, no_grad

from .evidence import Evidence

__all__ = ["RTOL", "FULL_LIMIT", "GradientError", "gradient_error", "check_module", "check_loss", "fd_evidence",
           "relative_error", "roundoff_noise"]

EPS = np.finfo(np.float64).eps
RTOL = 1e-7
FLOOR = 1e-12
FULL_LIMIT = 512  # entries up to which the full gradient is compared
DIRECTIONS = 8
ROUNDOFF_GAIN = 3  # (4·2 + 1)/3: the round-off of (4 D(h/2) − D(h))/3 in units of noise/h


@dataclass(frozen=True)
class GradientError:
    """The floored relative error of one gradient, and how it was measured."""

    name: str
    relative_error: float
    mode: str
    evaluations: int
    floor: float = FLOOR

    @property
    def passed(self) -> bool:
        return self.relative_error <= RTOL


def relative_error(a: np.ndarray, b: np.ndarray, floor: float = FLOOR) -> float:
    """‖a − b‖∞ / max(‖a‖∞, ‖b‖∞, floor)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = max(np.abs(a).max(initial=0.0), np.abs(b).max(initial=0.0), floor)
    return float(np.abs(a - b).max(initial=0.0) / scale)


def _extrapolated(f: Callable[[], float], move: Callable[[float], None], h: float) -> float:
    """(4 D(h/2) − D(h))/3, D(t) = (f(x + t u) − f(x − t u))/2t, where ``move(t)`` sets the point to x + t u."""
    differences = []
    for t in (h, h / 2):
        move(t)
        plus = f()
        move(-t)
        minus = f()
        differences.append((plus - minus) / (2 * t))
    return (4 * differences[1] - differences[0]) / 3


def _move(flat: np.ndarray, original: np.ndarray, t: float, u: np.ndarray) -> None:
    """flat ← original + t·u in place: the same rounding as the expression, without its two temporaries."""
    np.multiply(u, t, out=flat)
    flat += original


def gradient_error(f: Callable[[], float], x: np.ndarray, analytic: np.ndarray, *, name: str = "x",
                   rng: np.random.Generator, full: bool | None = None, noise: float = 0.0) -> GradientError:
    """Compare ``analytic`` = ∂f/∂x with central differences of ``f`` perturbing ``x`` in place.

    ``f`` reads ``x`` (and whatever else it closes over); ``x`` is restored afterwards.
    ``noise`` is the absolute round-off of one evaluation of ``f`` (it sets the floor).
    """
    if x.dtype != np.float64:
        raise TypeError(f"{name} must be float64 for a finite-difference check, not {x.dtype}")
    if analytic.shape != x.shape:
        raise ValueError(f"the analytic gradient of {name} has shape {analytic.shape}, expected {x.shape}")
    full = x.size <= FULL_LIMIT if full is None else full
    flat = x.reshape(-1)
    if full:
        numeric = np.empty(x.size)
        for k in range(x.size):
            original = flat[k]
            h = EPS ** (1 / 3) * max(1.0, abs(original))
            numeric[k] = _extrapolated(f, lambda t: flat.__setitem__(k, original + t), h)
            flat[k] = original
        floor = max(FLOOR, ROUNDOFF_GAIN * noise / (EPS ** (1 / 3) * RTOL))
        return GradientError(name, relative_error(analytic.reshape(-1), numeric, floor), "full", 4 * x.size, floor)
    original = flat.copy()
    h = EPS ** (1 / 3) * max(1.0, float(np.sqrt(np.mean(original**2))))
    floor = max(FLOOR, ROUNDOFF_GAIN * noise / (h * RTOL))
    analytic_dirs, numeric_dirs = [], []
    for _ in range(DIRECTIONS):
        u = rng.standard_normal(x.size)
        u *= np.sqrt(x.size) / np.linalg.norm(u)  # every entry moves by about h
        numeric_dirs.append(_extrapolated(f, lambda t: _move(flat, original, t, u), h))
        flat[:] = original
        analytic_dirs.append(float(analytic.reshape(-1) @ u))
    return GradientError(name, relative_error(np.array(analytic_dirs), np.array(numeric_dirs), floor), "directional",
                         4 * DIRECTIONS, floor)


def check_module(module: Module, x: np.ndarray, *, rng: np.random.Generator,
                 full: bool | None = None) -> list[GradientError]:
    """Check ``module.backward`` for the input and every parameter, on f = ⟨v, module(x)⟩ with v
    standard normal. Returns one GradientError per tensor ("input", then parameter names)."""
    x = np.array(x, dtype=np.float64)
    with no_grad():
        y = module.forward(x)
    v = rng.standard_normal(y.shape)
    noise = 8 * EPS * float(np.sum(np.abs(v * y)))

    def f() -> float:
        with no_grad():
            return float(np.sum(v * module.forward(x)))

    module.zero_grad()
    module.forward(x)
    grad_input = module.backward(v)
    grads = {name: g.copy() for name, g in module.gradients().items()}
    errors = [gradient_error(f, x, grad_input, name="input", rng=rng, full=full, noise=noise)]
    for name, param in module.parameters().items():
        errors.append(gradient_error(f, param, grads[name], name=name, rng=rng, full=full, noise=noise))
    return errors


def roundoff_noise(value: float) -> float:
    """The round-off of one evaluation of a function whose value is ``value``, 8ε·max(|value|, 1), for
    ``gradient_error(noise=...)`` where f is not a sum of much larger cancelling terms. A derivative
    far below f itself (a difference of two nearly equal losses) is then judged by its absolute error."""
    return 8 * EPS * max(abs(float(value)), 1.0)


def check_loss(loss: Module, x: np.ndarray, target: np.ndarray, *, rng: np.random.Generator,
               full: bool | None = None) -> GradientError:
    """Check the backward of a loss module (forward(input, target) → float) for its input."""
    x = np.array(x, dtype=np.float64)
    value = loss.forward(x, target)
    analytic = loss.backward(1.0)
    noise = roundoff_noise(value)

    def f() -> float:
        with no_grad():
            return loss.forward(x, target)

    return gradient_error(f, x, analytic, name="input", rng=rng, full=full, noise=noise)


def fd_evidence(claim_id: str, label: str, error: GradientError, seed: int) -> Evidence:
    """The Evidence of one finite-difference comparison (kind F)."""
    return Evidence(claim_id, "F", f"{label} ({error.mode}, {error.evaluations} evaluations)", error.passed,
                    estimator="floored relative error", estimate=error.relative_error, threshold=RTOL, seed=seed,
                    details={"floor": error.floor})
