"""Checks of the batch-normalisation claims (seeds 000, 001, 002, 004) on nets' layers.

Forward identities are checked on random batches against float64 closed forms at a relative
error of AGREE = 1e-12: the layer and the closed form each round about ε ≈ 2e-16 per
operation over a few dozen operations, so 1e-12 has a margin of 10²; every claimed slip is
an O(1) change. Where the seed's identity holds for ε = 0 (scale invariance, the Mahalanobis
form), the layer is run with ε = 1e-300 so that PyTorch's guard does not enter. Gradients
are checked by finite differences (montecarlo.finite_diff) in float64; the running
statistics by calibrated Monte-Carlo tests with one independent replicate per channel.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy as sp

import nets
from derivations.batchnorm_backward import SUMMARY_SYMBOLS
from ..evidence import Evidence
from ..finite_diff import check_module, fd_evidence, gradient_error, relative_error
from .base import Case, declare, value_at

AGREE = 1e-12
TINY_EPS = 1e-300


def _agree(derivation, label, a, b, seed, kind="N", bound=AGREE) -> Evidence:
    error = relative_error(a, b, floor=1e-300)
    return Evidence(derivation.id, kind, label, error <= bound, estimator="relative error", estimate=error,
                    threshold=bound, seed=seed)


def _linear_bn(rng, d, k, eps=1e-5):
    return nets.Linear(d, k, rng=rng), nets.BatchNorm1d(k, eps=eps)


def _mahalanobis_numpy(X, w, b, scale, shift, eps):
    centred = X - X.mean(axis=0)
    covariance = centred.T @ centred / X.shape[0]
    return centred @ w / np.sqrt(w @ covariance @ w + eps) * scale + shift


def _exact_instances(derivation, rng, seed, count: int = 200):
    """Random rational batches, computed exactly: σ_B² = wᵀXw and a_i − μ_B = wᵀ(x_i − x̄)."""
    failures = 0
    for _ in range(count):
        n, d = int(rng.integers(2, 9)), int(rng.integers(1, 5))
        X = [[Fraction(int(rng.integers(-9, 10)), int(rng.integers(1, 6))) for _ in range(d)] for _ in range(n)]
        w = [Fraction(int(rng.integers(-9, 10)), int(rng.integers(1, 6))) for _ in range(d)]
        b = Fraction(int(rng.integers(-9, 10)), 7)
        a = [sum(wj * xj for wj, xj in zip(w, row)) + b for row in X]
        mean = sum(a) / n
        variance = sum((ai - mean) ** 2 for ai in a) / n
        xbar = [sum(row[j] for row in X) / n for j in range(d)]
        centred = [[row[j] - xbar[j] for j in range(d)] for row in X]
        covariance = [[sum(r[p] * r[q] for r in centred) / n for q in range(d)] for p in range(d)]
        quadratic = sum(w[p] * covariance[p][q] * w[q] for p in range(d) for q in range(d))
        projections = [sum(wj * cj for wj, cj in zip(w, row)) for row in centred]
        failures += variance != quadratic or any(ai - mean != pj for ai, pj in zip(a, projections))
    return [Evidence(derivation.id, "M", f"{count} random exact rational batches (n 2..8, d 1..4)", failures == 0,
                     estimator="identities failing", estimate=failures, claimed=0, seed=seed,
                     details={"note": "sigma_B^2 = w^T X w and a_i - mu_B = w^T (x_i - xbar) exactly in every batch"})]


declare("bn.mahalanobis_form", "M", run=_exact_instances)


def _mahalanobis_network(derivation, rng, seed):
    evidence = []
    for n, d in ((5, 3), (64, 20)):
        linear, bn = _linear_bn(rng, d, 1, eps=TINY_EPS)
        bn.params["weight"][...], bn.params["bias"][...] = rng.normal(size=1), rng.normal(size=1)
        X = rng.normal(1.0, 2.0, (n, d))
        y = bn(linear(X))[:, 0]
        closed = _mahalanobis_numpy(X, linear.params["weight"][0], linear.params["bias"][0],
                                    bn.params["weight"][0], bn.params["bias"][0], 0.0)
        evidence.append(_agree(derivation, f"Linear({d}, 1) + BatchNorm1d, batch of {n}: the Mahalanobis form", y,
                               closed, seed))
    return evidence


declare("bn.mahalanobis_form", "N", run=_mahalanobis_network)


def _bias_network(derivation, rng, seed):
    linear, bn = _linear_bn(rng, 6, 4)
    X = rng.normal(size=(16, 6))
    before = bn(linear(X))
    linear.params["bias"] += rng.normal(0, 10, 4)
    return [_agree(derivation, "Linear + BatchNorm1d: output unchanged when the bias moves by N(0, 10^2)", bn(linear(X)),
                   before, seed)]


declare("bn.bias_invariance", "N", run=_bias_network)


def _scale_network(derivation, rng, seed):
    linear, bn = _linear_bn(rng, 6, 4, eps=TINY_EPS)
    bn.params["bias"][...] = rng.normal(size=4)
    X = rng.normal(size=(16, 6))
    before = bn(linear(X))
    evidence = []
    for c in (3.7, 0.01, -2.0):
        scaled, _ = _linear_bn(rng, 6, 4)
        scaled.params["weight"][...] = c * linear.params["weight"]
        after = bn(scaled(X))
        expected = before if c > 0 else 2 * bn.params["bias"] - before
        rule = "unchanged" if c > 0 else "equal to 2*shift - y"
        evidence.append(_agree(derivation, f"weights times {c}: output {rule}", after, expected, seed))
    return evidence


declare("bn.scale_invariance", "N", run=_scale_network)


def _bn_network(rng, width, depth, std, eps, directions=None):
    layers, linears = [], []
    for k in range(depth):
        linear = nets.Linear(width, width, rng=rng)
        if directions is not None:
            linear.params["weight"][...] = directions[k] * std
        linears.append(linear)
        layers += [linear, nets.BatchNorm1d(width, eps=eps), nets.ReLU()]
    return nets.Sequential(*layers), linears


def _stats_network(derivation, rng, seed):
    width, depth = 64, 8
    directions = [rng.standard_normal((width, width)) for _ in range(depth)]
    x = rng.standard_normal((32, width))
    evidence = []
    model, _ = _bn_network(rng, width, depth, np.sqrt(2 / width), 1e-5, directions)
    h, worst_mean, worst_var = x, 0.0, 0.0
    for module in model:
        before = h
        h = module(h)
        if isinstance(module, nets.BatchNorm1d):
            variance = before.var(axis=0)
            worst_mean = max(worst_mean, float(np.abs(h.mean(axis=0)).max()))
            worst_var = max(worst_var, relative_error(h.var(axis=0), variance / (variance + module.eps)))
    evidence.append(Evidence(derivation.id, "N", "every BN output of an 8-layer net: batch mean 0", worst_mean <= AGREE,
                             estimator="max |batch mean|", estimate=worst_mean, threshold=AGREE, seed=seed))
    evidence.append(Evidence(derivation.id, "N", "every BN output: batch variance sigma^2/(sigma^2 + eps)",
                             worst_var <= AGREE, estimator="relative error", estimate=worst_var, threshold=AGREE,
                             seed=seed))
    outputs = {}
    for name, std in (("He", np.sqrt(2 / width)), ("std 0.01", 0.01), ("N(0, 1)", 1.0)):
        model, _ = _bn_network(rng, width, depth, std, TINY_EPS, directions)
        outputs[name] = model(x)
    evidence.append(_agree(derivation, "He, std 0.01 and N(0, 1) weights (same directions): identical outputs",
                           np.stack([outputs["std 0.01"], outputs["N(0, 1)"]]),
                           np.stack([outputs["He"], outputs["He"]]), seed))
    return evidence


declare("bn.output_stats_at_init", "N", run=_stats_network)


def _identity_network(derivation, rng, seed):
    bn = nets.BatchNorm1d(5)
    a = rng.normal(3.0, 2.0, (20, 5))
    bn.params["weight"][...] = np.sqrt(a.var(axis=0) + bn.eps)
    bn.params["bias"][...] = a.mean(axis=0)
    train = _agree(derivation, "training mode: scale sqrt(var_B + eps), shift mu_B give y = a on that batch",
                   bn(a), a, seed)
    for _ in range(30):
        bn(rng.normal(3.0, 2.0, (20, 5)))
    bn.eval()
    bn.params["weight"][...] = np.sqrt(bn.buffers["running_var"] + bn.eps)
    bn.params["bias"][...] = bn.buffers["running_mean"]
    fresh = rng.normal(-1.0, 5.0, (7, 5))
    return [train, _agree(derivation, "eval mode: scale sqrt(running_var + eps), shift running_mean give y = a "
                                      "for any input", bn(fresh), fresh, seed)]


declare("bn.identity_init", "N", run=_identity_network)


def _layernorm_network(derivation, rng, seed):
    x = rng.normal(size=(8, 6))
    linear = nets.Linear(6, 5, rng=rng)
    ln, bn = nets.LayerNorm(5, eps=TINY_EPS), nets.BatchNorm1d(5, eps=TINY_EPS)
    a = linear(x)
    ln_out, bn_out = ln(a), bn(a)
    other = a.copy()
    other[1:] = rng.normal(size=(7, 5))
    one_row = a.copy()
    one_row[:, 0] *= 3.0
    ln_changed = relative_error(ln(one_row), ln_out)
    return [
        Evidence(derivation.id, "N", "LayerNorm: example 0 is unchanged when the rest of the batch changes",
                 bool(np.array_equal(ln(other)[0], ln_out[0])), estimator="exact", seed=seed),
        Evidence(derivation.id, "N", "BatchNorm1d: example 0 changes with the rest of the batch",
                 relative_error(bn(other)[0], bn_out[0]) > 1e-3, estimator="relative change",
                 estimate=relative_error(bn(other)[0], bn_out[0]), seed=seed),
        _agree(derivation, "LayerNorm: unchanged when the whole layer is scaled by 3", ln(3 * a), ln_out, seed),
        Evidence(derivation.id, "N", "LayerNorm: changed when one unit's weights are scaled by 3", ln_changed > 1e-3,
                 estimator="relative change", estimate=ln_changed, seed=seed),
        _agree(derivation, "BatchNorm1d: unchanged when one unit's weights are scaled by 3", bn(one_row), bn_out, seed),
    ]


declare("bn.layernorm_contrast", "N", run=_layernorm_network)


def _fold_network(derivation, rng, seed):
    linear, bn = _linear_bn(rng, 7, 5)
    bn.params["weight"][...], bn.params["bias"][...] = rng.normal(size=5), rng.normal(size=5)
    for _ in range(10):
        bn(linear(rng.normal(2.0, 3.0, (16, 7))))
    bn.eval()
    x = rng.normal(size=(9, 7))
    folded = nets.fold_batchnorm(linear, bn)
    gamma = bn.params["weight"]
    sigma = np.sqrt(bn.buffers["running_var"] + bn.eps)
    derived_weight = np.array([[value_at(e, derivation, {"gamma": g, "sigma_B": s_, f"w_{j + 1}": w_})
                                for j, (e, w_) in enumerate(zip(derivation.values["weight"], row))]
                               for g, s_, row in zip(gamma, sigma, linear.params["weight"][:, :3])])
    return [_agree(derivation, "eval BN after Linear equals the folded Linear", folded(x), bn(linear(x)), seed),
            _agree(derivation, "folded weights equal the derived gamma w / sigma_B (first 3 inputs)",
                   folded.params["weight"][:, :3], derived_weight, seed)]


declare("bn.reparametrization", "N", run=_fold_network)


def _train_eval_network(derivation, rng, seed):
    evidence = []
    bn = nets.BatchNorm1d(4)
    for _ in range(5):
        bn(rng.normal(1.0, 2.0, (16, 4)))
    bn.eval()
    x = rng.normal(size=(6, 4))
    closed = (x - bn.buffers["running_mean"]) / np.sqrt(bn.buffers["running_var"] + bn.eps) * bn.params["weight"] \
        + bn.params["bias"]
    evidence.append(_agree(derivation, "eval mode normalises with the running statistics", bn(x), closed, seed))
    evidence.append(Evidence(derivation.id, "N", "eval mode: an example's output does not depend on the batch",
                             bool(np.array_equal(bn(x[:1])[0], bn(x)[0])), estimator="exact", seed=seed))
    bn2 = nets.BatchNorm2d(3)
    images = rng.normal(2.0, 3.0, (4, 3, 5, 6))
    out = bn2(images)
    variance = images.var(axis=(0, 2, 3))
    evidence.append(Evidence(derivation.id, "N", "BatchNorm2d: per-channel mean over (N, H, W) is 0",
                             float(np.abs(out.mean(axis=(0, 2, 3))).max()) <= AGREE, estimator="max |mean|",
                             estimate=float(np.abs(out.mean(axis=(0, 2, 3))).max()), threshold=AGREE, seed=seed))
    evidence.append(_agree(derivation, "BatchNorm2d: per-channel variance over (N, H, W) is sigma^2/(sigma^2 + eps)",
                           out.var(axis=(0, 2, 3)), variance / (variance + bn2.eps), seed))
    return evidence



BATCH, STEPS, MU, S2 = 4, 20, 1.5, 2.5


def _running(statistic: str, momentum):
    """Per draw: one channel's running statistic after STEPS training batches of BATCH values from
    N(MU, S2); the channels of one BatchNorm1d are independent replicates."""
    def draw(rng, size, value):
        bn = nets.BatchNorm1d(size, momentum=momentum)
        for _ in range(STEPS):
            bn(rng.normal(MU, np.sqrt(S2), (BATCH, size)))
        return bn.buffers[statistic].copy()
    return draw


_POINT = {"mu": MU, "s2": S2, "B": BATCH, "m": 0.1, "t": STEPS}
_RUNNING_CASES = [
    Case(f"running_var after {STEPS} batches of {BATCH}, momentum 0.1", _POINT, _running("running_var", 0.1),
         cost=BATCH * STEPS),
    Case(f"running_mean after {STEPS} batches of {BATCH}, momentum 0.1", _POINT, _running("running_mean", 0.1),
         value_key="running_mean", cost=BATCH * STEPS),
    Case(f"cumulative running_var (momentum None) of {STEPS} batches of {BATCH}: unbiased", _POINT,
         _running("running_var", None), value_key="unbiased", cost=BATCH * STEPS),
    Case(f"cumulative running_mean (momentum None) of {STEPS} batches of {BATCH}: the population mean", _POINT,
         _running("running_mean", None), value_key="population_mean", cost=BATCH * STEPS),
]
declare("bn.train_eval", "N", cases=_RUNNING_CASES, run=_train_eval_network)


def _norm_layers(rng):
    return [("BatchNorm1d (N, C)", nets.BatchNorm1d(3), (6, 3)), ("BatchNorm1d (N, C, L)", nets.BatchNorm1d(3), (4, 3, 5)),
            ("BatchNorm2d", nets.BatchNorm2d(2), (3, 2, 4, 4)), ("LayerNorm", nets.LayerNorm((3, 4)), (5, 3, 4)),
            ("BatchNorm1d (256, 1024)", nets.BatchNorm1d(1024), (256, 1024))]


def _randomise(layer, rng):
    for p in layer.parameters().values():
        p[...] = rng.normal(size=p.shape)


def _fd(derivation, rng, seed, wanted):
    evidence = []
    for label, layer, shape in _norm_layers(rng):
        _randomise(layer, rng)
        for mode in ("train", "eval"):
            if mode == "eval" and isinstance(layer, nets.LayerNorm):
                continue
            layer.train(mode == "train")
            for error in check_module(layer, rng.normal(1.0, 2.0, shape), rng=rng):
                if error.name in wanted:
                    evidence.append(fd_evidence(derivation.id, f"{label}, {mode}: d/d{error.name}", error, seed))
            if isinstance(layer, nets.BatchNorm1d | nets.BatchNorm2d):
                layer.reset_running_stats()
    return evidence


def _param_gradients(derivation, rng, seed):
    evidence = _fd(derivation, rng, seed, {"weight", "bias"})
    bn = nets.BatchNorm1d(5)
    x, dy = rng.normal(size=(8, 5)), rng.normal(size=(8, 5))
    bn(x)
    bn.backward(dy)
    xhat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + bn.eps)
    evidence.append(_agree(derivation, "d/dgamma = sum_i dy_i xhat_i, d/dbeta = sum_i dy_i",
                           np.concatenate([bn.grads["weight"], bn.grads["bias"]]),
                           np.concatenate([(dy * xhat).sum(axis=0), dy.sum(axis=0)]), seed, kind="F"))
    return evidence


declare("bn.param_gradients", "F", run=_param_gradients)


def summary_values(x: np.ndarray, dy: np.ndarray, gamma: np.ndarray, eps: float) -> dict[str, np.ndarray]:
    """The summary symbols of bn.input_gradient, per example, for a batch (m, C)."""
    m = x.shape[0]
    mu, var = x.mean(axis=0), x.var(axis=0)
    xhat = (x - mu) / np.sqrt(var + eps)
    return {"m": m, "gamma": gamma, "eps": eps, "var": var, "mu": mu, "x": x, "dy": dy, "xhat": xhat,
            "sum_dy": dy.sum(axis=0), "sum_dy_xhat": (dy * xhat).sum(axis=0), "sum_dy_xmu": (dy * (x - mu)).sum(axis=0)}


def _formula(expr: sp.Expr):
    names = list(SUMMARY_SYMBOLS)
    function = sp.lambdify([SUMMARY_SYMBOLS[n] for n in names], expr, "numpy")
    return lambda values: np.broadcast_to(function(*(values[n] for n in names)), values["x"].shape)


def _input_gradient(derivation, rng, seed):
    """nets' backward against finite differences, and against the derived closed form."""
    evidence = _fd(derivation, rng, seed, {"input"})
    x, dy, gamma = rng.normal(1.0, 2.0, (16, 6)), rng.normal(size=(16, 6)), rng.normal(size=6)
    bn = nets.BatchNorm1d(6)
    bn.params["weight"][...] = gamma
    bn(x)
    evidence.append(_agree(derivation, "nets backward equals the derived closed form", bn.backward(dy),
                           _formula(derivation.target)(summary_values(x, dy, gamma, bn.eps)), seed, kind="F"))
    return evidence


def _judge_input_gradient(derivation, candidate, rng, seed):
    """A candidate formula in the summary symbols against finite differences of nets' layer."""
    formula = _formula(candidate)
    evidence = []
    for m, channels in ((4, 3), (9, 2)):
        x, dy, gamma = rng.normal(1.0, 2.0, (m, channels)), rng.normal(size=(m, channels)), rng.normal(size=channels)
        bn = nets.BatchNorm1d(channels)
        bn.params["weight"][...] = gamma
        numeric_input = x.copy()
        noise = 8 * np.finfo(np.float64).eps * float(np.sum(np.abs(dy * bn(x))))
        error = gradient_error(lambda: float(np.sum(dy * bn(numeric_input))), numeric_input,
                               formula(summary_values(x, dy, gamma, bn.eps)), rng=rng, noise=noise)
        evidence.append(fd_evidence(derivation.id, f"candidate against finite differences, batch ({m}, {channels})",
                                    error, seed))
    return evidence


declare("bn.input_gradient", "F", run=_input_gradient, judge=_judge_input_gradient)


def _computation_graph(derivation, rng, seed):
    """The staged graph (nets.NORMALISATION_GRAPH, run through its public forward) gives every derived
    stage; BatchNorm1d's fused forward and backward equal the graph's (``layer.staged``), so the
    drawings show what the layer computes."""
    from derivations.batchnorm_backward import beta, eps, gamma

    x = rng.normal(size=(3, 1))
    g, b = rng.normal(), rng.normal()
    layer = nets.BatchNorm1d(1)
    layer.params["weight"][...], layer.params["bias"][...] = g, b
    y = layer(x)
    upstream = rng.normal(size=x.shape)
    values = nets.NORMALISATION_GRAPH.forward({"x": x, "weight": np.array([[g]]), "bias": np.array([[b]])},
                                              axes=(0,), eps=layer.eps)
    symbols = sp.symbols("x1:4", real=True)
    point = {**dict(zip(symbols, x[:, 0])), gamma: g, beta: b, eps: layer.eps}
    stage_errors = {name: abs(float(expr.subs(point)) - float(values[name].reshape(-1)[0]))
                    / max(abs(float(expr.subs(point))), 1e-300)
                    for name, expr in derivation.values.items() if name != "target"}
    graph = nets.NORMALISATION_GRAPH
    dot, tikz = graph.to_dot("BatchNorm"), graph.to_tikz()
    worst = max(stage_errors.values())
    return [Evidence(derivation.id, "N", f"each of the {len(stage_errors)} stages of the staged graph equals the "
                                         "derived stage", worst <= AGREE, estimator="worst relative error",
                     estimate=worst, threshold=AGREE, seed=seed),
            _agree(derivation, "BatchNorm1d's output equals the staged graph's y", y, values["y"], seed),
            _agree(derivation, "BatchNorm1d's fused input gradient equals the staged graph's backward",
                   layer.backward(upstream), layer.staged(x, upstream).grads["input"], seed),
            Evidence(derivation.id, "N", f"DOT ({dot.count('->')} edges) and TikZ drawn from that staged "
                                         "graph", dot.count("->") == sum(len(n.inputs) for n in graph.nodes)
                     and tikz.count(r"\draw") == dot.count("->"), estimator="edges", estimate=dot.count("->"),
                     seed=seed)]


declare("bn.computation_graph", "N", run=_computation_graph)
