"""A NumPy network with explicit forward and backward passes (NumPy only, no SymPy).

Names and semantics follow PyTorch: ``Linear(in_features, out_features)`` with ``weight`` of
shape (out, in), ``nets.init.kaiming_normal_``, ``nets.optim.SGD``, ``train()``/``eval()``,
``layer.weight`` and ``named_parameters()``, ``nets.no_grad()``. A module may be called several
times before ``backward`` (a stack of caches; backward in reverse order), so recurrent cells
(``RNNCell``, unrolled over time by ``Unrolled``) and weight-shared blocks work.
"""
from . import data, fused_norm, init, optim
from .activations import ELU, LeakyReLU, ReLU, Sigmoid, Tanh
from .container import Sequential
from .conv import Conv2d
from .dropout import Dropout
from .ensemble import Ensemble
from . import mixup
from .linear import Linear
from .losses import MSELoss, SoftmaxCrossEntropy, log_softmax
from .module import Module, check_array, default_generator, is_grad_enabled, manual_seed, no_grad
from .normalization import (EVAL_GRAPH, NORMALISATION_GRAPH, BatchNorm1d, BatchNorm2d, LayerNorm, StagedPass,
                            fold_batchnorm)
from .recurrent import Cell, RNNCell, UGRNNCell, Unrolled
from .residual import Residual
from .probe import LayerStatistics, layer_statistics, linear_output_second_moments, mlp, reinitialise

__all__ = [
    "data", "fused_norm", "init", "optim", "BatchNorm1d", "BatchNorm2d", "LayerNorm", "StagedPass", "fold_batchnorm",
    "NORMALISATION_GRAPH", "EVAL_GRAPH", "ELU", "LeakyReLU", "ReLU", "Sigmoid", "Tanh", "Sequential", "Linear",
    "MSELoss", "SoftmaxCrossEntropy", "log_softmax", "Module", "check_array", "default_generator",
    "manual_seed", "no_grad", "is_grad_enabled", "LayerStatistics", "layer_statistics",
    "linear_output_second_moments", "mlp", "reinitialise", "Cell", "RNNCell", "Unrolled",
    "Conv2d", "Dropout", "Ensemble", "mixup", "Residual", "UGRNNCell",
]
