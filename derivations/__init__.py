"""Symbolic derivations (SymPy only): one module per topic, a registry of every claim."""
from .core import Derivation, DerivationError, Fact, Step, catalog, claim, equal, get
from .equality import Comparison, compare
from .sources import ClaimInfo, Source, claim_ids, claim_infos, info
from .errata import Erratum, errata, errata_counts, errata_markdown, errata_text

__all__ = ["Derivation", "DerivationError", "Fact", "Step", "catalog", "claim", "equal", "get"]
__all__ += ["Comparison", "compare"]
__all__ += ["ClaimInfo", "Source", "claim_ids", "claim_infos", "info"]
__all__ += ["Erratum", "errata", "errata_counts", "errata_markdown", "errata_text"]

from . import (  # noqa: E402,F401  (registering the claims; the catalogue lists them in CLAIMS.md's order)
    init_variance, init_units, init_symmetry, batchnorm_forward, batchnorm_backward, activations,
    symmetry, optim, residual, mixup, dropout, ensemble, ugrnn, residual_training, transfer,
)
from .init_variance import (  # noqa: E402
    he_variance, lecun_variance, preact_variance, product_variance, relu_second_moment,
    variance_recursion, xavier_variance,
)
from .init_units import linear_unit_variance, shifted_relu_variance  # noqa: E402
from .init_symmetry import overflow_depth, underflow_depth  # noqa: E402

__all__ += [
    "he_variance", "lecun_variance", "preact_variance", "product_variance", "relu_second_moment",
    "variance_recursion", "xavier_variance", "linear_unit_variance", "shifted_relu_variance",
    "overflow_depth", "underflow_depth",
]
