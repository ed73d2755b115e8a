"""The judge: calibrated Monte-Carlo tests, finite differences, and the claim-by-claim checks.

``verify(claim_id)`` runs every check of a claim; ``verify(claim_id, candidate)`` judges a
candidate answer symbolically and by simulation.
"""
from . import checks
from .evidence import CheckResult, Evidence, claim_seed
from .verify import CandidateReport, ClaimReport, verify

__all__ = ["checks", "CheckResult", "Evidence", "claim_seed", "CandidateReport", "ClaimReport", "verify"]
