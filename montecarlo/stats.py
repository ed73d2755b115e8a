"""Streaming estimators with standard errors, and the arithmetic of calibrated z-tests.

A Monte-Carlo check estimates a mean or a variance from iid draws. The standard error
comes from the data: sd/√N for a mean, and for a variance the delta method,
SE² = (m₄ − m₂²)/N with m₄ the fourth central moment. Draws arrive in chunks; only the
shifted power sums Σ(x − c)^k, k ≤ 4, are kept, so memory does not grow with N.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

__all__ = [
    "FAMILY_ALPHA", "POWER", "RELATIVE_ERROR", "Estimate", "StreamingMoments", "z_critical",
    "required_samples", "detectable_error", "z_test",
]

FAMILY_ALPHA = 1e-3  # probability that any check of the whole catalogue raises a false alarm
POWER = 0.99  # probability of rejecting a claimed value that is off by RELATIVE_ERROR
RELATIVE_ERROR = 0.02


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its standard error and the number of draws behind it."""

    value: float
    std_error: float
    samples: int

    def interval(self, alpha: float) -> tuple[float, float]:
        """The two-sided (1 − alpha) normal confidence interval."""
        half = z_critical(alpha) * self.std_error
        return self.value - half, self.value + half


BLOCK = 1 << 16  # numbers per pass of StreamingMoments.update: its two 512 KiB work rows stay in cache


class StreamingMoments:
    """Power sums of (x − c) for k = 1..``order``, c fixed from the first chunk for stability.

    ``order`` is 4 (mean and variance estimates, the variance's standard error needing the
    fourth moment) or 2 (mean estimates only: half the reductions per draw).

    ``update`` walks a chunk in blocks of at most BLOCK numbers, writing d = x − c and d² into
    one reused (2, BLOCK) work array and reducing them (Σd, Σd², Σd²·d, Σd²·d²): two writes and
    four reductions per number, in cache whatever the chunk's size, and no memory that grows with it.
    Non-finite draws are refused: the check costs nothing unless a block's sums are not finite
    (a NaN or ±inf draw, or an overflow of d⁴), and only then is the chunk itself scanned.
    """

    def __init__(self, order: int = 4) -> None:
        if order not in (2, 4):
            raise ValueError(f"order must be 2 (means) or 4 (means and variances), not {order!r}")
        self.order = order
        self.count = 0
        self.shift: float | None = None
        self.sums = np.zeros(4)
        self._work: np.ndarray | None = None

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_work": None}  # the work array is scratch, not state

    def update(self, chunk: np.ndarray, counts: np.ndarray | None = None) -> None:
        """Add the draws ``chunk``; with ``counts``, the draws that take the value chunk[j] counts[j] times.

        The second form is for a variable with few values (a dropout mask's two): its power sums
        Σ n_j (v_j − c)^k come from the counts, one rounding per value instead of a pass over the draws."""
        if counts is not None:
            values, counts, total = _tally(chunk, counts)
            if total == 0:
                return
            shift = self.shift if self.shift is not None else sum(n * v for n, v in zip(counts, values)) / total
            self.sums += _tallied_power_sums(values, counts, shift, self.order)
            self.shift = shift
            self.count += total
            return
        chunk = np.asarray(chunk, dtype=np.float64).ravel()
        if chunk.size == 0:
            return
        shift = self.shift
        if shift is None:
            shift = float(chunk.mean())
            if not math.isfinite(shift):
                _refuse_non_finite(chunk)
        work = self._work_rows(min(chunk.size, BLOCK))
        power_sums = _shifted_power_sums if self.order == 4 else _shifted_square_sums
        if chunk.size <= BLOCK:  # one block (a check's chunk): no loop, no array of partial sums
            sums = power_sums(chunk, shift, work)
        else:
            sums = np.zeros(4)
            for start in range(0, chunk.size, BLOCK):
                sums += power_sums(chunk[start:start + BLOCK], shift, work)
        if not all(map(math.isfinite, sums)):
            _refuse_non_finite(chunk)
        self.shift = shift
        self.sums += sums
        self.count += chunk.size

    def _work_rows(self, size: int) -> np.ndarray:
        if self._work is None or self._work.shape[1] < size:
            self._work = np.empty((2, size))
        return self._work

    def _central(self) -> tuple[float, float, float]:
        if self.count < 2:
            raise ValueError("at least two draws are needed")
        n = self.count
        s1, s2, s3, s4 = self.sums / n
        m2 = s2 - s1**2
        m4 = s4 - 4 * s1 * s3 + 6 * s1**2 * s2 - 3 * s1**4
        return s1, max(m2, 0.0), max(m4, 0.0)

    @property
    def mean(self) -> float:
        return self.shift + self.sums[0] / self.count

    def mean_estimate(self) -> Estimate:
        _, m2, _ = self._central()
        n = self.count
        return Estimate(self.mean, math.sqrt(m2 * n / (n - 1) / n), n)

    def variance_estimate(self) -> Estimate:
        if self.order < 4:
            raise ValueError("a variance estimate needs StreamingMoments(order=4)")
        _, m2, m4 = self._central()
        n = self.count
        return Estimate(m2 * n / (n - 1), math.sqrt(max(m4 - m2 * m2, 0.0) / n), n)

    def estimate(self, statistic: str) -> Estimate:
        if statistic == "mean":
            return self.mean_estimate()
        if statistic == "variance":
            return self.variance_estimate()
        raise ValueError(f"statistic must be 'mean' or 'variance', not {statistic!r}")

    def influence_sd(self, statistic: str) -> float:
        """The per-draw standard deviation of the estimator (SE·√N)."""
        return self.estimate(statistic).std_error * math.sqrt(self.count)


def _shifted_power_sums(x: np.ndarray, shift: float, work: np.ndarray) -> tuple[float, float, float, float]:
    """(Σd, Σd², Σd³, Σd⁴) with d = x − shift, through the rows of ``work`` (no other allocation).

    The sums of products go through einsum, not np.dot: BLAS would start its threads for long
    vectors, which on a loaded machine costs more than the arithmetic. The plain sums too: einsum's
    "i->" (a few vector accumulators, as for the products) takes about 60% of ndarray.sum's time."""
    d, d2 = work[0, :x.size], work[1, :x.size]
    np.subtract(x, shift, out=d)
    np.multiply(d, d, out=d2)
    return np.einsum("i->", d), np.einsum("i->", d2), np.einsum("i,i->", d2, d), np.einsum("i,i->", d2, d2)


_CANCELLATION = 16  # Σd² from the raw sums when their terms are at most this multiple of it (4 bits lost)


def _shifted_square_sums(x: np.ndarray, shift: float, work: np.ndarray) -> tuple[float, float, float, float]:
    """(Σd, Σd², 0, 0) with d = x − shift, from the raw sums Σx, Σx² when cancellation allows.

    From the raw sums, Σd = Σx − n c and Σd² = Σx² − 2cΣx + nc²: their rounding error is that of
    the sums, relative to T = Σx² + 2|c||Σx| + nc² instead of Σd², so cancellation multiplies it by
    T/Σd². When that is at most _CANCELLATION (the draws' mean within about their spread of the
    shift, as for most draws: 1.8 for relu(a)²) the block costs two reductions and no write;
    otherwise (a mean far from the shift, or no spread) d = x − c is written into ``work`` and
    summed, as the fourth-order sums always are."""
    n = x.size
    s1, s2 = float(np.einsum("i->", x)), float(np.einsum("i,i->", x, x))
    d1 = s1 - n * shift
    d2 = (s2 - shift * s1) - shift * d1
    if s2 + 2 * abs(shift * s1) + n * shift * shift <= _CANCELLATION * d2:  # False for a NaN
        return d1, d2, 0.0, 0.0
    d = work[0, :n]
    np.subtract(x, shift, out=d)
    return np.einsum("i->", d), np.einsum("i,i->", d, d), 0.0, 0.0


def _tally(values, counts) -> tuple[list[float], list[int], int]:
    """The distinct values and their counts as Python numbers, checked, and the number of draws."""
    values = np.asarray(values, dtype=np.float64).ravel().tolist()
    counts = np.asarray(counts)
    if counts.shape != (len(values),) or counts.dtype.kind not in "iu" or min(counts.tolist(), default=0) < 0:
        raise ValueError("counts must be non-negative integers, one per value of chunk")
    if not all(map(math.isfinite, values)):
        raise FloatingPointError("a Monte-Carlo draw is NaN or infinite")
    counts = counts.tolist()
    return values, counts, sum(counts)


def _tallied_power_sums(values: list[float], counts: list[int], shift: float, order: int) -> list[float]:
    """[Σ n_j d_j, …, Σ n_j d_j^order, 0…] with d_j = v_j − shift: the power sums of the draws that take
    the value v_j n_j times, one term per distinct value (n_j·d_j^k is k roundings from exact)."""
    sums = [0.0, 0.0, 0.0, 0.0]
    for n, v in zip(counts, values):
        d, term = v - shift, float(n)  # exact: a count below 2^53
        for k in range(order):
            term *= d
            sums[k] += term
    return sums


def _refuse_non_finite(chunk: np.ndarray) -> None:
    if not np.isfinite(chunk).all():
        raise FloatingPointError("a Monte-Carlo draw is NaN or infinite")


_STANDARD_NORMAL = NormalDist()  # the standard library's (Wichura's AS241 quantile); no SciPy at import


def z_critical(alpha: float) -> float:
    """z with P(|Z| > z) = alpha."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), not {alpha}")
    return -_STANDARD_NORMAL.inv_cdf(alpha / 2)


def _z_sum(alpha: float, power: float) -> float:
    return z_critical(alpha) + _STANDARD_NORMAL.inv_cdf(power)


def required_samples(sd: float, effect: float, alpha: float, power: float = POWER) -> int:
    """Draws for a two-sided level-alpha z-test to reject with probability ``power`` a value
    ``effect`` away: N = ((z_{α/2} + z_power) · sd / effect)²."""
    if effect <= 0:
        raise ValueError(f"effect must be positive, not {effect}")
    return max(2, math.ceil((_z_sum(alpha, power) * sd / effect) ** 2))


def detectable_error(std_error: float, scale: float, alpha: float, power: float = POWER) -> float:
    """The error, relative to ``scale``, that a level-alpha z-test with this standard error rejects
    with probability ``power``: (z_{α/2} + z_power) · SE / scale."""
    return _z_sum(alpha, power) * std_error / scale if scale else math.inf


def z_test(estimate: Estimate, claimed: float) -> tuple[float, float]:
    """The z statistic and two-sided p-value of H0: the estimated quantity equals ``claimed``."""
    if estimate.std_error == 0:
        z = 0.0 if estimate.value == claimed else math.inf
    else:
        z = (estimate.value - claimed) / estimate.std_error
    return z, math.erfc(abs(z) / math.sqrt(2))  # 2·P(Z > |z|), exact in the far tail
