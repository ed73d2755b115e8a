"""Inverted dropout (seed 001, seed 004 §4).

Seed 004 writes p for the probability of KEEPING a unit (``U1 = (rand < p) / p``); PyTorch's
``nn.Dropout(p)`` takes the probability of DROPPING it. Here ``p`` is seed 004's keep
probability and ``p_drop`` = 1 − p PyTorch's. In training a unit's activation h becomes M·h/p
with M ~ Bernoulli(p); at test time it is h.
"""
from __future__ import annotations

import sympy as sp
from sympy.stats import Bernoulli, E as expectation, Expectation, variance

from .core import Derivation, Fact, Step, claim

__all__ = ["inverted_scale", "relu_unit_expectation", "p", "p_drop", "h"]

p = sp.Symbol("p", positive=True)          # seed 004: keep probability, 0 < p <= 1
p_drop = sp.Symbol("p_drop", positive=True)  # PyTorch: drop probability = 1 - p
h, w, b = sp.symbols("h w b", real=True)
M = Bernoulli("M", p)


def inverted_scale(keep=p) -> sp.Expr:
    """The scale s with E[s·M·h] = h for M ~ Bernoulli(keep): solved, 1/keep."""
    s = sp.Symbol("s")
    (solution,) = sp.solve(sp.Eq(expectation(s * Bernoulli("M", keep) * h), h), s)
    return solution


def relu_unit_expectation(weight=w, activation=h, bias=b, keep=p) -> sp.Expr:
    """E[relu(weight·M·activation/keep + bias)] over M ~ Bernoulli(keep): keep·relu(w h/keep + b) + (1 − keep)·relu(b)."""
    mask = Bernoulli("M", keep)
    return sp.simplify(expectation(sp.Max(weight * mask * activation / keep + bias, 0)))


@claim("dropout.inverted_scaling")
def _inverted() -> Derivation:
    scale = inverted_scale()
    steps = [Step(h / Expectation(M * h), ""),
             Step(h / (p * h), "E[M] = p: M is Bernoulli(p), h is fixed"),
             Step(1 / p, "cancel h")]
    trained = M * h / p
    unit = relu_unit_expectation()
    gap = sp.simplify(unit - sp.Max(w * h + b, 0))
    positive = sp.Symbol("r", positive=True)  # w h = r > 0 with b in (-r, 0): the unit is active at test time
    odds = sp.Symbol("k", positive=True)  # p = 1/(1 + k) ranges over (0, 1) as k ranges over (0, oo)
    in_regime = {w: 1, h: positive, b: -positive / 2, p: 1 / (1 + odds)}
    return Derivation(
        id="dropout.inverted_scaling", symbols=(p, h),
        assumptions=(r"training: $h \mapsto M h / p$ with $M \sim \mathrm{Bernoulli}(p)$, $p$ the keep probability "
                     r"(seed 004's letter); test: $h$ unchanged",
                     r"PyTorch's \texttt{nn.Dropout(p)} takes the drop probability: $p_{drop} = 1 - p$, scale "
                     r"$1/(1 - p_{drop})$"),
        steps=steps, evaluate=lambda e: sp.simplify(sp.sympify(e).doit()),
        result=sp.Eq(sp.Symbol("s"), scale), expected=1 / p,
        values={"target": scale, "training_mean": expectation(trained), "training_variance": variance(trained),
                "torch_scale": 1 / (1 - p_drop), "relu_unit_expectation": unit, "relu_unit_gap": gap},
        facts=[Fact("E[M h / p] = h: the expected training activation is the test activation",
                    expectation(trained), h),
               Fact("V[M h / p] = h^2 (1 - p) / p", variance(trained), h**2 * (1 - p) / p),
               Fact("PyTorch's scale 1/(1 - p_drop) at p_drop = 1 - p is 1/p", (1 / (1 - p_drop)).subs(p_drop, 1 - p),
                    1 / p),
               Fact("1/(1 - p) (PyTorch's formula read with the keep probability) is not the scale", 1 / (1 - p), scale,
                    holds=False),
               Fact("the alternative: train with the plain mask, E[M h] = p h, so scale by p at test time",
                    expectation(M * h), p * h),
               Fact("a linear layer after dropout: E[w M h / p + b] = w h + b", expectation(w * M * h / p + b), w * h + b),
               Fact("a ReLU after dropout: E[relu(w M h / p + b)] != relu(w h + b)", unit, sp.Max(w * h + b, 0),
                    holds=False),
               Fact("for w h = r > 0, b = -r/2 the expected training output exceeds the test output by (1 - p) r / 2",
                    gap.subs(in_regime), ((1 - p) * positive / 2).subs(in_regime))],
        answer="$\\mathbb{E}[M h / p] = h$ for $M \\sim$ Bernoulli$(p)$ ($p$ the keep probability), so the expected "
               "training activation equals the test activation and nothing is rescaled at test time; the "
               "alternative trains with the plain mask and multiplies by $p$ at test time. PyTorch's $p$ is the drop "
               "probability: its scale is $1/(1 - p_{drop})$. The match holds per unit, and for the network's output "
               "only through linear layers: after a ReLU, $\\mathbb{E}[\\mathrm{relu}(w M h/p + b)] = "
               "p\\,\\mathrm{relu}(wh/p + b) + (1-p)\\,\\mathrm{relu}(b) \\ne \\mathrm{relu}(wh + b)$ in general (by "
               "Jensen it is never below), so a nonlinear net's expected training output differs from its test output.",
    )
