"""Batch and layer normalisation with PyTorch's semantics, on one staged graph.

Training: x̂ = (x − μ_B)/√(σ_B² + ε) with the batch mean μ_B and the *biased* batch variance
σ_B² over every axis but the channel axis 1, then y = weight·x̂ + bias (weight = γ, init 1;
bias = β, init 0: the letters of seeds 002 and 004). The running statistics are updated
with the *unbiased* batch variance, r ← (1 − m)·r + m·batch statistic (m = momentum, or
1/num_batches_tracked for the cumulative average when momentum is None). Eval: the running
statistics replace the batch's. Seed 000 writes the same layer as y = x̂·β + γ, β scaling.
"""
from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from .graph import Graph, Node
from .linear import Linear
from .module import Module, check_array

__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm", "fold_batchnorm", "NORMALISATION_GRAPH", "EVAL_GRAPH"]


def _normalise(centre: list[Node], scale_of: str) -> list[Node]:
    return centre + [
        Node("inv_std", "rsqrt", (scale_of,), r"1/\sqrt{\sigma_B^2+\varepsilon}"),
        Node("xhat", "mul", ("centred", "inv_std"), r"\hat{x}_i"),
        Node("weight", "input", (), r"\gamma"),
        Node("scaled", "mul", ("xhat", "weight"), r"\gamma\hat{x}_i"),
        Node("bias", "input", (), r"\beta"),
        Node("y", "add", ("scaled", "bias"), r"y_i"),
    ]


NORMALISATION_GRAPH = Graph(_normalise([
    Node("x", "input", (), r"x_i"),
    Node("mean", "mean", ("x",), r"\mu_B"),
    Node("centred", "sub", ("x", "mean"), r"x_i-\mu_B"),
    Node("squared", "square", ("centred",), r"(x_i-\mu_B)^2"),
    Node("var", "mean", ("squared",), r"\sigma_B^2"),
    Node("var_eps", "add_eps", ("var",), r"\sigma_B^2+\varepsilon"),
], "var_eps"), "y")

EVAL_GRAPH = Graph(_normalise([
    Node("x", "input", (), r"x_i"),
    Node("running_mean", "input", (), r"\hat\mu"),
    Node("centred", "sub", ("x", "running_mean"), r"x_i-\hat\mu"),
    Node("running_var", "input", (), r"\hat\sigma^2"),
    Node("var_eps", "add_eps", ("running_var",), r"\hat\sigma^2+\varepsilon"),
], "var_eps"), "y")


@dataclass
class _NormCache:
    values: dict
    graph: Graph
    axes: tuple[int, ...]
    param_shape: tuple[int, ...]


def _check_eps(eps) -> float:
    if isinstance(eps, bool) or not isinstance(eps, Real) or not np.isfinite(eps) or eps <= 0:
        raise ValueError(f"eps must be a positive number, not {eps!r}")
    return float(eps)


class _Normalisation(Module):
    """Shared forward/backward on the staged graph; subclasses say which axes are reduced."""

    def _run(self, x: np.ndarray, graph: Graph, feeds: dict, axes: tuple[int, ...], param_shape) -> np.ndarray:
        dtype = x.dtype
        weight = self.params["weight"].reshape(param_shape) if self.affine else np.ones(param_shape, dtype)
        bias = self.params["bias"].reshape(param_shape) if self.affine else np.zeros(param_shape, dtype)
        values = graph.forward({"x": x, "weight": weight, "bias": bias, **feeds}, axes=axes, eps=self.eps)
        self._values = values
        self._save(_NormCache(values, graph, axes, param_shape), values["y"])
        return values["y"]

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        cache, grad_output = self._restore(grad_output)
        grads = cache.graph.backward(cache.values, grad_output, axes=cache.axes)
        if self.affine:
            self.grads["weight"] += grads["weight"].reshape(self.params["weight"].shape)
            self.grads["bias"] += grads["bias"].reshape(self.params["bias"].shape)
        return grads["x"]


class _BatchNorm(_Normalisation):
    _ranks: tuple[int, ...] = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, *, dtype=np.float64) -> None:
        super().__init__()
        if isinstance(num_features, bool) or not isinstance(num_features, Integral) or num_features <= 0:
            raise ValueError(f"num_features must be a positive integer, not {num_features!r}")
        if momentum is not None and (isinstance(momentum, bool) or not isinstance(momentum, Real)
                                     or not 0 <= momentum <= 1):
            raise ValueError(f"momentum must lie in [0, 1] or be None, not {momentum!r}")
        self.num_features, self.eps, self.momentum = int(num_features), _check_eps(eps), momentum
        self.affine, self.track_running_stats = bool(affine), bool(track_running_stats)
        affine, tracked = self.affine, self.track_running_stats
        self.register_parameter("weight", np.ones(self.num_features, dtype=dtype) if affine else None)
        self.register_parameter("bias", np.zeros(self.num_features, dtype=dtype) if affine else None)
        self.register_buffer("running_mean", np.zeros(self.num_features, dtype=dtype) if tracked else None)
        self.register_buffer("running_var", np.ones(self.num_features, dtype=dtype) if tracked else None)
        self.register_buffer("num_batches_tracked", np.zeros((), dtype=np.int64) if tracked else None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.buffers["running_mean"][...] = 0
            self.buffers["running_var"][...] = 1
            self.buffers["num_batches_tracked"][...] = 0

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = check_array(x, "input", min_ndim=0)
        self.check_dtype(x)
        if x.ndim not in self._ranks:
            ranks = " or ".join(f"{r}D" for r in self._ranks)
            raise ValueError(f"input must be {ranks} (got {x.ndim}D input of shape {x.shape})")
        if x.shape[1] != self.num_features:
            raise ValueError(f"input has {x.shape[1]} channels on axis 1, expected num_features={self.num_features}")
        axes = (0,) + tuple(range(2, x.ndim))
        param_shape = (1, self.num_features) + (1,) * (x.ndim - 2)
        if not self.training and self.track_running_stats:
            feeds = {"running_mean": self.buffers["running_mean"].reshape(param_shape).astype(x.dtype),
                     "running_var": self.buffers["running_var"].reshape(param_shape).astype(x.dtype)}
            return self._run(x, EVAL_GRAPH, feeds, axes, param_shape)
        count = x.size // self.num_features
        if self.training and count <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {x.shape}")
        y = self._run(x, NORMALISATION_GRAPH, {}, axes, param_shape)
        if self.training and self.track_running_stats:
            self._update_running_stats(count)
        return y

    def _update_running_stats(self, count: int) -> None:
        values = self._values
        self.buffers["num_batches_tracked"] += 1
        factor = (1.0 / float(self.buffers["num_batches_tracked"]) if self.momentum is None
                  else float(self.momentum))
        unbiased = values["var"].reshape(-1) * (count / (count - 1))
        for name, batch in (("running_mean", values["mean"].reshape(-1)), ("running_var", unbiased)):
            buffer = self.buffers[name]
            buffer *= 1 - factor
            buffer += factor * batch

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch norm over (N, C) or (N, C, L) input: statistics per channel over N (and L)."""

    _ranks = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch norm over (N, C, H, W) input: statistics per channel over N, H and W."""

    _ranks = (4,)


class LayerNorm(_Normalisation):
    """Normalises each example over its last len(normalized_shape) axes (no batch statistics,
    the same in training and eval); weight and bias have shape ``normalized_shape``."""

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True, *,
                 dtype=np.float64) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, Integral) else tuple(normalized_shape)
        if not shape or any(isinstance(s, bool) or not isinstance(s, Integral) or s <= 0 for s in shape):
            raise ValueError(f"normalized_shape must be positive integers, not {normalized_shape!r}")
        self.normalized_shape, self.eps, self.affine = tuple(int(s) for s in shape), _check_eps(eps), bool(
            elementwise_affine)
        self.register_parameter("weight", np.ones(self.normalized_shape, dtype=dtype) if self.affine else None)
        self.register_parameter("bias", np.zeros(self.normalized_shape, dtype=dtype) if self.affine else None)

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = check_array(x, "input", min_ndim=len(self.normalized_shape))
        self.check_dtype(x)
        k = len(self.normalized_shape)
        if x.shape[-k:] != self.normalized_shape:
            raise ValueError(f"input of shape {x.shape} does not end with normalized_shape {self.normalized_shape}")
        axes = tuple(range(x.ndim - k, x.ndim))
        return self._run(x, NORMALISATION_GRAPH, {}, axes, (1,) * (x.ndim - k) + self.normalized_shape)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.affine}"


def fold_batchnorm(linear: Linear, batchnorm: BatchNorm1d) -> Linear:
    """The Linear layer equal to ``batchnorm`` (in eval mode) after ``linear`` (seed 002):
    weight' = diag(γ/√(r_var + ε))·W, bias' = γ(b − r_mean)/√(r_var + ε) + β."""
    if not isinstance(linear, Linear):
        raise TypeError(f"linear must be a nets.Linear, not {type(linear).__name__}")
    if not isinstance(batchnorm, BatchNorm1d):
        raise TypeError(f"batchnorm must be a nets.BatchNorm1d, not {type(batchnorm).__name__}")
    if batchnorm.num_features != linear.out_features:
        raise ValueError(f"batchnorm has {batchnorm.num_features} features, linear has {linear.out_features} outputs")
    if not batchnorm.track_running_stats:
        raise ValueError("batchnorm keeps no running statistics (track_running_stats=False): nothing to fold")
    weight = linear.params["weight"]
    gamma = batchnorm.params["weight"] if batchnorm.affine else np.ones(linear.out_features)
    beta = batchnorm.params["bias"] if batchnorm.affine else np.zeros(linear.out_features)
    scale = gamma / np.sqrt(batchnorm.buffers["running_var"] + batchnorm.eps)
    bias = linear.params.get("bias", np.zeros(linear.out_features))
    folded = Linear(linear.in_features, linear.out_features, bias=True, rng=np.random.default_rng(0),
                    dtype=weight.dtype)
    folded.params["weight"][...] = scale[:, None] * weight
    folded.params["bias"][...] = scale * (bias - batchnorm.buffers["running_mean"]) + beta
    return folded
