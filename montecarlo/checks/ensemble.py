"""Checks of the ensemble variance (seed 004 §3): V[X̄] = ρσ² + (1 − ρ)σ²/N.

Members are drawn with covariance σ²((1 − ρ)I + ρ11ᵀ) as X = L Z (L its Cholesky factor, Z iid
with unit variance from a Gaussian, centred-exponential or uniform family), at points where σ²/N
(the answer for independent members) is far off, negative ρ included. The last case is an ensemble
of small nets: ``nets.Ensemble`` of N ``nets.Linear(d, 1)`` members with weights N(m, v) per entry,
predicting at a shared input x ~ N(0, I_d): each member's prediction has σ² = vd + ‖m‖² and any two
have covariance ‖m‖² (the shared input), so ρ = ‖m‖²/(vd + ‖m‖²).
"""
from __future__ import annotations

import numpy as np

import nets
from .base import Case, declare

__all__ = ["equicorrelated", "linear_ensemble_draw"]


def equicorrelated(rng: np.random.Generator, size: int, members: int, rho: float, sigma2: float,
                   family: str = "normal") -> np.ndarray:
    """(size, members) draws with variance sigma2 and pairwise correlation rho."""
    covariance = sigma2 * ((1 - rho) * np.eye(members) + rho * np.ones((members, members)))
    factor = np.linalg.cholesky(covariance)
    if family == "normal":
        z = rng.standard_normal((size, members))
    elif family == "exponential":
        z = rng.exponential(1.0, (size, members)) - 1.0
    elif family == "uniform":
        z = rng.uniform(-np.sqrt(3), np.sqrt(3), (size, members))
    else:
        raise ValueError(f"family must be normal, exponential or uniform, not {family!r}")
    return z @ factor.T


def _average(point, family):
    def draw(rng, size, value):
        return equicorrelated(rng, size, point["N"], point["rho"], point["sigma2"], family).mean(axis=1)
    return draw


D, MEAN_WEIGHT, WEIGHT_VARIANCE, MEMBERS, REPLICATES = 4, 0.5, 0.5, 6, 128
_NET_POINT = {"N": MEMBERS, "sigma2": WEIGHT_VARIANCE * D + D * MEAN_WEIGHT**2,
              "rho": D * MEAN_WEIGHT**2 / (WEIGHT_VARIANCE * D + D * MEAN_WEIGHT**2)}


def linear_ensemble_draw(rng, size, value):
    """``size`` ensembles' predictions, REPLICATES at a time: member k is one Linear(D, REPLICATES) whose
    output unit s (row s of its weight, drawn afresh for every batch) is replicate s's member, applied to
    replicate s's own input; the diagonal of the ensemble's output holds the replicates' predictions."""
    members = [nets.Linear(D, REPLICATES, bias=False, rng=rng) for _ in range(MEMBERS)]
    ensemble = nets.Ensemble(members)
    out, done = [], 0
    while done < size:
        x = rng.standard_normal((REPLICATES, D))
        for member in members:
            member.params["weight"][...] = MEAN_WEIGHT + np.sqrt(WEIGHT_VARIANCE) * rng.standard_normal((REPLICATES, D))
        with nets.no_grad():
            out.append(np.diagonal(ensemble(x)).copy())
        done += REPLICATES
    return np.concatenate(out)[:size]


_POINTS = (({"N": 5, "rho": 0.3, "sigma2": 2.0}, "normal"), ({"N": 10, "rho": 0.7, "sigma2": 0.5}, "exponential"),
           ({"N": 4, "rho": -0.25, "sigma2": 1.5}, "uniform"), ({"N": 3, "rho": -0.45, "sigma2": 1.0}, "normal"))
declare("ensemble.variance_reduction", "M", cases=[
    Case(f"{family} members, N = {pt['N']}, rho = {pt['rho']}, sigma2 = {pt['sigma2']}", pt, _average(pt, family),
         statistic="variance", cost=pt["N"]) for pt, family in _POINTS
] + [Case(f"nets.Ensemble of {MEMBERS} Linear({D}, 1) members, weights N({MEAN_WEIGHT}, {WEIGHT_VARIANCE}), shared "
          f"input: rho = {_NET_POINT['rho']:.3g}", _NET_POINT, linear_ensemble_draw, statistic="variance",
          cost=MEMBERS * (D + 1))])
