"""The UGRNN (seed 003 Problem 2): the derived forms evaluated against ``nets.UGRNNCell``.

Deterministic runs. The derived split-matrix and index forms are evaluated (lambdify) with a
cell's own parameters and inputs and must give the cell's output to AGREE = 1e-12 (float64
rounding over a few dozen operations, with a margin of 10²; a wrong form is an O(1) change).
The derived backward additions, composed with the gates' derivatives, must give the cell's
input gradients to AGREE, and the unrolled cell's gradients must match central finite
differences (``montecarlo.finite_diff``) for T = 1, 2 and 5.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

import nets
from derivations.ugrnn import B, H, I, explicit, preactivation
from ..evidence import Evidence
from ..finite_diff import check_module, fd_evidence, relative_error
from .base import declare

AGREE = 1e-12
SIZES = ((4, 3, 5), (2, 2, 2))  # (batch, input_size, hidden_size)


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def _arrays(cell: nets.UGRNNCell, x: np.ndarray, h: np.ndarray) -> dict[str, np.ndarray]:
    """The matrices ``derivations.ugrnn`` names, from the cell's parameters and the inputs."""
    arrays = {"x": x, "h": h}
    for gate in "fd":
        arrays[f"W_{gate}x"], arrays[f"W_{gate}h"] = cell.params[f"weight_{gate}x"], cell.params[f"weight_{gate}h"]
        arrays[f"b_{gate}"] = cell.params[f"bias_{gate}"][:, None]
    return arrays


def _evaluate(expr: sp.Expr, arrays: dict[str, np.ndarray], rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``expr`` (in the entry symbols M_rc that ``explicit`` names) at every (b, i) of the grids
    ``rows``, ``cols``: a letter b or i in a name takes the grid's value, a digit k the entry k − 1."""
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    grid = {"b": rows, "i": cols}
    values = []
    for symbol in symbols:
        base, index = symbol.name.rsplit("_", 1)
        r, c = (grid[k] if k in grid else int(k) - 1 for k in index)
        values.append(arrays[base][r, c])
    return np.broadcast_to(sp.lambdify(symbols, expr, "numpy")(*values), np.broadcast(rows, cols).shape)


def _agree(derivation, label, a, b_, seed) -> Evidence:
    error = relative_error(a, b_, floor=1e-300)
    return Evidence(derivation.id, "N", label, error <= AGREE, estimator="relative error", estimate=error,
                    threshold=AGREE, seed=seed)


def _cell_and_inputs(rng, batch, inputs, hidden):
    cell = nets.UGRNNCell(inputs, hidden, generator=rng)
    return cell, rng.standard_normal((batch, inputs)), rng.standard_normal((batch, hidden))


def _split_matrices(derivation, rng, seed):
    evidence = []
    for batch, inputs, hidden in SIZES:
        cell, x, h = _cell_and_inputs(rng, batch, inputs, hidden)
        sizes, arrays = {B: batch, I: inputs, H: hidden}, _arrays(cell, x, h)
        rows, cols = np.zeros((1, 1), dtype=int), np.zeros((1, 1), dtype=int)
        gates = {}
        for gate in "fd":
            explicit_form = explicit(preactivation(gate, split=True), sizes)
            split = np.array([[_evaluate(entry, arrays, rows, cols)[0, 0] for entry in row]
                              for row in explicit_form.tolist()])
            weight = np.concatenate([cell.params[f"weight_{gate}x"], cell.params[f"weight_{gate}h"]], axis=1)
            concatenated = np.concatenate([x, h], axis=1) @ weight.T + cell.params[f"bias_{gate}"]
            evidence.append(_agree(derivation, f"B={batch}, I={inputs}, H={hidden}: the derived split "
                                               f"{gate}-preactivation equals [x, h] W^T + b", split, concatenated, seed))
            gates[gate] = split
        f, d = _sigmoid(gates["f"]), np.tanh(gates["d"])
        with nets.no_grad():
            out = cell(x, h)
        evidence.append(_agree(derivation, f"B={batch}, I={inputs}, H={hidden}: f h + (1 - f) d from the split form "
                                           "equals UGRNNCell's output", f * h + (1 - f) * d, out, seed))
    return evidence


declare("ugrnn.split_matrices", "N", run=_split_matrices)


def _index_form(derivation, rng, seed):
    evidence = []
    general = derivation.result.rhs
    for batch, inputs, hidden in SIZES:
        cell, x, h = _cell_and_inputs(rng, batch, inputs, hidden)
        rows, cols = np.meshgrid(np.arange(batch), np.arange(hidden), indexing="ij")
        derived = _evaluate(explicit(general, {B: batch, I: inputs, H: hidden}), _arrays(cell, x, h), rows, cols)
        with nets.no_grad():
            out = cell(x, h)
        evidence.append(_agree(derivation, f"B={batch}, I={inputs}, H={hidden}: the index form at every (b, i) equals "
                                           "UGRNNCell's output", derived, out, seed))
    return evidence


declare("ugrnn.index_form", "N", run=_index_form)


def _backward(derivation, rng, seed):
    g_, f_, h_, d_ = (derivation.symbol(n) for n in "gfhd")
    additions = sp.lambdify((g_, f_, h_, d_), list(derivation.target), "numpy")
    evidence = []
    for batch, inputs, hidden in SIZES:
        cell, x, h = _cell_and_inputs(rng, batch, inputs, hidden)
        p = cell.params
        f = _sigmoid(x @ p["weight_fx"].T + h @ p["weight_fh"].T + p["bias_f"])
        d = np.tanh(x @ p["weight_dx"].T + h @ p["weight_dh"].T + p["bias_d"])
        g = rng.standard_normal((batch, hidden))
        f_grad, h_grad, d_grad = (np.broadcast_to(a, g.shape) for a in additions(g, f, h, d))
        pre_f, pre_d = f_grad * f * (1 - f), d_grad * (1 - d * d)
        derived_x = pre_f @ p["weight_fx"] + pre_d @ p["weight_dx"]
        derived_h = h_grad + pre_f @ p["weight_fh"] + pre_d @ p["weight_dh"]
        cell(x, h)
        grad_x, grad_h = cell.backward(g)
        label = f"B={batch}, I={inputs}, H={hidden}: the derived additions, through the gates, give UGRNNCell's"
        evidence += [_agree(derivation, f"{label} x.grad", derived_x, grad_x, seed),
                     _agree(derivation, f"{label} h.grad", derived_h, grad_h, seed)]
    for e in evidence:
        e.kind = "F"
    for steps in (1, 2, 5):
        rnn = nets.Unrolled(nets.UGRNNCell(3, 4, generator=rng))
        for error in check_module(rnn, rng.standard_normal((steps, 2, 3)), rng=rng, full=True):
            evidence.append(fd_evidence(derivation.id, f"unrolled UGRNN, T = {steps}: {error.name}", error, seed))
    return evidence


declare("ugrnn.backward", "F", run=_backward)
