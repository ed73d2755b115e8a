"""Seed 004 §3: the variance of an ensemble average.

N predictors X_1 … X_N, each with mean μ and variance σ² (``sigma2``), every pair with correlation
ρ (``rho``): exchangeable, not independent. The average X̄ = (1/N) Σ_i X_i.
"""
from __future__ import annotations

import sympy as sp

from .core import Derivation, Fact, Step, TypesetSymbol, claim
from .moments import Expectation, MomentModel, Variance, exchangeable

__all__ = ["ensemble_variance", "correlation_range", "rho", "sigma2", "N"]


N = sp.Symbol("N", positive=True, integer=True)
rho = sp.Symbol("rho", real=True)
sigma2 = TypesetSymbol("sigma2", positive=True)
mu = sp.Symbol("mu", real=True)
i = sp.Symbol("i", positive=True, integer=True)
X = sp.IndexedBase("X")
average = sp.Sum(X[i], (i, 1, N)) / N


def _model() -> MomentModel:
    return MomentModel(exchangeable(X, mean=mu, variance=sigma2, joint={(1, 1): rho * sigma2 + mu**2}))


def ensemble_variance(members=N, correlation=rho, variance=sigma2) -> sp.Expr:
    """V[X̄] by the moment algebra, factored: σ²(1 + (N − 1)ρ)/N = ρσ² + (1 − ρ)σ²/N."""
    derived = sp.factor(_model().variance(average))
    return derived.subs({N: members, rho: correlation, sigma2: variance})


def correlation_range(members=N) -> sp.Set:
    """The ρ (N ≥ 2) for which the N×N covariance σ²((1 − ρ)I + ρ11ᵀ) is positive semi-definite: its eigenvalues
    are σ²(1 + (N − 1)ρ) (on 1) and σ²(1 − ρ) (on every vector orthogonal to 1)."""
    others = sp.Symbol("m", positive=True)  # N - 1 > 0: an ensemble has at least two members
    along_ones = sp.solve_univariate_inequality(1 + others * rho >= 0, rho, relational=False)
    orthogonal = sp.solve_univariate_inequality(1 - rho >= 0, rho, relational=False)
    # along_ones = [-1/m, oo), orthogonal = (-oo, 1], and -1/m < 1: their intersection
    return sp.Interval(along_ones.inf.subs(others, members - 1), orthogonal.sup)


@claim("ensemble.variance_reduction")
def _ensemble() -> Derivation:
    model = _model()
    derived = ensemble_variance()
    steps = [Step(Variance(average), ""),
             Step((N * Variance(X[1]) + N * (N - 1) * (Expectation(X[1] * X[2]) - Expectation(X[1])**2)) / N**2,
                  "V[sum] = sum of the N variances + the N(N - 1) covariances (exchangeable members)"),
             Step((N * sigma2 + N * (N - 1) * rho * sigma2) / N**2, "Cov(X_i, X_j) = rho sigma^2 for i != j"),
             Step(rho * sigma2 + (1 - rho) * sigma2 / N, "collect the terms in rho")]
    n4 = 4
    covariance = sigma2 * ((1 - rho) * sp.eye(n4) + rho * sp.ones(n4, n4))
    eigen = covariance.eigenvals()
    return Derivation(
        id="ensemble.variance_reduction", symbols=(rho, sigma2, N),
        assumptions=(r"$N$ predictors, each with variance $\sigma^2$ (\texttt{sigma2}), every pair with correlation "
                     r"$\rho$; the ensemble predicts their average",),
        steps=steps, evaluate=lambda e: sp.expand(model.evaluate(e)),
        result=sp.Eq(Variance(average), derived), expected=rho * sigma2 + (1 - rho) * sigma2 / N,
        values={"target": derived, "independent": sigma2 / N, "rho_range": correlation_range(),
                "lower_rho": -1 / (N - 1)},
        facts=[Fact("rho = 0 (independent members): sigma^2 / N", derived.subs(rho, 0), sigma2 / N),
               Fact("rho = 1: sigma^2 whatever N", derived.subs(rho, 1), sigma2),
               Fact("sigma^2/N is wrong for correlated members", derived, sigma2 / N, holds=False),
               Fact("N -> oo: rho sigma^2 remains", sp.limit(derived, N, sp.oo), rho * sigma2),
               Fact("V >= 0 and the covariance is PSD exactly for -1/(N - 1) <= rho <= 1",
                    sp.Matrix([correlation_range().inf, correlation_range().sup]), sp.Matrix([-1 / (N - 1), 1])),
               Fact("N = 4: the covariance's eigenvalues are sigma^2 (1 + 3 rho) and sigma^2 (1 - rho) (three times)",
                    sp.Matrix(sorted(eigen.values())), sp.Matrix([1, 3])),
               Fact("N = 4: ... with those values", sp.Matrix([sp.factor(k) for k in sorted(eigen, key=eigen.get)]),
                    sp.Matrix([sigma2 * (3 * rho + 1), sigma2 * (1 - rho)]))],
        answer="$\\mathbb{V}[\\bar X] = \\rho\\sigma^2 + (1-\\rho)\\sigma^2/N = \\sigma^2(1 + (N-1)\\rho)/N$: averaging "
               "removes the uncorrelated part, and $\\rho\\sigma^2$ remains however large $N$ is. A valid correlation "
               "needs $-1/(N-1) \\le \\rho \\le 1$. Bagging (each member on its own bootstrap resample) and the "
               "randomness of initialisation and SGD lower $\\rho$, and so the variance; boosting fits members in "
               "sequence to the previous members' errors, so they are neither identically distributed nor "
               "exchangeable and the formula does not apply: boosting mainly lowers bias.",
    )
