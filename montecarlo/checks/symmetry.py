"""Symmetries of a network and its gradients (seed 002): finite differences and GD runs.

Two linear maps B of a 4-5-3 ReLU net's parameters leave its loss unchanged: the swap of
hidden units 0 and 1 (a permutation: orthogonal, B^{−T} = B), and ReLU's rescaling of one unit
(incoming weights and bias times c, outgoing weights divided by c; B^{−T} ≠ B), the unit with
the largest gradient (a unit dead on the whole batch has none, and could not tell B from B^{−T}). Deterministic
runs (nothing counted). Bounds: a loss or gradient recomputed after B differs from the one
before only by the order of float sums, a few ε relative: ROUND = 1e-12 leaves a margin of
10⁴; a finite-difference check passes below finite_diff.RTOL = 1e-7; a wrong map (B in place
of B^{−T}) is off by O(1), so WRONG = 0.1. The batch is drawn clear of ReLU kinks: every hidden
pre-activation lies farther from 0 than a difference step can move it (about one batch in 100 is
not, and is replaced by the next draw); differences across a kink would compare a one-sided slope.
"""
from __future__ import annotations

import math

import numpy as np

import nets
from ..evidence import Evidence
from ..finite_diff import EPS, fd_evidence, gradient_error, relative_error
from .base import declare

ROUND = 1e-12
WRONG = 0.1
SCALE = 2.0  # a power of 2: scaling by it and back is exact in floating point
KINK_ATTEMPTS = 20  # batches tried for one clear of kinks; one in about 100 is not


def _net(rng, hidden=nets.ReLU):
    return nets.Sequential(nets.Linear(4, 5, rng=rng), hidden(), nets.Linear(5, 3, rng=rng))


def _swap(params: dict, c: float = 1.0) -> dict:
    """B: hidden units 0 and 1 exchanged; with c != 1 unit 0 receives c·(unit 1's incoming) and
    (unit 1's outgoing)/c, unit 1 receives (unit 0's incoming)/c and c·(unit 0's outgoing): an
    involution, orthogonal only for c = 1, that leaves a ReLU net unchanged for c > 0."""
    out = {k: v.copy() for k, v in params.items()}
    for key in ("0.weight", "0.bias"):
        out[key][0], out[key][1] = c * params[key][1], params[key][0] / c
    out["2.weight"][:, 0], out["2.weight"][:, 1] = params["2.weight"][:, 1] / c, c * params["2.weight"][:, 0]
    return out


def _rescale(params: dict, c: float, unit: int = 0) -> dict:
    """B: ``unit``'s incoming weights and bias times c, its outgoing weights divided by c."""
    out = {k: v.copy() for k, v in params.items()}
    out["0.weight"][unit] *= c
    out["0.bias"][unit] *= c
    out["2.weight"][:, unit] /= c
    return out


def _rescale_inverse_transpose(params: dict, c: float, unit: int = 0) -> dict:
    """B^{−T} of the rescaling (a diagonal B): incoming divided by c, outgoing times c."""
    return _rescale(params, 1.0 / c, unit)


def _liveliest_unit(gradient: dict) -> int:
    """The hidden unit whose incoming weights have the largest gradient. A unit that is dead on
    the whole batch has a zero gradient, and then B and B^{−T} give the same (zero) gradient:
    rescaling it could not tell them apart."""
    return int(np.argmax(np.linalg.norm(gradient["0.weight"], axis=1)))


def _loss_and_gradient(model, params, x, y):
    for k, v in model.parameters().items():
        v[...] = params[k]
    loss = nets.SoftmaxCrossEntropy()
    model.zero_grad()
    value = loss(model(x), y)
    model.backward(loss.backward())
    return value, {k: g.copy() for k, g in model.gradients().items()}


def _flat(d: dict) -> np.ndarray:
    return np.concatenate([v.ravel() for v in d.values()])


def _kink_margin(params: dict, x: np.ndarray) -> float:
    """min |pre-activation| of the hidden ReLUs over the batch: f is smooth within this distance."""
    return float(np.abs(x @ params["0.weight"].T + params["0.bias"]).min(initial=np.inf))


def _difference_reach(params: dict, x: np.ndarray) -> float:
    """A bound on how far a difference step moves a hidden pre-activation z = W x + b: finite_diff
    steps by at most h = ε^{1/3} max(1, |p|) along a direction of norm at most √(entries) (one
    coordinate in the full mode), so |Δz| ≤ h √(entries) ‖(x, 1)‖. Only layer 0 moves z."""
    biggest = max(1.0, float(np.abs(params["0.weight"]).max()), float(np.abs(params["0.bias"]).max()))
    entries = params["0.weight"].size
    return EPS ** (1 / 3) * biggest * math.sqrt(entries) * float(np.sqrt((x**2).sum(axis=1) + 1).max())


def _batch_clear_of_kinks(model, rng, attempts: int = KINK_ATTEMPTS):
    """A batch on which the ReLU net is differentiable within every difference step at w and at Bw
    (the claim is about gradients; a kink inside a step makes the differences meaningless). The
    rescaling by SCALE = 2 doubles one unit's pre-activations and parameters, so the margin at w is
    required to exceed the reach at parameters doubled. None when no batch of ``attempts`` is clear."""
    params = model.parameters()
    doubled = {k: SCALE * v for k, v in params.items()}
    for _ in range(attempts):
        x, y = nets.data.gaussian_blobs(32, 3, 4, rng=rng)
        if _kink_margin(params, x) > _difference_reach(doubled, x):
            return x, y
    return None


def _equivariance(derivation, rng, seed):
    model = _net(rng)
    batch = _batch_clear_of_kinks(model, rng)
    if batch is None:
        return [Evidence(derivation.id, "F", f"no batch of {KINK_ATTEMPTS} clear of ReLU kinks within a difference step",
                         False, undecided=True, seed=seed)]
    x, y = batch
    w = {k: v.copy() for k, v in model.parameters().items()}
    loss_w, grad_w = _loss_and_gradient(model, w, x, y)
    unit = _liveliest_unit(grad_w)  # rescaling a unit dead on the batch could not tell B from B^-T
    maps = {"swap of hidden units 0 and 1 (B^-T = B)": (lambda p: _swap(p), lambda p: _swap(p)),
            f"ReLU rescaling of hidden unit {unit} by c = {SCALE} (B^-T != B)":
                (lambda p: _rescale(p, SCALE, unit), lambda p: _rescale_inverse_transpose(p, SCALE, unit))}
    evidence = []
    for name, (apply, inverse_transpose) in maps.items():
        bw = apply(w)
        loss_bw, grad_bw = _loss_and_gradient(model, bw, x, y)
        invariance = abs(loss_bw - loss_w) / abs(loss_w)
        evidence.append(Evidence(derivation.id, "F", f"{name}: f(Bw) = f(w)", invariance <= ROUND,
                                 estimator="relative difference", estimate=invariance, threshold=ROUND, seed=seed))
        predicted = inverse_transpose(grad_w)
        error = relative_error(_flat(grad_bw), _flat(predicted))
        evidence.append(Evidence(derivation.id, "F", f"{name}: backprop at Bw equals B^-T grad f(w)", error <= ROUND,
                                 estimator="relative error", estimate=error, threshold=ROUND, seed=seed))
        for key in bw:  # central differences of f around Bw against B^-T grad f(w)
            point = {k: v.copy() for k, v in bw.items()}

            def f(point=point):
                for k, v in model.parameters().items():
                    v[...] = point[k]
                with nets.no_grad():
                    return nets.SoftmaxCrossEntropy()(model(x), y)

            fd = gradient_error(f, point[key], predicted[key], name=key, rng=rng)
            evidence.append(fd_evidence(derivation.id, f"{name}: differences of f at Bw against B^-T grad f(w), "
                                                       f"{key}", fd, seed))
        wrong = relative_error(_flat(grad_bw), _flat(apply(grad_w)))
        if "rescaling" in name:
            dead = not np.any(grad_w["0.weight"][unit])  # every unit dead on the batch: B, B^-T agree on 0
            evidence.append(Evidence(derivation.id, "F", f"{name}: B grad f(w) (B in place of B^-T) is wrong",
                                     wrong > WRONG, undecided=dead and not wrong > WRONG, estimator="relative error",
                                     estimate=wrong, threshold=WRONG, seed=seed,
                                     details={"note": "every hidden unit is dead on this batch: the rescaling "
                                                      "cannot tell B from B^-T"} if dead else {}))
    return evidence


declare("symmetry.gradient_equivariance", "F", run=_equivariance)


def _train(model, x, y, steps, lr=0.1, momentum=0.0):
    loss, opt = nets.SoftmaxCrossEntropy(), nets.optim.SGD(model, lr=lr, momentum=momentum)
    for _ in range(steps):
        opt.zero_grad()
        loss(model(x), y)
        model.backward(loss.backward())
        opt.step()
    return {k: v.copy() for k, v in model.parameters().items()}


def _set(model, params):
    for k, v in model.parameters().items():
        v[...] = params[k]


def _units_differ(params) -> float:
    """Largest difference between hidden units 0 and 1 (incoming weights, bias, outgoing weights)."""
    return max(float(np.abs(params["0.weight"][0] - params["0.weight"][1]).max()),
               abs(float(params["0.bias"][0] - params["0.bias"][1])),
               float(np.abs(params["2.weight"][:, 0] - params["2.weight"][:, 1]).max()))


def _gd_invariance(derivation, rng, seed, steps: int = 100):
    x, y = nets.data.gaussian_blobs(64, 3, 4, rng=rng)
    evidence = []
    model = _net(rng, nets.Tanh)
    for p in model.parameters().values():
        p[...] = 0.1
    trained = _train(model, x, y, steps, momentum=0.9)
    same = all(np.array_equal(trained["0.weight"][0], trained["0.weight"][k]) for k in range(5)) and all(
        np.array_equal(trained["2.weight"][:, 0], trained["2.weight"][:, k]) for k in range(5))
    evidence.append(Evidence(derivation.id, "N", f"constant init 0.1: all 5 hidden units bit-identical after {steps} "
                             "SGD steps (momentum 0.9)", same, estimator="max |unit k - unit 0|",
                             estimate=max(float(np.abs(trained["0.weight"] - trained["0.weight"][0]).max()),
                                          float(np.abs(trained["2.weight"] - trained["2.weight"][:, :1]).max())),
                             claimed=0.0, seed=seed))
    model = _net(rng, nets.Tanh)
    start = {k: v.copy() for k, v in model.parameters().items()}
    start["0.weight"][1], start["0.bias"][1] = start["0.weight"][0], start["0.bias"][0]
    start["2.weight"][:, 1] = start["2.weight"][:, 0]  # units 0 and 1 equal: B w0 = w0 for the swap
    fixed = _units_differ(start) == 0.0
    _set(model, start)
    trained = _train(model, x, y, steps)
    evidence.append(Evidence(derivation.id, "N", f"random init with units 0 and 1 tied (B w0 = w0): B w_t = w_t to the "
                             f"last bit for {steps} GD steps", fixed and _units_differ(trained) == 0.0,
                             estimator="max |unit 1 - unit 0|", estimate=_units_differ(trained), claimed=0.0, seed=seed))
    nudged = {k: v.copy() for k, v in start.items()}
    nudged["0.weight"][0] += 1e-8 * rng.standard_normal(4)
    _set(model, nudged)
    trained = _train(model, x, y, steps)
    spread = _units_differ(trained)
    evidence.append(Evidence(derivation.id, "N", "one random perturbation of 1e-8 breaks the tie: the units differ "
                             f"after {steps} steps", spread > 0.0, estimator="max |unit 1 - unit 0|", estimate=spread,
                             seed=seed))
    relu = _net(rng)
    w0 = {k: v.copy() for k, v in relu.parameters().items()}
    for c, orthogonal in ((1.0, True), (SCALE, False)):
        point = {k: v.copy() for k, v in w0.items()}
        point["0.weight"][1], point["0.bias"][1] = point["0.weight"][0] / c, point["0.bias"][0] / c
        point["2.weight"][:, 1] = c * point["2.weight"][:, 0]  # B w0 = w0
        invariant = all(np.array_equal(point[k], v) for k, v in _swap(point, c).items())
        _set(relu, point)
        w1 = _train(relu, x, y, 1)
        broken = relative_error(_flat(_swap(w1, c)), _flat(w1))
        if orthogonal:
            evidence.append(Evidence(derivation.id, "N", "ReLU net, swap B (orthogonal), B w0 = w0: B w1 = w1 exactly "
                                     "after one step", invariant and broken == 0.0, estimator="relative |B w1 - w1|",
                                     estimate=broken, claimed=0.0, seed=seed))
        else:
            evidence.append(Evidence(derivation.id, "N", f"ReLU net, swap with rescaling c = {c} (f(Bw) = f(w), "
                                     "B^-T != B), B w0 = w0: B w1 != w1 after one step", invariant and broken > WRONG
                                     * 1e-2, estimator="relative |B w1 - w1|", estimate=broken,
                                     threshold=WRONG * 1e-2, seed=seed))
    return evidence


declare("symmetry.gd_preserves_invariance", "N", run=_gd_invariance)
