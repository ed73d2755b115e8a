"""Activations and the softmax cross-entropy (seed 004 §6 and Problem 6; seed 001).

ReLU(x) = max(0, x); leaky ReLU(x) = max(0, x) + s·min(0, x); ELU(x) = x for x > 0 and
α(eˣ − 1) otherwise; softmax(z)_j = e^{z_j} / Σ_i e^{z_i}; cross-entropy
l = −Σ_j y_j log softmax(z)_j with Σ_j y_j = 1.
"""
from __future__ import annotations

import sympy as sp

from .core import Derivation, Fact, Step, claim

__all__ = ["relu_layer", "leaky_relu", "elu", "softmax_cross_entropy", "SEED_004_X", "SEED_004_DY"]

x = sp.Symbol("x", real=True)
slope = sp.Symbol("s", positive=True)
alpha = sp.Symbol("alpha", positive=True)

SEED_004_X = sp.Matrix([[1.5, 2.2, 1.3, 6.7], [4.3, -0.3, -0.2, 4.9],
                        [-4.5, 1.4, 5.5, 1.8], [0.1, -0.5, -0.1, 2.2]]).applyfunc(sp.nsimplify)
SEED_004_DY = sp.Matrix([[4.5, 1.2, 2.3, 1.3], [-1.3, -6.3, 4.1, -2.9],
                         [-0.5, 1.2, 3.5, 1.2], [-6.1, 0.5, -4.1, -3.2]]).applyfunc(sp.nsimplify)
SEED_004_Y = sp.Matrix([[1.5, 2.2, 1.3, 6.7], [4.3, 0, 0, 4.9],
                        [0, 1.4, 5.5, 1.8], [0.1, 0, 0, 2.2]]).applyfunc(sp.nsimplify)
SEED_004_DX = sp.Matrix([[4.5, 1.2, 2.3, 1.3], [-1.3, 0, 0, -2.9],
                         [0, 1.2, 3.5, 1.2], [-6.1, 0, 0, -3.2]]).applyfunc(sp.nsimplify)


def relu_layer(inputs: sp.Matrix, upstream: sp.Matrix) -> tuple[sp.Matrix, sp.Matrix]:
    """Forward y = max(0, x) and backward dL/dx = dL/dy · d max(0, x)/dx, entry by entry, exactly."""
    if inputs.shape != upstream.shape:
        raise ValueError(f"upstream must have the shape of inputs {inputs.shape}, not {upstream.shape}")
    if any(value == 0 for value in inputs):
        raise ValueError("inputs contains 0, where relu has no derivative")
    derivative = sp.diff(sp.Max(x, 0), x)
    forward = inputs.applyfunc(lambda value: sp.Max(value, 0))
    backward = sp.Matrix(inputs.shape[0], inputs.shape[1],
                         lambda r, c: upstream[r, c] * derivative.subs(x, inputs[r, c]))
    return forward, backward


@claim("relu.forward_backward_example")
def _relu_example() -> Derivation:
    forward, backward = relu_layer(SEED_004_X, SEED_004_DY)
    return Derivation(
        id="relu.forward_backward_example", symbols=(),
        assumptions=("the seed's 4x4 input $x$ and upstream gradient $dL/dy$, taken as exact decimals",),
        steps=[Step(SEED_004_X.applyfunc(lambda value: sp.Max(value, 0, evaluate=False)), ""),
               Step(SEED_004_Y, "max(x, 0) entry by entry: x where x > 0, 0 elsewhere")],
        evaluate=lambda e: sp.sympify(e).doit(),
        result=forward, values={"y": forward, "dx": backward},
        facts=[Fact("the seed's y", forward, SEED_004_Y), Fact("the seed's dL/dx", backward, SEED_004_DX)],
        answer="$y = \\max(0, x)$ entry by entry; $dL/dx = dL/dy$ where $x > 0$ and $0$ elsewhere. The seed's "
               "numbers are right.",
    )


def leaky_relu(value=x, negative_slope=slope) -> sp.Expr:
    return sp.Piecewise((value, value > 0), (negative_slope * value, True))


def elu(value=x, scale=alpha) -> sp.Expr:
    return sp.Piecewise((value, value > 0), (scale * (sp.exp(value) - 1), True))


@claim("activations.relatives")
def _relatives() -> Derivation:
    d_leaky, d_elu = sp.diff(leaky_relu(), x), sp.diff(elu(), x)
    return Derivation(
        id="activations.relatives", symbols=(slope, alpha),
        assumptions=("leaky ReLU with negative slope $s$; ELU with scale $\\alpha$ (PyTorch's names: "
                     "\\texttt{negative\\_slope}, \\texttt{alpha})",),
        steps=[Step(sp.Derivative(elu(), x), ""),
               Step(sp.Piecewise((1, x > 0), (alpha * sp.exp(x), True)),
                    "differentiate each piece: d/dx x = 1, d/dx alpha (e^x - 1) = alpha e^x"),
               Step(sp.Piecewise((1, x > 0), (elu(x) + alpha, True)), "alpha e^x = ELU(x) + alpha for x <= 0")],
        evaluate=lambda e: sp.piecewise_fold(sp.sympify(e).doit()),
        result=sp.Eq(sp.Symbol("ELU'(x)"), d_elu),
        values={"leaky_relu": leaky_relu(), "leaky_relu_derivative": d_leaky, "elu": elu(),
                "elu_derivative": d_elu, "target": d_elu},
        facts=[Fact("ELU'(x) = ELU(x) + alpha for x < 0", d_elu.subs(x, -sp.Symbol("r", positive=True)),
                    elu().subs(x, -sp.Symbol("r", positive=True)) + alpha),
               Fact("leaky ReLU'(x) = s for x < 0", d_leaky.subs(x, -1), slope)],
        answer="leaky ReLU$'(x) = 1$ for $x > 0$, $s$ for $x < 0$; ELU$'(x) = 1$ for $x > 0$, "
               "$\\alpha e^x = \\mathrm{ELU}(x) + \\alpha$ for $x < 0$.",
    )


def softmax_cross_entropy(classes: int = 3) -> tuple[sp.Matrix, sp.Matrix, sp.Expr]:
    """Symbolic logits z, targets y (with y_C = 1 - Σ_{j<C} y_j) and l = -Σ y_j log softmax(z)_j."""
    if classes < 2:
        raise ValueError(f"classes must be at least 2, not {classes}")
    z = sp.Matrix(sp.symbols(f"z1:{classes + 1}", real=True))
    free = sp.symbols(f"y1:{classes}", real=True)
    y = sp.Matrix([*free, 1 - sum(free)])
    normaliser = sum(sp.exp(zj) for zj in z)
    objective = -sum(y[j] * sp.log(sp.exp(z[j]) / normaliser) for j in range(classes))
    return z, y, objective


@claim("loss.softmax_ce_gradient")
def _softmax_ce() -> Derivation:
    classes = 3
    z, y, objective = softmax_cross_entropy(classes)
    softmax = sp.Matrix([sp.exp(zj) for zj in z]) / sum(sp.exp(zj) for zj in z)
    gradient = sp.Matrix([sp.simplify(sp.diff(objective, zj)) for zj in z])
    seed_001 = -objective
    return Derivation(
        id="loss.softmax_ce_gradient", symbols=tuple(z) + tuple(y.free_symbols),
        assumptions=("targets sum to one (one-hot or soft)", f"{classes} classes; the algebra is the same for any C"),
        steps=[Step(gradient, ""), Step(softmax - y, "d/dz_j log sum_i exp z_i = softmax_j; sum_i y_i = 1")],
        result=gradient, expected=softmax - y,
        facts=[Fact("seed 001 writes l = sum y log y_hat (no minus): its gradient is y - softmax, the wrong sign",
                    sp.Matrix([sp.diff(seed_001, zj) for zj in z]), softmax - y, holds=False)],
        answer="$\\partial l / \\partial z = \\mathrm{softmax}(z) - y$ for $l = -\\sum_j y_j \\log \\hat y_j$; "
               "seed 001 drops the minus sign of the loss (erratum).",
    )
