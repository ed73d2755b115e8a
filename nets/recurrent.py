"""Recurrent cells with two inputs (x, h), and a container that unrolls a cell over time.

A Cell maps (x_t, h_{t−1}) to h_t; its backward takes ∂l/∂h_t and returns both
(∂l/∂x_t, ∂l/∂h_{t−1}). Every call pushes a cache (the Module stack), so ``Unrolled`` runs a
cell T times forward and back-propagates through time by calling its backward T times in
reverse, carrying ∂l/∂h_{t−1} to the step before; the weight gradients add up over the steps.
"""
from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

import numpy as np

from .module import Module, check_array, default_generator, float_dtype

__all__ = ["Cell", "RNNCell", "UGRNNCell", "Unrolled"]

_NONLINEARITIES = ("tanh", "relu")


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be positive, not {value}")
    return int(value)


class Cell(Module):
    """The cell protocol: ``forward(x, h) -> h_new`` with x (N, input_size) or (input_size,),
    h of the matching (N, hidden_size) or (hidden_size,) (None: zeros); ``backward(grad_h_new)
    -> (grad_x, grad_h)`` for the most recent forward not yet back-propagated."""

    input_size: int
    hidden_size: int

    def forward(self, x: np.ndarray, h: np.ndarray | None = None) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_output: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _inputs(self, x: np.ndarray, h: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """x and h as (N, ·) arrays of the cell's dtype; ValueError/TypeError naming the argument."""
        x = check_array(x, "input", features=self.input_size)
        if x.ndim > 2:
            raise ValueError(f"input must be (N, {self.input_size}) or ({self.input_size},), not shape {x.shape}")
        self.check_dtype(x)
        batch = x.shape[:-1]
        if h is None:
            h = np.zeros(batch + (self.hidden_size,), dtype=x.dtype)
        h = check_array(h, "hx", features=self.hidden_size)
        if h.shape != batch + (self.hidden_size,):
            raise ValueError(f"hx must have shape {batch + (self.hidden_size,)} for input of shape {x.shape}, "
                             f"not {h.shape}")
        self.check_dtype(h, "hx")
        return x.reshape(-1, self.input_size), h.reshape(-1, self.hidden_size)


@dataclass
class _RNNCellCache:
    input: np.ndarray
    hidden: np.ndarray
    output: np.ndarray


class RNNCell(Cell):
    """h' = f(x · weight_ihᵀ + bias_ih + h · weight_hhᵀ + bias_hh), f = tanh or relu (torch.nn.RNNCell).

    Parameters as PyTorch names and shapes them: weight_ih (H, I), weight_hh (H, H), bias_ih (H,),
    bias_hh (H,) (no biases with bias=False), every entry initialised U(−1/√H, 1/√H) in that order.
    backward: with g = ∂l/∂h' · f'(pre), f' = 1 − h'² (tanh) or [h' > 0] (relu),
    ∂l/∂x = g · weight_ih, ∂l/∂h = g · weight_hh, ∂l/∂weight_ih += gᵀx, ∂l/∂weight_hh += gᵀh,
    ∂l/∂bias_ih = ∂l/∂bias_hh += Σ_n g.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh", *,
                 generator: np.random.Generator | None = None, dtype=np.float64) -> None:
        super().__init__()
        dtype = float_dtype(dtype)
        self.input_size = _positive_int(input_size, "input_size")
        self.hidden_size = _positive_int(hidden_size, "hidden_size")
        if nonlinearity not in _NONLINEARITIES:
            raise ValueError(f"nonlinearity must be one of {_NONLINEARITIES}, not {nonlinearity!r}")
        self.nonlinearity = nonlinearity
        rng = default_generator() if generator is None else generator
        bound = 1.0 / np.sqrt(self.hidden_size)
        shapes = {"weight_ih": (self.hidden_size, self.input_size), "weight_hh": (self.hidden_size, self.hidden_size),
                  "bias_ih": (self.hidden_size,), "bias_hh": (self.hidden_size,)}
        for name, shape in shapes.items():
            if name.startswith("bias") and not bias:
                self.register_parameter(name, None)
            else:
                self.register_parameter(name, rng.uniform(-bound, bound, shape).astype(dtype))

    def forward(self, x: np.ndarray, h: np.ndarray | None = None) -> np.ndarray:
        x2, h2 = self._inputs(x, h)
        pre = x2 @ self.params["weight_ih"].T
        pre += h2 @ self.params["weight_hh"].T
        if "bias_ih" in self.params:
            pre += self.params["bias_ih"]
            pre += self.params["bias_hh"]
        out = np.tanh(pre, out=pre) if self.nonlinearity == "tanh" else np.maximum(pre, 0, out=pre)
        h_new = out.reshape(x.shape[:-1] + (self.hidden_size,))
        self._save(_RNNCellCache(x2, h2, out), h_new)
        return h_new

    def backward(self, grad_output: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cache, grad_output = self._restore(grad_output)
        out = cache.output
        g = grad_output.reshape(out.shape) * (1 - out * out if self.nonlinearity == "tanh" else out > 0)
        self.grads["weight_ih"] += g.T @ cache.input
        self.grads["weight_hh"] += g.T @ cache.hidden
        if "bias_ih" in self.params:
            summed = g.sum(axis=0)
            self.grads["bias_ih"] += summed
            self.grads["bias_hh"] += summed
        batch = grad_output.shape[:-1]
        grad_x = (g @ self.params["weight_ih"]).reshape(batch + (self.input_size,))
        grad_h = (g @ self.params["weight_hh"]).reshape(batch + (self.hidden_size,))
        return grad_x, grad_h

    def extra_repr(self) -> str:
        return (f"{self.input_size}, {self.hidden_size}, bias={'bias_ih' in self.params}, "
                f"nonlinearity={self.nonlinearity!r}")


@dataclass
class _UGRNNCellCache:
    input: np.ndarray
    hidden: np.ndarray
    gate: np.ndarray
    candidate: np.ndarray


class UGRNNCell(Cell):
    """The update-gate RNN of seed 003 Problem 2, with the concatenations split (part a):

        f^t     = σ(W^{f,x} x^t + W^{f,h} h^t + b^f)
        d^t     = tanh(W^{d,x} x^t + W^{d,h} h^t + b^d)
        h^{t+1} = f^t ⊙ h^t + (1 − f^t) ⊙ d^t

    With a batch index b (rows), x (N, input_size) and h (N, hidden_size). Parameters (PyTorch
    has no UGRNN; the names follow RNNCell's): weight_fx = W^{f,x} (H, I), weight_fh = W^{f,h}
    (H, H), bias_f (H,), weight_dx, weight_dh, bias_d likewise (no biases with bias=False), every
    entry initialised U(−1/√H, 1/√H) in that order, as PyTorch's recurrent cells.
    backward (part c), from g = h^{t+1}.grad: f.grad = g ⊙ (h − d), d.grad = g ⊙ (1 − f), and
    h.grad = g ⊙ f plus what flows back through the two pre-activations,
    a_f.grad = f.grad ⊙ f ⊙ (1 − f), a_d.grad = d.grad ⊙ (1 − d²):
    x.grad = a_f.grad W^{f,x} + a_d.grad W^{d,x}, h.grad += a_f.grad W^{f,h} + a_d.grad W^{d,h},
    W^{f,x}.grad += a_f.gradᵀ x, W^{f,h}.grad += a_f.gradᵀ h, b^f.grad += Σ_b a_f.grad (and for d).
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, *,
                 generator: np.random.Generator | None = None, dtype=np.float64) -> None:
        super().__init__()
        dtype = float_dtype(dtype)
        self.input_size = _positive_int(input_size, "input_size")
        self.hidden_size = _positive_int(hidden_size, "hidden_size")
        rng = default_generator() if generator is None else generator
        bound = 1.0 / np.sqrt(self.hidden_size)
        H, I = self.hidden_size, self.input_size
        for gate in ("f", "d"):
            for name, shape in ((f"weight_{gate}x", (H, I)), (f"weight_{gate}h", (H, H)), (f"bias_{gate}", (H,))):
                if name.startswith("bias") and not bias:
                    self.register_parameter(name, None)
                else:
                    self.register_parameter(name, rng.uniform(-bound, bound, shape).astype(dtype))

    def _preactivation(self, gate: str, x: np.ndarray, h: np.ndarray) -> np.ndarray:
        pre = x @ self.params[f"weight_{gate}x"].T
        pre += h @ self.params[f"weight_{gate}h"].T
        if f"bias_{gate}" in self.params:
            pre += self.params[f"bias_{gate}"]
        return pre

    def forward(self, x: np.ndarray, h: np.ndarray | None = None) -> np.ndarray:
        x2, h2 = self._inputs(x, h)
        f = 0.5 * (1 + np.tanh(0.5 * self._preactivation("f", x2, h2)))  # the sigmoid, without overflow for large |z|
        d = np.tanh(self._preactivation("d", x2, h2))
        out = f * h2 + (1 - f) * d
        h_new = out.reshape(x.shape[:-1] + (self.hidden_size,))
        self._save(_UGRNNCellCache(x2, h2, f, d), h_new)
        return h_new

    def backward(self, grad_output: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cache, grad_output = self._restore(grad_output)
        f, d, x, h = cache.gate, cache.candidate, cache.input, cache.hidden
        g = grad_output.reshape(f.shape)
        grad_h = g * f
        pre_grads = {"f": g * (h - d) * f * (1 - f), "d": g * (1 - f) * (1 - d * d)}
        grad_x = np.zeros_like(x)
        for gate, a in pre_grads.items():
            self.grads[f"weight_{gate}x"] += a.T @ x
            self.grads[f"weight_{gate}h"] += a.T @ h
            if f"bias_{gate}" in self.params:
                self.grads[f"bias_{gate}"] += a.sum(axis=0)
            grad_x += a @ self.params[f"weight_{gate}x"]
            grad_h += a @ self.params[f"weight_{gate}h"]
        batch = grad_output.shape[:-1]
        return grad_x.reshape(batch + (self.input_size,)), grad_h.reshape(batch + (self.hidden_size,))

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, bias={'bias_f' in self.params}"


@dataclass
class _UnrolledCache:
    steps: int
    h0_shape: tuple[int, ...]


class Unrolled(Module):
    """Runs ``cell`` over a sequence: h_t = cell(x_t, h_{t−1}), t = 1..T (torch.nn.RNN's loop, one layer).

    forward(xs (T, N, input_size), h0 (N, hidden_size) or None → zeros) → hs (T, N, hidden_size).
    backward(grad_hs) → grad_xs (T, N, input_size), back-propagation through time: from t = T
    down to 1, (grad_x_t, carry) = cell.backward(grad_hs[t] + carry), carry starting at 0;
    the final carry, ∂l/∂h0, is left in ``grad_h0``. The cell's parameters appear as ``cell.*``.
    """

    def __init__(self, cell: Cell) -> None:
        super().__init__()
        if not isinstance(cell, Cell):
            raise TypeError(f"cell must be a nets.Cell (e.g. nets.RNNCell), not {type(cell).__name__}")
        self.cell = cell
        self.grad_h0: np.ndarray | None = None

    def children(self) -> dict[str, Module]:
        return {"cell": self.cell}

    def forward(self, xs: np.ndarray, h0: np.ndarray | None = None) -> np.ndarray:
        xs = check_array(xs, "input", min_ndim=3, features=self.cell.input_size)
        if xs.ndim != 3:
            raise ValueError(f"input must have shape (T, N, {self.cell.input_size}), not {xs.shape}")
        if xs.shape[0] == 0:
            raise ValueError("input has T = 0 time steps: an unrolled cell needs at least one (shape (T, N, "
                             f"{self.cell.input_size}) with T >= 1)")
        if h0 is not None:
            check_array(h0, "h0", features=self.cell.hidden_size)
        h = h0
        hs = np.empty(xs.shape[:2] + (self.cell.hidden_size,), dtype=xs.dtype)
        for t in range(xs.shape[0]):
            h = hs[t] = self.cell(xs[t], h)
        self._save(_UnrolledCache(xs.shape[0], (xs.shape[1], self.cell.hidden_size)), hs)
        return hs

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        cache, grad_hs = self._restore(grad_output)
        grad_xs = np.empty(grad_hs.shape[:2] + (self.cell.input_size,), dtype=grad_hs.dtype)
        carry = np.zeros(cache.h0_shape, dtype=grad_hs.dtype)
        for t in reversed(range(cache.steps)):
            grad_xs[t], carry = self.cell.backward(grad_hs[t] + carry)
        self.grad_h0 = carry
        return grad_xs

    def extra_repr(self) -> str:
        return repr(self.cell)
