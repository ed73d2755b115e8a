"""Batch and layer normalisation with PyTorch's semantics: fused kernels, and the staged graph as oracle.

Training: x̂ = (x − μ_B)/√(σ_B² + ε) with the batch mean μ_B and the *biased* batch variance
σ_B² over every axis but the channel axis 1, then y = weight·x̂ + bias (weight = γ, init 1;
bias = β, init 0: the letters of seeds 002 and 004). The running statistics are updated
with the *unbiased* batch variance, r ← (1 − m)·r + m·batch statistic (m = momentum, or
1/num_batches_tracked for the cumulative average when momentum is None). Eval: the running
statistics replace the batch's. Seed 000 writes the same layer as y = x̂·β + γ, β scaling.

Forward and backward run the fused closed forms of ``fused_norm``; the staged graph below
(NORMALISATION_GRAPH, EVAL_GRAPH) is the graph drawn in the notes and runs through
``layer.staged(x, grad_output)``, an oracle the fused layer matches to round-off.
"""
from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from .fused_norm import (batch_norm_backward, batch_norm_eval, batch_norm_train,
                         layer_norm_backward, layer_norm_forward)
from .graph import Graph, Node
from .linear import Linear
from .module import Module, check_array, float_dtype

__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm", "StagedPass", "fold_batchnorm", "NORMALISATION_GRAPH",
           "EVAL_GRAPH"]


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
class StagedPass:
    """One run of the staged graph: every node's value, the output, and with a grad_output the
    gradients with respect to "input", "weight" and "bias" (the latter two when affine)."""

    values: dict[str, np.ndarray]
    output: np.ndarray
    grads: dict[str, np.ndarray] | None = None


def _check_eps(eps) -> float:
    if isinstance(eps, bool) or not isinstance(eps, Real) or not np.isfinite(eps) or eps <= 0:
        raise ValueError(f"eps must be a positive number, not {eps!r}")
    return float(eps)


class _Normalisation(Module):
    """Forward and backward by the fused kernels; ``staged`` runs the drawn graph as an oracle.

    Backward reads the input array itself (no copy, as PyTorch saves its input), so an input
    must not be changed in place before its backward.

    Subclasses check their input (``_checked``) and say which graph, feeds, reduced axes and
    parameter shape the staged pass uses (``_stage``).
    """

    def staged(self, x: np.ndarray, grad_output: np.ndarray | None = None) -> StagedPass:
        """Run ``x`` through the staged graph (NORMALISATION_GRAPH, or EVAL_GRAPH for a batch norm in
        eval mode with running statistics), back-propagating ``grad_output`` when given. A pure
        function of the layer's current state: no running statistics, gradients or caches change."""
        x = check_array(self._checked(x), "input", min_ndim=0)
        graph, feeds, axes, param_shape = self._stage(x)
        weight = self.params["weight"].reshape(param_shape) if self.affine else np.ones(param_shape, x.dtype)
        bias = self.params["bias"].reshape(param_shape) if self.affine else np.zeros(param_shape, x.dtype)
        values = graph.forward({"x": x, "weight": weight, "bias": bias, **feeds}, axes=axes, eps=self.eps)
        if grad_output is None:
            return StagedPass(values, values["y"])
        grad_output = check_array(grad_output, "grad_output", min_ndim=0)
        if grad_output.shape != x.shape:
            raise ValueError(f"grad_output has shape {grad_output.shape}, but the input has shape {x.shape}")
        grads = graph.backward(values, grad_output.astype(x.dtype, copy=False), axes=axes)
        result = {"input": grads["x"]}
        if self.affine:
            result["weight"] = grads["weight"].reshape(self.params["weight"].shape)
            result["bias"] = grads["bias"].reshape(self.params["bias"].shape)
        return StagedPass(values, values["y"], result)

    def _finish_forward(self, x: np.ndarray, y: np.ndarray, fused) -> np.ndarray:
        self._save(fused, y)
        return y

    def _finish_backward(self, grad_output, grad_input, grad_weight, grad_bias) -> np.ndarray:
        if not np.isfinite(grad_bias).all():
            check_array(grad_output, "grad_output", min_ndim=0)  # names a NaN or infinity
        if self.affine:
            self.grads["weight"] += grad_weight.reshape(self.params["weight"].shape)
            self.grads["bias"] += grad_bias.reshape(self.params["bias"].shape)
        return grad_input


class _BatchNorm(_Normalisation):
    """Batch norm over channel axis 1."""

    _ranks: tuple[int, ...] = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, *, dtype=np.float64) -> None:
        super().__init__()
        dtype = float_dtype(dtype)
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

    def _checked(self, x) -> np.ndarray:
        x = check_array(x, "input", min_ndim=0, finite=False)
        self.check_dtype(x)
        if x.ndim not in self._ranks:
            ranks = " or ".join(f"{r}D" for r in self._ranks)
            raise ValueError(f"input must be {ranks} (got {x.ndim}D input of shape {x.shape})")
        if x.shape[1] != self.num_features:
            raise ValueError(f"input has {x.shape[1]} channels on axis 1, expected num_features={self.num_features}")
        if self.training and x.size // self.num_features <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {x.shape}")
        return x

    def _batch_statistics(self) -> bool:
        return self.training or not self.track_running_stats

    def _stage(self, x):
        axes = (0,) + tuple(range(2, x.ndim))
        param_shape = (1, self.num_features) + (1,) * (x.ndim - 2)
        if self._batch_statistics():
            return NORMALISATION_GRAPH, {}, axes, param_shape
        feeds = {name: self.buffers[name].reshape(param_shape) for name in ("running_mean", "running_var")}
        return EVAL_GRAPH, feeds, axes, param_shape

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Training (or no running statistics): the batch's statistics, and the running ones updated
        in training; eval: the running statistics."""
        x = self._checked(x)
        weight, bias = self.params.get("weight"), self.params.get("bias")
        if not self._batch_statistics():
            check_array(x, "input", min_ndim=0)
            y, fused = batch_norm_eval(x, self.buffers["running_mean"], self.buffers["running_var"], weight, bias,
                                       self.eps)
            return self._finish_forward(x, y, fused)
        with np.errstate(invalid="ignore", over="ignore"):  # a NaN or inf input is named just below
            y, fused, mean, var = batch_norm_train(x, weight, bias, self.eps)
        if not (np.isfinite(mean).all() and np.isfinite(var).all()):
            check_array(x, "input", min_ndim=0)  # names a NaN or infinity before the running statistics see it
        if self.training and self.track_running_stats:
            self._update_running_stats(mean, var, fused.count)
        return self._finish_forward(x, y, fused)

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        cache, grad_output = self._restore(grad_output, finite=False)
        return self._finish_backward(grad_output, *batch_norm_backward(grad_output, cache))

    def _update_running_stats(self, mean: np.ndarray, var: np.ndarray, count: int) -> None:
        self.buffers["num_batches_tracked"] += 1
        factor = (1.0 / float(self.buffers["num_batches_tracked"]) if self.momentum is None
                  else float(self.momentum))
        unbiased = var * (count / (count - 1))
        for name, batch in (("running_mean", mean), ("running_var", unbiased)):
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
        dtype = float_dtype(dtype)
        shape = (normalized_shape,) if isinstance(normalized_shape, Integral) else tuple(normalized_shape)
        if not shape or any(isinstance(s, bool) or not isinstance(s, Integral) or s <= 0 for s in shape):
            raise ValueError(f"normalized_shape must be positive integers, not {normalized_shape!r}")
        self.normalized_shape, self.eps, self.affine = tuple(int(s) for s in shape), _check_eps(eps), bool(
            elementwise_affine)
        self.register_parameter("weight", np.ones(self.normalized_shape, dtype=dtype) if self.affine else None)
        self.register_parameter("bias", np.zeros(self.normalized_shape, dtype=dtype) if self.affine else None)

    def _checked(self, x) -> np.ndarray:
        x = check_array(x, "input", min_ndim=len(self.normalized_shape), finite=False)
        self.check_dtype(x)
        k = len(self.normalized_shape)
        if x.shape[-k:] != self.normalized_shape:
            raise ValueError(f"input of shape {x.shape} does not end with normalized_shape {self.normalized_shape}")
        return x

    def _stage(self, x):
        k = len(self.normalized_shape)
        return NORMALISATION_GRAPH, {}, tuple(range(x.ndim - k, x.ndim)), (1,) * (x.ndim - k) + self.normalized_shape

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = self._checked(x)
        size = int(np.prod(self.normalized_shape))
        with np.errstate(invalid="ignore", over="ignore"):  # a NaN or inf input is named just below
            y, fused = layer_norm_forward(x, size, self.params.get("weight"), self.params.get("bias"), self.eps)
        if not (np.isfinite(fused.mean).all() and np.isfinite(fused.inv_std).all()):
            check_array(x, "input", min_ndim=0)
        return self._finish_forward(x, y, fused)

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        cache, grad_output = self._restore(grad_output, finite=False)
        return self._finish_backward(grad_output, *layer_norm_backward(grad_output, cache))

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
    if batchnorm.buffers["running_var"].dtype != weight.dtype:  # as calling one after the other would raise
        raise TypeError(f"linear is {weight.dtype} but batchnorm is {batchnorm.buffers['running_var'].dtype}: "
                        "fold layers of one dtype")
    gamma = batchnorm.params["weight"] if batchnorm.affine else np.ones(linear.out_features)
    beta = batchnorm.params["bias"] if batchnorm.affine else np.zeros(linear.out_features)
    scale = gamma / np.sqrt(batchnorm.buffers["running_var"] + batchnorm.eps)
    bias = linear.params.get("bias", np.zeros(linear.out_features))
    folded = Linear(linear.in_features, linear.out_features, bias=True, rng=np.random.default_rng(0),
                    dtype=weight.dtype)
    folded.params["weight"][...] = scale[:, None] * weight
    folded.params["bias"][...] = scale * (bias - batchnorm.buffers["running_mean"]) + beta
    return folded
