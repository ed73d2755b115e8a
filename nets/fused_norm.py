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
Every sum is accumulated in the input's dtype. Both keep a reference to their input for
backward (as PyTorch does, no copy), so an input must not be changed in place in between.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["BatchNormCache", "LayerNormCache", "batch_norm_train", "batch_norm_eval", "batch_norm_backward",
           "layer_norm_forward", "layer_norm_backward"]


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


def _scale_and_shift(centred, inv_std, weight, bias, stat_shape) -> np.ndarray:
    """centred·γs + β in place (y), returning γs."""
    scale = inv_std if weight is None else weight.reshape(stat_shape) * inv_std
    centred *= scale
    if bias is not None:
        centred += bias.reshape(stat_shape)
    return scale


def batch_norm_train(x: np.ndarray, weight: np.ndarray | None, bias: np.ndarray | None, eps: float
                     ) -> tuple[np.ndarray, BatchNormCache, np.ndarray, np.ndarray]:
    """y = γ(x − μ_B)/√(σ_B² + ε) + β per channel (axis 1); returns y, the cache, μ_B and σ_B² (C,).

    Two passes for the variance (σ² = Σ(x − μ)²/m over the centred input), which is exact where
    the one-pass Σx²/m − μ² cancels."""
    view, letters, stat_shape = _view(x)
    count = x.size // x.shape[1]
    m = x.dtype.type(count)
    mean = np.einsum(f"{letters}->c", view) / m
    y = view - mean.reshape(stat_shape)
    var = np.einsum(f"{letters},{letters}->c", y, y) / m
    inv_std = (1 / np.sqrt(var + x.dtype.type(eps))).reshape(stat_shape)
    scale = _scale_and_shift(y, inv_std, weight, bias, stat_shape)
    cache = BatchNormCache(view, mean.reshape(stat_shape), inv_std, scale, count, True, letters)
    return y.reshape(x.shape), cache, mean, var


def batch_norm_eval(x: np.ndarray, running_mean: np.ndarray, running_var: np.ndarray, weight: np.ndarray | None,
                    bias: np.ndarray | None, eps: float) -> tuple[np.ndarray, BatchNormCache]:
    """y = γ(x − μ̂)/√(σ̂² + ε) + β with the running statistics μ̂, σ̂² (C,)."""
    view, letters, stat_shape = _view(x)
    mean = running_mean.reshape(stat_shape)
    inv_std = (1 / np.sqrt(running_var + x.dtype.type(eps))).reshape(stat_shape)
    y = view - mean
    scale = _scale_and_shift(y, inv_std, weight, bias, stat_shape)
    return y.reshape(x.shape), BatchNormCache(view, mean, inv_std, scale, x.size // x.shape[1], False, letters)


def batch_norm_backward(grad_output: np.ndarray, cache: BatchNormCache
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(∂l/∂x, ∂l/∂γ, ∂l/∂β) for the forward that left ``cache``.

    Training: ∂l/∂x = γs·(dy − Σdy/m − (x − μ)·s²·Σdy(x − μ)/m), built in the array that first
    holds x − μ; eval: ∂l/∂x = γs·dy."""
    letters = cache.subscripts
    dy = grad_output.reshape(cache.input.shape)
    centred = cache.input - cache.mean
    sum_dy = np.einsum(f"{letters}->c", dy)
    sum_dy_centred = np.einsum(f"{letters},{letters}->c", dy, centred)
    inv_std = cache.inv_std.reshape(-1)
    grad_weight = sum_dy_centred * inv_std
    if cache.batch_statistics:
        m = grad_output.dtype.type(cache.count)
        grad_input = centred
        grad_input *= (-inv_std * inv_std * sum_dy_centred / m).reshape(cache.scale.shape)
        grad_input += dy
        grad_input -= (sum_dy / m).reshape(cache.scale.shape)
        grad_input *= cache.scale
    else:
        grad_input = np.multiply(dy, cache.scale)
    return grad_input.reshape(grad_output.shape), grad_weight, sum_dy


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
