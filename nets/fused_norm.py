"""Batch and layer normalisation in fused closed form: vectorised NumPy, dtype-preserving.

The staged graph (``graph.py``) back-propagates node by node; these kernels apply the
closed forms it amounts to, with the reductions done by ``einsum`` and the element-wise
work in place in the one array each pass allocates (the output). With c = x − μ over the m
reduced entries, σ² = Σc²/m (biased), s = 1/√(σ² + ε), x̂ = c·s and y = γx̂ + β:

    ∂l/∂β = Σ dy,   ∂l/∂γ = Σ dy·x̂ = s·Σ dy·c,
    ∂l/∂x = (γs/m)·(m·dy − Σ dy − x̂·Σ dy·x̂) = γs·dy − (γs³/m)·(Σ dy·c)·c − (γs/m)·Σ dy     (training),
    ∂l/∂x = γs·dy, with μ, σ² the running statistics                                        (eval).

Batch norm works on the view (N, C, L) of its input (L = 1 for (N, C), H·W for images) and
reduces over N and L per channel; layer norm works on the view (M, K) and reduces each row.
Every sum is accumulated in the input's dtype. Batch norm on inputs of PARALLEL_MIN entries or
more splits the batch over threads (``set_num_threads``), each chunk running every pass while
it is in cache; the chunks' partial sums are added. Both keep a reference to their input for
backward (as PyTorch does, no copy), so an input must not be changed in place in between.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

__all__ = ["BatchNormCache", "LayerNormCache", "batch_norm_train", "batch_norm_eval", "batch_norm_backward",
           "layer_norm_forward", "layer_norm_backward", "get_num_threads", "set_num_threads"]

PARALLEL_MIN = 1 << 20  # entries from which batch norm splits its batch over threads
_THREADS = {"count": min(os.cpu_count() or 1, 4), "pool": None}


def get_num_threads() -> int:
    """Threads batch norm uses on inputs of PARALLEL_MIN entries or more (NumPy frees the GIL in
    its loops, so the chunks run in parallel); min(CPUs, 4) by default."""
    return _THREADS["count"]


def set_num_threads(count: int) -> None:
    """Like torch.set_num_threads, for these kernels (1: everything in the calling thread)."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive int, not {count!r}")
    if _THREADS["pool"] is not None:
        _THREADS["pool"].shutdown()
    _THREADS.update(count=count, pool=None)


def _over_batch(task: Callable[[slice], object], view: np.ndarray) -> list:
    """task(rows) for consecutive slices of the batch axis covering it: one slice in the calling
    thread for small inputs, else one per thread. Sums of the results are partial sums per chunk."""
    chunks = min(_THREADS["count"], view.shape[0]) if view.size >= PARALLEL_MIN else 1
    n = view.shape[0]
    rows = [slice(k * n // chunks, (k + 1) * n // chunks) for k in range(chunks)]
    if chunks == 1:
        return [task(rows[0])]
    if _THREADS["pool"] is None:
        _THREADS["pool"] = ThreadPoolExecutor(_THREADS["count"], thread_name_prefix="nets-norm")
    return list(_THREADS["pool"].map(task, rows))


@dataclass
class BatchNormCache:
    """What batch norm's backward needs: the input's (N, C[, L]) view (a reference, not a copy: the
    input must not change before backward), the mean μ it was centred with, s = 1/√(σ² + ε) and
    γs per channel (shaped to broadcast against the view), and the count m of reduced entries."""

    input: np.ndarray
    mean: np.ndarray
    inv_std: np.ndarray
    scale: np.ndarray
    count: int
    batch_statistics: bool
    subscripts: str


def _view(x: np.ndarray) -> tuple[np.ndarray, str, tuple[int, ...]]:
    """x as (N, C) or (N, C, L), its einsum letters, and the shape a per-channel vector takes."""
    if x.ndim == 2:
        return x, "nc", (x.shape[1],)
    view = x.reshape(x.shape[0], x.shape[1], -1)
    if view.shape[2] == 1:
        return view.reshape(x.shape[:2]), "nc", (x.shape[1],)
    return view, "ncl", (x.shape[1], 1)


def _affine(view, mean, inv_std, weight, bias, stat_shape, out: np.ndarray) -> np.ndarray:
    """out = (x − μ)·γs + β (out may already hold x − μ, when mean is None); returns γs."""
    scale = inv_std if weight is None else weight.reshape(stat_shape) * inv_std
    shift = None if bias is None else bias.reshape(stat_shape)

    def task(rows):
        y = out[rows]
        if mean is not None:
            np.subtract(view[rows], mean, out=y)
        y *= scale
        if shift is not None:
            y += shift

    _over_batch(task, view)
    return scale


def batch_norm_train(x: np.ndarray, weight: np.ndarray | None, bias: np.ndarray | None, eps: float
                     ) -> tuple[np.ndarray, BatchNormCache, np.ndarray, np.ndarray]:
    """y = γ(x − μ_B)/√(σ_B² + ε) + β per channel (axis 1); returns y, the cache, μ_B and σ_B² (C,).

    Two passes for the variance (σ² = Σ(x − μ)²/m over the centred input), which is exact where
    the one-pass Σx²/m − μ² cancels."""
    view, letters, stat_shape = _view(x)
    count = x.size // x.shape[1]
    m = x.dtype.type(count)
    mean = sum(_over_batch(lambda rows: np.einsum(f"{letters}->c", view[rows]), view)) / m
    y = np.empty_like(view)

    def centre(rows):
        centred = np.subtract(view[rows], mean.reshape(stat_shape), out=y[rows])
        return np.einsum(f"{letters},{letters}->c", centred, centred)

    var = sum(_over_batch(centre, view)) / m
    inv_std = (1 / np.sqrt(var + x.dtype.type(eps))).reshape(stat_shape)
    scale = _affine(view, None, inv_std, weight, bias, stat_shape, out=y)
    cache = BatchNormCache(view, mean.reshape(stat_shape), inv_std, scale, count, True, letters)
    return y.reshape(x.shape), cache, mean, var


def batch_norm_eval(x: np.ndarray, running_mean: np.ndarray, running_var: np.ndarray, weight: np.ndarray | None,
                    bias: np.ndarray | None, eps: float) -> tuple[np.ndarray, BatchNormCache]:
    """y = γ(x − μ̂)/√(σ̂² + ε) + β with the running statistics μ̂, σ̂² (C,)."""
    view, letters, stat_shape = _view(x)
    mean = running_mean.reshape(stat_shape)
    inv_std = (1 / np.sqrt(running_var + x.dtype.type(eps))).reshape(stat_shape)
    y = np.empty_like(view)
    scale = _affine(view, mean, inv_std, weight, bias, stat_shape, out=y)
    return y.reshape(x.shape), BatchNormCache(view, mean, inv_std, scale, x.size // x.shape[1], False, letters)


def batch_norm_backward(grad_output: np.ndarray, cache: BatchNormCache
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(∂l/∂x, ∂l/∂γ, ∂l/∂β) for the forward that left ``cache``.

    Training: ∂l/∂x = γs·(dy − Σdy/m − (x − μ)·s²·Σdy(x − μ)/m), built in the array that first
    holds x − μ; eval: ∂l/∂x = γs·dy."""
    letters, view, scale = cache.subscripts, cache.input, cache.scale
    dy = grad_output.reshape(view.shape)
    grad_input = np.empty_like(view)

    def sums(rows):
        centred = np.subtract(view[rows], cache.mean, out=grad_input[rows])
        return np.einsum(f"{letters}->c", dy[rows]), np.einsum(f"{letters},{letters}->c", dy[rows], centred)

    partial = _over_batch(sums, view)
    sum_dy, sum_dy_centred = sum(p[0] for p in partial), sum(p[1] for p in partial)
    inv_std = cache.inv_std.reshape(-1)
    m = grad_output.dtype.type(cache.count)
    coefficient = (-inv_std * inv_std * sum_dy_centred / m).reshape(scale.shape)
    mean_dy = (sum_dy / m).reshape(scale.shape)

    def combine(rows):
        g = grad_input[rows]
        if cache.batch_statistics:
            g *= coefficient
            g += dy[rows]
            g -= mean_dy
            g *= scale
        else:
            np.multiply(dy[rows], scale, out=g)

    _over_batch(combine, view)
    return grad_input.reshape(grad_output.shape), sum_dy_centred * inv_std, sum_dy


@dataclass
class LayerNormCache:
    """What layer norm's backward needs: the input's (M, K) view (a reference), each row's mean and
    s = 1/√(σ² + ε) (M, 1), and γ (K,) or None."""

    input: np.ndarray
    mean: np.ndarray
    inv_std: np.ndarray
    weight: np.ndarray | None


def layer_norm_forward(x: np.ndarray, normalized_size: int, weight: np.ndarray | None, bias: np.ndarray | None,
                       eps: float) -> tuple[np.ndarray, LayerNormCache]:
    """Each row of the (M, K) view normalised over its K entries; y = γx̂ + β with γ, β of K entries."""
    view = x.reshape(-1, normalized_size)
    k = x.dtype.type(normalized_size)
    mean = (np.einsum("mk->m", view) / k)[:, None]
    y = view - mean
    inv_std = (1 / np.sqrt(np.einsum("mk,mk->m", y, y) / k + x.dtype.type(eps)))[:, None]
    y *= inv_std
    if weight is not None:
        y *= weight.reshape(-1)
    if bias is not None:
        y += bias.reshape(-1)
    return y.reshape(x.shape), LayerNormCache(view, mean, inv_std, None if weight is None else weight.reshape(-1))


def layer_norm_backward(grad_output: np.ndarray, cache: LayerNormCache
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(∂l/∂x, ∂l/∂γ, ∂l/∂β); with g = γ·dy per row, ∂l/∂x = s·(g − Σg/K − x̂·Σg·x̂/K), built in
    the array that first holds x̂."""
    dy = grad_output.reshape(cache.input.shape)
    xhat = cache.input - cache.mean
    xhat *= cache.inv_std
    grad_weight = np.einsum("mk,mk->k", dy, xhat)
    grad_bias = np.einsum("mk->k", dy)
    g = dy if cache.weight is None else dy * cache.weight
    k = grad_output.dtype.type(xhat.shape[1])
    sum_g = np.einsum("mk->m", g)[:, None]
    sum_g_xhat = np.einsum("mk,mk->m", g, xhat)[:, None]
    grad_input = xhat
    grad_input *= -sum_g_xhat / k
    grad_input += g
    grad_input -= sum_g / k
    grad_input *= cache.inv_std
    return grad_input.reshape(grad_output.shape), grad_weight, grad_bias
