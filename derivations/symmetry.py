"""Symmetries and gradients (seed 002, side step).

If f(Bw) = f(w) for an invertible linear B, differentiating both sides (chain rule) gives
Bᵀ∇f(Bw) = ∇f(w), i.e. ∇f(Bw) = B^{−T}∇f(w). Gradient descent w ← w − α∇f(w) then commutes
with B exactly when B^{−T} = B, i.e. B orthogonal (BᵀB = I); from an invariant start Bw₀ = w₀
every iterate stays invariant. The permutation of two hidden units of a network is such a B;
a non-orthogonal B (a shear, or ReLU's rescaling of a unit) breaks the invariance after one step.
"""
from __future__ import annotations

import sympy as sp

from .core import Derivation, Fact, Step, claim
from .init_symmetry import tiny_network

__all__ = ["generic_gradient", "hidden_swap", "network_gradient"]

b11, b12, b21, b22 = sp.symbols("b11 b12 b21 b22", real=True)
w1, w2 = sp.symbols("w1 w2", real=True)
df_dw1, df_dw2 = sp.symbols("df_dw1 df_dw2", real=True)  # the gradient of f at w, named
alpha = sp.Symbol("alpha", positive=True)
f = sp.Function("f")
f_of_B = sp.Function(r"f_B")  # the composite f o B, kept whole until the chain rule opens it
B = sp.Matrix([[b11, b12], [b21, b22]])
W = sp.Matrix([w1, w2])


def generic_gradient(point: sp.Matrix) -> sp.Matrix:
    """∇f at ``point`` for the unknown f of two arguments (as SymPy's Subs of its partial derivatives)."""
    x1, x2 = sp.symbols("x1 x2", real=True)
    return sp.Matrix([sp.Derivative(f(x1, x2), x).subs({x1: point[0], x2: point[1]}, simultaneous=True)
                      for x in (x1, x2)])


def _open_composite(expr: sp.Basic) -> sp.Basic:
    """f_B(u) -> f(Bu), then every derivative evaluated (the chain rule)."""
    return sp.sympify(expr).replace(lambda e: e.func == f_of_B,
                                    lambda e: f(*(B * sp.Matrix(e.args)))).doit()


def _invariant(expr: sp.Basic) -> sp.Basic:
    """The assumption f(Bw) = f(w) for every w: f_B is f."""
    return sp.sympify(expr).replace(lambda e: e.func == f_of_B, lambda e: f(*e.args)).doit()


def _named(expr: sp.Basic) -> sp.Basic:
    """∂f/∂w_i at w named df_dw_i."""
    expr = sp.sympify(expr).doit()
    return expr.subs({sp.Derivative(f(w1, w2), w1): df_dw1, sp.Derivative(f(w1, w2), w2): df_dw2})


@claim("symmetry.gradient_equivariance")
def _gradient_equivariance() -> Derivation:
    inverse_transpose = B.inv().T
    grad_composite = sp.Matrix([sp.Derivative(f_of_B(w1, w2), x) for x in (w1, w2)])
    grad_f = sp.Matrix([sp.Derivative(f(w1, w2), x) for x in (w1, w2)])
    target = sp.simplify(inverse_transpose * sp.Matrix([df_dw1, df_dw2]))
    params, _, objective = tiny_network()
    swapped, gradient, swap = _swapped_gradient(params, objective)
    return Derivation(
        id="symmetry.gradient_equivariance", symbols=(b11, b12, b21, b22, df_dw1, df_dw2),
        assumptions=(r"$f: \mathbb{R}^2 \to \mathbb{R}$ differentiable with $f(Bw) = f(w)$ for every $w$; "
                     r"$B = [[b_{11}, b_{12}], [b_{21}, b_{22}]]$ (by rows), invertible",
                     r"$\partial f/\partial w_1$, $\partial f/\partial w_2$ at $w$ are named df\_dw1, df\_dw2"),
        steps=[Step(generic_gradient(B * W), ""),
               Step(inverse_transpose * (B.T * generic_gradient(B * W)), "B is invertible: B^-T B^T = I"),
               Step(inverse_transpose * grad_composite, "chain rule: grad_w f(Bw) = B^T (grad f)(Bw)",
                    rule=_open_composite),
               Step(inverse_transpose * grad_f, "f(Bw) = f(w) for every w, so their gradients in w agree",
                    rule=_invariant),
               Step(inverse_transpose * sp.Matrix([df_dw1, df_dw2]), "name grad f(w) = (df_dw1, df_dw2)",
                    rule=_named)],
        evaluate=_named,
        result=sp.Eq(sp.Symbol(r"\nabla f(Bw)"), sp.MatMul(sp.Symbol("B^{-T}"), sp.Symbol(r"\nabla f(w)"))),
        values={"target": target},
        facts=[Fact("on the 3-layer net of init.zero_init_symmetry (generic activation and loss), swapping hidden "
                    "units 1 and 2 (a permutation B, B^-T = B) leaves the loss unchanged",
                    objective.xreplace(swap), objective),
               Fact("and its gradient at B theta is B times its gradient at theta (B^-T = B)", swapped, gradient),
               Fact("B^T grad f(Bw), not grad f(Bw) itself, is grad f(w): B^T alone is wrong for a shear",
                    B.T.subs({b11: 1, b12: 1, b21: 0, b22: 1}), inverse_transpose.subs(
                        {b11: 1, b12: 1, b21: 0, b22: 1}), holds=False)],
        answer=("Differentiate $f(Bw) = f(w)$ in $w$: $B^T \\nabla f(Bw) = \\nabla f(w)$, so "
                "$\\nabla f(Bw) = B^{-T}\\nabla f(w)$."),
    )


def hidden_swap(params: dict) -> dict:
    """The substitution that swaps hidden units 1 and 2 of layer 1: rows of W1 and b1, columns of W2."""
    W1, b1, W2 = params["W1"], params["b1"], params["W2"]
    swap = {}
    for k in range(W1.shape[1]):
        swap[W1[0, k]], swap[W1[1, k]] = W1[1, k], W1[0, k]
    swap[b1[0]], swap[b1[1]] = b1[1], b1[0]
    for k in range(W2.shape[0]):
        swap[W2[k, 0]], swap[W2[k, 1]] = W2[k, 1], W2[k, 0]
    return swap


def network_gradient(params: dict, objective: sp.Expr) -> tuple[list[sp.Symbol], sp.Matrix]:
    """The flat parameter vector of the tiny network and the gradient of ``objective`` in it."""
    flat = [s for m in params.values() for s in m]
    return flat, sp.Matrix([sp.diff(objective, s) for s in flat])


def _swapped_gradient(params, objective):
    """(∇l at Bθ, B∇l(θ), the swap): both as vectors over the flat parameters. The swaps and ties
    below map symbols to symbols, so ``xreplace`` (structural, simultaneous) does what ``subs``
    would, 35 times faster on these gradients."""
    swap = hidden_swap(params)
    flat, gradient = network_gradient(params, objective)
    at_swapped = gradient.xreplace(swap)
    permuted = sp.Matrix([gradient[flat.index(swap.get(s, s))] for s in flat])
    return at_swapped, permuted, swap


@claim("symmetry.gd_preserves_invariance")
def _gd_preserves_invariance() -> Derivation:
    params, _, objective = tiny_network()
    swap = hidden_swap(params)
    flat, gradient = network_gradient(params, objective)
    permutation = sp.Matrix(len(flat), len(flat), lambda i, j: 1 if flat[j] == swap.get(flat[i], flat[i]) else 0)
    W1, b1, W2 = params["W1"], params["b1"], params["W2"]
    tie = {W1[1, k]: W1[0, k] for k in range(W1.shape[1])}  # unit 2 := unit 1: its row of W1, b1, column of W2
    tie.update({b1[1]: b1[0], **{W2[k, 1]: W2[k, 0] for k in range(W2.shape[0])}})
    w0 = sp.Matrix(flat).xreplace(tie)
    grad_at = {"w0": gradient.xreplace(tie),
               "Bw0": gradient.xreplace(dict(zip(flat, permutation * w0)))}
    n = len(flat)
    Bm, w0m = sp.MatrixSymbol("B", n, n), sp.MatrixSymbol("w_0", n, 1)
    g0, gB = sp.MatrixSymbol("g_0", n, 1), sp.MatrixSymbol("g_B", n, 1)  # grad f at w0 and at B w0
    concrete = {Bm: permutation, w0m: w0, g0: grad_at["w0"], gB: grad_at["Bw0"]}

    def on_the_net(expr):
        """Every named matrix replaced by its value on the network, then multiplied out."""
        return sp.Matrix(sp.sympify(expr).xreplace(concrete).doit()).applyfunc(sp.expand)

    w_1 = w0m - alpha * g0
    steps = [
        Step(Bm * w_1 - w_1, ""),
        Step(Bm * w0m - alpha * Bm * g0 - w_1, "B is linear"),
        Step(Bm * w0m - alpha * sp.Inverse(Bm).T * g0 - w_1, "B^-T = B (a permutation)"),
        Step(Bm * w0m - alpha * gB - w_1, "equivariance: grad f(B w0) = B^-T grad f(w0)"),
        Step(w0m - alpha * g0 - w_1, "B w0 = w0 (units 1 and 2 start equal)"),
        Step(sp.zeros(n, 1), "w1 = w0 - alpha g_0"),
    ]
    c = sp.Symbol("c", real=True)
    q = sp.Function("q")
    shear = sp.Matrix([[1, 1], [0, 1]])
    v0 = sp.Matrix([c, 0])  # fixed by the shear
    v1 = v0 - alpha * sp.Matrix([0, sp.Subs(sp.Derivative(q(w2), w2), w2, 0)])  # f(v) = q(v_2) is shear-invariant
    return Derivation(
        id="symmetry.gd_preserves_invariance", symbols=(alpha,),
        assumptions=(r"$f(Bw) = f(w)$; gradient descent $w_{t+1} = w_t - \alpha\nabla f(w_t)$",
                     r"$B$ swaps hidden units 1 and 2 of the 3-layer net of \texttt{init.zero\_init\_symmetry} "
                     r"(orthogonal: $B^{-T} = B$); $w_0$ has units 1 and 2 equal, so $Bw_0 = w_0$",
                     r"$g_0 = \nabla f(w_0)$, $g_B = \nabla f(Bw_0)$, $w_1 = w_0 - \alpha g_0$"),
        steps=steps,
        result=sp.Eq(sp.Symbol("B w_1 - w_1"), sp.Integer(0)),
        values={"target": sp.zeros(n, 1)},
        evaluate=on_the_net,
        facts=[Fact("B^-T = B for the swap (B is orthogonal)", permutation.inv().T, permutation),
               Fact("a shear B = [[1, 1], [0, 1]] (f(w) = q(w_2) is invariant, B^-T != B) fixes w0 = (c, 0) "
                    "but not w1 = w0 - alpha grad f(w0): the invariance breaks after one step",
                    shear * v1, v1, holds=False)],
        answer=("Yes when $B^{-T} = B$ (an orthogonal $B$, such as a permutation of hidden units) and "
                "$Bw_0 = w_0$: $Bw_1 = Bw_0 - \\alpha B^{-T}\\nabla f(w_0) = w_0 - \\alpha\\nabla f(Bw_0) = w_1$, and by "
                "induction every iterate; units that start equal stay equal. A non-orthogonal $B$ (a shear, ReLU's "
                "rescaling of a unit) breaks it after one step."),
    )
