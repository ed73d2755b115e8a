"""Batch normalisation, backward (seed 004 Problems 2 and 3).

Seed 004's letters: x̂_i = (x_i − μ_B)/√(σ_B² + ε), y_i = γ x̂_i + β over a batch of m values;
g_i = ∂f/∂y_i is the upstream gradient. ∂f/∂x_k is derived for a batch of symbolic size m: f =
Σ_j g_j y_j is written with indexed sums, SymPy differentiates it (∂x_j/∂x_k = δ_jk), and the sums
are evaluated by ``indexed_sums`` (deltas eliminated, the batch statistics and the sums named). The
derivative of concrete batches of m = 2, 3, 4 symbols is kept as a cross-check; there ε is eliminated
through s = √(σ_B² + ε), ε = s² − σ_B², after which every expression is rational in s and the batch.

A candidate formula for ∂f/∂x_i is written in summary symbols: m, gamma, eps, var (σ_B²),
mu, x (x_i), dy (g_i), xhat (x̂_i), sum_dy (Σ_j g_j), sum_dy_xhat (Σ_j g_j x̂_j) and
sum_dy_xmu (Σ_j g_j (x_j − μ_B)). Only seven of them are independent: x = μ + s x̂ and
sum_dy_xmu = s sum_dy_xhat, so a candidate is compared after those two substitutions.
"""
from __future__ import annotations

import sympy as sp

from .core import Derivation, Fact, Step, claim
from .equality import compare
from .indexed_sums import evaluate_sums
from .batchnorm_forward import SEED_002, radicands_expanded

__all__ = ["SUMMARY_SYMBOLS", "SLIPS", "batch_gradients", "input_gradient_closed_form", "in_independent_summary",
           "same_input_gradient", "staged_batchnorm", "symbolic_batch_gradient"]

gamma, beta = sp.symbols("gamma beta", real=True)
eps = sp.Symbol("eps", positive=True)
s = sp.Symbol("s", positive=True)
SUMMARY_SYMBOLS = {name: sp.Symbol(name, **assumptions) for name, assumptions in (
    ("m", {"positive": True, "integer": True}), ("gamma", {"real": True}), ("eps", {"positive": True}),
    ("var", {"nonnegative": True}), ("mu", {"real": True}), ("x", {"real": True}), ("dy", {"real": True}),
    ("xhat", {"real": True}), ("sum_dy", {"real": True}), ("sum_dy_xhat", {"real": True}),
    ("sum_dy_xmu", {"real": True}))}
_S = SUMMARY_SYMBOLS


def input_gradient_closed_form() -> sp.Expr:
    """∂f/∂x_i = γ / (m √(σ² + ε)) · (m g_i − Σ_j g_j − x̂_i Σ_j g_j x̂_j), in the summary symbols."""
    return _S["gamma"] / (_S["m"] * sp.sqrt(_S["var"] + _S["eps"])) * (
        _S["m"] * _S["dy"] - _S["sum_dy"] - _S["xhat"] * _S["sum_dy_xhat"])


_root = sp.sqrt(_S["var"] + _S["eps"])
SLIPS = {
    # Seed 004 P3 writes one intermediate line of df/dsigma^2 without the factor -0.5 and restores it on the
    # next line; its final formula is right. Carrying the dropped line through would turn -1 into +2 here.
    "df/dsigma^2 without its -1/2": _S["gamma"] * _S["dy"] / _root - _S["gamma"] * _S["sum_dy"] / (_S["m"] * _root)
    + 2 * (_S["x"] - _S["mu"]) / _S["m"] * _S["gamma"] * _S["sum_dy_xmu"] / _root**3,
    "missing 1/m": _S["gamma"] / _root * (_S["dy"] - _S["sum_dy"] - _S["xhat"] * _S["sum_dy_xhat"]),
    "missing xhat * sum(dy * xhat)": _S["gamma"] / (_S["m"] * _root) * (_S["m"] * _S["dy"] - _S["sum_dy"]),
    "wrong sign": _S["gamma"] / (_S["m"] * _root) * (_S["m"] * _S["dy"] - _S["sum_dy"] + _S["xhat"] * _S["sum_dy_xhat"]),
}


def _batch(m: int):
    x = sp.symbols(f"x1:{m + 1}", real=True)
    g = sp.symbols(f"g1:{m + 1}", real=True)
    mean = sum(x) / m
    variance = sp.expand(sum((xi - mean) ** 2 for xi in x) / m)
    return x, g, mean, variance


def batch_gradients(m: int) -> dict[str, sp.Expr]:
    """∂f/∂x_1, ∂f/∂γ, ∂f/∂β of f = Σ_i g_i (γ x̂_i + β) over a symbolic batch of m, by differentiation,
    with ε replaced through s = √(σ² + ε)."""
    if m < 2:
        raise ValueError(f"m must be at least 2 (batch norm of one value is undefined), not {m}")
    x, g, mean, variance = _batch(m)
    xhat = [(xi - mean) / sp.sqrt(variance + eps) for xi in x]
    f = sum(gi * (gamma * xh + beta) for gi, xh in zip(g, xhat))
    eliminate = {eps: s**2 - variance}
    return {name: sp.simplify(sp.diff(f, v).subs(eliminate)) for name, v in (("x1", x[0]), ("gamma", gamma),
                                                                               ("beta", beta))}


def _expand_summary(expr: sp.Expr, m: int) -> sp.Expr:
    """The summary-symbol expression for example 1 of a symbolic batch of m, with ε = s² − σ²."""
    x, g, mean, variance = _batch(m)
    root = sp.sqrt(variance + eps)
    values = {_S["m"]: m, _S["gamma"]: gamma, _S["eps"]: eps, _S["var"]: variance, _S["mu"]: mean,
              _S["x"]: x[0], _S["dy"]: g[0], _S["xhat"]: (x[0] - mean) / root, _S["sum_dy"]: sum(g),
              _S["sum_dy_xhat"]: sum(gi * (xi - mean) for gi, xi in zip(g, x)) / root,
              _S["sum_dy_xmu"]: sum(gi * (xi - mean) for gi, xi in zip(g, x))}
    return sp.sympify(expr).subs(values, simultaneous=True).subs(eps, s**2 - variance)


def same_input_gradient(candidate: sp.Expr, sizes=(3, 4)):
    """How a summary-symbol formula compares with the derivative of concrete batches of these sizes:
    a Comparison, equal only when proved for every size, else the first size's outcome (a witness
    in the batch's variables, or undecided)."""
    for m in sizes:
        outcome = compare(sp.simplify(_expand_summary(candidate, m)), batch_gradients(m)["x1"], seconds=None)
        if not outcome.equal:
            return outcome
    return outcome


@claim("bn.param_gradients")
def _param_gradients() -> Derivation:
    m = 4
    x, g, mean, variance = _batch(m)
    xhat = [(xi - mean) / sp.sqrt(variance + eps) for xi in x]
    f = sum(gi * (gamma * xh + beta) for gi, xh in zip(g, xhat))
    d_gamma, d_beta = sp.diff(f, gamma), sp.diff(f, beta)
    return Derivation(
        id="bn.param_gradients", symbols=(gamma, beta), convention=SEED_002,
        assumptions=("$f = \\sum_i g_i y_i$ for upstream gradients $g_i = \\partial f/\\partial y_i$; a batch of m = 4 symbols",),
        steps=[Step(d_gamma, ""), Step(sum(gi * xh for gi, xh in zip(g, xhat)), "dy_i/dgamma = xhat_i")],
        result=sp.Eq(sp.Symbol(r"\partial f/\partial\gamma"), d_gamma), values={"target": d_gamma, "beta": d_beta},
        facts=[Fact("df/dbeta = sum_i df/dy_i", d_beta, sum(g))],
        answer=("$\\partial f/\\partial\\gamma = \\sum_i \\frac{\\partial f}{\\partial y_i}\\hat x_i$, "
                "$\\partial f/\\partial\\beta = \\sum_i \\frac{\\partial f}{\\partial y_i}$: the sum over the batch "
                "appears because $\\gamma$ and $\\beta$ are shared by every example (seed 004 writes the un-summed "
                "product in the first line)."),
    )


_i, _j, _k, _l, _p = sp.symbols("i j k l p", positive=True, integer=True)
_x, _g = sp.IndexedBase("x"), sp.IndexedBase("g")


def in_independent_summary(candidate: sp.Expr) -> sp.Expr:
    """A summary-symbol formula with x and sum_dy_xmu written through xhat and sum_dy_xhat."""
    return sp.sympify(candidate).subs({_S["x"]: _S["mu"] + _root * _S["xhat"],
                                       _S["sum_dy_xmu"]: _root * _S["sum_dy_xhat"]})


def symbolic_batch_gradient(normaliser=None) -> dict[str, sp.Basic]:
    """∂f/∂x_k for a batch of symbolic size m, by SymPy: f = Σ_j g_j (γ x̂_j + β) with μ_B and σ_B² written
    as sums over the batch, differentiated (∂x_j/∂x_k = δ_jk), the sums then evaluated.

    ``normaliser`` maps the batch variance to the divisor of x̂ (default √(σ_B² + ε)); another one
    (seed 004's forward typo √σ_B² + ε, say) gives the gradient of that other layer.

    Returns the model (``f``, the derivative with its Kronecker deltas) and ``in_summary``, which maps
    any of the chain's expressions to the summary symbols with x − μ_B = s x̂ and Σ g_j (x_j − μ_B) =
    s Σ g_j x̂_j (s = √(σ_B² + ε)), the independent form in which two expressions are compared.
    """
    m = _S["m"]
    mean = sp.Sum(_x[_p], (_p, 1, m)) / m
    variance = sp.Sum((_x[_l] - mean) ** 2, (_l, 1, m)) / m
    normaliser = normaliser or (lambda var: sp.sqrt(var + eps))
    xhat = (_x[_j] - mean) / normaliser(variance)
    f = sp.Sum(_g[_j] * (gamma * xhat + beta), (_j, 1, m))
    named = {_x[_i]: m * _S["mu"], _x[_i] ** 2: m * (_S["var"] + _S["mu"] ** 2), _g[_i]: _S["sum_dy"],
             _g[_i] * _x[_i]: _S["sum_dy_xmu"] + _S["mu"] * _S["sum_dy"]}

    def in_summary(expr: sp.Basic) -> sp.Basic:
        differentiated = sp.sympify(expr).replace(lambda node: isinstance(node, sp.Derivative),
                                                  lambda node: sp.diff(node.expr, *node.variables))
        summed = evaluate_sums(differentiated, named, _i).subs({_x[_k]: _S["x"], _g[_k]: _S["dy"]})
        return sp.simplify(in_independent_summary(summed))

    derivative = sp.diff(f, _x[_k])
    return {"f": f, "derivative": derivative, "in_summary": in_summary, "result": in_summary(derivative)}


@claim("bn.input_gradient")
def _input_gradient() -> Derivation:
    m, mu, var = _S["m"], _S["mu"], _S["var"]
    model = symbolic_batch_gradient()
    derived = model["result"]
    named_statistics = {sp.Sum(_x[_p], (_p, 1, m)): m * mu}
    with_statistics = model["derivative"].xreplace(named_statistics)
    with_statistics = with_statistics.xreplace({sp.Sum((_x[_l] - mu) ** 2, (_l, 1, m)): m * var})
    deltas_removed = (gamma * _g[_k] / _root - gamma * sp.Sum(_g[_j], (_j, 1, m)) / (m * _root)
                      - gamma * (_x[_k] - mu) * sp.Sum(_g[_j] * (_x[_j] - mu), (_j, 1, m)) / (m * _root**3))
    in_sums = (gamma * _S["dy"] / _root - gamma * _S["sum_dy"] / (m * _root)
               - gamma * (_S["x"] - mu) * _S["sum_dy_xmu"] / (m * _root**3))
    steps = [
        Step(sp.Derivative(model["f"], _x[_k]), ""),
        Step(model["derivative"], "chain rule through xhat_j, mu_B and sigma_B^2 (SymPy's diff): dx_j/dx_k = "
                                  "delta_jk"),
        Step(with_statistics, "name the batch statistics: sum_p x_p = m mu_B, sum_l (x_l - mu_B)^2 = m sigma_B^2"),
        Step(deltas_removed, "sum_j h_j delta_jk = h_k for 1 <= k <= m; sum_l (x_l - mu_B) = 0"),
        Step(in_sums, "name the sums: sum_dy = sum_j g_j, sum_dy_xmu = sum_j g_j (x_j - mu_B)"),
        Step(input_gradient_closed_form(), "x_k - mu_B = s xhat_k and sum_dy_xmu = s sum_dy_xhat, "
                                           "s = sqrt(sigma_B^2 + eps): collect gamma/(m s)"),
    ]
    concrete = {size: batch_gradients(size)["x1"] for size in (2, 3, 4)}
    facts = [Fact(f"m = {size}: differentiating a batch of {size} symbols gives the symbolic-m result", gradient,
                  _expand_summary(derived, size)) for size, gradient in concrete.items()]
    facts += [Fact(f"the slip '{name}' differs from the derivative", in_independent_summary(slip), derived,
                   holds=False) for name, slip in SLIPS.items()]
    return Derivation(
        id="bn.input_gradient", symbols=tuple(_S.values()), convention=SEED_002,
        assumptions=("$f = \\sum_j g_j y_j$, $g_j = \\partial f/\\partial y_j$, over a batch of symbolic size $m$; "
                     "$x$, $g$ indexed symbols, $1 \\le k \\le m$",
                     "summary symbols: $s = \\sqrt{\\sigma_B^2+\\varepsilon}$, $\\hat x = (x_k - \\mu_B)/s$, "
                     "sum\\_dy $= \\sum_j g_j$, sum\\_dy\\_xhat $= \\sum_j g_j \\hat x_j$, "
                     "sum\\_dy\\_xmu $= \\sum_j g_j (x_j - \\mu_B)$"),
        steps=steps, result=sp.Eq(sp.Symbol(r"\partial f/\partial x_k"), derived),
        values={"target": derived, "batch_of_4": concrete[4]}, expected=input_gradient_closed_form(),
        evaluate=model["in_summary"], facts=facts,
        equivalent=lambda candidate: compare(in_independent_summary(candidate), derived),
        answer=("$\\frac{\\partial f}{\\partial x_i} = \\frac{\\gamma}{m\\sqrt{\\sigma_B^2+\\varepsilon}}\\Big(m g_i - "
                "\\sum_j g_j - \\hat x_i\\sum_j g_j\\hat x_j\\Big)$. Seed 004's final formula, "
                "$\\frac{\\partial f}{\\partial \\hat x_i}\\frac{1}{\\sqrt{\\sigma^2+\\epsilon}} + "
                "\\frac{\\partial f}{\\partial \\mu}\\frac1m + \\frac{\\partial f}{\\partial \\sigma^2}"
                "\\frac{2(x_i-\\mu)}{m}$ with $\\frac{\\partial f}{\\partial \\sigma^2} = -\\tfrac12\\sum_i "
                "\\frac{\\partial f}{\\partial \\hat x_i}(x_i-\\mu)(\\sigma^2+\\epsilon)^{-3/2}$, is right. The "
                "slips are on the way: the first line of $\\partial f/\\partial\\sigma^2$ has no $\\sum_i$, one "
                "intermediate line drops the $-\\tfrac12$ (the next line restores it), and the separate result "
                "$\\partial\\sigma^2/\\partial x_i = 2(x_i-\\mu)/m$ is glued onto the chain of "
                "$\\partial f/\\partial\\sigma^2$ as if it were one more equal sign."),
    )


def staged_batchnorm(m: int = 3) -> dict[str, sp.Expr]:
    """The values of the batch-norm computation graph's stages for example 1 of a symbolic batch."""
    x, _, mean, variance = _batch(m)
    centred = x[0] - mean
    return {"mean": mean, "centred": centred, "squared": centred**2, "var": variance, "var_eps": variance + eps,
            "inv_std": 1 / sp.sqrt(variance + eps), "xhat": centred / sp.sqrt(variance + eps),
            "scaled": gamma * centred / sp.sqrt(variance + eps), "y": gamma * centred / sp.sqrt(variance + eps) + beta}


@claim("bn.computation_graph")
def _computation_graph() -> Derivation:
    stages = staged_batchnorm()
    x, _, mean, _ = _batch(3)
    node = {name: sp.Symbol(latex_name, **assumptions) for name, latex_name, assumptions in (
        ("xhat", r"\hat{x}_{1}", {"real": True}), ("centred", r"\left(x_{1} - \mu_{B}\right)", {"real": True}),
        ("inv_std", r"\left(\sigma_{B}^{2} + \varepsilon\right)^{-1/2}", {"positive": True}),
        ("var_eps", r"\left(\sigma_{B}^{2} + \varepsilon\right)", {"positive": True}),
        ("var", r"\sigma_{B}^{2}", {"nonnegative": True}), ("mean", r"\mu_{B}", {"real": True}))}
    mu_B = node["mean"]

    def node_value(name: str, value: sp.Expr):
        return lambda expr: radicands_expanded(sp.sympify(expr).subs(node[name], value))

    steps = [
        Step(gamma * node["xhat"] + beta, ""),
        Step(gamma * node["centred"] * node["inv_std"] + beta, "xhat_1 = (x_1 - mu_B) (sigma_B^2 + eps)^(-1/2)",
             rule=node_value("xhat", node["centred"] * node["inv_std"])),
        Step(gamma * node["centred"] / sp.sqrt(node["var_eps"]) + beta, "the node 1/sqrt(.)",
             rule=node_value("inv_std", 1 / sp.sqrt(node["var_eps"]))),
        Step(gamma * node["centred"] / sp.sqrt(node["var"] + eps) + beta, "the node sigma_B^2 + eps",
             rule=node_value("var_eps", node["var"] + eps)),
        Step(gamma * (x[0] - mu_B) / sp.sqrt(node["var"] + eps) + beta, "the node x_1 - mu_B",
             rule=node_value("centred", x[0] - mu_B)),
        Step(gamma * (x[0] - mu_B) / sp.sqrt(sum((xj - mu_B) ** 2 for xj in x) / 3 + eps) + beta,
             "the node sigma_B^2: the mean of the squares (x_j - mu_B)^2",
             rule=node_value("var", sum((xj - mu_B) ** 2 for xj in x) / 3)),
        Step(stages["y"], "the node mu_B: the mean of the batch", rule=node_value("mean", mean)),
    ]
    return Derivation(
        id="bn.computation_graph", symbols=(gamma, beta, eps), convention=SEED_002,
        assumptions=(r"nodes: $x_i$, $\mu_B$ = mean, $x_i-\mu_B$, $(x_i-\mu_B)^2$, $\sigma_B^2$ = mean, "
                     r"$\sigma_B^2+\varepsilon$, $1/\sqrt{\cdot}$, $\hat x_i$, $\gamma\hat x_i$, $y_i = \gamma\hat x_i + \beta$",),
        steps=steps, evaluate=radicands_expanded,
        result=sp.Eq(sp.Symbol("y_1"), stages["y"]), values={"target": stages["y"], **stages},
        answer=("Inputs $x_i$, $\\gamma$, $\\beta$; $\\mu_B$ and $\\sigma_B^2$ are reductions over the batch, so every "
                "$x_j$ reaches every $y_i$ through them: the three paths of the backward pass "
                "(through $\\hat x_i$, $\\mu_B$ and $\\sigma_B^2$)."),
    )
