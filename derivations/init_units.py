"""Seed 003 Problem 1: the initialisation variance of a linear unit and of a shifted ReLU unit.

Notation of the seed: u = Wx + b with W a d_u × d_x matrix, b = 0 at initialisation,
each x_j zero mean and unit variance, each W_ij ~ N(0, σ) where σ is the *variance*
(the seed's letter), all independent. Here ``d`` stands for d_x.
"""
from __future__ import annotations

import sympy as sp
from sympy.stats import Chi, Normal
from sympy.stats import E as stats_expectation

from .core import Derivation, Fact, Step, claim, positive_parameter
from .densities import a, expectation_of, normal_form, p, relu, u
from .moments import Expectation, MomentModel, Variance, iid

__all__ = ["linear_unit_variance", "shifted_relu_variance"]

d = sp.Symbol("d", positive=True, integer=True)
sigma = sp.Symbol("sigma", positive=True)
j = sp.Symbol("j", positive=True, integer=True)
W, X = sp.IndexedBase("W"), sp.IndexedBase("x")
unit = sp.Sum(W[j] * X[j], (j, 1, d))


def _unit_model() -> MomentModel:
    return MomentModel(iid(W, mean=0, variance=sigma), iid(X, mean=0, variance=1))


def linear_unit_variance(d_x) -> sp.Expr:
    """σ with V[u_i] = 1 for u = Wx, x_j zero-mean unit-variance: 1/d_x."""
    (solution,) = sp.solve(sp.Eq(_unit_model().variance(unit), 1), sigma)
    return solution.subs(d, positive_parameter("d_x", d_x))


@claim("init.linear_unit_variance")
def _linear_unit() -> Derivation:
    model = _unit_model()
    derived = linear_unit_variance(d)
    steps = [
        Step(sp.Eq(Variance(unit), 1), ""),
        Step(sp.Eq(sp.Sum(Expectation(W[j] ** 2) * Expectation(X[j] ** 2), (j, 1, d)), 1),
             "independent zero-mean terms; W independent of x"),
        Step(sp.Eq(d * sigma, 1), "E[W_ij^2] = sigma, E[x_j^2] = 1"),
        Step(sp.Eq(sigma, derived), "solve for sigma"),
    ]
    return Derivation(
        id="init.linear_unit_variance", symbols=(d,),
        assumptions=(r"$u = Wx + b$, $b = 0$; $x_j$ zero mean, unit variance; $W_{ij}$ mean 0, variance "
                     r"$\sigma$ (the seed's letter for the variance); $d = d_x$",),
        steps=steps, result=sp.Eq(sigma, derived), expected=1 / d,
        values={"mean": model.expect(unit)},
        evaluate=lambda e: sp.solve(model.evaluate(e), sigma)[0],
        facts=[Fact("E[u_i] = 0 whatever sigma", model.expect(unit), 0)],
        answer="$\\sigma = 1/d_x$ (a variance), which gives $\\mathbb{E}[u_i] = 0$ and $\\mathbb{V}[u_i] = 1$.",
    )


def _relu_moments(s_variance: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """E[relu(s)], E[relu(s)^2] for s ~ N(0, s_variance), integrated by sympy.stats."""
    s = Normal("s", 0, sp.sqrt(s_variance))

    def identity(h):
        return h

    def square(h):
        return h**2

    identity.positive_part = square.positive_part = True
    return expectation_of(s, identity), expectation_of(s, square)


def shifted_relu_variance(d_x, *, finite_width: bool = False) -> sp.Expr:
    """σ with V[relu(Wx)] = 1, so u' = relu(Wx) - b' is zero-mean unit-variance.

    Large width (default): s = Σ_j W_ij x_j is taken Gaussian, N(0, d σ), by the central
    limit theorem; the answer is 2π / ((π - 1) d). With ``finite_width`` the weights and the
    inputs are Gaussian and d is finite: given x, s ~ N(0, σ ||x||²), so
    V[relu(s)] = σ (d/2 - E[||x||]² / (2π)) with ||x|| ~ Chi(d).
    """
    if finite_width:
        mean_relu_per_root_sigma = stats_expectation(Chi("r", d)) / sp.sqrt(2 * sp.pi)
        variance = sigma * d / 2 - sigma * mean_relu_per_root_sigma**2
    else:
        first, second = _relu_moments(d * sigma)
        variance = second - first**2
    (solution,) = sp.solve(sp.Eq(variance, 1), sigma)
    return sp.simplify(solution.subs(d, positive_parameter("d_x", d_x)))


@claim("init.shifted_relu_variance")
def _shifted_relu() -> Derivation:
    first, second = _relu_moments(d * sigma)
    large = shifted_relu_variance(d)
    finite = shifted_relu_variance(d, finite_width=True)
    linear = linear_unit_variance(d)
    factor = sp.simplify(large / linear)
    shift = sp.simplify(first.subs(sigma, large))
    steps = [
        Step(sp.Eq(second - first**2, 1), ""),
        Step(sp.Eq(d * sigma / 2 - d * sigma / (2 * sp.pi), 1),
             "E[relu(s)] = sqrt(d sigma / (2 pi)), E[relu(s)^2] = d sigma / 2 for s ~ N(0, d sigma)"),
        Step(sp.Eq(sigma, large), "solve for sigma"),
    ]
    four = finite.subs(d, 4)
    m = sp.Symbol("m", positive=True, integer=True)
    ratio = sp.gamma(m + sp.S.Half) ** 2 / (sp.gamma(m) * sp.gamma(m + 1))
    variance_at_large = (sigma * d / 2 - sigma * (stats_expectation(Chi("r", d)) / sp.sqrt(2 * sp.pi)) ** 2)
    return Derivation(
        id="init.shifted_relu_variance", symbols=(d,),
        assumptions=(r"$u' = \mathrm{relu}(Wx + b) - b'$, $b = 0$; $x_j$ zero mean, unit variance",
                     r"large width: $s = \sum_j W_{ij}x_j$ is Gaussian $\mathcal{N}(0, d\sigma)$ (central limit "
                     r"theorem); exact at any width when $\|x\|^2 = d$ (e.g. $x_j = \pm 1$)"),
        steps=steps, result=sp.Eq(sigma, large), expected=2 * sp.pi / ((sp.pi - 1) * d),
        values={"finite_width": finite, "shift": shift,
                "variance_of_large_width_answer_at_finite_d": sp.simplify(variance_at_large.subs(sigma, large))},
        evaluate=lambda e: sp.solve(e, sigma)[0],
        facts=[
            Fact("for any density p of s, E[s^2] - E[relu(s)^2] = int_0^oo u^2 p(-u) du >= 0, so "
                 "V[relu(s)] <= E[s^2] = d sigma and sigma must exceed 1/d whatever the distribution",
                 normal_form(Expectation(a**2) - Expectation(relu(a) ** 2)), u**2 * p(-u)),
            Fact("it is larger than part a)'s 1/d by the factor 2 pi / (pi - 1)", factor, 2 * sp.pi / (sp.pi - 1)),
            Fact("with d = 2m, d sigma_d = 2 pi / (pi - r(m)), r(m) = Gamma(m+1/2)^2 / (Gamma(m) Gamma(m+1))",
                 sp.gammasimp(finite.subs(d, 2 * m) * 2 * m), 2 * sp.pi / (sp.pi - ratio)),
            Fact("r(m) -> 1, so the finite-width value tends to the large-width one", sp.limit(ratio, m, sp.oo), 1),
            Fact("at d = 4 with Gaussian x the exact value differs from the large-width one", four,
                 large.subs(d, 4), holds=False),
        ],
        answer=("Increase. Seed 003 P1 b) asks only whether the weight variance must increase or decrease, and "
                "it must increase for any distribution of $x$ and $W$ with the stated moments: "
                "$\\mathbb{V}[\\mathrm{relu}(s)] \\le \\mathbb{E}[\\mathrm{relu}(s)^2] = \\mathbb{E}[s^2] - "
                "\\mathbb{E}[\\mathrm{relu}(-s)^2] < \\mathbb{E}[s^2] = d\\sigma$ (strict: $s$ has mean zero, so it is "
                "negative with positive probability), and $\\mathbb{V}[u'] = 1$ needs $\\sigma > 1/d_x$. "
                "The value $\\sigma = 2\\pi/((\\pi-1)d_x) \\approx 2.93/d_x$ is our own "
                "large-width answer, not the seed's: it takes $s$ Gaussian (large width, or $\\|x\\|^2 = d$ "
                "exactly); the ReLU halves the second moment and the shift $b' = \\mathbb{E}[\\mathrm{relu}(s)] = "
                "1/\\sqrt{\\pi - 1}$ removes the squared mean $d\\sigma/(2\\pi)$. With Gaussian $x$ at finite $d$ the "
                "exact value is $\\sigma_d = 1/(d/2 - \\mathbb{E}[\\|x\\|]^2/(2\\pi))$, $\\|x\\| \\sim \\chi_d$: at "
                "$d = 4$, "
                f"${sp.latex(sp.nsimplify(four))} \\approx {float(four):.4f}$ against "
                f"${float(large.subs(d, 4)):.4f}$."),
    )
