"""Seed 000, Assignment 4: mixup without the second label.

Notation of the seed: (x₁, y₁), (x₂, y₂) iid from p*, λ ~ Be(α, α), x̃_λ = λx₁ + (1 − λ)x₂,
ỹ_λ = λy₁ + (1 − λ)y₂; (5) = E E E_λ l(x̃_λ, ỹ_λ), (6) = 2 E E E_λ λ·l(x̃_λ, y₁).

The model SymPy works in: the cross-entropy l(x, y) = Σ_c y_c f_c(x) with f_c(x) = −log p_c(x)
an unknown function of the input for each class (any network), and p* a distribution on K = 3
points (x_i, y_i) with arbitrary probabilities π_i, inputs and (soft or one-hot) labels. An
expectation over λ is an integral over [0, 1] against the Be(α, α) density; a link is proved on
the integrand (the integral is linear), and the Beta symmetry by symmetrising the integrand,
g(λ) → (g(λ) + g(1 − λ))/2, which leaves every integral over [0, 1] unchanged. The pairs (i, j)
run over all K² ordered pairs, so renaming (x₁, y₁) ↔ (x₂, y₂) only reorders a finite sum.
"""
from __future__ import annotations

import sympy as sp

from .core import Derivation, Fact, Step, TypesetSymbol, claim

__all__ = ["label_free_steps", "beta_density", "cross_entropy", "squared_error", "mixup_objective",
           "label_free_objective", "simplified_objective", "explicit", "canonical", "lam", "alpha"]


lam = TypesetSymbol("lam", positive=True)
alpha = sp.Symbol("alpha", positive=True)
CLASSES, POINTS = 2, 3
_f = [sp.Function(f"f_{c + 1}") for c in range(CLASSES)]
_pi = sp.symbols(f"pi_1:{POINTS + 1}", positive=True)
_q = sp.symbols(f"q_1:{POINTS + 1}", positive=True)  # the second draw's probabilities, when they differ
_x = sp.symbols(f"x_1:{POINTS + 1}", real=True)
_u = sp.symbols(f"u_1:{POINTS + 1}", real=True)
_y = [(u_i, 1 - u_i) for u_i in _u]  # a label (soft or one-hot) for each point: (u_i, 1 - u_i)

# what the chains show: sums over the pairs (i, j) of the points, the loss l and the densities as functions
i, j = sp.symbols("i j", positive=True, integer=True)
PI, Q, XI, YI = (sp.IndexedBase(name) for name in (r"\pi", "q", "x", "y"))
l = sp.Function("l")
p_sym = sp.Function(r"p_{\mathcal{Be}(\alpha,\alpha)}")
p_plus = sp.Function(r"p_{\mathcal{Be}(\alpha+1,\alpha)}")


def beta_density(a: sp.Expr, b: sp.Expr, at: sp.Expr = lam) -> sp.Expr:
    """p_Be(a,b)(λ) = λ^{a−1}(1 − λ)^{b−1} Γ(a + b)/(Γ(a)Γ(b)), the seed's form."""
    return at ** (a - 1) * (1 - at) ** (b - 1) * sp.gamma(a + b) / (sp.gamma(a) * sp.gamma(b))


def cross_entropy(x: sp.Expr, y) -> sp.Expr:
    """l(x, y) = −Σ_c y_c log p_c(x) = Σ_c y_c f_c(x)."""
    return sum(y_c * f(x) for y_c, f in zip(y, _f))


def squared_error(x: sp.Expr, y) -> sp.Expr:
    """Σ_c (p_c(x) − y_c)², with p_c an unknown function of the input."""
    return sum((f(x) - y_c) ** 2 for y_c, f in zip(y, _f))


def _x_mix(a, b, weight=lam) -> sp.Expr:
    return weight * XI[a] + (1 - weight) * XI[b]


def _pairs(term, second=PI) -> sp.Sum:
    """Σ_i Σ_j π_i π'_j term over the ordered pairs of points (π' = π unless the second draw differs)."""
    return sp.Sum(sp.Sum(PI[i] * second[j] * term, (j, 1, POINTS)), (i, 1, POINTS))


def _over_lambda(integrand: sp.Expr) -> sp.Integral:
    return sp.Integral(integrand, (lam, 0, 1))


def mixup_objective(density=p_sym) -> sp.Integral:
    """(5): ∫ p(λ) Σ_ij π_iπ_j l(x̃_λ, ỹ_λ) dλ."""
    return _over_lambda(density(lam) * _pairs(l(_x_mix(i, j), lam * YI[i] + (1 - lam) * YI[j])))


def label_free_objective(weight: sp.Expr = 2 * lam, second=PI) -> sp.Integral:
    """(6) with weight w(λ) = 2λ: ∫ p_Be(α,α)(λ) w(λ) Σ_ij π_iπ_j l(x̃_λ, y_i) dλ."""
    return _over_lambda(p_sym(lam) * weight * _pairs(l(_x_mix(i, j), YI[i]), second))


def simplified_objective() -> sp.Integral:
    """∫ p_Be(α+1,α)(λ) Σ_ij π_iπ_j l(x̃_λ, y_i) dλ."""
    return _over_lambda(p_plus(lam) * _pairs(l(_x_mix(i, j), YI[i])))


def explicit(expr: sp.Basic, loss=cross_entropy) -> sp.Basic:
    """The shown form made explicit: the sums over pairs done, π_k, q_k, x_k the point's symbols, the
    labels y_k = (u_k, 1 − u_k), l(x, y) = ``loss`` (linear combinations of labels mixed entry by entry)
    and the densities written out. Integrals stay unevaluated."""
    expr = sp.sympify(expr).replace(lambda e: isinstance(e, sp.Sum), lambda e: e.doit())
    points = {}
    for k in range(POINTS):
        points.update({PI[k + 1]: _pi[k], Q[k + 1]: _q[k], XI[k + 1]: _x[k]})

    def loss_of(a, b):
        entries = [sp.expand(b.xreplace({YI[k + 1]: _y[k][c] for k in range(POINTS)})) for c in range(CLASSES)]
        return loss(a, entries)
    expr = expr.replace(l, loss_of).xreplace(points)
    return expr.replace(p_sym, lambda t: beta_density(alpha, alpha, t)).replace(
        p_plus, lambda t: beta_density(alpha + 1, alpha, t))


def _expand(expr: sp.Basic) -> sp.Expr:
    """Expanded, inside the arguments of f_c too, leaving powers such as (1 − λ)^(α − 1) whole."""
    return sp.expand(expr, deep=True, power_exp=False, power_base=False, log=False, multinomial=True)


def _integrand(expr: sp.Basic, loss=cross_entropy) -> sp.Expr:
    """A linear combination of integrals over λ ∈ [0, 1] as the integral of one integrand, divided by
    the Be(α, α) density and expanded (an expression without an integral, a weight or a density, is left
    as it is). Equal integrands prove equal integrals."""
    expr = explicit(expr, loss)
    if not expr.has(sp.Integral):
        return expr
    expr = expr.replace(lambda e: isinstance(e, sp.Integral), lambda e: e.function)
    return _gammasimp_terms(_expand(expr / beta_density(alpha, alpha)))


def _gammasimp_terms(expr: sp.Expr) -> sp.Expr:
    """gammasimp on the Gamma factors of each term only (the ratio of two Beta normalisers), so that the
    work does not grow with the number of terms."""
    done: dict[sp.Expr, sp.Expr] = {}
    terms = []
    for term in sp.Add.make_args(expr):
        factors = sp.Mul.make_args(term)
        gammas = sp.Mul(*(f for f in factors if f.has(sp.gamma)))
        if gammas not in done:
            done[gammas] = sp.gammasimp(gammas)
        terms.append(done[gammas] * sp.Mul(*(f for f in factors if not f.has(sp.gamma))))
    return _expand(sp.Add(*terms))


def canonical(loss=cross_entropy):
    """The evaluate of the mixup chains for ``loss``: the expanded integrand per unit of Be(α, α) density."""
    return lambda expr: _integrand(expr, loss)


def _symmetrised(loss=cross_entropy):
    """The integrand made symmetric, (h(λ) + h(1 − λ))/2, per unit of the Be(α, α) density: since
    p(1 − λ) = p(λ) (a fact of the derivation), ∫ p(λ)h(λ)dλ = ∫ p(λ)h(1 − λ)dλ."""
    def rule(expr):
        h = _integrand(expr, loss)
        return _expand((h + h.subs(lam, 1 - lam)) / 2)
    return rule


def _weight_against(base: sp.Expr):
    """Reads the weight w(λ) of an objective ∫ w(λ)·base dλ (a weight is left as it is)."""
    def weight(expr: sp.Basic) -> sp.Expr:
        if not sp.sympify(expr).has(sp.Integral):
            return sp.sympify(expr)
        return sp.gammasimp(sp.cancel(_integrand(expr) / _integrand(base)))
    return weight


_ASSUMPTIONS = (
    r"$(x_1, y_1)$, $(x_2, y_2)$ iid from $p^*$; $\lambda \sim \mathcal{Be}(\alpha, \alpha)$ independent of them",
    r"$l(x, y) = -\sum_c y_c \log p_c(x) = \sum_c y_c f_c(x)$: the cross-entropy of any network $f$",
    r"SymPy works with $p^*$ on 3 points with arbitrary probabilities $\pi_i$, inputs $x_i$ and labels "
    r"$(u_i, 1 - u_i)$, and arbitrary functions $f_c$; the argument does not use the number of points",
    r"the unlabelled $x_2$ of (6) must be drawn from the input marginal of $p^*$ (the same as $x_1$'s): "
    r"the swap of the two draws needs them identically distributed",
)


@claim("mixup.ce_linear_in_target")
def _ce_linear() -> Derivation:
    classes = 3
    q = sp.symbols(f"q_1:{classes + 1}", real=True)  # q_c = log p_c(x)
    y1 = sp.symbols(" ".join(f"y1_{c + 1}" for c in range(classes)), real=True)
    y2 = sp.symbols(" ".join(f"y2_{c + 1}" for c in range(classes)), real=True)
    l1, l2 = sp.symbols("l1 l2", real=True)

    def ce(y):
        return -sum(y_c * q_c for y_c, q_c in zip(y, q))
    mixed = [lam * a + (1 - lam) * b for a, b in zip(y1, y2)]
    definitions = {l1: ce(y1), l2: ce(y2)}
    steps = [Step(ce(mixed), ""),
             Step(lam * ce(y1) + (1 - lam) * ce(y2), "the sum over classes is linear in each coefficient y_c"),
             Step(lam * l1 + (1 - lam) * l2, "l1 = l(x, y1), l2 = l(x, y2) by the definition of l",
                  rule=lambda e: sp.expand(sp.sympify(e).subs(definitions)))]
    p = sp.symbols(f"p_1:{classes + 1}", positive=True)

    def se(y):
        return sum((p_c - y_c) ** 2 for p_c, y_c in zip(p, y))
    se_gap = se(mixed) - (lam * se(y1) + (1 - lam) * se(y2))
    return Derivation(
        id="mixup.ce_linear_in_target", symbols=(lam, l1, l2),
        assumptions=(r"$l(x, y) = -\sum_c y_c \log p_c(x)$ with $q_c = \log p_c(x)$ fixed by the input $x$",
                     r"$\tilde y_\lambda = \lambda y_1 + (1 - \lambda) y_2$; 3 classes (the algebra is the same "
                     r"for any number)", r"$l_1 = l(x, y_1)$, $l_2 = l(x, y_2)$"),
        steps=steps, result=sp.Eq(sp.Symbol(r"l(x, \tilde y_\lambda)"), lam * l1 + (1 - lam) * l2),
        values={"squared_error_gap": sp.factor(se_gap)},
        facts=[Fact("squared error sum_c (p_c - y_c)^2 is not linear in y", se(mixed),
                    lam * se(y1) + (1 - lam) * se(y2), holds=False),
               Fact("its gap is -lam (1 - lam) ||y1 - y2||^2", se_gap,
                    -lam * (1 - lam) * sum((a - b) ** 2 for a, b in zip(y1, y2)))],
        answer="Yes: $l(x, \\lambda y_1 + (1-\\lambda) y_2) = \\lambda l(x, y_1) + (1-\\lambda) l(x, y_2)$, "
               "since $l$ is a sum over classes with the target's entries as coefficients. The squared error is "
               "not: it is below the mixture by $\\lambda(1-\\lambda)\\|y_1 - y_2\\|^2$.",
    )


def label_free_steps(loss=cross_entropy, second_shape: sp.Expr = alpha) -> list[Step]:
    """The seed's three steps from (5) to (6), proved in the model where l is ``loss`` and
    λ ~ Be(α, second_shape) (they hold for the cross-entropy and Be(α, α); a test plants the squared
    error, or an asymmetric Beta, and sees a link fail)."""
    density = p_sym if second_shape == alpha else sp.Lambda(lam, beta_density(alpha, second_shape))
    first, second = l(_x_mix(i, j), YI[i]), l(_x_mix(i, j), YI[j])
    return [
        Step(mixup_objective(density), ""),
        Step(_over_lambda(density(lam) * _pairs(lam * first + (1 - lam) * second)),
             "l(x, y) is linear in the target y (cross-entropy)"),
        Step(_over_lambda(density(lam) * _pairs(lam * first + lam * l(_x_mix(j, i), YI[j]))),
             "Be(alpha, alpha) is symmetric: lam -> 1 - lam in the second term, p(1 - lam) = p(lam)",
             rule=_symmetrised(loss)),
        Step(2 * _over_lambda(density(lam) * lam * _pairs(first)),
             "rename (x1, y1) <-> (x2, y2) in the second term: the two draws are iid from p*"),
    ]


@claim("mixup.label_free_form")
def _label_free() -> Derivation:
    steps = label_free_steps()
    steps.append(Step(2 * lam, "(6) is E[w(lam) l(x~_lam, y1)] with lam ~ Be(alpha, alpha) and weight w = 2 lam",
                      rule=_weight_against(_over_lambda(p_sym(lam) * _pairs(l(_x_mix(i, j), YI[i]))))))
    concrete = {alpha: 1, **dict(zip(_pi, (sp.Rational(1, 3),) * 3)), **dict(zip(_q, (sp.Rational(1, 2),) * 2 + (0,))),
                **dict(zip(_x, (0, 1, 3))), **dict(zip(_u, (1, 0, 1)))}
    t = sp.Symbol("t")

    def number(objective):  # an instance: alpha = 1, f_1(x) = x^2, f_2 = 0, exactly integrated
        expr = explicit(objective).subs(concrete).replace(_f[0], sp.Lambda(t, t**2)).replace(_f[1], sp.Lambda(t, 0))
        return sp.nsimplify(expr.doit())
    return Derivation(
        id="mixup.label_free_form", symbols=(lam, alpha), assumptions=_ASSUMPTIONS, steps=steps, evaluate=canonical(),
        result=sp.Eq(sp.Symbol("(5)"), 2 * sp.Symbol(r"\mathbb{E}\,\mathbb{E}\,\mathbb{E}_{\lambda}[\lambda\, "
                                                     r"l(\tilde x_\lambda, y_1)]")),
        values={"target": 2 * lam},
        facts=[Fact("Be(alpha, alpha) is symmetric: p(1 - lam) = p(lam)", beta_density(alpha, alpha, 1 - lam),
                    beta_density(alpha, alpha)),
               Fact("x2 from another input marginal: (6) != (5) (alpha = 1, f_1(x) = x^2, f_2 = 0, points 0, 1, 3)",
                    number(label_free_objective(second=Q)), number(mixup_objective()), holds=False),
               Fact("dropping the factor 2 halves the objective: (6)/2 != (5) (same instance)",
                    number(label_free_objective(weight=lam)), number(mixup_objective()), holds=False)],
        answer="(5) = (6): by linearity of $l$ in $y$, (5) = $\\mathbb{E}[\\lambda l(\\tilde x_\\lambda, y_1)] + "
               "\\mathbb{E}[(1-\\lambda) l(\\tilde x_\\lambda, y_2)]$; $\\lambda \\to 1-\\lambda$ (Be$(\\alpha,\\alpha)$ "
               "is symmetric) and renaming the two iid draws turn the second term into the first. The weight of "
               "$l(\\tilde x_\\lambda, y_1)$ is $2\\lambda$; $x_2$ may be unlabelled but must come from the same input "
               "marginal as $x_1$.",
    )


@claim("mixup.beta_identity")
def _beta_identity() -> Derivation:
    ratio = beta_density(alpha + 1, alpha) / beta_density(alpha, alpha)
    derived = sp.gammasimp(ratio)
    steps = [Step(ratio, ""),
             Step(lam * sp.gamma(2 * alpha + 1) * sp.gamma(alpha) / (sp.gamma(alpha + 1) * sp.gamma(2 * alpha)),
                  "lam^alpha / lam^(alpha - 1) = lam; the powers of (1 - lam) cancel"),
             Step(lam * (2 * alpha * sp.gamma(2 * alpha)) * sp.gamma(alpha)
                  / ((alpha * sp.gamma(alpha)) * sp.gamma(2 * alpha)),
                  "Gamma(z + 1) = z Gamma(z) at z = 2 alpha and z = alpha"),
             Step(2 * lam, "cancel Gamma(2 alpha) Gamma(alpha) and alpha")]
    return Derivation(
        id="mixup.beta_identity", symbols=(lam, alpha),
        assumptions=(r"$p_{\mathcal{Be}(a,b)}(\lambda) = \lambda^{a-1}(1-\lambda)^{b-1}\Gamma(a+b)/(\Gamma(a)\Gamma(b))$ "
                     r"on $0 < \lambda < 1$, $\alpha > 0$",),
        steps=steps, result=sp.Eq(sp.Symbol(r"p_{\mathcal{Be}(\alpha+1,\alpha)}(\lambda) / "
                                            r"p_{\mathcal{Be}(\alpha,\alpha)}(\lambda)"), derived),
        values={"target": derived, "reweighted_density": beta_density(alpha + 1, alpha)},
        facts=[Fact("2 lam p_Be(alpha, alpha)(lam) = p_Be(alpha + 1, alpha)(lam)",
                    2 * lam * beta_density(alpha, alpha), beta_density(alpha + 1, alpha)),
               Fact("2 lam p_Be(alpha, alpha) is not p_Be(alpha, alpha + 1)",
                    2 * lam * beta_density(alpha, alpha), beta_density(alpha, alpha + 1), holds=False)],
        answer="$p_{\\mathcal{Be}(\\alpha+1,\\alpha)}(\\lambda) = \\lambda \\cdot \\lambda^{\\alpha-1}(1-\\lambda)^{\\alpha-1}"
               "\\Gamma(2\\alpha+1)/(\\Gamma(\\alpha+1)\\Gamma(\\alpha))$ and $\\Gamma(2\\alpha+1)/\\Gamma(\\alpha+1) = "
               "2\\Gamma(2\\alpha)/\\Gamma(\\alpha)$, so the ratio of the densities is $2\\lambda$.",
    )


@claim("mixup.simplified_objective")
def _simplified() -> Derivation:
    target = beta_density(alpha + 1, alpha)
    steps = [Step(label_free_objective(), ""),
             Step(simplified_objective(), "2 lam p_Be(alpha, alpha)(lam) = p_Be(alpha + 1, alpha)(lam) "
                                          "(the Beta identity)"),
             Step(target, "(6) is E[l(x~_lam, y1)] with lam drawn from the density p_Be(alpha + 1, alpha)",
                  rule=_weight_against(_over_lambda(_pairs(l(_x_mix(i, j), YI[i])))))]
    return Derivation(
        id="mixup.simplified_objective", symbols=(lam, alpha), assumptions=_ASSUMPTIONS, steps=steps,
        evaluate=canonical(),
        result=sp.Eq(sp.Symbol(r"p_\lambda(\lambda)"), target), values={"target": target},
        facts=[Fact("the density of lam in the simplified objective is not Be(alpha, alpha + 1)'s", target,
                    beta_density(alpha, alpha + 1), holds=False),
               Fact("nor Be(alpha, alpha) times lam (the factor 2 dropped)", target,
                    lam * beta_density(alpha, alpha), holds=False)],
        answer="(6) $= \\mathbb{E}_{(x_1,y_1)\\sim p^*} \\mathbb{E}_{x_2 \\sim p^*} \\mathbb{E}_{\\lambda \\sim "
               "\\mathcal{Be}(\\alpha+1,\\alpha)}\\, l(\\tilde x_\\lambda, y_1)$: the label $y_2$ is never used, so $x_2$ "
               "may be an unlabelled input from the same marginal; $\\lambda$ now leans towards 1 (towards $x_1$).",
    )
