"""Streaming estimators with standard errors, and the arithmetic of calibrated studentised tests.

A Monte-Carlo check estimates a mean or a variance from iid draws. The standard error
comes from the data: sd/√N for a mean, and for a variance the delta method,
SE² = (m₄ − m₂²)/N with m₄ the fourth central moment. Draws arrive in chunks; only the
shifted power sums Σ(x − c)^k, k ≤ 4, are kept, so memory does not grow with N.

The statistic T = (estimate − claimed)/SE is referred to Student's t with N − 1 degrees of
freedom, not to the normal: the SE is itself estimated, and at the per-test levels of the
catalogue (about 10⁻⁵) the normal understates the tail badly for few draws. With a pilot of
24 networks, |T| > z_{α/2} at α = 4.7·10⁻⁶ has probability 1.3·10⁻⁴ under t₂₃: 28 times the
level. For the 2¹⁵ draws and more of a sampled case, t and normal agree to a fraction of a
percent of the level. Sample sizes are sized with the same t quantiles.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

__all__ = [
    "FAMILY_ALPHA", "POWER", "RELATIVE_ERROR", "Estimate", "StreamingMoments", "z_critical",
    "t_critical", "t_quantile", "required_samples", "detectable_error", "z_test",
]

FAMILY_ALPHA = 1e-3  # probability that any check of the whole catalogue raises a false alarm
POWER = 0.99  # probability of rejecting a claimed value that is off by RELATIVE_ERROR
RELATIVE_ERROR = 0.02


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its standard error, the number of draws behind it, and the degrees of
    freedom of Student's t that (estimate − true value)/std_error is referred to (inf: the normal)."""

    value: float
    std_error: float
    samples: int
    dof: float = math.inf

    def interval(self, alpha: float) -> tuple[float, float]:
        """The two-sided (1 − alpha) confidence interval, estimate ± t_{alpha/2, dof}·SE."""
        half = t_critical(alpha, self.dof) * self.std_error
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
        return Estimate(self.mean, math.sqrt(m2 * n / (n - 1) / n), n, n - 1)

    def variance_estimate(self) -> Estimate:
        if self.order < 4:
            raise ValueError("a variance estimate needs StreamingMoments(order=4)")
        _, m2, m4 = self._central()
        n = self.count
        return Estimate(m2 * n / (n - 1), math.sqrt(max(m4 - m2 * m2, 0.0) / n), n, n - 1)

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


NORMAL_DOF = 1e7  # beyond this many degrees of freedom t and normal agree to 10⁻⁵ of the level


def t_quantile(probability: float, dof: float) -> float:
    """The ``probability`` quantile of Student's t with ``dof`` degrees of freedom (normal for inf)."""
    if not 0 < probability < 1:
        raise ValueError(f"probability must lie in (0, 1), not {probability}")
    if not dof > 0:
        raise ValueError(f"dof must be positive, not {dof}")
    if dof >= NORMAL_DOF:
        return _STANDARD_NORMAL.inv_cdf(probability)
    from scipy.special import stdtrit  # lazily: a bare `dlproofs list` loads no SciPy

    return float(stdtrit(dof, probability))


def t_critical(alpha: float, dof: float = math.inf) -> float:
    """t with P(|T| > t) = alpha for T ~ Student t(dof); z_critical for dof = inf."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), not {alpha}")
    return -t_quantile(alpha / 2, dof)


def _quantile_sum(alpha: float, power: float, dof: float) -> float:
    return t_critical(alpha, dof) + t_quantile(power, dof)


def required_samples(sd: float, effect: float, alpha: float, power: float = POWER) -> int:
    """Draws for a two-sided level-alpha studentised test to reject with probability ``power`` a
    value ``effect`` away: an N with N ≥ ((t_{α/2,N−1} + t_{power,N−1}) · sd / effect)².

    It starts from the normal answer, which is too small, and takes the right side at it: the t
    quantiles fall as N grows, so that N satisfies the inequality (the loop checks it)."""
    if effect <= 0:
        raise ValueError(f"effect must be positive, not {effect}")
    ratio = sd / effect
    count = max(2, math.ceil((_quantile_sum(alpha, power, math.inf) * ratio) ** 2))
    for _ in range(200):
        wanted = max(2, math.ceil((_quantile_sum(alpha, power, count - 1) * ratio) ** 2))
        if wanted <= count:
            return count
        count = wanted
    return count


def detectable_error(std_error: float, scale: float, alpha: float, power: float = POWER,
                     dof: float = math.inf) -> float:
    """The error, relative to ``scale``, that a level-alpha test with this standard error and
    ``dof`` rejects with probability ``power``: (t_{α/2,dof} + t_{power,dof}) · SE / scale."""
    return _quantile_sum(alpha, power, dof) * std_error / scale if scale else math.inf


def z_test(estimate: Estimate, claimed: float) -> tuple[float, float]:
    """The studentised statistic T = (estimate − claimed)/SE and the two-sided p-value of
    H0: the estimated quantity equals ``claimed``, from Student's t with ``estimate.dof`` degrees
    of freedom (the normal when it is inf)."""
    if estimate.std_error == 0:
        z = 0.0 if estimate.value == claimed else math.inf
    else:
        z = (estimate.value - claimed) / estimate.std_error
    if estimate.dof >= NORMAL_DOF or math.isinf(z):
        return z, math.erfc(abs(z) / math.sqrt(2))  # 2·P(Z > |z|), exact in the far tail
    from scipy.special import stdtr

    return z, float(2 * stdtr(estimate.dof, -abs(z)))
