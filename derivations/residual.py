"""Variance through residual convolutions (seed 003, Problem 3 a)-e)).

x^{l+1} = x^l + Conv(W^l, x^l): an N x N filter, C channels in and out, stride 1, no bias; the
weights W^l are iid with mean 0 and variance sigma_W (the seed's sigma_W is a variance), drawn
afresh at each layer; the input entries have mean 0 and variance 1. One output entry is

    x^{l+1}[o, i, j] = x^l[o, i, j] + sum_{c=1}^{C} sum_{a=1}^{N} sum_{b=1}^{N} W^l[o, c, a, b] x^l[c, i+a-p, j+b-p].

Which of the seed's "assume everything is independent" assumptions each step needs:

- a) needs W^l iid, mean 0, independent of x^l (true: x^l is made by W^0..W^{l-1} and x^0), E[x^l] = 0,
  and the same E[(x^l)^2] at every position feeding the window (true for circular padding, by
  translation symmetry; false near a zero-padded border, where fewer taps lie inside the image).
  It does NOT need the entries of x^l to be independent of each other (the cross terms carry
  E[w_m] E[w_m'] = 0), nor the two terms of the residual sum to be independent: they are
  uncorrelated because E[x^l W^l x^l] = E[W^l] E[x^l x^l] = 0, though the skip term is itself one
  of the window's entries.
- b) only a) at every layer: the recursion is exact for the unconditional variance, so its solution is.
- d) the same algebra backwards: x^l.grad = x^{l+1}.grad + Conv(W^l)^T(x^{l+1}.grad), each input entry
  feeding N^2 positions of each of C output channels. It needs x^{l+1}.grad independent of W^l (true
  in this linear net when x^L.grad is independent of the weights, a random v in a loss <v, x^L>), but
  not the components of x^{l+1}.grad independent of each other.
- c) is where the seed's approximation enters: (1 + eps)^L ~ e^{eps L}; the seed writes the exponent
  as N, reusing the filter size's letter for the depth. The exact solution sits beside it.
- e) the limit sigma_W -> 0 along W^l = sqrt(sigma_W) U^l, for the linear stack and with a ReLU
  around the convolution (a small symbolic instance: a 1-D torus of 3 pixels, one channel).
"""
from __future__ import annotations

import sympy as sp

from .core import Derivation, Fact, Step, claim
from .moments import Expectation, MomentModel, Variance, exchangeable, iid

__all__ = ["residual_layer_variance", "residual_closed_form", "doubling_weight_variance", "residual_gradient_variance",
           "conv_taps", "torus_weight_gradient"]

sigma_W = sp.Symbol("sigma_W", positive=True)
sigma2_l = sp.Symbol("sigma2_l", positive=True)
N = sp.Symbol("N", positive=True, integer=True)
C = sp.Symbol("C", positive=True, integer=True)
L = sp.Symbol("L", positive=True, integer=True)
l = sp.Symbol("l", nonnegative=True, integer=True)
rho = sp.Symbol("rho", real=True)      # E[x_m x_m'] for two distinct entries of the window: any value
kappa = sp.Symbol("kappa", real=True)  # E[s x_m]: the skip entry against an entry of the window: any value
m = sp.Symbol("m", positive=True, integer=True)
w_, x_, p_ = sp.IndexedBase("w"), sp.IndexedBase("x"), sp.IndexedBase("p")
s = sp.Symbol("s", real=True)  # the skip term x^l[o, i, j]


def conv_taps(channels=C, size=N) -> sp.Expr:
    """The number of terms of one output entry's convolution sum: sum over c, a, b of 1."""
    c, a, b = sp.symbols("c a b", positive=True, integer=True)
    return sp.Sum(1, (c, 1, channels), (a, 1, size), (b, 1, size)).doit()


class _ResidualModel:
    """E[.] of polynomials in the skip term s and the convolution sum T = sum_{m<=K} w_m x_m.

    w_m iid, mean ``weight_mean``, variance sigma_W, independent of (s, x); x_m with mean 0,
    E[x_m^2] = sigma2_l and ANY correlation E[x_m x_m'] = rho; s with E[s] = 0, E[s^2] = sigma2_l
    and any correlation E[s x_m] = kappa with the window (s is one of the x_m when the window is
    centred). A term linear in s is evaluated with p_m = s x_m as its own family (mean kappa),
    which is independent of w since w is independent of (s, x).
    """

    def __init__(self, weight_mean=0):
        self.signal = MomentModel(iid(w_, mean=weight_mean, variance=sigma_W),
                                  exchangeable(x_, moments={1: 0, 2: sigma2_l}, joint={(1, 1): rho}))
        self.cross = MomentModel(iid(w_, mean=weight_mean, variance=sigma_W), exchangeable(p_, moments={1: kappa}))

    def expect(self, expr: sp.Basic) -> sp.Expr:
        total = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(expr)):
            coefficient, power = term.as_coeff_exponent(s) if term.has(s) else (term, 0)
            if power == 0:
                total += self.signal.expect(coefficient)
            elif power == 1 and not coefficient.has(w_, x_):
                total += 0  # E[s] = 0
            elif power == 1:
                total += self.cross.expect(coefficient.replace(
                    lambda e: isinstance(e, sp.Indexed) and e.base == x_, lambda e: p_[e.indices]))
            elif power == 2 and not coefficient.has(w_, x_):
                total += coefficient * sigma2_l
            else:
                raise ValueError(f"{term} is outside the residual model")
        return sp.expand(total)

    def evaluate(self, expr: sp.Basic) -> sp.Basic:
        def value(node):
            if isinstance(node, Expectation):
                return self.expect(node.args[0])
            return sp.expand(self.expect(node.args[0] ** 2) - self.expect(node.args[0]) ** 2)

        return sp.sympify(expr).replace(lambda e: isinstance(e, (Expectation, Variance)), value).doit()


def _one_layer(taps: sp.Expr, weight_mean=0):
    """The variance of s + sum_{m<=taps} w_m x_m, its chain and its model."""
    model = _ResidualModel(weight_mean)
    T = sp.Sum(w_[m] * x_[m], (m, 1, taps))
    steps = [
        Step(Variance(s + T), ""),
        Step(Expectation((s + T) ** 2) - Expectation(s + T) ** 2, "definition of the variance"),
        Step(Expectation(s**2) + 2 * Expectation(s * T) + Expectation(T**2) - (Expectation(s) + Expectation(T)) ** 2,
             "expand the square; linearity of expectation"),
        Step(sigma2_l + 2 * sp.Sum(Expectation(w_[m]) * Expectation(s * x_[m]), (m, 1, taps)) + Expectation(T**2),
             "E[s^2] = sigma2_l; W^l independent of x^l, so E[w_m s x_m] = E[w_m] E[s x_m]; E[x^l] = 0, E[w] = 0"),
        Step(sigma2_l + 0 + taps * Expectation(w_[1] ** 2) * Expectation(x_[1] ** 2)
             + taps * (taps - 1) * Expectation(w_[1]) * Expectation(w_[2]) * Expectation(x_[1] * x_[2]),
             "E[w_m] = 0 (the two terms are uncorrelated, dependent or not); expand T^2: K diagonal and K(K-1) "
             "off-diagonal terms, w independent of x, w_1 independent of w_2"),
        Step(sigma2_l + taps * sigma_W * sigma2_l, "E[w^2] = sigma_W, E[x^2] = sigma2_l, E[w_1] E[w_2] = 0: the "
                                                   "correlation rho of the x_m drops out"),
    ]
    return model, T, steps, sp.factor(model.evaluate(Variance(s + T)))


def residual_layer_variance(variance=sigma2_l, weight_variance=sigma_W, channels=C, size=N) -> sp.Expr:
    """sigma^2_{l+1} for one residual convolution layer, by the moment algebra."""
    _, _, _, derived = _one_layer(conv_taps())
    return derived.subs({sigma2_l: variance, sigma_W: weight_variance, C: channels, N: size})


def _ratio() -> sp.Expr:
    return sp.simplify(residual_layer_variance() / sigma2_l)


def residual_closed_form(depth=l) -> sp.Expr:
    """sigma^2_l with sigma^2_0 = 1, by rsolve of the recursion."""
    f = sp.Function("sigma2")
    k = sp.Symbol("k", integer=True, nonnegative=True)
    solution = sp.rsolve(f(k + 1) - _ratio() * f(k), f(k), {f(0): 1})
    return solution.subs(k, depth)


def residual_gradient_variance(layer=l, depth=L) -> sp.Expr:
    """sigma^2_{l,grad} with x^L.grad of unit variance: the backward recursion solved from layer L down."""
    g = sp.Function("g")
    j = sp.Symbol("j", integer=True, nonnegative=True)  # j = L - l layers below the top
    solution = sp.rsolve(g(j + 1) - _ratio() * g(j), g(j), {g(0): 1})
    return solution.subs(j, depth - layer)


def doubling_weight_variance(depth=L, exact: bool = False) -> sp.Expr:
    """sigma_W with sigma^2_L = 2: under (1 + eps)^L ~ e^{eps L}, or exactly."""
    per_layer = _ratio() - 1  # eps = N^2 C sigma_W
    lhs = residual_closed_form(depth) if exact else sp.exp(per_layer * depth)
    (solution,) = sp.solve(sp.Eq(lhs, 2), sigma_W)
    return solution


@claim("residual.variance_recursion")
def _variance_recursion() -> Derivation:
    taps = conv_taps()
    model, T, steps, derived = _one_layer(taps)
    steps.append(Step(sigma2_l * (1 + N**2 * C * sigma_W), "K = sum over c <= C, a, b <= N of 1 = N^2 C taps"))
    with_mean = _one_layer(taps, weight_mean=sp.Symbol("mu_w", real=True))[3]
    return Derivation(
        id="residual.variance_recursion", symbols=(sigma2_l, sigma_W, N, C),
        assumptions=(r"$x^{\ell+1}[o,i,j] = s + T$, $s = x^\ell[o,i,j]$, $T = \sum_{c\le C}\sum_{a,b\le N} "
                     r"W^\ell[o,c,a,b]\,x^\ell[c,i+a-p,j+b-p] = \sum_{m\le K} w_m x_m$",
                     r"$W^\ell$ i.i.d., mean 0, variance $\sigma_W$, independent of $x^\ell$; $\mathbb{E}[x^\ell]=0$; "
                     r"$\mathbb{E}[(x^\ell)^2] = \sigma^2_\ell$ at every position of the window (circular padding)",
                     r"not needed: independence of the $x_m$ (any $\mathbb{E}[x_m x_{m'}] = \rho$), independence of "
                     r"$s$ and $T$ (any $\mathbb{E}[s x_m] = \kappa$; $s$ is one of the $x_m$)"),
        steps=steps, result=sp.Eq(sp.Symbol("sigma2_{l+1}"), derived), expected=sigma2_l * (1 + N**2 * C * sigma_W),
        evaluate=model.evaluate, values={"taps": taps},
        facts=[
            Fact("the two terms are uncorrelated for any E[s x_m] = kappa: E[s T] = 0",
                 model.evaluate(Expectation(s * T)), 0),
            Fact("the input correlation rho drops out", sp.diff(derived, rho), 0),
            Fact("with E[w] = mu_w != 0 the correlations rho and kappa enter (so E[w] = 0 is needed)",
                 with_mean, derived, holds=False),
            Fact("the window of an N x N filter over C channels has N^2 C taps", taps, N**2 * C),
        ],
        answer=(r"$\sigma^2_{\ell+1} = \sigma^2_\ell\,(1 + N^2 C \sigma_W)$ ($\sigma_W$ a variance). Of the seed's "
                r"independence assumptions only $W^\ell$ independent of $x^\ell$ with $\mathbb{E}[W]=0$ is used: "
                r"the entries of $x^\ell$ may be correlated and the skip term is one of the window's entries, yet "
                r"the two terms of the sum are uncorrelated. It is exact for circular padding; at a zero-padded "
                r"border fewer taps lie inside the image and the variance grows more slowly."),
    )


@claim("residual.variance_closed_form")
def _variance_closed_form() -> Derivation:
    k = sp.Symbol("k", integer=True, positive=True)
    ratio = _ratio()
    derived = residual_closed_form()
    return Derivation(
        id="residual.variance_closed_form", symbols=(sigma_W, N, C, l),
        assumptions=(r"the recursion of \texttt{residual.variance\_recursion} at every layer, "
                     r"$\sigma^2_{\ell+1} = \sigma^2_\ell (1 + N^2 C \sigma_W)$", r"$\sigma^2_0 = 1$"),
        steps=[Step(sp.Product(ratio, (k, 1, l)), ""),
               Step((1 + N**2 * C * sigma_W) ** l, "l equal factors")],
        result=sp.Eq(sp.Symbol("sigma2_l"), derived), expected=(1 + N**2 * C * sigma_W) ** l,
        evaluate=lambda e: sp.sympify(e).doit(),
        facts=[Fact("it solves the recursion: sigma2_{l+1} / sigma2_l", sp.simplify(derived.subs(l, l + 1) / derived),
                    ratio),
               Fact("sigma2_0 = 1", derived.subs(l, 0), 1)],
        answer=r"$\sigma^2_\ell = (1 + N^2 C \sigma_W)^\ell$ (rsolve of the recursion with $\sigma^2_0 = 1$).",
    )


@claim("residual.doubling_weight_variance")
def _doubling() -> Derivation:
    eps = N**2 * C * sigma_W
    approximate, exact = doubling_weight_variance(), doubling_weight_variance(exact=True)
    t = sp.Symbol("t", positive=True)  # t = 1/L
    relative_error = sp.simplify(exact / approximate - 1)
    achieved = residual_closed_form(L).subs(sigma_W, approximate)
    error_series = sp.series(relative_error.subs(L, 1 / t), t, 0, 3).removeO().subs(t, 1 / L)
    achieved_series = sp.series(achieved.subs(L, 1 / t), t, 0, 2).removeO().subs(t, 1 / L)
    return Derivation(
        id="residual.doubling_weight_variance", symbols=(N, C, L),
        assumptions=(r"$\sigma^2_L = (1 + \epsilon)^L$ with $\epsilon = N^2 C \sigma_W$ "
                     r"(\texttt{residual.variance\_closed\_form}), wanted $\sigma^2_L = 2$",
                     r"the seed's $(1+\epsilon)^N \approx e^{\epsilon N}$: its exponent is the depth $L$; the seed "
                     r"reuses $N$, the filter size's letter"),
        steps=[Step(sp.Eq(sp.exp(eps * L), 2), ""),
               Step(sp.Eq(eps * L, sp.log(2)), "take the logarithm"),
               Step(sp.Eq(sigma_W, sp.log(2) / (L * N**2 * C)), "solve for sigma_W")],
        result=sp.Eq(sigma_W, approximate), expected=sp.log(2) / (L * N**2 * C),
        evaluate=lambda e: sp.solve(e, sigma_W)[0],
        values={"exact": exact, "relative_error": relative_error, "achieved": achieved},
        facts=[
            Fact("(1 + eps)^L = e^{eps L} is only an approximation", (1 + eps) ** L, sp.exp(eps * L), holds=False),
            Fact("the exact sigma_W solves (1 + N^2 C sigma_W)^L = 2", residual_closed_form(L).subs(sigma_W, exact), 2),
            Fact("the approximate sigma_W is not the exact one", approximate, exact, holds=False),
            Fact("relative error of the approximate sigma_W: exact / approximate - 1 = ln2/(2L) + ln(2)^2/(6L^2) "
                 "+ O(1/L^3)", error_series, sp.log(2) / (2 * L) + sp.log(2) ** 2 / (6 * L**2)),
            Fact("at L = 1 the exact sigma_W is 1/ln 2 - 1 = 44% larger", relative_error.subs(L, 1), 1 / sp.log(2) - 1),
            Fact("the approximate sigma_W gives sigma^2_L = (1 + ln2/L)^L = 2 - ln(2)^2/L + O(1/L^2)",
                 achieved_series, 2 - sp.log(2) ** 2 / L),
        ],
        answer=(r"$\sigma_W = \ln 2/(L N^2 C)$ under $(1+\epsilon)^L \approx e^{\epsilon L}$ (the seed writes the "
                r"exponent as $N$: it is the depth $L$). The exact value is $(2^{1/L} - 1)/(N^2 C)$, larger by a "
                r"relative $\ln 2/(2L) + O(1/L^2)$ (44\% at $L = 1$, 3.5\% at $L = 10$); the approximate "
                r"$\sigma_W$ gives $\sigma^2_L = (1 + \ln 2/L)^L = 2 - (\ln 2)^2/L + O(1/L^2)$, slightly below 2."),
    )


@claim("residual.gradient_variance")
def _gradient_variance() -> Derivation:
    fan_out = conv_taps()  # (output channel, a, b) pairs that one input entry feeds, stride 1, circular
    model, T, steps, derived_step = _one_layer(fan_out)
    k = sp.Symbol("k", integer=True, positive=True)
    derived = residual_gradient_variance()
    ratio = _ratio()
    chain = [Step(sp.Product(ratio, (k, l + 1, L)), ""),
             Step((1 + N**2 * C * sigma_W) ** (L - l), "L - l equal factors, sigma2_{L,grad} = 1")]
    return Derivation(
        id="residual.gradient_variance", symbols=(sigma_W, N, C, L, l),
        assumptions=(r"$x^\ell.\mathrm{grad} = x^{\ell+1}.\mathrm{grad} + \mathrm{Conv}(W^\ell)^\top(x^{\ell+1}."
                     r"\mathrm{grad})$: $s$ = the same entry of $x^{\ell+1}.\mathrm{grad}$, "
                     r"$T$ = a sum over the $N^2 C$ "
                     r"(output channel, offset) pairs the entry feeds",
                     r"$x^L.\mathrm{grad}$ mean 0, variance 1, independent of the weights; "
                     r"then $x^{\ell+1}.\mathrm{grad}$ "
                     r"is independent of $W^\ell$ (the net is linear)",
                     r"not needed: the components of $x^{\ell+1}.\mathrm{grad}$ independent of each other"),
        steps=chain, result=sp.Eq(sp.Symbol("sigma2_{l,grad}"), derived), expected=(1 + N**2 * C * sigma_W) ** (L - l),
        evaluate=lambda e: sp.sympify(e).doit(),
        values={"one_step": derived_step},
        facts=[
            Fact("one step back, by the moment algebra of residual.variance_recursion with the fan-out N^2 C: "
                 "sigma2_{l,grad} = sigma2_{l+1,grad} (1 + N^2 C sigma_W)", derived_step,
                 sigma2_l * (1 + N**2 * C * sigma_W)),
            Fact("the two terms are uncorrelated: E[s T] = 0", model.evaluate(Expectation(s * T)), 0),
            Fact("sigma2_{L,grad} = 1", derived.subs(l, L), 1),
            Fact("it solves the backward recursion", sp.simplify(derived / derived.subs(l, l + 1)), ratio),
        ],
        answer=(r"$\sigma^2_{\ell,\mathrm{grad}} = (1 + N^2 C \sigma_W)^{L-\ell}$: the backward pass is the same "
                r"residual recursion run from the top. It needs $x^L.\mathrm{grad}$ independent of the weights, not "
                r"the independence of the components of $x^{\ell+1}.\mathrm{grad}$."),
    )


def _torus_stack(depth: int, activation: bool, layer: int = 0):
    """A 1-D circular stack on 3 pixels, one channel, kernel 3 (padding 1): weights W^k_a = t U^k_a
    (t = sqrt(sigma_W) > 0, U a direction), loss sum_i g_i x^depth_i. Returns (t, U, g, x0, W^layer.grad)."""
    t = sp.Symbol("t", positive=True)
    U = [[sp.Symbol(f"u{k}_{a}", real=True) for a in range(3)] for k in range(depth)]
    g = [sp.Symbol(f"g{i}", real=True) for i in range(3)]
    x0 = [sp.Symbol(f"x{i}", real=True) for i in range(3)]
    W = [[sp.Symbol(f"W{k}_{a}", real=True) for a in range(3)] for k in range(depth)]
    x = list(x0)
    for k in range(depth):
        conv = [sum(W[k][a] * x[(i + a - 1) % 3] for a in range(3)) for i in range(3)]
        x = [x[i] + (sp.Max(0, conv[i]) if activation else conv[i]) for i in range(3)]
    loss = sum(g[i] * x[i] for i in range(3))
    grad = [sp.diff(loss, W[layer][a]) for a in range(3)]
    along = {W[k][a]: t * U[k][a] for k in range(depth) for a in range(3)}
    return t, U, g, x0, [e.subs(along) for e in grad]


def _positive_scale_out(expr: sp.Basic, t: sp.Symbol) -> sp.Basic:
    """Heaviside(t z) = Heaviside(z) for t > 0."""
    return expr.replace(lambda e: isinstance(e, sp.Heaviside), lambda e: sp.Heaviside(sp.factor(e.args[0] / t)))


def torus_weight_gradient(depth: int = 2, activation: bool = False) -> sp.Matrix:
    """lim_{t -> 0+} of W^0.grad along W^k = t U^k on the 3-pixel torus (a column over the 3 taps)."""
    t, _, _, _, grad = _torus_stack(depth, activation)
    return sp.Matrix([sp.limit(_positive_scale_out(e, t), t, 0, "+") for e in grad])


@claim("residual.weight_grad_limit")
def _weight_grad_limit() -> Derivation:
    t, U, g, x0, grad = _torus_stack(2, activation=False)
    limit = sp.Matrix([sp.limit(e, t, 0, "+") for e in grad])
    layer_1 = sp.Matrix([sp.limit(e, t, 0, "+") for e in _torus_stack(2, False, layer=1)[4]])
    index_form = sp.Matrix([sum(g[i] * x0[(i + a - 1) % 3] for i in range(3)) for a in range(3)])
    one_layer = torus_weight_gradient(1, activation=True)
    u = U[0]  # the one-layer stack's direction has the same symbols
    flipped = one_layer.subs({ua: -ua for ua in u}, simultaneous=True)
    witness = {**dict(zip(u, (1, -2, 1))), **dict(zip(x0, (1, 2, -1))), **dict(zip(g, (1, 1, 1)))}
    return Derivation(
        id="residual.weight_grad_limit", symbols=tuple(g + x0),
        assumptions=(r"$W^\ell.\mathrm{grad}[o,c,a,b] = \sum_{n,i,j} x^{\ell+1}.\mathrm{grad}[n,o,i,j]\; "
                     r"x^\ell[n,c,i+a-p,j+b-p]$ (padded $x^\ell$), exactly, at any $\sigma_W$",
                     r"$\sigma_W \to 0$ along $W^k = \sqrt{\sigma_W}\,U^k$; $x^L.\mathrm{grad}$ held fixed",
                     r"symbolic instance: 1-D torus of 3 pixels, one channel, kernel 3, two layers, "
                     r"$g = x^L.\mathrm{grad}$, "
                     r"$x = x^0$"),
        steps=[Step(sp.Matrix([sp.Limit(e, t, 0, "+") for e in grad]), ""),
               Step(index_form, "every layer tends to the identity: x^l -> x^0 and x^{l+1}.grad -> x^L.grad")],
        evaluate=lambda e: sp.sympify(e).doit(),
        result=limit, expected=index_form,
        values={"layer_1": layer_1, "relu_along_u": one_layer, "relu_along_minus_u": flipped},
        facts=[
            Fact("the limit is the same for W^1 (every layer)", layer_1, limit),
            Fact("at sigma_W > 0 the gradient depends on the other layer's weights", grad[0],
                 limit[0], holds=False),
            Fact("with a ReLU around the convolution the limits along U and -U differ (at u = (1,-2,1), "
                 "x = (1,2,-1), g = 1)", one_layer.subs(witness), flipped.subs(witness), holds=False),
            Fact("with the ReLU, the limits along U and -U add up to the linear limit (masks 1[z>0] + 1[z<0])",
                 sp.simplify((one_layer + flipped).subs(witness)), index_form.subs(witness)),
        ],
        answer=(r"$\lim_{\sigma_W\to 0} W^\ell.\mathrm{grad}[o,c,a,b] = \sum_{n}\sum_{i,j} x^L.\mathrm{grad}[n,o,i,j]"
                r"\; x^0[n,c,i+a-p,j+b-p]$ (padded $x^0$), the same for every layer: it needs $x^0$ besides "
                r"$x^L.\mathrm{grad}$, since $x^\ell \to x^0$ and $x^{\ell+1}.\mathrm{grad} \to x^L.\mathrm{grad}$. "
                r"With a ReLU around the convolution, $x^{\ell+1} = x^\ell + \mathrm{relu}(\mathrm{Conv}(W^\ell, "
                r"x^\ell))$, the gradient carries the mask $1[\mathrm{Conv}(W^\ell, x^\ell)[n,o,i,j] > 0]$, which is "
                r"unchanged by scaling $W^\ell$: the limit along each direction $U$ exists but depends on $U$ "
                r"(along $U$ and $-U$ the masks are complementary), so $W^\ell.\mathrm{grad}$ has no limit as "
                r"$\sigma_W \to 0$; for random weights it stays a random mask over $x^L.\mathrm{grad} \cdot x^0$. "
                r"(With the ReLU around the sum instead, one layer's mask tends to $1[x^0 > 0]$ and its limit exists, "
                r"but deeper layers see the exact zeros of the ReLU, where the mask again depends on the direction.)"),
    )
