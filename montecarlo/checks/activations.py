"""Checks of the ReLU example, leaky ReLU and ELU, and softmax cross-entropy (seeds 001, 004)."""
from __future__ import annotations

import numpy as np
import sympy as sp

import nets
from ..evidence import Evidence
from ..finite_diff import RTOL, check_loss, check_module, fd_evidence
from .base import declare


def _as_array(matrix: sp.Matrix) -> np.ndarray:
    return np.array(matrix.tolist(), dtype=np.float64)


def _relu_example(derivation, rng, seed):
    from derivations.activations import SEED_004_DY, SEED_004_X

    layer = nets.ReLU()
    y = layer(_as_array(SEED_004_X))
    dx = layer.backward(_as_array(SEED_004_DY))
    return [Evidence(derivation.id, "N", f"nets.ReLU {name} equals the exact derivation entry by entry",
                     bool(np.array_equal(measured, _as_array(derivation.values[name]))),
                     estimator="max |difference|",
                     estimate=float(np.abs(measured - _as_array(derivation.values[name])).max()), claimed=0.0,
                     seed=seed)
            for name, measured in (("y", y), ("dx", dx))]


declare("relu.forward_backward_example", "N", run=_relu_example)


def _away_from_zero(rng, shape, gap=0.05):
    x = rng.standard_normal(shape)
    return x + np.sign(x) * gap


def _relatives(derivation, rng, seed):
    evidence = []
    x_symbol = sp.Symbol("x", real=True)
    for layer, name, params in ((nets.LeakyReLU(0.1), "leaky_relu", {"s": 0.1}), (nets.ELU(1.3), "elu", {"alpha": 1.3})):
        for shape in ((5, 7), (64, 300)):
            (error,) = check_module(layer, _away_from_zero(rng, shape), rng=rng)
            evidence.append(fd_evidence(derivation.id, f"{type(layer).__name__} backward vs differences, {shape}",
                                         error, seed))
        derivative = derivation.values[f"{name}_derivative"]
        derivative = derivative.subs({s: params[s.name] for s in derivative.free_symbols if s.name in params})
        formula = sp.lambdify(x_symbol, derivative, "numpy")
        x = _away_from_zero(rng, (50,))
        layer(x)
        measured = layer.backward(np.ones_like(x))
        expected = np.array([float(formula(v)) for v in x])
        relative = float(np.abs(measured - expected).max() / np.abs(expected).max())
        evidence.append(Evidence(derivation.id, "F", f"{type(layer).__name__} backward vs the derived derivative",
                                 relative <= RTOL, estimator="floored relative error", estimate=relative,
                                 threshold=RTOL, seed=seed))
    return evidence


declare("activations.relatives", "F", run=_relatives)


def _softmax_ce(derivation, rng, seed):
    loss = nets.SoftmaxCrossEntropy()
    evidence = []
    logits = rng.standard_normal((6, 5)) * 3
    hard = rng.integers(0, 5, 6)
    soft = rng.dirichlet(np.ones(5), 6)
    for label, target in (("class-index targets", hard), ("soft targets", soft)):
        error = check_loss(loss, logits, target, rng=rng)
        evidence.append(fd_evidence(derivation.id, f"SoftmaxCrossEntropy, {label}", error, seed))
    z = rng.standard_normal(3)
    y = rng.dirichlet(np.ones(3))
    point = {f"z{k + 1}": z[k] for k in range(3)} | {f"y{k + 1}": y[k] for k in range(2)}
    by_name = {s.name: s for s in derivation.symbols}
    derived = np.array([float(entry.subs({by_name[k]: v for k, v in point.items()})) for entry in derivation.target])
    loss(z[None, :], y[None, :])
    measured = loss.backward()[0]
    relative = float(np.abs(measured - derived).max() / np.abs(derived).max())
    evidence.append(Evidence(derivation.id, "F", "nets backward equals the derived softmax(z) - y",
                             relative <= RTOL, estimator="floored relative error", estimate=relative, threshold=RTOL,
                             seed=seed, point=point))
    return evidence


declare("loss.softmax_ce_gradient", "F", run=_softmax_ce)
