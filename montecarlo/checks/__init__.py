"""One check module per topic, each declaring its claims' checks; ``declare_all()`` loads them all.

The registry's readers (``checks_of``, ``total_tests``, ``run_check``, ...) load the topic modules
on first use, so importing this package is cheap.
"""
from .base import (  # noqa: F401
    KINDS, Case, Check, NetworkCase, Statistic, alpha_per_test, checks_of, declare, declare_all, declared_checks,
    declared_of, registered_claims, run_check, total_tests,
)

TOPICS = ("activations", "batchnorm", "dropout", "ensemble", "init_network", "init_symmetry", "init_variance", "mixup",
          "optim", "residual", "residual_training", "symmetry", "transfer", "ugrnn")
