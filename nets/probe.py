"""Deep MLPs and the per-layer statistics of a forward and backward pass (seed 002's node statistics)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import init
from .activations import ReLU, Tanh
from .container import Sequential
from .linear import Linear
from .module import Module, check_array, no_grad

__all__ = ["mlp", "LayerStatistics", "layer_statistics", "linear_output_second_moments", "reinitialise", "INITIALISERS"]

INITIALISERS: dict[str, Callable] = {
    "he": lambda w, g: init.kaiming_normal_(w, nonlinearity="relu", generator=g),
    "xavier": lambda w, g: init.xavier_normal_(w, generator=g),
    "lecun": lambda w, g: init.lecun_normal_(w, generator=g),
    "normal": lambda w, g: init.normal_(w, 0.0, 1.0, generator=g),
    "std0.01": lambda w, g: init.normal_(w, 0.0, 0.01, generator=g),
}


def mlp(width: int, depth: int, *, in_features: int | None = None, activation: str = "relu",
        initialiser: str | Callable = "he", bias: bool = False, rng: np.random.Generator,
        dtype=np.float64) -> Sequential:
    """``depth`` Linear layers of ``width`` units, each followed by the activation except the
    last; weights from ``initialiser`` (a name of INITIALISERS or fn(weight, generator)), biases 0."""
    if depth < 1:
        raise ValueError(f"depth must be at least 1, not {depth}")
    if isinstance(initialiser, str):
        if initialiser not in INITIALISERS:
            raise ValueError(f"initialiser must be one of {sorted(INITIALISERS)} or a function, not {initialiser!r}")
        initialiser = INITIALISERS[initialiser]
    activations = {"relu": ReLU, "tanh": Tanh}
    if activation not in activations:
        raise ValueError(f"activation must be one of {sorted(activations)}, not {activation!r}")
    layers: list[Module] = []
    fan_in = width if in_features is None else in_features
    for k in range(depth):
        linear = Linear(fan_in, width, bias=bias, rng=rng, dtype=dtype)
        initialiser(linear.params["weight"], rng)
        if bias:
            linear.params["bias"][...] = 0
        layers.append(linear)
        if k < depth - 1:
            layers.append(activations[activation]())
        fan_in = width
    return Sequential(*layers)


@dataclass
class LayerStatistics:
    """Per Linear layer k: mean and second moment of its pre-activations over batch and units,
    of the gradient reaching them, and the RMS of its weight gradient."""

    preactivation_mean: np.ndarray
    preactivation_second_moment: np.ndarray
    gradient_second_moment: np.ndarray
    weight_gradient_rms: np.ndarray


def layer_statistics(model: Sequential, x: np.ndarray, grad_output: np.ndarray | None = None) -> LayerStatistics:
    """Forward ``x`` through ``model`` recording every Linear output, then back-propagate
    ``grad_output`` (ones of the output's shape when None) recording the gradient reaching
    every Linear output. The model's gradients are zeroed first."""
    x = check_array(x, "x", min_ndim=2)
    if x.shape[0] == 0:
        raise ValueError("x has no rows: the statistics of an empty batch are undefined")
    linear_outputs, linear_layers = [], []
    h = x
    for module in model:
        h = module(h)
        if isinstance(module, Linear):
            linear_outputs.append(h)
            linear_layers.append(module)
    if grad_output is None:
        grad_output = np.ones_like(h)
    grad = check_array(grad_output, "grad_output", min_ndim=2)
    if grad.shape != h.shape:
        raise ValueError(f"grad_output must have the output's shape {h.shape}, not {grad.shape}")
    grads_at_outputs = []
    model.zero_grad()
    for module in reversed(list(model)):
        if isinstance(module, Linear):
            grads_at_outputs.append(grad)
        grad = module.backward(grad)
    grads_at_outputs.reverse()
    return LayerStatistics(
        np.array([o.mean() for o in linear_outputs]),
        np.array([np.mean(o**2) for o in linear_outputs]),
        np.array([np.mean(g**2) for g in grads_at_outputs]),
        np.array([np.sqrt(np.mean(m.grads["weight"] ** 2)) for m in linear_layers]),
    )


def linear_output_second_moments(model: Sequential, x: np.ndarray) -> np.ndarray:
    """Forward only (under no_grad): the mean of a² over batch and units at the output of every Linear layer."""
    h = check_array(x, "x", min_ndim=2)
    if h.shape[0] == 0:
        raise ValueError("x has no rows: the second moments of an empty batch are undefined")
    moments = []
    with no_grad():
        for module in model:
            h = module(h)
            if isinstance(module, Linear):
                moments.append(float(np.mean(h * h)))
    return np.array(moments)


def reinitialise(model: Sequential, initialiser: str | Callable, rng: np.random.Generator) -> Sequential:
    """Draw fresh weights for every Linear layer of ``model`` in place (biases to zero)."""
    if isinstance(initialiser, str):
        if initialiser not in INITIALISERS:
            raise ValueError(f"initialiser must be one of {sorted(INITIALISERS)} or a function, not {initialiser!r}")
        initialiser = INITIALISERS[initialiser]
    for module in model:
        if isinstance(module, Linear):
            initialiser(module.params["weight"], rng)
            if "bias" in module.params:
                module.params["bias"][...] = 0
    return model
