"""One check module per topic; importing this package registers every check."""
from . import activations, batchnorm, init_network, init_symmetry, init_variance  # noqa: F401
from .base import (  # noqa: F401
    KINDS, Case, Check, alpha_per_test, checks_of, register, registered_claims, run_check, total_tests,
)
