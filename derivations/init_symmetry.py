"""Why initial weights must be random and scaled (seeds 001 and 002).

Zero and constant initialisations keep the hidden units of a layer identical; a chain of
scaled identities W = c·I shows exploding and vanishing signals; the node statistics of a
deep ReLU network follow the variance recursion of init.variance_recursion.
"""
from __future__ import annotations

import sympy as sp

import numbers

from .core import Derivation, Fact, Step, claim, real_parameter
from .init_variance import preact_variance, variance_recursion

__all__ = ["tiny_network", "overflow_depth", "underflow_depth", "IEEE_LIMITS"]

f = sp.Function("f")
loss = sp.Function("l")
sigmoid = sp.Function("sigma")

IEEE_LIMITS = {
    # largest finite value, smallest positive (subnormal) value of IEEE 754 binary formats
    "float32": ((2 - sp.Integer(2) ** -23) * sp.Integer(2) ** 127, sp.Integer(2) ** -149),
    "float64": ((2 - sp.Integer(2) ** -52) * sp.Integer(2) ** 1023, sp.Integer(2) ** -1074),
}


def _matrix(name: str, rows: int, cols: int) -> sp.Matrix:
    return sp.Matrix(rows, cols, lambda r, c: sp.Symbol(f"{name}_{r + 1}{c + 1}", real=True))


def tiny_network(width: int = 2):
    """A 3-layer network x -> f(W1 x + b1) -> f(W2 . + b2) -> sigmoid(W3 . + b3) with symbolic
    parameters, a generic activation f and a generic loss l(ŷ, y). Returns (params, ŷ, l)."""
    x = _matrix("x", width, 1)
    params = {
        "W1": _matrix("W1", width, width), "b1": _matrix("b1", width, 1),
        "W2": _matrix("W2", width, width), "b2": _matrix("b2", width, 1),
        "W3": _matrix("W3", 1, width), "b3": _matrix("b3", 1, 1),
    }
    a1 = (params["W1"] * x + params["b1"]).applyfunc(f)
    a2 = (params["W2"] * a1 + params["b2"]).applyfunc(f)
    logit = (params["W3"] * a2 + params["b3"])[0, 0]
    output = 1 / (1 + sp.exp(-logit))
    return params, output, loss(output, sp.Symbol("y", real=True))


def _gradient(objective: sp.Expr, matrix: sp.Matrix) -> sp.Matrix:
    return matrix.applyfunc(lambda entry: sp.diff(objective, entry))


def _at(expr, point: dict):
    return expr.subs(point).doit()


@claim("init.zero_init_symmetry")
def _zero_init() -> Derivation:
    params, output, objective = tiny_network()
    zero = {s: 0 for m in params.values() for s in m}
    output_at_zero = sp.simplify(_at(output, zero))
    gradients = {name: _at(_gradient(objective, m), zero) for name, m in params.items()}
    hidden_silent = [n for n in ("W1", "b1", "W2", "b2") if gradients[n].is_zero_matrix]
    return Derivation(
        id="init.zero_init_symmetry", symbols=(),
        assumptions=(r"three layers, hidden activation $f$ generic, sigmoid output, loss $l(\hat y, y)$ generic",
                     "every weight and bias zero"),
        steps=[Step(output, ""), Step(1 / (1 + sp.exp(0)), "every pre-activation is W a + b = 0"),
               Step(sp.Rational(1, 2), "sigmoid(0) = 1/2")],
        result=sp.Eq(sp.Symbol(r"\hat{y}"), output_at_zero),
        values={"target": output_at_zero, "hidden_without_gradient": sp.Integer(len(hidden_silent))},
        evaluate=lambda e: sp.simplify(_at(e, zero)),
        facts=[Fact(f"dl/d{name} = 0 at zero", gradients[name], sp.zeros(*params[name].shape))
               for name in ("W1", "b1", "W2", "b2")]
        + [Fact("dl/dW3 = l'(1/2) f(0) 1^T: only the output layer learns (nothing at all if f(0) = 0)",
                gradients["W3"], sp.zeros(1, 2), holds=False)],
        answer=("The network outputs $\\sigma(0) = 1/2$ for every input, and every hidden weight and bias gets a "
                "zero gradient (each is multiplied by a zero weight of the layer above): only the output "
                "layer moves, and its update is the same for every hidden unit."),
    )


@claim("init.constant_init_symmetry")
def _constant_init() -> Derivation:
    c = sp.Symbol("c", real=True, nonzero=True)
    params, output, objective = tiny_network()
    constant = {s: c for m in params.values() for s in m}
    g1 = _at(_gradient(objective, params["W1"]), constant)
    g2 = _at(_gradient(objective, params["W2"]), constant)
    g3 = _at(_gradient(objective, params["W3"]), constant)
    swap = {**{params["W1"][0, k]: params["W1"][1, k] for k in range(2)},
            **{params["W1"][1, k]: params["W1"][0, k] for k in range(2)},
            params["b1"][0]: params["b1"][1], params["b1"][1]: params["b1"][0],
            **{params["W2"][k, 0]: params["W2"][k, 1] for k in range(2)},
            **{params["W2"][k, 1]: params["W2"][k, 0] for k in range(2)}}
    w11, w21 = params["W1"][0, 0], params["W1"][1, 0]
    point, anywhere = sp.Symbol(r"\theta_c"), sp.Symbol(r"\theta")
    grad_11, grad_21 = sp.Function(r"\partial l/\partial W^1_{11}"), sp.Function(r"\partial l/\partial W^1_{21}")
    grad_11_swapped = sp.Function(r"\partial (l \circ P)/\partial W^1_{11}")
    swap_of = sp.Function("P")
    derivatives = {  # each name above as SymPy differentiates it, at a generic parameter point theta
        grad_11: sp.diff(objective, w11), grad_21: sp.diff(objective, w21),
        grad_11_swapped: sp.diff(objective.subs(swap, simultaneous=True), w11),
    }
    points = {  # what each parameter is at a point; at P(theta) parameter s is theta's P(s)
        point: constant, swap_of(point): {s_: constant[swap.get(s_, s_)] for s_ in constant},
        anywhere: {}, swap_of(anywhere): swap,
    }

    def at_points(expr: sp.Basic) -> sp.Basic:
        """Every gradient name evaluated at its point: theta_c, P(theta_c), theta or P(theta)."""
        return sp.sympify(expr).replace(lambda e: e.func in derivatives,
                                        lambda call: derivatives[call.func].subs(points[call.args[0]],
                                                                                 simultaneous=True))

    def everywhere(expr: sp.Basic) -> sp.Basic:
        """The link checked at a generic point theta: it holds for every parameter value."""
        return at_points(sp.sympify(expr).subs(point, anywhere))

    steps = [
        Step(grad_11(point) - grad_21(point), ""),
        Step(grad_11_swapped(point) - grad_21(point),
             "l o P = l: swapping hidden units 1 and 2 of layer 1 (rows of W1, b1; columns of W2) leaves the "
             "network unchanged (at every point)", rule=everywhere),
        Step(grad_21(swap_of(point)) - grad_21(point),
             "chain rule through the swap P, which sends W1_11 to W1_21: d(l o P)/dW1_11 = (dl/dW1_21) o P",
             rule=everywhere),
        Step(sp.Integer(0), "P fixes the constant point: P(theta_c) = theta_c"),
    ]
    return Derivation(
        id="init.constant_init_symmetry", symbols=(c,),
        assumptions=("every weight and bias equal to $c \\neq 0$; generic activation $f$ and loss $l$",
                     "$P$ swaps hidden units 1 and 2 of layer 1; $\\theta_c$ is the constant point"),
        steps=steps,
        result=sp.Eq(sp.Symbol(r"\partial l/\partial W^1_{1\cdot} - \partial l/\partial W^1_{2\cdot}"),
                     sp.simplify(g1[0, 0] - g1[1, 0]) + sp.simplify(g1[0, 1] - g1[1, 1])),
        values={"target": sp.Integer(0)},
        evaluate=at_points,
        facts=[Fact("rows of dl/dW1 are equal at the constant point", g1.row(0), g1.row(1)),
               Fact("columns of dl/dW2 are equal at the constant point", g2.col(0), g2.col(1)),
               Fact("entries of dl/dW3 are equal at the constant point", g3[0, 0], g3[0, 1])],
        answer=("The loss is invariant under swapping two hidden units (a permutation $B$ with "
                "$B^{-T} = B$), and the constant point is fixed by it, so every gradient step keeps the units "
                "identical (\\texttt{symmetry.gd\\_preserves\\_invariance}): the layer acts as a single unit."),
    )


def overflow_depth(c, dtype: str = "float64", *, x=1) -> int:
    """First depth L at which c^L x exceeds the largest finite value of ``dtype``."""
    largest, _ = _limits(dtype)
    c, x = _scale(c), _start(x)
    if c <= 1:
        raise ValueError(f"c must exceed 1 for an overflow, not {c}")
    return max(0, int(sp.floor(sp.log(largest / abs(x)) / sp.log(c))) + 1)  # 0: x overflows already


def underflow_depth(c, dtype: str = "float64", *, x=1) -> int:
    """First depth L at which c^L x rounds to zero: c^L |x| <= half the smallest subnormal
    (round-to-nearest-even sends that tie to 0)."""
    _, smallest = _limits(dtype)
    c, x = _scale(c), _start(x)
    if not 0 < c < 1:
        raise ValueError(f"c must lie in (0, 1) for an underflow, not {c}")
    return max(0, int(sp.ceiling(sp.expand_log(sp.log(smallest / (2 * abs(x))) / sp.log(c), force=True))))


def _limits(dtype: str):
    if not isinstance(dtype, str) or dtype not in IEEE_LIMITS:
        raise ValueError(f"dtype must be one of {sorted(IEEE_LIMITS)}, not {dtype!r}")
    return IEEE_LIMITS[dtype]


def _number(name: str, value) -> sp.Expr:
    """A real number as SymPy, a float as the decimal it prints as (1e-300 stays 10^-300, which
    ``nsimplify`` would round to 0); TypeError/ValueError naming ``name`` otherwise."""
    number = real_parameter(name, value)
    if isinstance(value, numbers.Real) and not isinstance(value, (numbers.Integral, sp.Basic)):
        number = sp.Rational(repr(float(value)))
    elif isinstance(number, sp.Float):
        number = sp.Rational(number)
    if not number.is_number:
        raise ValueError(f"{name} must be a number, not {number}")
    return number


def _scale(c) -> sp.Expr:
    c = _number("c", c)
    if not c.is_positive:
        raise ValueError(f"c must be a positive number, not {c}")
    return c


def _start(x) -> sp.Expr:
    x = _number("x", x)
    if x == 0:
        raise ValueError("x must be nonzero: 0 neither overflows nor underflows")
    return x


@claim("init.vanishing_chain")
def _vanishing_chain() -> Derivation:
    c = sp.Symbol("c", positive=True)
    L = sp.Symbol("L", integer=True, positive=True)
    depth = 3
    x, g = _matrix("x", 2, 1), _matrix("g", 2, 1)
    weights = [_matrix(f"W{k}", 2, 2) for k in range(1, depth + 1)]
    output = x
    for W in weights:
        output = W * output
    linear_loss = (g.T * output)[0, 0]
    scaled = {s: (c if s.name[-2] == s.name[-1] else 0) for W in weights for s in W}
    output_scaled = sp.simplify(output.subs(scaled))
    grad_first = sp.simplify(_gradient(linear_loss, weights[0]).subs(scaled))
    k = sp.Symbol("k", integer=True, nonnegative=True)
    y = sp.Function("y")
    general = sp.rsolve(y(k + 1) - c * y(k), y(k), {y(0): 1}).subs(k, L)
    ratio = sp.Function("r")  # r(L) = y_L / x, the output of L layers per unit of input, solved by rsolve
    depths = {f"overflow_{dt}": overflow_depth(sp.Rational(6, 5), dt) for dt in IEEE_LIMITS}
    depths |= {f"underflow_{dt}": underflow_depth(sp.Rational(1, 2), dt) for dt in IEEE_LIMITS}
    return Derivation(
        id="init.vanishing_chain", symbols=(c, L),
        assumptions=(r"$\hat y = W^L \cdots W^1 x$, linear activation, $W^k = cI$",
                     r"$r(L) = y_L/x$, the output of $L$ layers per unit of input",
                     r"loss with upstream gradient $g = \partial l/\partial \hat y$; unit input $x = 1$ for the "
                     "overflow depths (IEEE 754 limits)"),
        steps=[Step(ratio(L), ""), Step(c * ratio(L - 1), "y_L = W^L y_{L-1} = c y_{L-1}"),
               Step(c**L * ratio(0), "unroll the recursion L times (rsolve)"), Step(c**L, "r(0) = y_0/x = 1")],
        evaluate=lambda e: sp.sympify(e).replace(ratio, lambda depth_: general.subs(L, depth_)),
        result=sp.Eq(sp.Symbol(r"\hat{y}"), general * sp.Symbol("x")),
        values={"target": general, "gradient_first_layer": general / c,
                **{key: sp.Integer(v) for key, v in depths.items()}},
        facts=[Fact(f"for L = {depth}: y = c^L x", output_scaled, c**depth * x),
               Fact(f"for L = {depth}: dl/dW^1 = c^(L-1) g x^T (seed 001 writes (1.2)^L: the power is L-1)",
                    grad_first, c ** (depth - 1) * g * x.T),
               Fact("1.2^200 explodes (> 10^15)", sp.Rational(6, 5) ** 200 > 10**15, sp.true),
               Fact("0.5^200 vanishes (< 10^-60)", sp.Rational(1, 2) ** 200 < sp.Rational(1, 10**60), sp.true)],
        answer=(f"$\\hat y = c^L x$ and $\\partial l/\\partial W^1 = c^{{L-1}} g x^\\top$. With $x = 1$, "
                f"$1.2^L$ overflows float32 at $L = {depths['overflow_float32']}$ and float64 at "
                f"$L = {depths['overflow_float64']}$; $0.5^L$ rounds to zero in float32 at "
                f"$L = {depths['underflow_float32']}$ and in float64 at $L = {depths['underflow_float64']}$."),
    )


@claim("init.node_statistics")
def _node_statistics() -> Derivation:
    n, v, chi0 = sp.Symbol("n", positive=True, integer=True), sp.Symbol("v", positive=True), sp.Symbol("chi_0", positive=True)
    k = sp.Symbol("k", integer=True, positive=True)
    first = preact_variance(n, v, chi0)
    alpha_k = first * variance_recursion(n, v, depth=k - 1)
    alpha = sp.Function("alpha")  # alpha(j) stands for alpha_k at depth k = j, as rsolve solved it
    he = alpha_k.subs(v, 2 / n)
    return Derivation(
        id="init.node_statistics", symbols=(n, v, chi0, k),
        assumptions=("equal widths $n$, weights i.i.d. $\\mathcal{N}(0, v)$, inputs with "
                     "$\\mathbb{E}[x_j^2] = \\chi_0$, biases zero",),
        steps=[Step(alpha(k), ""),
               Step(n * v * alpha(k - 1) / 2, "init.variance_recursion: alpha_k = (n v / 2) alpha_{k-1}"),
               Step((n * v / 2) ** (k - 1) * alpha(1), "unroll the recursion down to layer 1 (rsolve)"),
               Step((n * v / 2) ** (k - 1) * n * v * chi0, "init.preact_var: alpha_1 = n v chi_0")],
        evaluate=lambda e: sp.sympify(e).replace(alpha, lambda depth: alpha_k.subs(k, depth)),
        result=sp.Eq(sp.Symbol("alpha_k"), alpha_k),
        facts=[Fact("He init (v = 2/n): alpha_k = 2 chi_0 for every k", he, 2 * chi0)],
        answer=("$\\alpha_k = n v \\chi_0 (n v / 2)^{k-1}$: with $v = 10^{-4}$ and $n = 256$ it shrinks by "
                "$0.0128$ per layer, with $v = 1$ it grows by $128$, with He's $v = 2/n$ it stays at "
                "$2\\chi_0$."),
    )
