"""The update-gate RNN of seed 003 Problem 2, in split-matrix, index and backward form.

The cell (batch in rows, as ``nets.UGRNNCell`` stores it: x^t is B×I, h^t is B×H)::

    f^t     = σ([x^t, h^t] W^{fT} + 1 b^{fT})
    d^t     = tanh([x^t, h^t] W^{dT} + 1 b^{dT})
    h^{t+1} = f^t ⊙ h^t + (1 − f^t) ⊙ d^t

a) SymPy's block algebra multiplies the concatenation out: [x, h][W^{f,x} W^{f,h}]ᵀ =
   x W^{f,x T} + h W^{f,h T}, W^f split by columns after its I-th.
b) Indexing the matrix expressions at (b, i) makes SymPy write the products as explicit sums.
c) With g = h^{t+1}.grad and l = Σ_b Σ_i g[b,i] h^{t+1}[b,i], ``sp.diff`` of the indexed sums
   with respect to f[p,q], h[p,q] and d[p,q] gives sums of Kronecker deltas, which
   ``_sum_out_deltas`` removes: the additions of the backward method of h^{t+1}.

Candidates are written at a small explicit size (symbols like ``W_fx_i1``, ``x_b2``), since a
candidate is a formula in plain names; the chains are derived at symbolic sizes B, I, H.
"""
from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from .core import Derivation, Fact, Step, claim

__all__ = ["cell_matrices", "preactivation", "index_entry", "backward_additions", "explicit"]

B, I, H = sp.symbols("B I H", positive=True, integer=True)
b, i = sp.symbols("b i", integer=True, nonnegative=True)
p, q = sp.symbols("p q", integer=True, positive=True)
SMALL = {B: 1, I: 2, H: 2}  # the size candidates of the split form are written at
INDEX_SIZES = {B: 1, I: 1, H: 2}  # and of the index form (h_bi, the entry i of h_b, named apart from h_b1, h_b2)


def cell_matrices() -> dict[str, sp.MatrixSymbol]:
    """The cell's matrices at symbolic sizes: x (B×I), h (B×H), W_fx (H×I), W_fh (H×H), b_f (H×1), and for d."""
    m = {"x": sp.MatrixSymbol("x", B, I), "h": sp.MatrixSymbol("h", B, H)}
    for gate in "fd":
        m[f"W_{gate}x"] = sp.MatrixSymbol(f"W_{gate}x", H, I)
        m[f"W_{gate}h"] = sp.MatrixSymbol(f"W_{gate}h", H, H)
        m[f"b_{gate}"] = sp.MatrixSymbol(f"b_{gate}", H, 1)
    return m


def preactivation(gate: str, *, split: bool) -> sp.MatrixExpr:
    """The gate's pre-activation, B×H: [x, h] W^{gate T} + 1 b^{gate T} (split=False, W^gate the
    block [W^{gate,x} W^{gate,h}]), or x W^{gate,x T} + h W^{gate,h T} + 1 b^{gate T} (split=True)."""
    if gate not in ("f", "d"):
        raise ValueError(f"gate must be 'f' or 'd', not {gate!r}")
    m = cell_matrices()
    bias = sp.OneMatrix(B, 1) * m[f"b_{gate}"].T
    if split:
        return m["x"] * m[f"W_{gate}x"].T + m["h"] * m[f"W_{gate}h"].T + bias
    concatenated = sp.BlockMatrix([[m["x"], m["h"]]])
    weight = sp.BlockMatrix([[m[f"W_{gate}x"], m[f"W_{gate}h"]]])
    return concatenated * weight.T + bias


def _name(index) -> str:
    return str(index + 1) if index.is_Integer else str(index)


def explicit(expr: sp.Basic, sizes=None) -> sp.Basic:
    """``expr`` at explicit sizes (SMALL by default): matrices written out, every entry M[r, c] a plain
    symbol named M_rc (1-based; a symbolic index keeps its letter), so a candidate can name it."""
    sizes = SMALL if sizes is None else sizes
    if isinstance(expr, str):  # sympify would evaluate it
        raise TypeError("expr must be a SymPy expression, not a string")
    expr = sp.sympify(expr).subs(sizes)
    if isinstance(expr, sp.MatrixExpr):
        expr = sp.block_collapse(expr).as_explicit()
    expr = expr.doit()

    def entry(element: MatrixElement) -> sp.Symbol:
        matrix, r, c = element.args
        return sp.Symbol(f"{matrix.name}_{_name(r)}{_name(c)}", real=True)

    return expr.replace(lambda n: isinstance(n, MatrixElement), entry)


def _collapsed(expr: sp.Basic) -> sp.Basic:
    return sp.block_collapse(expr) if isinstance(expr, sp.MatrixExpr) else expr


@claim("ugrnn.split_matrices")
def _split_matrices() -> Derivation:
    concatenated, split = preactivation("f", split=False), preactivation("f", split=True)
    return Derivation(
        id="ugrnn.split_matrices", symbols=(B, I, H),
        assumptions=(r"batch in rows: $x^t$ is $B\times I$, $h^t$ is $B\times H$, $[x^t, h^t]$ is $B\times(I+H)$",
                     r"$W^f = [W^{f,x}\; W^{f,h}]$ split by columns after the $I$-th ($H\times I$ and $H\times H$), "
                     r"and $W^d$ likewise; $\sigma$ and $\tanh$ act entry by entry"),
        steps=[Step(concatenated, ""),
               Step(split, "block multiplication: [x, h][W_fx W_fh]^T = x W_fx^T + h W_fh^T"),
               Step(explicit(split), "written out at B = 1, I = H = 2 (the form a candidate uses)",
                    rule=explicit)],
        evaluate=_collapsed,
        result=sp.Eq(sp.MatrixSymbol("a_f", B, H), split, evaluate=False),
        values={"target": explicit(split), "d_preactivation": explicit(preactivation("d", split=True))},
        facts=[Fact("the same split for W^d", sp.block_collapse(preactivation("d", split=False)),
                    preactivation("d", split=True))],
        answer=(r"$f^t = \sigma(W^{f,x}x^t + W^{f,h}h^t + b^f)$ and $d^t = \tanh(W^{d,x}x^t + W^{d,h}h^t + b^d)$ "
                r"(with the batch in rows, $x^t W^{f,x\top} + h^t W^{f,h\top} + \mathbf{1}b^{f\top}$), "
                r"$h^{t+1} = f^t\odot h^t + (1-f^t)\odot d^t$ unchanged."),
    )


def index_entry(gate: str) -> sp.Expr:
    """The gate's pre-activation at (b, i), SymPy's index form of the split matrix products:
    Σ_j W^{gate,x}[i,j] x[b,j] + Σ_k W^{gate,h}[i,k] h[b,k] + b^gate[i] (0-based sums)."""
    return preactivation(gate, split=True)[b, i]


@claim("ugrnn.index_form")
def _index_form() -> Derivation:
    m = cell_matrices()
    F, D = sp.MatrixSymbol("f", B, H), sp.MatrixSymbol("d", B, H)
    f_bi, d_bi = 1 / (1 + sp.exp(-index_entry("f"))), sp.tanh(index_entry("d"))

    def gates(expr: sp.Basic) -> sp.Basic:
        return sp.sympify(expr).xreplace({F[b, i]: f_bi, D[b, i]: d_bi})

    def written_out(expr: sp.Basic) -> sp.Basic:  # tanh as exponentials: SymPy compares those fast
        return explicit(expr, INDEX_SIZES).rewrite(sp.exp)

    start = F[b, i] * m["h"][b, i] + (1 - F[b, i]) * D[b, i]
    with_f = start.xreplace({F[b, i]: f_bi})
    full = with_f.xreplace({D[b, i]: d_bi})
    return Derivation(
        id="ugrnn.index_form", symbols=(B, I, H, b, i),
        assumptions=(r"indices from 0: batch $b < B$, unit $i < H$, input $j < I$, hidden $k < H$",
                     r"the split form of \texttt{ugrnn.split\_matrices}, batch in rows"),
        steps=[Step(start, ""),
               Step(with_f, "f[b,i] = sigma(sum_j W_fx[i,j] x[b,j] + sum_k W_fh[i,k] h[b,k] + b_f[i])", rule=gates),
               Step(full, "d[b,i] = tanh(sum_j W_dx[i,j] x[b,j] + sum_k W_dh[i,k] h[b,k] + b_d[i])", rule=gates),
               Step(written_out(full), "written out at I = 1, H = 2, tanh z = (e^z - e^-z)/(e^z + e^-z) (the form "
                                       "a candidate uses)", rule=written_out)],
        evaluate=gates,
        result=sp.Eq(sp.Symbol("h^{t+1}_{b,i}"), full, evaluate=False),
        values={"target": written_out(full), "f": written_out(f_bi), "d": written_out(d_bi)},
        answer=(r"$f^t_{b,i} = \sigma\big(\sum_j W^{f,x}_{i,j}x^t_{b,j} + \sum_k W^{f,h}_{i,k}h^t_{b,k} + b^f_i\big)$, "
                r"$d^t_{b,i}$ likewise with $\tanh$, and $h^{t+1}_{b,i} = f^t_{b,i}h^t_{b,i} + "
                r"(1-f^t_{b,i})d^t_{b,i}$."),
    )


_f, _h, _d, _g = (sp.IndexedBase(name) for name in ("f", "h", "d", "g"))


def _sum_out_deltas(total: sp.Sum) -> sp.Expr:
    """Σ over each limit in turn (innermost first), term by term: a term with δ(j, k) takes j = k (k in
    the range, as assumed), a term free of j is multiplied by the count, any other keeps its sum."""
    expr = total.function
    for j, low, high in total.limits:
        value = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(expr)):
            deltas = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.KroneckerDelta) and f.has(j)]
            if deltas:
                other = deltas[0].args[0] if deltas[0].args[1] == j else deltas[0].args[1]
                value += (term / deltas[0]).subs(j, other)
            elif not term.has(j):
                value += term * (high - low + 1)
            else:
                value += sp.Sum(term, (j, low, high))
        expr = value
    return expr


def _reduced(expr: sp.Basic) -> sp.Basic:
    """Derivatives done, Kronecker deltas summed away (1 <= p <= B, 1 <= q <= H assumed)."""
    expr = sp.sympify(expr)
    expr = expr.doit(deep=False) if isinstance(expr, sp.Derivative) else expr
    return sp.expand(expr.replace(lambda n: isinstance(n, sp.Sum), _sum_out_deltas))


def _reduced_entries(expr: sp.Basic) -> sp.Basic:
    return expr.applyfunc(_reduced) if isinstance(expr, sp.MatrixBase) else _reduced(expr)


def _update(f, h, d):
    """The UGRNN's new state from the gate, the old state and the candidate: f h + (1 − f) d."""
    return f * h + (1 - f) * d


def _loss(update=_update) -> sp.Sum:
    return sp.Sum(_g[b, i] * update(_f[b, i], _h[b, i], _d[b, i]), (i, 1, H), (b, 1, B))


def backward_additions(update=_update) -> dict[str, sp.Expr]:
    """What the backward method of h^{t+1} adds to f^t.grad, h^t.grad and d^t.grad at (p, q), derived:
    ∂/∂f[p,q] (and h, d) of l = Σ_b Σ_i g[b,i] h^{t+1}[b,i], g = h^{t+1}.grad, with
    h^{t+1}[b,i] = update(f[b,i], h[b,i], d[b,i]) (the UGRNN's f h + (1 − f) d by default)."""
    loss = _loss(update)
    return {name: _reduced(sp.diff(loss, base[p, q])) for name, base in (("f", _f), ("h", _h), ("d", _d))}


_SCALARS = {base[p, q]: sp.Symbol(str(base), real=True) for base in (_f, _h, _d, _g)}


def _at_entry(expr: sp.Basic) -> sp.Basic:
    return _reduced_entries(expr).xreplace(_SCALARS)


@claim("ugrnn.backward")
def _backward() -> Derivation:
    loss = _loss()
    bases = (_f, _h, _d)
    derivatives = sp.Matrix([sp.Derivative(loss, base[p, q]) for base in bases])
    differentiated = sp.Matrix([sp.diff(loss, base[p, q]) for base in bases])
    additions = backward_additions()
    reduced = sp.Matrix([additions[name] for name in "fhd"])
    g, f, h, d = (sp.Symbol(name, real=True) for name in "gfhd")
    return Derivation(
        id="ugrnn.backward", symbols=(g, f, h, d),
        assumptions=(r"$g_{b,i} = h^{t+1}.\mathrm{grad}_{b,i} = \partial l/\partial h^{t+1}_{b,i}$, and $l$ depends on "
                     r"$f^t, h^t, d^t$ here only through $h^{t+1}_{b,i} = f^t_{b,i}h^t_{b,i} + (1-f^t_{b,i})d^t_{b,i}$",
                     r"indices from 1: $1 \le p \le B$, $1 \le q \le H$; the answer at one entry $(p, q)$ writes "
                     r"$g, f, h, d$ for $g_{p,q}, f^t_{p,q}, h^t_{p,q}, d^t_{p,q}$"),
        steps=[Step(derivatives, ""),
               Step(differentiated, "the chain rule through h'[b,i]; d x[b,i]/d x[p,q] = delta_bp delta_iq",
                    rule=_reduced_entries),
               Step(reduced, "the Kronecker deltas pick b = p and i = q", rule=_reduced_entries),
               Step(reduced.xreplace(_SCALARS), "at one entry (p, q)", rule=_at_entry)],
        evaluate=_at_entry,
        result=sp.Eq(sp.MatrixSymbol(r"\partial l/\partial(f, h, d)_{p,q}", 3, 1), reduced, evaluate=False),
        values={"target": sp.Matrix([g * (h - d), g * f, g * (1 - f)])},
        facts=[Fact("f^t.grad[p,q] += g[p,q] (h^t[p,q] - d^t[p,q])", additions["f"],
                    _g[p, q] * (_h[p, q] - _d[p, q])),
               Fact("h^t.grad[p,q] += g[p,q] f^t[p,q]", additions["h"], _g[p, q] * _f[p, q]),
               Fact("d^t.grad[p,q] += g[p,q] (1 - f^t[p,q])", additions["d"], _g[p, q] * (1 - _f[p, q]))],
        answer=(r"for every $b, i$: $f^t.\mathrm{grad}_{b,i} += h^{t+1}.\mathrm{grad}_{b,i}(h^t_{b,i} - "
                r"d^t_{b,i})$, $h^t.\mathrm{grad}_{b,i} += h^{t+1}.\mathrm{grad}_{b,i}\,f^t_{b,i}$, "
                r"$d^t.\mathrm{grad}_{b,i} += h^{t+1}.\mathrm{grad}_{b,i}(1 - f^t_{b,i})$; "
                r"$h^t.\mathrm{grad}$ gets more through $f^t$ and $d^t$ (their own backward methods)."),
    )
