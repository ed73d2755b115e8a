"""Deep plain against deep residual MLPs (seed 002, residual networks): what can be derived.

``residual.depth_training``: a block whose weights are zero is the identity in a residual net,
x + relu(0·x + 0) = x, and a plain ReLU block with W = I, b = 0 is the identity on the
non-negative output of a ReLU; so both deep nets contain the shallow one, and a deep net
that trains worse than a shallow one fails to optimise, it does not lack capacity (He et al.).

``residual.gradient_uniformity``: the backward pass of one linear layer of width n with
weights of mean 0 and variance σ_W, on gradients of mean 0 and variance s independent of W.
Residual, x^{ℓ+1} = x^ℓ + W^ℓ x^ℓ: x^ℓ.grad_i = g_i + Σ_j W_ji g_j has variance (1 + nσ_W)s;
plain, x^{ℓ+1} = W^ℓ x^ℓ: nσ_W s (the MLP case of seed 003 P3 d), filter size 1). Over L
layers the gradient variance changes by (1 + nσ_W)^L against (nσ_W)^L: with nσ_W = c the
residual net is the more uniform when 1 + c < max(c, 1/c), i.e. c < (√5 − 1)/2 — small
residual branches; a plain net at exactly c = 1 is uniform too.
"""
from __future__ import annotations

import sympy as sp

from .core import Derivation, Fact, Step, claim
from .moments import MomentModel, Variance, iid

__all__ = ["residual_gradient_ratio", "plain_gradient_ratio"]

n = sp.Symbol("n", positive=True, integer=True)
sigma_W = sp.Symbol("sigma_W", positive=True)
s = sp.Symbol("s", positive=True)
j = sp.Symbol("j", integer=True, positive=True)
_w, _g = sp.IndexedBase("w"), sp.IndexedBase("g")
_u, _a = sp.Symbol("u", real=True), sp.Symbol("a", real=True)  # g_i itself, and W_ii
_model = MomentModel(iid(_w, mean=0, variance=sigma_W), iid(_g, mean=0, variance=s),
                     iid(_u, mean=0, variance=s), iid(_a, mean=0, variance=sigma_W))
_others = sp.Sum(_w[j] * _g[j], (j, 1, n - 1))  # Σ_{j≠i} W_ji g_j, renumbered


def residual_gradient_ratio() -> sp.Expr:
    """V[x^ℓ.grad_i] / V[x^{ℓ+1}.grad_i] through x^{ℓ+1} = x^ℓ + W x^ℓ, by the moment algebra."""
    return sp.factor(_model.variance(_u + _a * _u + _others) / s)


def plain_gradient_ratio() -> sp.Expr:
    """V[x^ℓ.grad_i] / V[x^{ℓ+1}.grad_i] through x^{ℓ+1} = W x^ℓ, by the moment algebra."""
    return sp.factor(_model.variance(_a * _u + _others) / s)


@claim("residual.gradient_uniformity")
def _gradient_uniformity() -> Derivation:
    residual, plain = residual_gradient_ratio(), plain_gradient_ratio()
    c, L = sp.Symbol("c", positive=True), sp.Symbol("L", positive=True, integer=True)
    golden = (sp.sqrt(5) - 1) / 2
    return Derivation(
        id="residual.gradient_uniformity", symbols=(n, sigma_W),
        assumptions=(r"one linear layer of width $n$: $x^{\ell+1} = x^\ell + W^\ell x^\ell$ (residual) or "
                     r"$W^\ell x^\ell$ (plain); $W_{ji}$ i.i.d., mean 0, variance $\sigma_W$",
                     r"$g = x^{\ell+1}.\mathrm{grad}$ i.i.d., mean 0, variance $s$, independent of $W^\ell$; "
                     r"$u = g_i$ and $a = W_{ii}$ written apart from the other $n-1$ terms"),
        steps=[Step(Variance(_u + _a * _u + _others) / s, ""),
               Step((Variance((1 + _a) * _u) + Variance(_others)) / s,
                    "the two parts share no variable and have mean 0: their covariance is 0"),
               Step(((1 + sigma_W) * s + (n - 1) * sigma_W * s) / s,
                    "E[(1 + a)^2] E[u^2] = (1 + sigma_W) s; init.preact_var for the n - 1 others"),
               Step(1 + n * sigma_W, "collect; divide by V[x^(l+1).grad_i] = s")],
        evaluate=_model.evaluate,
        result=sp.Eq(sp.Symbol(r"\sigma^2_{\ell,\mathrm{grad}}/\sigma^2_{\ell+1,\mathrm{grad}}"), residual),
        values={"target": residual, "plain_ratio": plain},
        expected=1 + n * sigma_W,
        facts=[Fact("plain layer: V[x^l.grad_i] = n sigma_W V[x^(l+1).grad_i]", plain, n * sigma_W),
               Fact("over L layers with n sigma_W = c: residual (1 + c)^L",
                    residual.subs(sigma_W, c / n) ** L, (1 + c) ** L),
               Fact("at c = 1/2 the residual net is the more uniform: 1 + c < 1/c",
                    sp.Rational(3, 2) < 2, sp.true),
               Fact("at c = 1 the plain net is uniform (ratio 1) and the residual doubles per layer",
                    plain.subs(sigma_W, 1 / n), sp.Integer(1)),
               Fact("the residual net is the more uniform exactly for c < (sqrt(5) - 1)/2, where 1 + c = 1/c",
                    (1 + golden) * golden, sp.Integer(1))],
        answer=(r"Through a residual linear layer the gradient variance grows by $1 + n\sigma_W$, through a plain "
                r"one it changes by $n\sigma_W$; over $L$ layers $(1 + c)^L$ against $c^L$ with $c = n\sigma_W$. "
                r"Residual nets are the more uniform when their branches are small, $c < (\sqrt5 - 1)/2$; a plain "
                r"linear net at exactly $c = 1$ is uniform too. Deep plain nets with batch norm are far from "
                r"uniform at initialisation (their gradients grow towards the input), which the network run measures."),
    )


@claim("residual.depth_training")
def _depth_training() -> Derivation:
    x = sp.Matrix(sp.symbols("x_1 x_2", nonnegative=True))  # the output of a ReLU
    W = sp.Matrix(2, 2, lambda r, c: sp.Symbol(f"W_{r + 1}{c + 1}", real=True))
    bias = sp.Matrix(sp.symbols("b_1 b_2", real=True))

    def relu(v: sp.Matrix) -> sp.Matrix:
        return v.applyfunc(lambda e: sp.Max(0, e))

    def zero_weights(expr):
        return sp.sympify(expr).subs({**{w: 0 for w in W}, **{b_: 0 for b_ in bias}})

    residual_block = x + relu(W * x + bias)
    plain_identity = relu(sp.eye(2) * x)
    return Derivation(
        id="residual.depth_training", symbols=tuple(x),
        assumptions=(r"a block of width 2 (any width alike): residual $y = x + \mathrm{relu}(Wx + b)$, plain "
                     r"$y = \mathrm{relu}(Wx + b)$; its input $x \ge 0$ is the output of a ReLU",
                     r"the blocks a deep net adds to a shallow one have $W = 0$, $b = 0$ (residual) or $W = I$, "
                     r"$b = 0$ (plain)"),
        steps=[Step(residual_block, ""),
               Step(x + relu(sp.zeros(2, 1)), "W = 0, b = 0 in the added block", rule=zero_weights),
               Step(x, "relu(0) = 0")],
        evaluate=zero_weights,
        result=x,
        facts=[Fact("a plain ReLU block with W = I, b = 0 is the identity on x >= 0", plain_identity, x)],
        answer=(r"A residual block with zero weights is the identity, and so is a plain ReLU block with $W = I$ on "
                r"the non-negative output of a ReLU: a deep net of either kind can represent every shallow one, so "
                r"a deep plain net's higher training loss is a failure of optimisation, not of capacity (He et "
                r"al. 2016). The network run trains both at a shallow and a deep depth and reports the losses."),
    )
