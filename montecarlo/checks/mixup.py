"""Checks of the mixup claims (seed 000, Assignment 4) on a small softmax classifier.

The problem: p* is the empirical distribution of 24 points in 3 Gaussian classes in the plane
(``nets.data.gaussian_blobs``, a fixed seed: the problem is part of the check's definition) and l
is the cross-entropy of a Linear-Tanh-Linear classifier trained on them by gradient descent. With
p* finite the objectives are exact sums over the 24² ordered pairs of one-dimensional integrals over
λ, computed by Gauss–Jacobi quadrature against the Beta weight (the integrand is analytic in λ,
128 nodes agree with 256 to about 1e-11, which is reported).

The Monte-Carlo tests pair the three objectives with common random numbers: one draw of the two
examples and of λ = G_a/(G_a + G_b), λ' = (G_a + E)/(G_a + E + G_b) (G_a, G_b ~ Gamma(α), E ~ Exp(1),
so λ ~ Be(α, α) and λ' ~ Be(α + 1, α) exactly, from the same numbers). A draw is
(5)_exact + (l_other − l_(5)): its mean is the other objective, its spread is only the spread of the
paired difference, and the test has 99% power against a 2% error of the objective.
"""
from __future__ import annotations

import functools

import numpy as np
import sympy as sp
from scipy.special import roots_jacobi
from scipy.stats import beta as beta_distribution

import nets
from nets.mixup import fit_classifier, one_hot, softmax_classifier
from ..evidence import Evidence
from ..finite_diff import RTOL, gradient_error, relative_error, roundoff_noise
from .base import Case, alpha_per_test, declare, run_case

__all__ = ["problem", "exact_objectives", "paired_draw", "weighted_cdf_draw", "ALPHAS"]

ALPHAS = (0.1, 0.4, 1.0)
QUANTILES = (0.25, 0.5, 0.75)
NODES = 128
AGREE = 1e-12  # identities evaluated by nets in float64: a few dozen roundings of about 1e-16
QUADRATURE_AGREE = 1e-9  # scipy's Gauss-Jacobi rules at alpha = 0.1 are accurate to about 1e-11 (128 against
                         # 256 nodes); a dropped factor 2 or a wrong Beta changes an objective by O(1)


@functools.lru_cache(maxsize=None)
def problem():
    """(inputs (24, 2), one-hot targets (24, 3), the trained classifier)."""
    rng = np.random.default_rng(4)
    inputs, labels = nets.data.gaussian_blobs(24, 3, 2, rng=rng, separation=4.0)
    targets = one_hot(labels, 3)
    model = fit_classifier(softmax_classifier(2, 3, hidden=8, rng=rng), inputs, targets, steps=150, lr=0.5)
    return inputs, targets, model


def _loss(kind: str, inputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Per-example cross-entropy, or the squared error Σ_c (softmax_c − y_c)² (``kind`` "squared")."""
    model = problem()[2]
    if kind == "cross-entropy":
        return nets.mixup.per_example_loss(model, inputs, targets)
    with nets.no_grad():
        probabilities = np.exp(nets.log_softmax(model(inputs)))
    return ((probabilities - targets) ** 2).sum(axis=1)


def _mixed(lam: np.ndarray, first: np.ndarray, second: np.ndarray, array: np.ndarray) -> np.ndarray:
    return lam[:, None] * array[first] + (1 - lam[:, None]) * array[second]


def _beta_rule(a: float, b: float, nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes λ_k and weights (summing to 1) with Σ w_k f(λ_k) ≈ E_{Be(a,b)} f(λ)."""
    t, w = roots_jacobi(nodes, b - 1, a - 1)  # weight (1 − t)^(b − 1) (1 + t)^(a − 1), λ = (1 + t)/2
    return (1 + t) / 2, w / w.sum()


def exact_objectives(alpha: float, loss: str = "cross-entropy", nodes: int = NODES) -> dict[str, float]:
    """(5), (6) and the simplified objective over p*, by quadrature over λ and a sum over all pairs."""
    inputs, targets, _ = problem()
    n = len(inputs)
    first, second = np.repeat(np.arange(n), n), np.tile(np.arange(n), n)
    out = {"(5)": 0.0, "(6)": 0.0, "simplified": 0.0}
    for lam_k, w_k in zip(*_beta_rule(alpha, alpha, nodes)):
        lam = np.full(n * n, lam_k)
        mixed = _mixed(lam, first, second, inputs)
        out["(5)"] += w_k * _loss(loss, mixed, _mixed(lam, first, second, targets)).mean()
        out["(6)"] += w_k * 2 * lam_k * _loss(loss, mixed, targets[first]).mean()
    for lam_k, w_k in zip(*_beta_rule(alpha + 1, alpha, nodes)):
        lam = np.full(n * n, lam_k)
        out["simplified"] += w_k * _loss(loss, _mixed(lam, first, second, inputs), targets[first]).mean()
    return out


_exact = functools.lru_cache(maxsize=None)(exact_objectives)


def paired_draw(alpha: float, other: str, *, loss: str = "cross-entropy", weight=None):
    """Draws (5)_exact + l_other − l_(5) with common random numbers; ``other`` is "(6)", "simplified",
    or "weighted": w(λ)·l(x̃_λ, y₁) for a weight function ``weight(λ)`` with λ ~ Be(α, α)."""
    def draw(rng, size, value):
        inputs, targets, _ = problem()
        n = len(inputs)
        first, second = rng.integers(0, n, size), rng.integers(0, n, size)
        g_a, g_b, extra = rng.gamma(alpha, 1.0, size), rng.gamma(alpha, 1.0, size), rng.exponential(1.0, size)
        lam = g_a / (g_a + g_b)
        mixed = _mixed(lam, first, second, inputs)
        l5 = _loss(loss, mixed, _mixed(lam, first, second, targets))
        if other == "(6)":
            l_other = 2 * lam * _loss(loss, mixed, targets[first])
        elif other == "weighted":
            l_other = weight(lam) * _loss(loss, mixed, targets[first])
        else:
            lam_s = (g_a + extra) / (g_a + extra + g_b)
            l_other = _loss(loss, _mixed(lam_s, first, second, inputs), targets[first])
        return _exact(alpha, loss)["(5)"] + (l_other - l5)
    return draw


def _paired_cases(other: str) -> list[Case]:
    return [Case(f"{other} against (5), paired, alpha = {a}", {"alpha": a}, paired_draw(a, other), value_key=None,
                 claimed=lambda value, a=a: _exact(a)["(5)"], cost=64) for a in ALPHAS]


def _quadrature(derivation, rng, seed):
    """The three objectives by quadrature agree at every α (128 against 256 nodes reported)."""
    evidence = []
    for a in ALPHAS:
        values = _exact(a)
        finer = exact_objectives(a, nodes=256)["(5)"]
        worst = max(relative_error(np.array(values[k]), np.array(values["(5)"])) for k in ("(6)", "simplified"))
        evidence.append(Evidence(derivation.id, "M", f"(5), (6) and the simplified objective by Gauss-Jacobi "
                                                     f"quadrature, alpha = {a}", worst <= QUADRATURE_AGREE,
                                 estimator="worst relative difference", estimate=worst, threshold=QUADRATURE_AGREE,
                                 seed=seed,
                                 details={"objectives": values, "(5) with 256 nodes": finer,
                                          "squared error (5), (6)": [_exact(a, "squared")[k] for k in ("(5)", "(6)")]}))
    return evidence


def _weight_function(candidate: sp.Expr):
    from derivations.mixup import alpha as alpha_symbol, lam

    function = sp.lambdify((lam, alpha_symbol), candidate, "numpy")
    return lambda a: (lambda x: np.broadcast_to(np.asarray(function(x, a), dtype=np.float64), x.shape))


def _judge_weight(derivation, candidate, rng, seed):
    """A candidate weight w(λ) in (5) = E[w(λ) l(x̃_λ, y₁)], λ ~ Be(α, α): paired against (5)."""
    weight = _weight_function(candidate)
    return [run_case(derivation, Case(f"candidate weight against (5), paired, alpha = {a}", {"alpha": a},
                                      paired_draw(a, "weighted", weight=weight(a)), value_key=None,
                                      claimed=lambda value, a=a: _exact(a)["(5)"], cost=64),
                     seed=seed, alpha=alpha_per_test()) for a in ALPHAS]


def _judge_density(derivation, candidate, rng, seed):
    """A candidate density q(λ) of the simplified objective E_{λ~q} l(x̃_λ, y₁): importance weights
    q(λ)/p_Be(α,α)(λ) on λ ~ Be(α, α), paired against (5)."""
    density = _weight_function(candidate)

    def ratio(a):
        def weight(x):  # λ rounds to exactly 0 or 1 in float64 for small α, where both densities are infinite
            inside = np.clip(x, np.finfo(np.float64).tiny, np.nextafter(1.0, 0.0))
            return density(a)(inside) / beta_distribution.pdf(inside, a, a)
        return weight
    return [run_case(derivation, Case(f"candidate density against (5), paired, alpha = {a}", {"alpha": a},
                                      paired_draw(a, "weighted", weight=ratio(a)), value_key=None,
                                      claimed=lambda value, a=a: _exact(a)["(5)"], cost=64),
                     seed=seed, alpha=alpha_per_test()) for a in ALPHAS]


declare("mixup.label_free_form", "M", cases=_paired_cases("(6)"), run=_quadrature, judge=_judge_weight)
declare("mixup.simplified_objective", "M", cases=_paired_cases("simplified"), judge=_judge_density)


def weighted_cdf_draw(alpha: float, t: float, weight=lambda lam: 2 * lam):
    """Draws w(λ)·1[λ <= t] for λ ~ Be(α, α): their mean is the reweighted CDF at t, which is
    F_Be(α+1,α)(t) exactly when w = 2λ."""
    def draw(rng, size, value):
        lam = rng.beta(alpha, alpha, size)
        return np.where(lam <= t, weight(lam), 0.0)
    return draw


def _cdf_cases(weight_for=lambda a: (lambda lam: 2 * lam), prefix=""):
    cases = []
    for a in ALPHAS:
        for q in QUANTILES:
            t = float(beta_distribution.ppf(q, a + 1, a))
            cases.append(Case(f"{prefix}reweighted Be({a}, {a}) CDF at the {q:.0%} point of Be({a + 1}, {a}) "
                              f"(t = {t:.4g})", {"alpha": a, "t": t}, weighted_cdf_draw(a, t, weight_for(a)),
                              value_key=None, claimed=lambda value, q=q: q))
    return cases


def _judge_ratio(derivation, candidate, rng, seed):
    """Reweighting Be(α, α) draws by the candidate w(λ): the weighted CDF at the quartiles of Be(α + 1, α)."""
    return [run_case(derivation, case, seed=seed, alpha=alpha_per_test())
            for case in _cdf_cases(_weight_function(candidate), "candidate: ")]


declare("mixup.beta_identity", "M", cases=_cdf_cases(), judge=_judge_ratio)


def _linearity_in_target(derivation, rng, seed):
    """nets.SoftmaxCrossEntropy (sum) at soft targets ỹ_λ: equal to λ l(y₁) + (1 − λ) l(y₂) to round-off,
    and d/dλ l(x, ỹ_λ) by differences equal to l(y₁) − l(y₂) at every λ; the squared error's gap is the
    derived −λ(1 − λ)‖y₁ − y₂‖² (y₁ ~ Dirichlet(1), y₂ one-hot on y₁'s least likely class)."""
    evidence = []
    loss, mse = nets.SoftmaxCrossEntropy(reduction="sum"), nets.MSELoss(reduction="sum")
    for classes in (3, 10):
        logits = rng.normal(0, 2, (1, classes))
        # a hard label on y1's least likely class: ||y1 - y2||^2 >= (1 - 1/classes)^2, so the gap below is
        # never lost in round-off
        y1 = rng.dirichlet(np.ones(classes), 1)
        y2 = one_hot(np.argmin(y1, axis=1), classes)
        with nets.no_grad():
            l1, l2 = loss(logits, y1), loss(logits, y2)
            for lam in (0.1, 0.5, 0.83):
                mixed = lam * y1 + (1 - lam) * y2
                evidence.append(Evidence(
                    derivation.id, "F", f"{classes} classes, lam = {lam}: l(x, y~) = lam l1 + (1 - lam) l2",
                    relative_error(np.array(loss(logits, mixed)), np.array(lam * l1 + (1 - lam) * l2)) <= AGREE,
                    estimator="relative error", estimate=relative_error(np.array(loss(logits, mixed)),
                                                                        np.array(lam * l1 + (1 - lam) * l2)),
                    threshold=AGREE, seed=seed))
                point = np.array([lam])
                # l1 - l2 can be far below the losses themselves: the floor from their round-off judges
                # it by its absolute error
                error = gradient_error(lambda: loss(logits, point[0] * y1 + (1 - point[0]) * y2), point,
                                       np.array([l1 - l2]), name="lam", rng=rng,
                                       noise=roundoff_noise(max(abs(l1), abs(l2))))
                evidence.append(Evidence(derivation.id, "F", f"{classes} classes, lam = {lam}: d l / d lam by "
                                                             "differences = l1 - l2", error.passed,
                                         estimator="floored relative error", estimate=error.relative_error,
                                         threshold=RTOL, seed=seed))
            probabilities = np.exp(nets.log_softmax(logits))
            lam = 0.3
            gap = mse(probabilities, lam * y1 + (1 - lam) * y2) - (lam * mse(probabilities, y1)
                                                                  + (1 - lam) * mse(probabilities, y2))
            derived = -lam * (1 - lam) * float(((y1 - y2) ** 2).sum())
            evidence.append(Evidence(derivation.id, "F", f"{classes} classes: the squared error's gap is "
                                                         "-lam (1 - lam) ||y1 - y2||^2, not 0",
                                     relative_error(np.array(gap), np.array(derived)) <= 1e-10 and abs(derived) > 1e-3,
                                     estimator="relative error", estimate=relative_error(np.array(gap),
                                                                                         np.array(derived)),
                                     threshold=1e-10, seed=seed, details={"gap": gap}))
    return evidence


declare("mixup.ce_linear_in_target", "F", run=_linearity_in_target)
