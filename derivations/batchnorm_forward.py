"""Batch normalisation, forward (seed 000 Assignment 2; seeds 001 and 002).

Two conventions for the affine step, stated per claim:
- seed 000: y = (a − μ_B)/σ_B · β + γ (β scales, γ shifts), with ε = 0;
- seeds 002 and 004 (and PyTorch): y = γ·â + β (γ scales, β shifts), â = (a − μ_B)/√(σ_B² + ε).
A batch of n examples x_i ∈ R^d enters through a_i = wᵀx_i + b; every entry is a symbol.
"""
from __future__ import annotations

import sympy as sp

from .core import Derivation, Fact, Step, claim
from .moments import Expectation, MomentModel, iid

__all__ = ["symbolic_batch", "batch_statistics", "batchnorm_seed000", "mahalanobis_form", "mahalanobis_norm_squared",
           "radicands_expanded", "running_average_mean"]

SEED_000 = r"Seed 000's letters: $y = \frac{a-\mu_B}{\sigma_B}\beta + \gamma$, $\beta$ scales and $\gamma$ shifts."
SEED_002 = r"Seed 002's letters (as PyTorch): $y = \gamma\hat a + \beta$, $\gamma$ scales and $\beta$ shifts."
beta, gamma = sp.symbols("beta gamma", real=True)
b = sp.Symbol("b", real=True)
eps = sp.Symbol("epsilon", positive=True)


def symbolic_batch(n: int, d: int) -> tuple[sp.Matrix, sp.Matrix]:
    """An n × d batch X (row i is x_i) and a weight vector w, every entry its own real symbol."""
    if n < 2 or d < 1:
        raise ValueError(f"a batch needs n >= 2 examples and d >= 1 features, not n={n}, d={d}")
    X = sp.Matrix(n, d, lambda i, j: sp.Symbol(f"x_{i + 1}{j + 1}", real=True))
    w = sp.Matrix(d, 1, lambda j, _: sp.Symbol(f"w_{j + 1}", real=True))
    return X, w


def radicands_expanded(expr: sp.Basic) -> sp.Basic:
    """Expand every square root's argument, so equal polynomials under a root compare equal."""
    return sp.sympify(expr).replace(lambda e: e.is_Pow and e.exp.is_Rational and e.exp.q == 2,
                                    lambda e: sp.Pow(sp.expand(e.base), e.exp))


def batch_statistics(a: list[sp.Expr]) -> tuple[sp.Expr, sp.Expr]:
    """μ_B and the biased σ_B² of a list of values (seed 000's equation (2))."""
    n = len(a)
    mean = sum(a) / n
    return mean, sp.expand(sum((ai - mean) ** 2 for ai in a) / n)


def batchnorm_seed000(a: list[sp.Expr], scale=beta, shift=gamma, epsilon=0) -> list[sp.Expr]:
    """y_i = (a_i − μ_B)/√(σ_B² + ε)·scale + shift for every example of the batch."""
    mean, variance = batch_statistics(a)
    return [(ai - mean) / sp.sqrt(variance + epsilon) * scale + shift for ai in a]


def _centred(X: sp.Matrix) -> sp.Matrix:
    n = X.rows
    return X - sp.ones(n, 1) * sp.Matrix([[sum(X[:, j]) / n for j in range(X.cols)]])


def mahalanobis_norm_squared(X: sp.Matrix, w: sp.Matrix) -> sp.Expr:
    """‖w‖_X² = wᵀ X_cov w with X_cov = (1/n) Σ_i (x_i − x̄)(x_i − x̄)ᵀ, expanded."""
    centred = _centred(X)
    return sp.expand((w.T * (centred.T * centred / X.rows) * w)[0, 0])


def mahalanobis_form(X: sp.Matrix, w: sp.Matrix, scale=beta, shift=gamma, epsilon=0) -> list[sp.Expr]:
    """y_i = wᵀ(x_i − x̄)/‖w‖_X·scale + shift (‖w‖_X² + ε under the root when ε is given)."""
    centred = _centred(X)
    norm = sp.sqrt(mahalanobis_norm_squared(X, w) + epsilon)
    return [(centred[i, :] * w)[0, 0] / norm * scale + shift for i in range(X.rows)]


def general_matrix_form():
    """For symbolic n and d: the centred pre-activations a − 1μ_B and C w, and the batch variance
    and wᵀ X_cov w, with data matrix X (n × d), C = X − 1 x̄ᵀ, x̄ = Xᵀ1/n, X_cov = CᵀC/n."""
    n, d = sp.symbols("n d", positive=True, integer=True)
    X, w = sp.MatrixSymbol("X", n, d), sp.MatrixSymbol("w", d, 1)
    one = sp.OneMatrix(n, 1)
    a = X * w + b * one
    centred = a - one * (one.T * a) / n
    C = X - one * (X.T * one / n).T
    return {"centred": centred, "projection": C * w, "variance": (C * w).T * (C * w) / n,
            "quadratic_form": w.T * (C.T * C / n) * w}


def _preactivations(X: sp.Matrix, w: sp.Matrix, bias=b) -> list[sp.Expr]:
    return [(X[i, :] * w)[0, 0] + bias for i in range(X.rows)]


@claim("bn.mahalanobis_form")
def _mahalanobis() -> Derivation:
    X, w = symbolic_batch(3, 2)
    a = _preactivations(X, w)
    y = batchnorm_seed000(a)
    mean, variance = batch_statistics(a)
    target = mahalanobis_form(X, w)
    bigger_X, bigger_w = symbolic_batch(4, 3)
    centred_1 = sp.expand(a[0] - mean)
    general = general_matrix_form()
    steps = [
        Step(y[0], ""),
        Step((centred_1) / sp.sqrt(variance) * beta + gamma, "a_1 - mu_B = w^T(x_1 - xbar): the bias cancels"),
        Step(target[0], "sigma_B^2 = (1/n) sum_i (w^T(x_i - xbar))^2 = w^T X w"),
    ]
    return Derivation(
        id="bn.mahalanobis_form", symbols=(beta, gamma), convention=SEED_000,
        assumptions=(r"$a_i = w^\top x_i + b$; $\mu_B$, $\sigma_B^2$ the batch mean and biased variance; $\varepsilon = 0$",
                     r"$X = \frac1n\sum_i (x_i-\bar x)(x_i-\bar x)^\top$, $\|w\|_X = (w^\top X w)^{1/2}$",
                     "shown for symbolic n and d in matrix algebra (X an n x d matrix symbol), and entry by entry "
                     "for a batch of n = 3 examples in d = 2 (every entry a symbol) and n = 4, d = 3"),
        steps=steps, result=sp.Eq(sp.Symbol("y_1"), target[0]), values={"target": target[0]},
        evaluate=radicands_expanded,
        facts=[Fact("every example of the n = 3 batch", sp.Matrix([radicands_expanded(e) for e in y]),
                    sp.Matrix([radicands_expanded(e) for e in target])),
               Fact("general n, d (matrix algebra): a - 1 mu_B = C w, the bias cancels", general["centred"],
                    general["projection"]),
               Fact("general n, d: sigma_B^2 = (Cw)^T(Cw)/n = w^T (C^T C/n) w = w^T X w", general["variance"],
                    general["quadratic_form"]),
               Fact("n = 4 examples in d = 3: the variance of w^T x is w^T X w",
                    batch_statistics(_preactivations(bigger_X, bigger_w))[1],
                    mahalanobis_norm_squared(bigger_X, bigger_w))],
        answer=(r"$y = \frac{w^\top(x-\bar x)}{\|w\|_X}\beta + \gamma$: $a_i - \mu_B = w^\top(x_i - \bar x)$ and "
                r"$\sigma_B^2 = \frac1n\sum_i (w^\top(x_i-\bar x))^2 = w^\top X w$."),
    )


@claim("bn.bias_invariance")
def _bias_invariance() -> Derivation:
    X, w = symbolic_batch(3, 2)
    y = batchnorm_seed000(_preactivations(X, w))
    derivative = sp.simplify(sp.diff(y[0], b))
    a = _preactivations(X, w)
    mean, variance = batch_statistics(a)
    a_1, mu_B, var_B = sp.Function("a_1"), sp.Function("mu_B"), sp.Function("sigma_B^2")
    projection, quadratic = sp.Symbol(r"w^{\top}(x_1 - \bar{x})", real=True), \
        sp.Symbol(r"w^{\top} X w", positive=True)
    batch = {projection: (_centred(X)[0, :] * w)[0, 0], quadratic: mahalanobis_norm_squared(X, w)}

    def in_the_batch(expr: sp.Basic) -> sp.Basic:
        """Every name evaluated on the batch of n = 3 examples in d = 2, then differentiated."""
        expr = sp.sympify(expr).replace(a_1, lambda _: a[0]).replace(mu_B, lambda _: mean)
        return radicands_expanded(expr.replace(var_B, lambda _: variance).subs(batch).doit())

    return Derivation(
        id="bn.bias_invariance", symbols=(b,), convention=SEED_000,
        assumptions=("the batch of \\texttt{bn.mahalanobis\\_form}",),
        steps=[Step(sp.Derivative((a_1(b) - mu_B(b)) / sp.sqrt(var_B(b)) * beta + gamma, b), ""),
               Step(sp.Derivative(projection / sp.sqrt(quadratic) * beta + gamma, b),
                    "a_1 - mu_B = w^T (x_1 - xbar) and sigma_B^2 = w^T X w (bn.mahalanobis_form): b cancels"),
               Step(sp.Integer(0), "the derivative of an expression free of b")],
        result=sp.Eq(sp.Symbol(r"\partial y_i/\partial b"), derivative), values={"target": derivative},
        evaluate=in_the_batch,
        facts=[Fact(f"dy_{i + 1}/db = 0", sp.diff(yi, b), 0) for i, yi in enumerate(y)],
        answer="$b$ cancels in $a_i - \\mu_B$ and in $\\sigma_B$: a bias before batch norm is redundant.",
    )


@claim("bn.scale_invariance")
def _scale_invariance() -> Derivation:
    c = sp.Symbol("c", nonzero=True, real=True)
    X, w = symbolic_batch(3, 2)
    a, scaled_a = _preactivations(X, w), _preactivations(X, c * w)
    (mean, variance), (scaled_mean, scaled_variance) = batch_statistics(a), batch_statistics(scaled_a)
    numerator_ratio = sp.factor(sp.expand(scaled_a[0] - scaled_mean) / sp.expand(a[0] - mean))
    variance_ratio = sp.factor(scaled_variance / variance)
    factor = sp.simplify(numerator_ratio / sp.sqrt(variance_ratio))
    y = sp.Symbol("y_i", real=True)
    derived = factor * (y - gamma) + gamma
    positive = sp.Symbol("c", positive=True)
    centred_c = sp.Symbol(r"\left(a_{i}(cw) - \mu_{B}(cw)\right)", real=True)
    var_c = sp.Symbol(r"\sigma_{B}^{2}(cw)", positive=True)
    centred_1 = sp.Symbol(r"\left(a_{i} - \mu_{B}\right)", real=True)
    var_1 = sp.Symbol(r"\sigma_{B}^{2}", positive=True)
    scaled_batch = {centred_c: sp.expand(scaled_a[0] - scaled_mean), var_c: scaled_variance,
                    centred_1: sp.expand(a[0] - mean), var_1: variance}

    def on_the_batch(expr: sp.Basic) -> sp.Basic:
        return sp.expand(sp.sympify(expr).subs(scaled_batch))

    def by_definition_of_y(expr: sp.Basic) -> sp.Basic:
        return sp.sympify(expr).subs(y, centred_1 / sp.sqrt(var_1) * beta + gamma)

    steps = [
        Step(centred_c / sp.sqrt(var_c) * beta + gamma, ""),
        Step(c / sp.Abs(c) * (centred_1 / sp.sqrt(var_1) * beta) + gamma,
             "on the batch: a_i - mu_B scales by c, sigma_B^2 by c^2, and sqrt(c^2) = |c|", rule=on_the_batch),
        Step(c / sp.Abs(c) * (y - gamma) + gamma, "y_i = (a_i - mu_B)/sigma_B beta + gamma",
             rule=by_definition_of_y),
    ]
    return Derivation(
        id="bn.scale_invariance", symbols=(c, y), convention=SEED_000,
        assumptions=("the batch of \\texttt{bn.mahalanobis\\_form}; $w \\to c\\,w$ with $c \\neq 0$",),
        steps=steps, result=sp.Eq(sp.Symbol("y_i(cw)"), derived), values={"target": derived},
        facts=[Fact("the centred pre-activation scales by c", numerator_ratio, c),
               Fact("the batch variance scales by c^2", variance_ratio, c**2),
               Fact("c > 0: y(cw) = y(w)", derived.subs(c, positive), y),
               Fact("c < 0: y(cw) = 2 gamma - y(w), the normalised part flips sign", derived.subs(c, -positive),
                    2 * gamma - y)],
        answer=("$y(cw) = \\mathrm{sign}(c)(y(w) - \\gamma) + \\gamma$: unchanged for $c > 0$; for $c < 0$ the "
                "normalised part changes sign, $y \\to 2\\gamma - y$."),
    )


@claim("bn.output_stats_at_init")
def _output_stats() -> Derivation:
    a = list(sp.symbols("a1:4", real=True))
    y = batchnorm_seed000(a, scale=1, shift=0)
    y_eps = batchnorm_seed000(a, scale=1, shift=0, epsilon=eps)
    mean_y = sp.simplify(sum(y) / 3)
    variance_y = sp.simplify(radicands_expanded(sum(yi**2 for yi in y) / 3 - mean_y**2))
    _, sigma2 = batch_statistics(a)
    variance_eps = sp.simplify(sum(yi**2 for yi in y_eps) / 3 - (sum(y_eps) / 3) ** 2)
    c = sp.Symbol("c", positive=True)
    X, w = symbolic_batch(3, 2)
    out = batchnorm_seed000(_preactivations(X, w))[0]
    grad, grad_scaled = sp.diff(out, w[0]), sp.diff(out, w[0]).subs({w[0]: c * w[0], w[1]: c * w[1]},
                                                                    simultaneous=True)
    mu_B, sigma_B = sp.Symbol(r"\mu_B", real=True), sp.Symbol(r"\sigma_B", positive=True)
    statistics = {mu_B: sum(a) / 3, sigma_B: sp.sqrt(sigma2)}
    normalised = [(ai - mu_B) / sigma_B for ai in a]
    steps = [
        Step(sum(yi**2 for yi in normalised) / 3 - (sum(normalised) / 3) ** 2, ""),
        Step(sum((ai - mu_B) ** 2 for ai in a) / (3 * sigma_B**2) - (sum(a) - 3 * mu_B) ** 2 / (9 * sigma_B**2),
             "collect 1/sigma_B over the batch"),
        Step(sp.Integer(1), "sigma_B^2 = (1/3) sum_i (a_i - mu_B)^2 and sum_i a_i = 3 mu_B"),
    ]

    def on_the_batch(expr: sp.Basic) -> sp.Basic:
        return radicands_expanded(sp.sympify(expr).subs(statistics))

    return Derivation(
        id="bn.output_stats_at_init", symbols=(), convention=SEED_000,
        assumptions=("$\\beta = 1$, $\\gamma = 0$; a batch of three values $a_1, a_2, a_3$ (symbols)",),
        steps=steps, evaluate=on_the_batch,
        result=sp.Eq(sp.Symbol("(mean, variance)"), sp.Tuple(mean_y, variance_y)),
        values={"target": variance_y, "mean": mean_y},
        facts=[Fact("with epsilon the batch variance is sigma^2/(sigma^2 + epsilon)", variance_eps,
                    sigma2 / (sigma2 + eps)),
               Fact("the gradient at c w is the gradient at w divided by c", sp.simplify(
                   radicands_expanded(grad_scaled * c - grad)), 0)],
        answer=("Mean 0 and standard deviation 1 over the mini-batch ($\\sqrt{\\sigma_B^2/(\\sigma_B^2+\\varepsilon)}$ "
                "with $\\varepsilon$). The weight initialisation no longer matters for the forward pass: each BN "
                "output is invariant to the scale (and bias) of the weights before it, so He's scaling has no "
                "effect on the activations (only the random directions of $w$ do). It still matters for "
                "training: the gradient with respect to $w$ scales as $1/c$."),
    )


@claim("bn.identity_init")
def _identity_init() -> Derivation:
    a = list(sp.symbols("a1:4", real=True))
    y = batchnorm_seed000(a, epsilon=eps)
    solution = sp.solve([y[0] - a[0], y[1] - a[1]], [beta, gamma], dict=True)[0]
    mean, variance = batch_statistics(a)
    mu_B, root = sp.Symbol(r"\mu_B", real=True), sp.Symbol(r"\sqrt{\sigma_B^2 + \varepsilon}", positive=True)
    statistics = {mu_B: mean, root: sp.sqrt(variance + eps)}
    steps = [
        Step(sp.Eq((a[0] - mu_B) / root * beta + gamma - ((a[1] - mu_B) / root * beta + gamma), a[0] - a[1]), ""),
        Step(sp.Eq((a[0] - a[1]) / root * beta, a[0] - a[1]), "mu_B and gamma cancel"),
        Step(sp.Eq(beta, root), "divide by (a_1 - a_2)/sqrt(sigma_B^2 + epsilon)"),
    ]

    def solved_for_beta(expr: sp.Basic) -> sp.Basic:
        """beta from an equation between names, the names then evaluated on the batch."""
        (value,) = sp.solve(expr, beta)
        return value.subs(statistics)

    return Derivation(
        id="bn.identity_init", symbols=(), convention=SEED_000,
        assumptions=("a batch of three values $a_i$ of $a = Wx + b$ with statistics $\\mu_B$, $\\sigma_B^2$",),
        steps=steps, evaluate=solved_for_beta,
        result=sp.Eq(sp.Symbol("(beta, gamma)"), sp.Tuple(solution[beta], solution[gamma])),
        values={"target": solution[beta], "shift": solution[gamma]},
        facts=[Fact("beta = sqrt(sigma_B^2 + epsilon)", solution[beta], sp.sqrt(variance + eps)),
               Fact("gamma = mu_B", solution[gamma], mean),
               Fact("then y_3 = a_3 too", sp.simplify(y[2].subs(solution) - a[2]), 0)],
        answer=("$\\beta = \\sqrt{\\sigma_B^2 + \\varepsilon}$ (the scale: $\\sigma_B$ in the seed's $\\varepsilon = 0$) and "
                "$\\gamma = \\mu_B$ (the shift), in seed 000's letters; in PyTorch's, weight $=\\sqrt{\\sigma^2+\\varepsilon}$ and "
                "bias $= \\mu$. With the running statistics (eval mode) this leaves every prediction unchanged; in "
                "training it is the identity only for the batch whose statistics were used."),
    )


@claim("bn.layernorm_contrast")
def _layernorm() -> Derivation:
    w = symbolic_batch(2, 2)[1]
    whitened = sp.Matrix([[1, 1], [1, -1], [-1, 1], [-1, -1]])
    plain = [(whitened[i, :] * w)[0, 0] / sp.sqrt(sp.expand((w.T * w)[0, 0])) * beta + gamma for i in range(4)]
    c, t = sp.Symbol("c", positive=True), sp.Symbol("t", real=True)
    W = sp.Matrix(3, 2, lambda i, j: sp.Symbol(f"W_{i + 1}{j + 1}", real=True))
    x = sp.Matrix(2, 1, lambda j, _: sp.Symbol(f"x_{j + 1}", real=True))
    bias = sp.Matrix(3, 1, lambda i, _: sp.Symbol(f"b_{i + 1}", real=True))

    def layer_norm(W_, bias_):
        units = list(W_ * x + bias_)
        return sp.Matrix([radicands_expanded(e) for e in batchnorm_seed000(units, 1, 0)])

    base = layer_norm(W, bias)
    xbar = sp.Matrix(2, 1, lambda j, _: sp.Symbol(rf"\bar{{x}}_{j + 1}", real=True))
    first = sp.Matrix(2, 1, lambda j, _: sp.Symbol(f"x_1{j + 1}", real=True))
    cov = sp.Matrix(2, 2, lambda p_, q: sp.Symbol(f"X_{min(p_, q) + 1}{max(p_, q) + 1}", real=True))
    centred = _centred(whitened)
    data = {"xbar": dict(zip(xbar, whitened.T * sp.ones(4, 1) / 4)),
            "cov": dict(zip(cov, centred.T * centred / 4)), "first": dict(zip(first, whitened[0, :]))}

    def given(name: str):
        return lambda expr: sp.sympify(expr).subs(data[name])

    steps = [
        Step(((first - xbar).T * w)[0, 0] / sp.sqrt((w.T * cov * w)[0, 0]) * beta + gamma, ""),
        Step((first.T * w)[0, 0] / sp.sqrt((w.T * cov * w)[0, 0]) * beta + gamma, "the batch is centred: xbar = 0",
             rule=given("xbar")),
        Step((first.T * w)[0, 0] / sp.sqrt((w.T * w)[0, 0]) * beta + gamma, "the batch is whitened: X = I",
             rule=given("cov")),
        Step(plain[0], "the first example is x_1 = (1, 1)", rule=given("first")),
    ]
    point = {c: 2, **{W[i, j]: i + j + 1 for i in range(3) for j in range(2)}, x[0]: 1, x[1]: -1,
             **{bias[i]: 0 for i in range(3)}}
    one_row = W.copy()
    one_row[0, :] = c * W[0, :]
    return Derivation(
        id="bn.layernorm_contrast", symbols=(c, t), convention=SEED_000,
        assumptions=("layer norm: statistics over the units of one example, no batch; weight norm: "
                     r"$y = \frac{w^\top x}{\|w\|}\beta + \gamma$ (the seed's 'plain $\|w\|$', no mean subtraction)",),
        steps=steps, result=sp.Eq(sp.Symbol("y_1"), plain[0]), values={"target": plain[0]},
        facts=[Fact("on a centred, whitened batch (xbar = 0, X = I) the Mahalanobis form is weight norm",
                    sp.Matrix([radicands_expanded(e) for e in mahalanobis_form(whitened, w)]),
                    sp.Matrix([radicands_expanded(e) for e in plain])),
               Fact("layer norm is invariant to scaling the whole layer (W, b) by c > 0",
                    sp.simplify(layer_norm(c * W, c * bias) - base), sp.zeros(3, 1)),
               Fact("layer norm is invariant to adding t to every bias", sp.simplify(
                   layer_norm(W, bias + t * sp.ones(3, 1)) - base), sp.zeros(3, 1)),
               Fact("layer norm is NOT invariant to scaling one unit's weights (batch norm is): at c = 2, W_ij = i + j, "
                    "x = (1, -1), b = 0", layer_norm(one_row, bias).subs(point), base.subs(point), holds=False)],
        answer=("Batch norm centres and scales each unit with statistics over the batch, so it is invariant to each "
                "unit's weight scale and bias and couples the examples of a batch. Weight norm divides by the plain "
                "$\\|w\\|$ with no mean subtraction: it equals the Mahalanobis form only for centred, whitened data, "
                "keeps a dependence on the bias and none on the batch. Layer norm uses statistics over the units of "
                "one example: it is invariant to scaling the whole layer and to a common bias shift, not to scaling "
                "one unit, and each example's output is independent of the rest of the batch."),
    )


@claim("bn.reparametrization")
def _reparametrization() -> Derivation:
    d = 3
    w = sp.Matrix(d, 1, lambda j, _: sp.Symbol(f"w_{j + 1}", real=True))
    x = sp.Matrix(d, 1, lambda j, _: sp.Symbol(f"x_{j + 1}", real=True))
    mu, sigma = sp.Symbol("mu_B", real=True), sp.Symbol("sigma_B", positive=True)
    bn = gamma * ((w.T * x)[0, 0] + b - mu) / sigma + beta
    expanded = sp.expand(bn)
    folded_weight = sp.Matrix([expanded.coeff(xj) for xj in x])
    folded_bias = sp.simplify(expanded.subs({xj: 0 for xj in x}))
    return Derivation(
        id="bn.reparametrization", symbols=(gamma, beta), convention=SEED_002,
        assumptions=(r"$\sigma_B$ stands for $\sqrt{\sigma_B^2+\varepsilon}$; in eval mode $\mu_B, \sigma_B^2$ are the "
                     "running statistics",),
        steps=[Step(sp.Subs(bn, tuple(x), (0,) * d), ""),
               Step(sp.Subs((gamma * w / sigma).dot(x) + gamma * (b - mu) / sigma + beta, tuple(x), (0,) * d),
                    "collect the terms in x: y = (gamma w / sigma_B)^T x + b'"),
               Step(gamma * (b - mu) / sigma + beta, "b' is y at x = 0")],
        result=sp.Eq(sp.Symbol("(w', b')"), sp.Tuple(folded_weight.T, folded_bias)),
        values={"target": folded_bias, "weight": folded_weight}, evaluate=lambda e: sp.sympify(e).doit(),
        facts=[Fact("w' = gamma w / sigma_B", folded_weight, gamma * w / sigma),
               Fact("b' = gamma (b - mu_B)/sigma_B + beta", folded_bias, gamma * (b - mu) / sigma + beta)],
        answer="$w \\to \\gamma w/\\sigma_B$, $b \\to \\gamma(b - \\mu_B)/\\sigma_B + \\beta$.",
    )


def running_average_mean(momentum, steps, start, population) -> sp.Expr:
    """E[r_t] of r_t = (1 − m) r_{t−1} + m·s_t with E[s_t] = population, r_0 = start (rsolve)."""
    t = sp.Symbol("t", integer=True, nonnegative=True)
    r = sp.Function("r")
    m_ = sp.Symbol("m", positive=True)
    solution = sp.rsolve(r(t + 1) - (1 - m_) * r(t) - m_ * population, r(t), {r(0): start})
    return sp.simplify(solution.subs({m_: momentum, t: steps}))


@claim("bn.train_eval")
def _train_eval() -> Derivation:
    B = sp.Symbol("B", integer=True, positive=True)
    mu, s2 = sp.Symbol("mu", real=True), sp.Symbol("s2", positive=True)
    i = sp.Symbol("i", integer=True, positive=True)
    x = sp.IndexedBase("x")
    model = MomentModel(iid(x, mean=mu, variance=s2))
    total = sp.Sum(x[i], (i, 1, B))
    sum_squares = sp.Sum(x[i] ** 2, (i, 1, B))
    biased = sp.factor(sp.expand(model.expect(sum_squares) / B - model.expect(total**2) / B**2))
    unbiased = sp.factor(biased * B / (B - 1))
    m, t = sp.Symbol("m", positive=True), sp.Symbol("t", integer=True, nonnegative=True)
    ema_var = running_average_mean(m, t, 1, unbiased)
    ema_mean = running_average_mean(m, t, 0, mu)
    keep = sp.Symbol("q", positive=True)  # 1 - m, the weight the running average keeps
    running = sp.Function(r"\mathbb{E}[r]")  # E[running_var] after a number of updates, as rsolve solved it
    batch_variance = (sum_squares - total**2 / B) / (B - 1)
    steps = [
        Step(running(t), ""),
        Step((1 - m) * running(t - 1) + m * Expectation(batch_variance),
             "r_t = (1 - m) r_{t-1} + m s_t^2 with s_t^2 the unbiased batch variance; linearity"),
        Step((1 - m) * running(t - 1) + m * s2, "E[unbiased batch variance] = s^2 (moment algebra)"),
        Step((1 - m) ** t + (1 - (1 - m) ** t) * s2, "solve the recursion from r_0 = 1 (rsolve)"),
    ]

    def solved(expr: sp.Basic) -> sp.Basic:
        """E[r] replaced by rsolve's solution, expectations by the moment algebra, then expanded in
        q = 1 - m > 0 (PyTorch's momentum lies in (0, 1)), where q^(t-1) splits as q^t / q."""
        value = model.evaluate(sp.sympify(expr).replace(running, lambda k: ema_var.subs(t, k)))
        return sp.expand(sp.expand(value.subs(m, 1 - keep), power_exp=True)).subs(keep, 1 - m)

    return Derivation(
        id="bn.train_eval", symbols=(mu, s2, B, m, t), convention=SEED_002,
        assumptions=("batches of B i.i.d. values with mean $\\mu$ and variance $s^2$; PyTorch's update "
                     "$r \\leftarrow (1-m) r + m\\,\\hat s$ with momentum $m = 0.1$, \\texttt{running\\_var} from the unbiased "
                     "batch variance, starting at 0 (mean) and 1 (variance)",),
        steps=steps, evaluate=solved, result=sp.Eq(sp.Symbol(r"\mathbb{E}[running\_var_t]"), ema_var),
        values={"target": ema_var, "running_mean": ema_mean, "unbiased": unbiased, "biased": biased,
                "population_mean": model.expect(total) / B},
        facts=[Fact("E[biased batch variance] = (B - 1)/B s^2", biased, (B - 1) * s2 / B),
               Fact("E[unbiased batch variance] = s^2", unbiased, s2),
               Fact("the running mean tends to mu", sp.limit(ema_mean.subs(m, sp.Rational(1, 10)), t, sp.oo), mu),
               Fact("the running variance tends to s^2", sp.limit(ema_var.subs(m, sp.Rational(1, 10)), t, sp.oo), s2)],
        answer=("Training normalises with the batch statistics and updates running averages "
                "$r \\leftarrow (1-m)r + m\\,\\hat s$; eval normalises with them. Because the update uses the unbiased "
                "batch variance, $\\mathbb{E}[r_t] = (1-m)^t + (1-(1-m)^t)s^2 \\to s^2$; the biased one would "
                "converge to $(B-1)s^2/B$. BatchNorm1d averages over the batch (and length), BatchNorm2d over batch, "
                "height and width. Seed 001 writes $\\mu^t_{av} \\mathrel{+}= \\alpha\\mu^{t-1} + (1-\\alpha)\\mu^t$: the "
                "update is $\\mu^t_{av} = \\alpha\\mu^{t-1}_{av} + (1-\\alpha)\\mu^t$ (erratum)."),
    )
