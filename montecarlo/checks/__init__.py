"""One check module per topic; importing this package declares every check."""
from . import (  # noqa: F401
    activations, batchnorm, dropout, ensemble, init_network, init_symmetry, init_variance, mixup,
    optim, residual, residual_training, symmetry, transfer, ugrnn,
)
from .base import (  # noqa: F401
    KINDS, Case, Check, NetworkCase, Statistic, alpha_per_test, checks_of, declare, declared_checks,
    registered_claims, run_check, total_tests,
)
