"""Variance propagation at initialisation: He, LeCun and Glorot (seeds 000 A1, 001, 002 Ex. 1,
003 P1, 004 P5).

Notation of seed 000: a = wᵀx, E[x_i] = μ, E[x_i²] = χ, E[w_i] = 0, V[w_i] = v, n the width;
α_k = V[a^k] the pre-activation variance of layer k with n_k units and weight variance v_k.
Seed 002 writes ω for the weight variance and χ for V[x_i]; seed 004 writes D_a for the width.
"""
from __future__ import annotations

import sympy as sp
from sympy.stats import Exponential, Laplace, Normal, StudentT, Uniform

from .core import Derivation, Fact, Step, claim, positive_parameter, real_parameter
from .densities import (
    a, expectation_of, leaky_relu, normal_form, p, ratio_to_variance, relu, symmetric_normal_form, t,
)
from .moments import Expectation, MomentModel, Variance, exchangeable, iid

__all__ = [
    "preact_variance", "relu_second_moment", "variance_recursion", "he_variance",
    "lecun_variance", "xavier_variance", "product_variance",
]

n = sp.Symbol("n", positive=True, integer=True)
v = sp.Symbol("v", positive=True)
chi = sp.Symbol("chi", positive=True)
mu = sp.Symbol("mu", real=True)
_MEAN_W = sp.Symbol("m_w", real=True)  # E[w_i] while the moment algebra runs
i = sp.Symbol("i", integer=True, positive=True)
w_, x_ = sp.IndexedBase("w"), sp.IndexedBase("x")
preactivation = sp.Sum(w_[i] * x_[i], (i, 1, n))



def _weight_model(weight_mean=0) -> MomentModel:
    """w_i iid with mean ``weight_mean`` and variance v; x_i identically distributed with
    E[x_i] = μ, E[x_i²] = χ and *any* dependence between the x_i; w independent of x."""
    return MomentModel(
        iid(w_, mean=weight_mean, variance=v), exchangeable(x_, moments={1: mu, 2: chi})
    )


def preact_variance(n_in=n, weight_variance=v, second_moment=chi, *, weight_mean=0) -> sp.Expr:
    """V[a] for a = Σ_{i≤n} w_i x_i, by the moment algebra (seed 000 A1a)."""
    weight_mean = real_parameter("weight_mean", weight_mean)
    if weight_mean == 0:
        value = _weight_model(0).variance(preactivation)
    else:  # the algebra in a symbol, the number substituted last: a float such as 1e-300 is slow to expand
        value = _weight_model(_MEAN_W).variance(preactivation).subs(_MEAN_W, weight_mean)
    return value.subs({n: positive_parameter("n_in", n_in), v: positive_parameter("weight_variance", weight_variance, allow_zero=True),
                       chi: positive_parameter("second_moment", second_moment, allow_zero=True)})


@claim("init.preact_mean")
def _preact_mean() -> Derivation:
    model = _weight_model()
    steps = [
        Step(Expectation(preactivation), ""),
        Step(sp.Sum(Expectation(w_[i] * x_[i]), (i, 1, n)), "linearity of expectation"),
        Step(sp.Sum(Expectation(w_[i]) * Expectation(x_[i]), (i, 1, n)), "w independent of x"),
        Step(sp.Sum(0 * mu, (i, 1, n)), "E[w_i] = 0"),
    ]
    derived = model.expect(preactivation)
    return Derivation(
        id="init.preact_mean", symbols=(n, mu, chi, v),
        assumptions=(r"$a = w^\top x = \sum_{i=1}^n w_i x_i$",
                     r"$\mathbb{E}[w_i] = 0$, $w$ independent of $x$"),
        steps=steps, result=sp.Eq(Expectation(sp.Symbol("a")), derived), expected=sp.Integer(0),
        evaluate=model.evaluate,
        facts=[Fact("with E[w_i] = m the mean is n m mu (the zero needs E[w_i] = 0)",
                    _weight_model(sp.Symbol("m")).expect(preactivation), n * sp.Symbol("m") * mu)],
    )


@claim("init.preact_var")
def _preact_var() -> Derivation:
    model = _weight_model()
    m = sp.Symbol("m", real=True)
    off_diagonal = Expectation(x_[1] * x_[2])
    steps = [
        Step(Variance(preactivation), ""),
        Step(Expectation(preactivation**2) - Expectation(preactivation) ** 2, "definition of the variance"),
        Step(n * Expectation(w_[1] ** 2 * x_[1] ** 2)
             + n * (n - 1) * Expectation(w_[1] * x_[1] * w_[2] * x_[2]),
             "expand the square: n diagonal and n(n-1) off-diagonal terms, identically distributed; E[a] = 0"),
        Step(n * Expectation(w_[1] ** 2) * Expectation(x_[1] ** 2)
             + n * (n - 1) * Expectation(w_[1]) * Expectation(w_[2]) * off_diagonal,
             "w independent of x; w_1 independent of w_2"),
        Step(n * v * chi + n * (n - 1) * 0 * off_diagonal, "E[w_i] = 0, E[w_i^2] = V[w_i] = v"),
    ]
    derived = model.variance(preactivation)
    with_mean = _weight_model(m).variance(preactivation)
    return Derivation(
        id="init.preact_var", symbols=(n, v, chi, mu),
        assumptions=(r"$\mathbb{E}[x_i] = \mu$, $\mathbb{E}[x_i^2] = \chi$ (the $x_i$ need not be independent)",
                     r"$w_i$ i.i.d., $\mathbb{E}[w_i] = 0$, $\mathbb{V}[w_i] = v$, $w$ independent of $x$"),
        steps=steps, result=sp.Eq(Variance(sp.Symbol("a")), derived), expected=n * v * chi,
        evaluate=model.evaluate,
        facts=[
            Fact("the result holds whatever the correlation E[x_1 x_2] of the inputs", sp.diff(derived, mu), 0),
            Fact("with E[w_i] = m != 0 the input correlation enters", sp.diff(with_mean, m), 0, holds=False),
            Fact("it is chi, not the input variance chi - mu^2, that enters", derived, n * v * (chi - mu**2),
                 holds=False),
        ],
        answer=("$\\mathbb{V}[a] = n v \\chi$ with $\\chi = \\mathbb{E}[x_i^2]$, not the variance of $x_i$. "
                "It needs $w_i$ i.i.d. with mean zero and $w$ independent of $x$; the $x_i$ need not be "
                "independent of each other, since the off-diagonal terms vanish through $\\mathbb{E}[w_i]=0$."),
    )


@claim("init.preact_symmetric")
def _preact_symmetric() -> Derivation:
    s3, s5 = sp.Symbol("s3", real=True), sp.Symbol("s5", real=True)
    symmetric_w = MomentModel(iid(w_, moments={1: 0, 3: 0, 5: 0}), exchangeable(x_, moments={1: mu, 2: chi}))
    skewed_w = MomentModel(iid(w_, moments={1: 0, 2: v, 3: s3, 5: s5}), iid(x_, moments={1: mu, 2: chi}))
    flipped = sp.Sum(-w_[i] * x_[i], (i, 1, n))
    steps = [
        Step(Expectation(preactivation**3), ""),
        Step(Expectation(flipped**3), "w and -w have the same distribution, and both are independent of x"),
        Step(-Expectation(preactivation**3), "a(-w, x) = -a(w, x), so a(-w, x)^3 = -a(w, x)^3"),
        Step(sp.Integer(0), "E[a^3] = -E[a^3] forces E[a^3] = 0"),
    ]
    third = symmetric_w.expect(preactivation**3)
    return Derivation(
        id="init.preact_symmetric", symbols=(n, v, chi, mu),
        assumptions=(r"$w \overset{d}{=} -w$, $w$ independent of $x$",),
        steps=steps, result=sp.Eq(Expectation(sp.Symbol("a") ** 3), third),
        values={"target": third}, evaluate=symmetric_w.evaluate,
        facts=[
            Fact("every odd moment vanishes: E[a^5] = 0", symmetric_w.expect(preactivation**5), 0),
            Fact("with skewed w (E[w^3] = s3) the third moment n s3 E[x^3] is not zero",
                 skewed_w.expect(preactivation**3), 0, holds=False),
        ],
        answer=("Since $(-w, x) \\overset{d}{=} (w, x)$ and $a(-w, x) = -a(w, x)$, $-a \\overset{d}{=} a$: "
                "$a$ is symmetric about zero, whatever the distribution of $x$."),
    )


def relu_second_moment(distribution) -> sp.Expr:
    """E[relu(X)^2] for a ``sympy.stats`` random expression X, integrated exactly.

    For X symmetric about zero this is V[X]/2; for any other X it is the true value.
    """
    def square_of_positive_part(h):
        return h**2
    square_of_positive_part.positive_part = True
    return expectation_of(distribution, square_of_positive_part)


def _moment(distribution, power: int) -> sp.Expr:
    return expectation_of(distribution, lambda h: h**power)


def _symmetric_families():
    sigma, b, c = sp.symbols("sigma b c", positive=True)
    return {
        "normal": Normal("a", 0, sigma),
        "Laplace": Laplace("a", 0, b),
        "uniform": Uniform("a", -c, c),
        "Student-t (5 dof)": StudentT("a", 5),
    }


def _normal_form_or_number(expr: sp.Basic) -> sp.Basic:
    """A plain number stays itself (the coefficient a chain ends in); an expectation goes to its normal form."""
    expr = sp.sympify(expr)
    return normal_form(expr) if _has_expectation(expr) else expr


def _coefficient_of_variance(expr: sp.Basic) -> sp.Basic:
    """c with expr = c V[a] for a symmetric a (a plain number is its own coefficient)."""
    expr = sp.sympify(expr)
    return ratio_to_variance(expr) if _has_expectation(expr) else expr


def _has_expectation(expr: sp.Basic) -> bool:
    return expr.has(Expectation, Variance, sp.Integral)


@claim("init.relu_second_moment")
def _relu_second_moment() -> Derivation:
    half = sp.Rational(1, 2)
    positive_half = sp.Integral(t**2 * p(t), (t, 0, sp.oo))
    negative_half = sp.Integral(t**2 * p(t), (t, -sp.oo, 0))
    steps = [
        Step(Expectation(relu(a) ** 2), ""),
        Step(positive_half, "relu(t) = 0 for t < 0"),
        Step(half * (positive_half + negative_half), "symmetry p(-t) = p(t)", rule=symmetric_normal_form),
        Step(half * sp.Integral(t**2 * p(t), (t, -sp.oo, sp.oo)), "additivity of the integral"),
        Step(half * Expectation(a**2), "definition of the expectation"),
        Step(half * (Expectation(a**2) - Expectation(a) ** 2), "E[a] = 0 by symmetry", rule=symmetric_normal_form),
        Step(half * Variance(a), "definition of the variance", rule=symmetric_normal_form),
    ]
    coefficient = ratio_to_variance(Expectation(relu(a) ** 2))
    steps.append(Step(coefficient, "the coefficient c of E[relu(a)^2] = c V[a], read off the normal forms",
                      rule=_coefficient_of_variance))
    facts = [Fact(f"{name}: E[relu(a)^2] = V[a]/2", relu_second_moment(X), coefficient * _moment(X, 2))
             for name, X in _symmetric_families().items()]
    skewed = Exponential("e", 1) - 1
    facts.append(Fact("centred Exponential(1) (not symmetric): E[relu(a)^2] = 2/e, not V[a]/2 = 1/2",
                      relu_second_moment(skewed), coefficient * _moment(skewed, 2), holds=False))
    facts.append(Fact("without the symmetry rule, E[relu(a)^2] and E[a^2]/2 have different normal forms",
                      normal_form(Expectation(relu(a) ** 2)), normal_form(half * Expectation(a**2)),
                      holds=False))
    return Derivation(
        id="init.relu_second_moment", symbols=(),
        assumptions=(r"$a$ has a density $p$ with $p(-t) = p(t)$ (so $\mathbb{E}[a] = 0$)",),
        steps=steps, result=sp.Eq(Expectation(relu(a) ** 2), coefficient * Variance(a)),
        values={"target": coefficient, "exponential": relu_second_moment(skewed)},
        expected=half, facts=facts, evaluate=_normal_form_or_number,
        answer=("$\\mathbb{E}[\\mathrm{relu}(a)^2] = \\tfrac12\\mathbb{V}[a]$ for every symmetric $a$; for a "
                "non-symmetric $a$ it fails (centred Exponential(1): $2/e \\ne 1/2$)."),
    )


def variance_recursion(n_prev=None, v_k=None, alpha_prev=None, *, depth=None, negative_slope=0):
    """α_k in terms of α_{k-1} (seed 000 A1d), or α_K/α_0 over ``depth`` equal layers.

    With ``depth`` given, the recursion is solved by ``rsolve`` for constant n and v.
    """
    n_k1, v_k_, alpha_k1 = sp.Symbol("n", positive=True, integer=True), v, sp.Symbol("alpha", positive=True)
    gain = ratio_to_variance(Expectation(leaky_relu(a, real_parameter("negative_slope", negative_slope)) ** 2))
    step = preact_variance(n_k1, v_k_, gain * alpha_k1)
    values = {n_k1: None if n_prev is None else positive_parameter("n_prev", n_prev),
              v_k_: None if v_k is None else positive_parameter("v_k", v_k, allow_zero=True),
              alpha_k1: None if alpha_prev is None else positive_parameter("alpha_prev", alpha_prev, allow_zero=True)}
    step = step.subs({s: val for s, val in values.items() if val is not None})
    if depth is None:
        return step
    depth = real_parameter("depth", depth)
    if depth.is_integer is False or depth.is_negative:
        raise ValueError(f"depth must be a non-negative integer, not {depth}")
    k = sp.Symbol("k", integer=True, nonnegative=True)
    alpha = sp.Function("alpha")
    ratio = step.subs(alpha_k1, 1)
    solution = sp.rsolve(alpha(k + 1) - ratio * alpha(k), alpha(k), {alpha(0): 1})
    return solution.subs(k, depth)


def he_variance(n_in, n_out=None, *, negative_slope=0, mode: str = "fan_in") -> sp.Expr:
    """The weight variance that keeps the forward (fan_in) or backward (fan_out) variance
    of a (leaky) ReLU network constant: 2 / ((1 + slope²) fan)."""
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', not {mode!r}")
    v_k = sp.Symbol("v_k", positive=True)
    slope = real_parameter("negative_slope", negative_slope)
    if mode == "fan_in":
        fan = positive_parameter("n_in", n_in)
        gain = ratio_to_variance(Expectation(leaky_relu(a, slope) ** 2))
    else:
        if n_out is None:
            raise ValueError("n_out is needed for mode='fan_out'")
        fan = positive_parameter("n_out", n_out)
        derivative = sp.Heaviside(a) + slope * sp.Heaviside(-a)
        gain = sp.simplify(normal_form(Expectation(derivative**2), symmetric_density=True)
                           / normal_form(1, symmetric_density=True))
    (solution,) = sp.solve(sp.Eq(fan * v_k * gain, 1), v_k)
    return solution


@claim("init.variance_recursion")
def _variance_recursion() -> Derivation:
    n_k1, v_k, alpha_k1 = n, v, sp.Symbol("alpha", positive=True)
    x_prev = sp.Symbol("x^{k-1}_j", real=True)
    a_prev, a_k = sp.Symbol("a^{k-1}", real=True), sp.Symbol("a^{k}", real=True)
    steps = [
        Step(Variance(a_k), ""),
        Step(n_k1 * v_k * Expectation(x_prev**2), "init.preact_var with n = n_{k-1}, v = v_k"),
        Step(n_k1 * v_k * Expectation(relu(a_prev) ** 2), "x^{k-1} = relu(a^{k-1})"),
        Step(n_k1 * v_k * Variance(a_prev) / 2, "init.relu_second_moment: a^{k-1} is symmetric"),
        Step(n_k1 * v_k * alpha_k1 / 2, "alpha_{k-1} = V[a^{k-1}]"),
    ]
    derived = variance_recursion()
    geometric = variance_recursion(n, v, depth=sp.Symbol("K", integer=True, positive=True))
    replacements = [
        (Variance(a_k), preact_variance(n_k1, v_k, Expectation(x_prev**2))),
        (Expectation(x_prev**2), Expectation(relu(a_prev) ** 2)),
        (Expectation(relu(a_prev) ** 2),
         ratio_to_variance(Expectation(relu(a) ** 2)) * Variance(a_prev)),
        (Variance(a_prev), alpha_k1),
    ]
    return Derivation(
        id="init.variance_recursion", symbols=(n_k1, v_k, alpha_k1),
        assumptions=(r"layer $k$: $a^k = W^k x^{k-1}$, $x^{k-1} = \mathrm{relu}(a^{k-1})$; "
                     r"$n = n_{k-1}$, $v = v_k$, $\alpha = \alpha_{k-1}$",
                     r"$W^k$ i.i.d. symmetric, mean 0, variance $v_k$, independent of $x^{k-1}$"),
        steps=steps, result=sp.Eq(sp.Symbol("alpha_k"), derived), expected=n_k1 * v_k * alpha_k1 / 2,
        values={"geometric": geometric},
        evaluate=lambda e: sp.sympify(e).subs(replacements),
        facts=[Fact("over K equal layers alpha_K = (n v / 2)^K alpha_0 (rsolve)",
                    geometric, (n * v / 2) ** sp.Symbol("K", integer=True, positive=True))],
    )


@claim("init.he_variance")
def _he_variance() -> Derivation:
    n_k1, v_k, alpha_k1 = n, v, sp.Symbol("alpha", positive=True)
    slope = sp.Symbol("s", nonnegative=True)
    K = sp.Symbol("K", integer=True, positive=True)
    recursion = variance_recursion(n_k1, v_k, alpha_k1)
    (derived,) = sp.solve(sp.Eq(recursion, alpha_k1), v_k)
    steps = [  # v stands for v_k here
        Step(sp.Eq(recursion, alpha_k1), ""),
        Step(sp.Eq(v_k * n_k1 / 2, 1), "divide by alpha_{k-1} > 0"),
        Step(sp.Eq(v_k, derived), "solve for v_k"),
    ]
    sigma = sp.Symbol("sigma", positive=True)
    fixed = variance_recursion(n, sigma**2, depth=K)
    return Derivation(
        id="init.he_variance", symbols=(n_k1,),
        assumptions=("the recursion of \\texttt{init.variance\\_recursion}, with $n = n_{k-1}$, $v = v_k$, "
                     r"$\alpha = \alpha_{k-1}$", r"$\alpha_k = \alpha_{k-1}$ wanted"),
        steps=steps, result=sp.Eq(sp.Symbol("v_k"), derived), expected=2 / n_k1,
        evaluate=lambda e: sp.solve(e, v_k)[0],
        values={"fixed_std": fixed},
        facts=[
            Fact("leaky ReLU with slope s: 2 / ((1 + s^2) n)", he_variance(n_k1, negative_slope=slope),
                 2 / ((1 + slope**2) * n_k1)),
            Fact("fan_out mode keeps the gradient variance: 2 / n_k", he_variance(1, n, mode="fan_out"), 2 / n),
            Fact("fixed std sigma over K layers: alpha_K / alpha_0 = (n sigma^2 / 2)^K", fixed,
                 (n * sigma**2 / 2) ** K),
        ],
        answer=("$v_k = 2/n_{k-1}$. A fixed standard deviation $\\sigma$ multiplies the variance by "
                "$n\\sigma^2/2$ per layer: for $n = 256$, $\\sigma = 0.01$ that is $0.0128$ (vanishing), "
                "for $\\sigma = 1$ it is $128$ (exploding)."),
    )


def product_variance(mean_w=None, var_w=None, mean_a=None, var_a=None) -> sp.Expr:
    """V[W A] for independent W, A, by the moment algebra (seed 004 P5)."""
    W, A = sp.symbols("W A", real=True)
    ew, vw, ea, va = sp.symbols("E_W V_W E_A V_A", real=True)
    for name, value in (("var_w", var_w), ("var_a", var_a)):
        if value is not None:
            positive_parameter(name, value, allow_zero=True)
    for name, value in (("mean_w", mean_w), ("mean_a", mean_a)):
        if value is not None:
            real_parameter(name, value)
    model = MomentModel(iid(W, mean=ew, variance=vw), iid(A, mean=ea, variance=va))
    value = sp.expand(model.variance(W * A))
    given = {ew: mean_w, vw: var_w, ea: mean_a, va: var_a}
    return value.subs({s: val for s, val in given.items() if val is not None})


def lecun_variance(n_in) -> sp.Expr:
    """The weight variance 1/n_in that keeps V[z] = V[a] in the linear (tanh) regime."""
    d, var_w, var_a = sp.Symbol("D_a", positive=True, integer=True), sp.Symbol("V_W", positive=True), \
        sp.Symbol("V_a", positive=True)
    per_term = product_variance(0, var_w, 0, var_a)
    (solution,) = sp.solve(sp.Eq(d * per_term, var_a), var_w)
    return solution.subs(d, positive_parameter("n_in", n_in))


@claim("init.lecun_variance")
def _lecun_variance() -> Derivation:
    d = sp.Symbol("D_a", positive=True, integer=True)
    vw, va = sp.symbols("V_W V_a", positive=True)
    ew, ea = sp.symbols("E_W E_A", real=True)
    j = sp.Symbol("j", integer=True, positive=True)
    W, A = sp.IndexedBase("W"), sp.IndexedBase("a")
    z = sp.Sum(W[j] * A[j], (j, 1, d))
    model = MomentModel(iid(W, mean=0, variance=vw), iid(A, mean=0, variance=va))
    steps = [
        Step(sp.Eq(Variance(z), va), ""),
        Step(sp.Eq(sp.Sum(Variance(W[j] * A[j]), (j, 1, d)), va), "variance of a sum of independent terms"),
        Step(sp.Eq(d * product_variance(0, vw, 0, va), va),
             "V[WA] = E[W]^2 V[A] + E[A]^2 V[W] + V[W] V[A], means zero"),
        Step(sp.Eq(vw, 1 / d), "solve for V[W]"),
    ]
    derived = lecun_variance(d)
    return Derivation(
        id="init.lecun_variance", symbols=(d,),
        assumptions=(r"tanh in its linear regime: $\mathbb{V}[a] = \mathbb{V}[z]$",
                     r"$W_{ij}$, $a_j$ independent, mean zero, bias zero"),
        steps=steps, result=sp.Eq(sp.Symbol("V_W"), derived), expected=1 / d,
        values={"product_variance": product_variance()},
        evaluate=lambda e: sp.solve(model.evaluate(e), vw)[0],
        facts=[Fact("V[WA] for independent W, A (moment algebra)", product_variance(),
                    ew**2 * sp.Symbol("V_A", real=True) + ea**2 * sp.Symbol("V_W", real=True)
                    + sp.Symbol("V_W", real=True) * sp.Symbol("V_A", real=True))],
        answer=("$\\mathbb{V}[W_{ij}] = 1/D_a$: fan-in scaling, LeCun's rule. Seed 004 names it Xavier; "
                "Glorot and Bengio's compromise is $2/(n_{in}+n_{out})$ (\\texttt{init.glorot\\_compromise})."),
    )


def xavier_variance(n_in, n_out) -> sp.Expr:
    """Glorot's compromise between the forward (1/n_in) and backward (1/n_out) conditions."""
    omega = sp.Symbol("omega", positive=True)
    n_in, n_out = positive_parameter("n_in", n_in), positive_parameter("n_out", n_out)
    forward, backward = n_in * omega, n_out * omega
    (solution,) = sp.solve(sp.Eq((forward + backward) / 2, 1), omega)
    return solution


@claim("init.glorot_forward")
def _glorot_forward() -> Derivation:
    n_k1, omega_k, chi_ = n, sp.Symbol("omega", positive=True), chi
    j = sp.Symbol("j", integer=True, positive=True)
    W, X = sp.IndexedBase("w"), sp.IndexedBase("x")
    model = MomentModel(iid(W, mean=0, variance=omega_k), iid(X, mean=0, variance=chi_))
    x_k = sp.Sum(W[j] * X[j], (j, 1, n_k1))
    derived = model.variance(x_k)
    return Derivation(
        id="init.glorot_forward", symbols=(n_k1, omega_k, chi_),
        assumptions=(r"tanh in its linear regime, $f(x) \approx x$; $n = n_{k-1}$, $\omega = \omega_k$",
                     r"$x^{k-1}_j$ i.i.d. mean 0, variance $\chi = \mathbb{V}[x^{k-1}]$; $w_{ij}$ i.i.d. mean 0, "
                     r"variance $\omega_k$"),
        steps=[Step(Variance(x_k), ""), Step(n_k1 * Expectation(W[1] ** 2) * Expectation(X[1] ** 2),
                                             "independent zero-mean terms"),
               Step(n_k1 * omega_k * chi_, "E[w^2] = omega_k, E[x^2] = chi")],
        result=sp.Eq(Variance(sp.Symbol("x^k_i")), derived), expected=n_k1 * omega_k * chi_,
        evaluate=model.evaluate,
    )


@claim("init.glorot_backward")
def _glorot_backward() -> Derivation:
    n_k1, omega, g2 = n, sp.Symbol("omega", positive=True), sp.Symbol("nabla", positive=True)
    j = sp.Symbol("i", integer=True, positive=True)
    W, G = sp.IndexedBase("w"), sp.IndexedBase(r"\nabla^{k+1}")
    model = MomentModel(iid(W, mean=0, variance=omega), iid(G, mean=0, variance=g2))
    grad = sp.Sum(W[j] * G[j], (j, 1, n_k1))
    derived = model.variance(grad)
    return Derivation(
        id="init.glorot_backward", symbols=(n_k1, omega, g2),
        assumptions=(r"linear regime: $\nabla^k_j = \sum_i w^{k+1}_{ij} \nabla^{k+1}_i$; $n = n_{k+1}$, "
                     r"$\omega = \omega_{k+1}$",
                     r"$\nabla^{k+1}_i$ i.i.d. mean 0, variance $\nabla = \mathbb{V}[\nabla^{k+1}]$, independent "
                     r"of $w^{k+1}$"),
        steps=[Step(Variance(grad), ""), Step(n_k1 * omega * g2, "as init.glorot_forward, summing over the "
                                                                 "n_{k+1} units that x^k_j feeds")],
        result=sp.Eq(Variance(sp.Symbol(r"\nabla^k_j")), derived), expected=n_k1 * omega * g2,
        evaluate=model.evaluate,
    )


@claim("init.glorot_compromise")
def _glorot_compromise() -> Derivation:
    n_in, n_out = sp.Symbol("n_in", positive=True, integer=True), sp.Symbol("n_out", positive=True, integer=True)
    omega = sp.Symbol("omega", positive=True)
    (forward,) = sp.solve(sp.Eq(n_in * omega, 1), omega)
    (backward,) = sp.solve(sp.Eq(n_out * omega, 1), omega)
    derived = xavier_variance(n_in, n_out)
    return Derivation(
        id="init.glorot_compromise", symbols=(n_in, n_out),
        assumptions=("$n_{in} = n_{k-1}$, $n_{out} = n_k$, $\\omega = \\omega_k$",
                     "forward condition $n_{k-1}\\omega_k = 1$, backward condition $n_k\\omega_k = 1$",
                     "compromise: their average holds"),
        steps=[Step(sp.Eq((n_in * omega + n_out * omega) / 2, 1), ""),
               Step(sp.Eq(omega, derived), "solve for omega_k")],
        result=sp.Eq(omega, derived), expected=2 / (n_in + n_out),
        evaluate=lambda e: sp.solve(e, omega)[0],
        facts=[Fact("the forward condition alone gives 1/n_{k-1}", forward, 1 / n_in),
               Fact("the backward condition alone gives 1/n_k", backward, 1 / n_out),
               Fact("seed 001 writes the std as sqrt(2/(n_{k-1}+n_k)): as a variance that is wrong",
                    sp.sqrt(derived), derived, holds=False)],
        answer=("$\\omega_k = 2/(n_{k-1}+n_k)$ is a variance; seed 001 writes "
                "$\\mathcal{N}(0, \\sqrt{2/(n^{(l-1)}+n^{(l)})})$, which taken as a variance is wrong "
                "(erratum)."),
    )
