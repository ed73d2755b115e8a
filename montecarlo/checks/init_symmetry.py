"""Network runs for zero and constant initialisation and for the W = cI chain (seeds 001, 002).

These are deterministic runs; their verdicts compare exact outcomes (an output of exactly 1/2,
a gradient of exactly 0, a depth at which float arithmetic overflows) or bound rounding: a
product of L float64 factors carries a relative error of at most L·ε (first order).
"""
from __future__ import annotations

import numpy as np

import nets
from ..evidence import Evidence
from .base import declare, value_at

EPS64 = float(np.finfo(np.float64).eps)


def _three_layer(hidden, rng):
    return nets.Sequential(nets.Linear(3, 4, rng=rng), hidden(), nets.Linear(4, 4, rng=rng), hidden(),
                           nets.Linear(4, 1, rng=rng), nets.Sigmoid())


def _zero_init(derivation, rng, seed):
    model = _three_layer(nets.Sigmoid, rng)
    for p in model.parameters().values():
        p[...] = 0
    x = rng.standard_normal((32, 3))
    y = model(x)
    expected = value_at(derivation.target, derivation, {})
    loss = nets.MSELoss()
    loss(y, rng.uniform(0, 1, y.shape))
    model.zero_grad()
    model.backward(loss.backward())
    grads = model.gradients()
    hidden = max(float(np.abs(grads[k]).max()) for k in ("0.weight", "0.bias", "2.weight", "2.bias"))
    output = float(np.abs(grads["4.weight"]).max())
    return [
        Evidence(derivation.id, "N", "every output equals sigmoid(0) = 1/2 exactly", bool(np.all(y == expected)),
                 estimator="max |y - 1/2|", estimate=float(np.abs(y - expected).max()), claimed=0.0, seed=seed),
        Evidence(derivation.id, "N", "hidden weights and biases get exactly zero gradient", hidden == 0.0,
                 estimator="max |grad| over layers 0 and 2", estimate=hidden, claimed=0.0, seed=seed,
                 details={"note": f"output layer gradient max {output:.3g} (only it moves)"}),
    ]


declare("init.zero_init_symmetry", "N", run=_zero_init)


def _constant_init(derivation, rng, seed, steps: int = 200):
    x, labels = nets.data.gaussian_blobs(64, 3, 4, rng=rng)
    spreads = {}
    for name, constant in (("constant 0.1", True), ("random (PyTorch default)", False)):
        model = nets.Sequential(nets.Linear(4, 6, rng=rng), nets.Tanh(), nets.Linear(6, 6, rng=rng), nets.Tanh(),
                                nets.Linear(6, 3, rng=rng))
        if constant:
            for p in model.parameters().values():
                p[...] = 0.1
        loss, optimiser = nets.SoftmaxCrossEntropy(), nets.optim.SGD(model, lr=0.5, momentum=0.9)
        for _ in range(steps):
            optimiser.zero_grad()
            loss(model(x), labels)
            model.backward(loss.backward())
            optimiser.step()
        first, second = model[0].params["weight"], model[2].params["weight"]
        scale = max(np.abs(first).max(), np.abs(second).max())
        spreads[name] = max(np.abs(first - first[0]).max(), np.abs(second - second[:, :1]).max()) / scale
    bound = steps * EPS64
    return [
        Evidence(derivation.id, "N", f"constant init: hidden units identical after {steps} SGD steps",
                 bool(spreads["constant 0.1"] <= bound), estimator="relative spread of unit weights",
                 estimate=float(spreads["constant 0.1"]), threshold=bound, seed=seed,
                 details={"note": f"random init spread {spreads['random (PyTorch default)']:.3g}"}),
        Evidence(derivation.id, "N", "random init: the units differ", bool(spreads["random (PyTorch default)"] > 0.1),
                 estimator="relative spread of unit weights", estimate=float(spreads["random (PyTorch default)"]),
                 seed=seed, details={"note": f"spread {spreads['random (PyTorch default)']:.3g} > 0.1"}),
    ]


declare("init.constant_init_symmetry", "N", run=_constant_init)


def _first_depth(c: float, dtype, limit: int, test) -> int | None:
    """Depth at which a chain of Linear layers with weight cI first gives test(output) (input 1)."""
    layer = nets.Linear(1, 1, bias=False, dtype=dtype)
    layer.params["weight"][...] = c
    h = np.ones((1, 1), dtype=dtype)
    with np.errstate(over="ignore", under="ignore"):
        for depth in range(1, limit + 1):
            h = h @ layer.params["weight"].T
            if test(h):
                return depth
    return None


def _vanishing_chain(derivation, rng, seed):
    evidence = []
    for dtype in ("float32", "float64"):
        for c, kind, test in ((1.2, "overflow", lambda h: np.isinf(h).any()), (0.5, "underflow", lambda h: (h == 0).all())):
            expected = int(derivation.values[f"{kind}_{dtype}"])
            measured = _first_depth(c, np.dtype(dtype), expected + 10, test)
            evidence.append(Evidence(derivation.id, "N", f"{c}^L {kind}s {dtype} at L = {measured} (derived {expected})",
                                     measured == expected, estimator="first depth", estimate=measured,
                                     claimed=expected, seed=seed))
    depth, c = 30, 1.2
    chain = nets.Sequential(*[nets.Linear(2, 2, bias=False, rng=rng) for _ in range(depth)])
    for layer in chain:
        layer.params["weight"][...] = c * np.eye(2)
    x, g = rng.standard_normal((1, 2)), rng.standard_normal((1, 2))
    y = chain(x)
    chain.zero_grad()
    chain.backward(g)
    scale = value_at(derivation.values["gradient_first_layer"], derivation, {"c": c, "L": depth})
    predicted = scale * g.T @ x
    measured = chain[0].grads["weight"]
    error = float(np.abs(measured - predicted).max() / np.abs(predicted).max())
    output_error = float(np.abs(y - value_at(derivation.target, derivation, {"c": c, "L": depth}) * x).max()
                         / np.abs(y).max())
    bound = 2 * depth * EPS64
    evidence.append(Evidence(derivation.id, "N", f"L = {depth}: dl/dW^1 = c^(L-1) g x^T through nets backward",
                             error <= bound, estimator="relative error", estimate=error, threshold=bound, seed=seed))
    evidence.append(Evidence(derivation.id, "N", f"L = {depth}: y = c^L x through nets forward",
                             output_error <= bound, estimator="relative error", estimate=output_error, threshold=bound,
                             seed=seed))
    return evidence


declare("init.vanishing_chain", "N", run=_vanishing_chain)
