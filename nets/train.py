"""A small training loop that records the loss and per-layer gradient statistics, and the
synthetic tasks it trains on (made in code, no downloads).

``train`` runs minibatch SGD (``nets.optim.SGD``) on a classification task and records, at
every step, the training loss of the minibatch and the root-mean-square of each weight
matrix's gradient, rms(∂l/∂W^k) = ‖∂l/∂W^k‖_F / √(size of W^k), so that layers of different
sizes compare. Parameters named in ``frozen`` are not updated (their gradients are zeroed
before the step), which is how transferred layers are frozen.
"""
from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np

from .activations import ReLU
from .container import Sequential
from .linear import Linear
from .losses import SoftmaxCrossEntropy
from .module import Module, check_array, no_grad
from .normalization import BatchNorm1d
from .optim import SGD
from .residual import Residual
from . import init

__all__ = ["TrainingRecord", "train", "evaluate", "weight_names", "gradient_rms", "teacher_task", "deep_mlp"]


@dataclass
class TrainingRecord:
    """What ``train`` recorded: ``losses`` (steps,) of the minibatches, ``gradient_rms`` (steps, layers)
    of each weight matrix named in ``layers`` (input to output)."""

    losses: np.ndarray
    gradient_rms: np.ndarray
    layers: list[str]


def weight_names(model: Module) -> list[str]:
    """The names of the model's weight matrices (2-D parameters called ``*weight``), input to output."""
    return [name for name, value in model.named_parameters() if name.endswith("weight") and value.ndim == 2]


def gradient_rms(model: Module, names: list[str]) -> np.ndarray:
    """‖∂l/∂W‖_F / √size for each named weight, from the model's accumulated gradients."""
    grads = model.gradients()
    return np.array([float(np.sqrt(np.mean(grads[name] ** 2))) for name in names])


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be positive, not {value}")
    return int(value)


def train(model: Module, x: np.ndarray, labels: np.ndarray, *, steps: int, batch_size: int, lr: float,
          rng: np.random.Generator, momentum: float = 0.9, frozen: Collection[str] = (),
          on_step: Callable[[int, Module], None] | None = None) -> TrainingRecord:
    """Minibatch SGD on softmax cross-entropy; minibatches drawn without replacement within each pass.

    x (n, features), labels (n,) integer classes. Returns the TrainingRecord of every step.
    """
    x = check_array(x, "x", min_ndim=2)
    labels = np.asarray(labels)
    if labels.shape != (x.shape[0],) or labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be integer classes of shape ({x.shape[0]},), not {labels.dtype} {labels.shape}")
    steps, batch_size = _positive_int(steps, "steps"), _positive_int(batch_size, "batch_size")
    if batch_size > x.shape[0]:
        raise ValueError(f"batch_size {batch_size} is larger than the {x.shape[0]} examples")
    params = model.parameters()
    unknown = set(frozen) - set(params)
    if unknown:
        raise ValueError(f"frozen names {sorted(unknown)} are not parameters of the model")
    names = weight_names(model)
    loss_fn, optimiser = SoftmaxCrossEntropy(), SGD(model, lr=lr, momentum=momentum)
    losses, rms = np.empty(steps), np.empty((steps, len(names)))
    order, position = rng.permutation(x.shape[0]), 0
    model.train()
    for step in range(steps):
        if position + batch_size > x.shape[0]:
            order, position = rng.permutation(x.shape[0]), 0
        batch = order[position:position + batch_size]
        position += batch_size
        optimiser.zero_grad()
        losses[step] = loss_fn(model(x[batch]), labels[batch])
        model.backward(loss_fn.backward())
        rms[step] = gradient_rms(model, names)
        grads = model.gradients()
        for name in frozen:
            grads[name][...] = 0
        optimiser.step()
        if on_step is not None:
            on_step(step, model)
    return TrainingRecord(losses, rms, names)


def evaluate(model: Module, x: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) of the model in eval mode on (x, labels); the mode is restored."""
    was_training = model.training
    model.eval()
    with no_grad():
        logits = model(x)
        loss = SoftmaxCrossEntropy()(logits, labels)
    model.train(was_training)
    return float(loss), float(np.mean(np.argmax(logits, axis=1) == labels))


def teacher_task(n: int, *, features: int, classes: int, teacher: list[np.ndarray], readout: np.ndarray,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n examples x ~ N(0, I) labelled by a random ReLU teacher: y = argmax(readout · φ(x)),
    φ = relu(W_k … relu(W_1 x)) with the matrices of ``teacher``. Two tasks that share the
    teacher's first layers and differ in the rest are related as tasks A and B of seed 002."""
    x = rng.standard_normal((_positive_int(n, "n"), _positive_int(features, "features")))
    hidden = x
    for weight in teacher:
        hidden = np.maximum(hidden @ weight.T, 0)
    logits = hidden @ readout.T
    if logits.shape[1] != classes:
        raise ValueError(f"readout has {logits.shape[1]} rows, expected classes = {classes}")
    return x, np.argmax(logits, axis=1)


def deep_mlp(depth: int, width: int, *, in_features: int, classes: int, residual: bool,
             rng: np.random.Generator, batchnorm: bool = True) -> Sequential:
    """Linear(in, width) → ReLU → ``depth`` blocks → Linear(width, classes), He-initialised, biases 0.

    A block is Linear(width, width) → BatchNorm1d → ReLU (plain), or the same body inside
    ``Residual`` (x + body(x)) when ``residual``; both nets have depth + 2 weight layers.
    """
    depth, width = _positive_int(depth, "depth"), _positive_int(width, "width")

    def linear(n_in, n_out):
        layer = Linear(n_in, n_out, rng=rng)
        init.kaiming_normal_(layer.weight, nonlinearity="relu", generator=rng)
        layer.bias[...] = 0
        return layer

    layers: list[Module] = [linear(in_features, width), ReLU()]
    for _ in range(depth):
        body = Sequential(*([linear(width, width)] + ([BatchNorm1d(width)] if batchnorm else []) + [ReLU()]))
        layers.append(Residual(body) if residual else body)
    layers.append(linear(width, classes))
    return Sequential(*layers)
