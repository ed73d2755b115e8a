"""SGD with L2 and momentum on the data gradient only: finite differences and optimiser runs (seeds 001, 000 A3).

Deterministic runs (nothing counted). Two optimisers fed the same noise sequence agree to
round-off when their recurrences are the same: every step adds a rounding error of a few ε·|θ|
that the (contracting) dynamics carry along without growth, so over 1000 steps the relative
gap stays near 1e-14; AGREE = 1e-12 leaves a margin of 100 and is eight orders below the
naive mapping's drift. A measured gap is judged against its derived formula at GAP_RTOL =
1e-8 of the gap's size: the gap is a difference of two O(1) trajectories, so its round-off
is about 1000 steps · ε relative to θ, i.e. 1e-13/|gap| ≈ 1e-10 for a gap of 1e-3.
"""
from __future__ import annotations

import math

import numpy as np
import sympy as sp

import nets
from derivations.optim import characteristic_polynomial
from ..evidence import Evidence
from ..finite_diff import fd_evidence, gradient_error
from .base import declare, value_at

AGREE = 1e-12
GAP_RTOL = 1e-8
DRIFT = 1e-4  # a wrong mapping's relative gap after 1000 steps is far above this (measured 1e-2 .. 1)
STEPS = 1000
POINT = {"lr": 0.05, "momentum": 0.9, "lam": 0.1}


def _function(expr, names):
    symbols = sorted(sp.sympify(expr).free_symbols, key=lambda s: s.name)
    unknown = [s.name for s in symbols if s.name not in names]
    if unknown:
        raise ValueError(f"{sp.sstr(expr)} depends on {unknown}, not only on {names}")
    by_name = {s.name: s for s in symbols}
    return sp.lambdify([by_name.get(n, sp.Symbol(n)) for n in names], expr, "numpy")


# ---- optim.l2_gradient: F ---------------------------------------------------------------------------------

def _small_net(rng):
    return nets.Sequential(nets.Linear(4, 6, rng=rng), nets.Tanh(), nets.Linear(6, 2, rng=rng))


def _l2_errors(derivation, expr, key, rng, seed, label):
    """Central differences of loss + regulariser against nets' backward plus the formula ``expr``
    (2·alpha·w for seed 001's alpha||w||², lam·theta for seed 000's (lam/2)||theta||²)."""
    coefficient, variable = ("alpha", "w") if key == "seed_001" else ("lam", "theta")
    strength = 0.3
    regulariser = _function(expr, [coefficient, variable])
    model, loss = _small_net(rng), nets.MSELoss()
    x, y = rng.standard_normal((16, 4)), rng.standard_normal((16, 2))
    scale = 1.0 if key == "seed_001" else 0.5

    def objective() -> float:
        with nets.no_grad():
            value = loss(model(x), y)
        return value + scale * strength * sum(float(np.sum(p * p)) for p in model.parameters().values())

    model.zero_grad()
    loss(model(x), y)
    model.backward(loss.backward())
    evidence = []
    for name, param in model.parameters().items():
        analytic = model.gradients()[name] + np.broadcast_to(regulariser(strength, param), param.shape)
        error = gradient_error(objective, param, analytic, name=name, rng=rng)
        evidence.append(fd_evidence(derivation.id, f"{label}: {name}", error, seed))
    return evidence


def _l2_finite_differences(derivation, rng, seed):
    return (_l2_errors(derivation, derivation.values["seed_001"], "seed_001", rng, seed,
                       "seed 001: grad(loss + alpha||w||^2) = backprop + 2 alpha w")
            + _l2_errors(derivation, derivation.values["seed_000"], "seed_000", rng, seed,
                         "seed 000: grad(L + (lam/2)||theta||^2) = backprop + lam theta"))


def _l2_judge(derivation, candidate, rng, seed):
    return _l2_errors(derivation, candidate, "seed_001", rng, seed, "candidate as the regulariser's gradient")


declare("optim.l2_gradient", "F", run=_l2_finite_differences, judge=_l2_judge)


# ---- the noisy quadratic: L(theta) = sum_i h_i theta_i^2 / 2, g_t = h theta_t + sigma xi_t -----------------

class _Parameter(nets.Module):
    """A bare parameter vector for the optimisers: the quadratic's theta."""

    def __init__(self, theta: np.ndarray) -> None:
        super().__init__()
        self.register_parameter("theta", np.array(theta, dtype=np.float64))

    def forward(self, x):
        return x

    def backward(self, grad_output):
        return grad_output


def _quadratic(rng, dim=20):
    return np.geomspace(0.1, 2.0, dim), rng.standard_normal(dim), rng.standard_normal((STEPS, dim))


def _run_quadratic(optimiser, holder, curvature, noise, schedule=None):
    """θ_t for t = 0..STEPS; ``schedule(t, optimiser)`` sets the step's hyper-parameters."""
    theta = holder.params["theta"]
    path = [theta.copy()]
    for step, xi in enumerate(noise):
        if schedule is not None:
            schedule(step, optimiser)
        holder.grads["theta"][...] = curvature * theta + xi
        optimiser.step()
        path.append(theta.copy())
    return np.array(path)


def _relative_gap(a, b):
    return float(np.abs(a - b).max() / np.abs(a).max())


def _settings(derivation, convention, point=POINT, candidate=None):
    prefix = "" if convention == "pytorch" else "average_"
    if candidate is not None and convention == "pytorch":
        mapped = [value_at(candidate[k], derivation, point) for k in range(3)]
    else:
        mapped = [value_at(derivation.values[prefix + k], derivation, point) for k in ("lr", "momentum", "weight_decay")]
    return dict(zip(("lr", "momentum", "weight_decay"), mapped))


def _plain(holder, convention, settings, start=None):
    sgd = nets.optim.SGD(holder, lr=settings["lr"], momentum=settings["momentum"], weight_decay=settings["weight_decay"],
                         dampening=settings["momentum"] if convention == "average" else 0.0)
    if start is not None:
        sgd.momentum_buffer = {name: np.full_like(p, 0.0) + start(p) for name, p in holder.parameters().items()}
    return sgd


def _buffer_start(derivation, convention, point, theta_0):
    prefix = "" if convention == "pytorch" else "average_"
    start = _function(derivation.values[prefix + "buffer_start"], ["lr", "momentum", "lam", "theta_0"])
    return lambda p: start(point["lr"], point["momentum"], point["lam"], theta_0)


def _pair(derivation, convention, curvature, theta_0, noise, settings, *, matched=True):
    data_only = _Parameter(theta_0)
    a = nets.optim.DataMomentumSGD(data_only, lr=POINT["lr"], momentum=POINT["momentum"], weight_decay=POINT["lam"],
                                   convention=convention)
    plain = _Parameter(theta_0)
    start = _buffer_start(derivation, convention, POINT, theta_0) if matched else None
    b = _plain(plain, convention, settings, start)
    return _run_quadratic(a, data_only, curvature, noise), _run_quadratic(b, plain, curvature, noise)


def _gap_formula(derivation, convention, curvature, theta_0, noise):
    """e_t from the derived first-step gap and the roots of the derived characteristic polynomial (per coordinate)."""
    z = sp.Symbol("z")
    h = sp.Symbol("h")
    poly = sp.Poly(characteristic_polynomial(convention, z, h), z)
    coefficients = [_function(c, ["lr", "momentum", "lam", "h"]) for c in poly.all_coeffs()]
    p = POINT
    g_0 = curvature * theta_0 + noise[0]
    key = "gap" if convention == "pytorch" else "average_gap"
    e_1 = _function(derivation.values[key], ["lr", "momentum", "lam", "theta_0", "g_0", "t"])(
        p["lr"], p["momentum"], p["lam"], theta_0, g_0, 1)
    t = np.arange(STEPS + 1)[:, None]
    gaps = np.empty((STEPS + 1, len(curvature)))
    for i, hi in enumerate(curvature):
        roots = np.roots([float(np.broadcast_to(c(p["lr"], p["momentum"], p["lam"], hi), ())) for c in coefficients])
        r1, r2 = roots.astype(complex)
        gaps[:, i] = np.real(e_1[i] * (r1 ** t[:, 0] - r2 ** t[:, 0]) / (r1 - r2))
    return gaps


def _equivalence(derivation, rng, seed):
    curvature, theta_0, noise = _quadratic(rng)
    evidence, measured = [], {}
    for convention in ("pytorch", "average"):
        settings = _settings(derivation, convention)
        a, b = _pair(derivation, convention, curvature, theta_0, noise, settings)
        gap = _relative_gap(a, b)
        measured[f"{convention} matched"] = gap
        evidence.append(Evidence(derivation.id, "N", f"{convention}: derived mapping and buffer start, {STEPS} steps "
                                 "on a noisy quadratic: the trajectories agree", gap <= AGREE,
                                 estimator="max |theta_A - theta_B| / max |theta_A|", estimate=gap, threshold=AGREE,
                                 seed=seed, details={"settings": settings}))
        # PyTorch's default buffer: the gap is the derived transient
        a, b = _pair(derivation, convention, curvature, theta_0, noise, settings, matched=False)
        formula = _gap_formula(derivation, convention, curvature, theta_0, noise)
        size = float(np.abs(formula).max())
        error = float(np.abs((b - a) - formula).max() / size)
        evidence.append(Evidence(derivation.id, "N", f"{convention}: PyTorch's default buffer: gap theta_B - theta_A "
                                 "against the derived transient e_1 (r1^t - r2^t)/(r1 - r2)", error <= GAP_RTOL,
                                 estimator="max |gap - formula| / max |formula|", estimate=error, threshold=GAP_RTOL,
                                 seed=seed, details={"note": f"largest gap {size:.3g}, at step 1000 "
                                                             f"{float(np.abs(formula[-1]).max()):.3g}"}))
        # exogenous gradients (h = 0): the closed form rsolve gave
        key = "gap" if convention == "pytorch" else "average_gap"
        closed = _function(derivation.values[key], ["lr", "momentum", "lam", "theta_0", "g_0", "t"])
        zero = np.zeros_like(curvature)
        a, b = _pair(derivation, convention, zero, theta_0, noise, settings, matched=False)
        t = np.arange(STEPS + 1)[:, None]
        exact = closed(POINT["lr"], POINT["momentum"], POINT["lam"], theta_0[None, :], noise[0][None, :], t)
        exact = np.broadcast_to(exact, a.shape)
        error = float(np.abs((b - a) - exact).max() / np.abs(exact).max())
        evidence.append(Evidence(derivation.id, "N", f"{convention}: gradients independent of theta: gap against the "
                                 "closed form (rsolve)", error <= GAP_RTOL, estimator="relative error",
                                 estimate=error, threshold=GAP_RTOL, seed=seed))
    naive = {"lr": POINT["lr"], "momentum": POINT["momentum"], "weight_decay": POINT["lam"]}
    wrong = [(c, "the naive mapping (same lr, momentum, lam)", naive) for c in ("pytorch", "average")]
    wrong.append(("pytorch", "the un-corrected weight decay (lam, with the derived momentum and lr)",
                  dict(_settings(derivation, "pytorch"), weight_decay=POINT["lam"])))
    for convention, name, settings in wrong:
        a, b = _pair(derivation, convention, curvature, theta_0, noise, settings)
        gap = _relative_gap(a, b)
        evidence.append(Evidence(derivation.id, "N", f"{convention}: {name} drifts apart", gap > DRIFT,
                                 estimator="max relative gap", estimate=gap, threshold=DRIFT, seed=seed))
    evidence += _schedule(derivation, curvature, theta_0, noise, seed)
    evidence += _network(derivation, rng, seed)
    return evidence


def _cosine(step, peak=POINT["lr"], floor=0.005):
    return floor + 0.5 * (peak - floor) * (1 + math.cos(math.pi * step / STEPS))


def _schedule(derivation, curvature, theta_0, noise, seed):
    """A cosine lr schedule: the data-only run against the plain run with the derived time-varying settings."""
    names = ["lr", "momentum", "lam", "lr_previous", "mapped_lr_previous"]
    momentum_rule = {c: _function(derivation.values[p + "schedule_momentum"], names)
                     for c, p in (("pytorch", ""), ("average", "average_"))}
    average_lr = _function(derivation.values["average_schedule_lr"], names)
    evidence = []
    for convention, time_varying in (("pytorch", True), ("average", True), ("pytorch", False)):
        first = dict(POINT, lr=_cosine(0))
        settings = _settings(derivation, convention, first)
        data_only, plain = _Parameter(theta_0), _Parameter(theta_0)
        a = nets.optim.DataMomentumSGD(data_only, lr=first["lr"], momentum=POINT["momentum"], weight_decay=POINT["lam"],
                                       convention=convention)
        b = _plain(plain, convention, settings, _buffer_start(derivation, convention, first, theta_0))
        state = {"lr": first["lr"], "mapped": settings["lr"]}

        def set_a(step, opt):
            opt.lr = _cosine(step)

        def set_b(step, opt, convention=convention, time_varying=time_varying, state=state):
            lr_t, args = _cosine(step), (_cosine(step), POINT["momentum"], POINT["lam"], state["lr"], state["mapped"])
            if time_varying:
                if convention == "pytorch":
                    opt.lr, opt.momentum = lr_t, float(momentum_rule["pytorch"](*args))
                else:
                    mapped = float(average_lr(*args))
                    opt.momentum = opt.dampening = float(momentum_rule["average"](*args))
                    opt.lr = mapped
                    state["mapped"] = mapped
            else:
                opt.lr = lr_t
            state["lr"] = lr_t

        path_a = _run_quadratic(a, data_only, curvature, noise, set_a)
        path_b = _run_quadratic(b, plain, curvature, noise, set_b)
        gap = _relative_gap(path_a, path_b)
        if time_varying:
            evidence.append(Evidence(derivation.id, "N", f"{convention}: cosine lr schedule, derived time-varying "
                                     "momentum'_t: the trajectories agree", gap <= AGREE, estimator="max relative gap",
                                     estimate=gap, threshold=AGREE, seed=seed))
        else:
            evidence.append(Evidence(derivation.id, "N", "pytorch: cosine schedule with a constant momentum' drifts "
                                     "apart", gap > DRIFT, estimator="max relative gap", estimate=gap, threshold=DRIFT,
                                     seed=seed))
    return evidence


def _network(derivation, rng, seed):
    """A small nets net trained on one minibatch sequence by both optimisers (matched, and naive)."""
    x, labels = nets.data.gaussian_blobs(256, 3, 5, rng=rng)
    batches = rng.integers(0, len(x), size=(STEPS, 16))
    start = nets.Sequential(nets.Linear(5, 8, rng=rng), nets.Tanh(), nets.Linear(8, 3, rng=rng))
    initial = {k: v.copy() for k, v in start.parameters().items()}
    evidence = []
    for convention, mapping in (("pytorch", "derived"), ("average", "derived"), ("pytorch", "naive")):
        paths = []
        for algorithm in ("data-only", "plain"):
            model = nets.Sequential(nets.Linear(5, 8, rng=rng), nets.Tanh(), nets.Linear(8, 3, rng=rng))
            for k, v in model.parameters().items():
                v[...] = initial[k]
            if algorithm == "data-only":
                opt = nets.optim.DataMomentumSGD(model, lr=POINT["lr"], momentum=POINT["momentum"],
                                                 weight_decay=POINT["lam"], convention=convention)
            else:
                settings = _settings(derivation, convention) if mapping == "derived" else {
                    "lr": POINT["lr"], "momentum": POINT["momentum"], "weight_decay": POINT["lam"]}
                opt = _plain(model, convention, settings)
                if mapping == "derived":
                    start_of = _function(derivation.values[("" if convention == "pytorch" else "average_")
                                                           + "buffer_start"], ["lr", "momentum", "lam", "theta_0"])
                    opt.momentum_buffer = {k: np.asarray(start_of(POINT["lr"], POINT["momentum"], POINT["lam"], v),
                                                         dtype=float).copy() for k, v in initial.items()}
            loss = nets.SoftmaxCrossEntropy()
            trace = []
            for batch in batches:
                opt.zero_grad()
                loss(model(x[batch]), labels[batch])
                model.backward(loss.backward())
                opt.step()
                trace.append(np.concatenate([p.ravel() for p in model.parameters().values()]))
            paths.append(np.array(trace))
        gap = _relative_gap(*paths)
        if mapping == "derived":
            evidence.append(Evidence(derivation.id, "N", f"{convention}: a 5-8-3 tanh net, {STEPS} minibatch steps: "
                                     "the two optimisers agree", gap <= AGREE, estimator="max relative gap",
                                     estimate=gap, threshold=AGREE, seed=seed))
        else:
            evidence.append(Evidence(derivation.id, "N", "pytorch: the same net with the naive mapping drifts apart",
                                     gap > DRIFT, estimator="max relative gap", estimate=gap, threshold=DRIFT, seed=seed))
    return evidence


def _equivalence_judge(derivation, candidate, rng, seed):
    """A candidate (lr', momentum', weight_decay') for PyTorch's convention, run on the noisy quadratic
    with the derived buffer start: it must follow the data-only trajectory to round-off."""
    curvature, theta_0, noise = _quadratic(rng)
    settings = _settings(derivation, "pytorch", candidate=candidate)
    if not (settings["lr"] >= 0 and 0 <= settings["momentum"] < 1 and settings["weight_decay"] >= 0):
        return [Evidence(derivation.id, "N", "candidate settings are not valid SGD settings", False,
                         details={"note": str(settings)}, seed=seed)]
    a, b = _pair(derivation, "pytorch", curvature, theta_0, noise, settings)
    gap = _relative_gap(a, b)
    return [Evidence(derivation.id, "N", f"candidate mapping, {STEPS} steps on a noisy quadratic", gap <= AGREE,
                     estimator="max relative gap", estimate=gap, threshold=AGREE, seed=seed,
                     details={"settings": settings})]


declare("optim.momentum_equivalence", "N", run=_equivalence, judge=_equivalence_judge)


# ---- optim.momentum_data_only: N ----------------------------------------------------------------------------

def _data_only(derivation, rng, seed, updates=None):
    """DataMomentumSGD on a small net against the derived update applied by hand, and its buffer
    against the discounted sum of the recorded data gradients."""
    names = ["lr", "momentum", "lam", "theta", "v", "g"]
    updates = updates or {c: derivation.values[c] for c in ("pytorch", "average")}
    x, labels = nets.data.gaussian_blobs(128, 3, 5, rng=rng)
    evidence = []
    for convention, update in updates.items():
        step = _function(update, names)
        model = nets.Sequential(nets.Linear(5, 8, rng=rng), nets.Tanh(), nets.Linear(8, 3, rng=rng))
        opt = nets.optim.DataMomentumSGD(model, lr=POINT["lr"], momentum=POINT["momentum"], weight_decay=POINT["lam"],
                                         convention=convention)
        theta = {k: v.copy() for k, v in model.parameters().items()}
        v = {k: np.zeros_like(p) for k, p in theta.items()}
        discounted = {k: np.zeros_like(p) for k, p in theta.items()}
        damping = 1.0 if convention == "pytorch" else 1 - POINT["momentum"]
        loss, worst = nets.SoftmaxCrossEntropy(), 0.0
        for _ in range(200):
            opt.zero_grad()
            loss(model(x), labels)
            model.backward(loss.backward())
            grads = {k: g.copy() for k, g in model.gradients().items()}
            opt.step()
            for k in theta:
                theta[k] = step(POINT["lr"], POINT["momentum"], POINT["lam"], theta[k], v[k], grads[k])
                v[k] = POINT["momentum"] * v[k] + damping * grads[k]
                discounted[k] = POINT["momentum"] * discounted[k] + damping * grads[k]
                worst = max(worst, _relative_gap(model.parameters()[k], theta[k]))
        buffer_error = max(_relative_gap(opt.momentum_buffer[k], discounted[k]) for k in theta)
        evidence.append(Evidence(derivation.id, "N", f"{convention}: DataMomentumSGD follows the derived update, "
                                 "200 steps", worst <= AGREE, estimator="max relative gap", estimate=worst,
                                 threshold=AGREE, seed=seed))
        evidence.append(Evidence(derivation.id, "N", f"{convention}: its buffer holds the discounted data gradients "
                                 "only (no lam theta)", buffer_error <= AGREE, estimator="max relative gap",
                                 estimate=buffer_error, threshold=AGREE, seed=seed))
    return evidence


def _data_only_judge(derivation, candidate, rng, seed):
    return [e for e in _data_only(derivation, rng, seed, {"pytorch": candidate}) if "derived update" in e.label]


declare("optim.momentum_data_only", "N", run=_data_only, judge=_data_only_judge)
