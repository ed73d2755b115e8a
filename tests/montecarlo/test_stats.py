import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from montecarlo.stats import (
    BLOCK, Estimate, StreamingMoments, detectable_error, required_samples, t_critical, z_critical, z_test,
)


@settings(deadline=None, max_examples=25)
@given(st.integers(2, 5000), st.integers(1, 7), st.integers(0, 2**32 - 1))
def test_streaming_moments_match_numpy_whatever_the_chunking(size, chunks, seed):
    x = np.random.default_rng(seed).normal(3.0, 2.0, size)
    moments = StreamingMoments()
    for part in np.array_split(x, chunks):
        moments.update(part)
    assert math.isclose(moments.mean_estimate().value, x.mean(), rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(moments.variance_estimate().value, x.var(ddof=1), rel_tol=1e-9)
    assert moments.mean_estimate().samples == size


def test_variance_standard_error_is_the_delta_method():
    x = np.random.default_rng(1).normal(0, 2.0, 400_000)
    moments = StreamingMoments()
    moments.update(x)
    # normal: m4 - m2^2 = 3 s^4 - s^4 = 2 s^4, so SE = sqrt(2) s^2 / sqrt(N)
    assert math.isclose(moments.variance_estimate().std_error, math.sqrt(2) * 4 / math.sqrt(x.size), rel_tol=0.02)


def test_required_samples_gives_the_stated_power():
    # sd 1, effect 0.1, alpha 0.05, power 0.99: the normal gives ((1.96 + 2.326) / 0.1)^2 = 1838;
    # t with N - 1 degrees of freedom asks for 3 more
    assert required_samples(1.0, 0.1, 0.05, 0.99) == 1841
    assert z_critical(0.05) == pytest.approx(1.959964, rel=1e-6)


@pytest.mark.parametrize("effect", [1.0, 0.5, 0.3, 0.1, 0.02])
def test_required_samples_has_the_power_of_the_exact_noncentral_t(effect):
    # the per-test level of the catalogue; the exact power of the t-test at N is the noncentral t's
    from scipy.stats import nct

    alpha = 4.7e-6
    n = required_samples(1.0, effect, alpha, 0.99)
    critical = t_critical(alpha, n - 1)
    power = 1 - nct.cdf(critical, n - 1, effect * math.sqrt(n))  # the far tail's share is below 10^-20: left out
    assert 0.988 <= power  # the (t + t)^2 rule is the standard approximation: 0.9894 at its worst here
    below = n - max(1, n // 20)  # and it does not overshoot: 5% fewer draws lose power
    critical = t_critical(alpha, below - 1)
    assert 1 - nct.cdf(critical, below - 1, effect * math.sqrt(below)) < 0.99


def test_p_values_are_student_t_for_few_draws():
    # 24 networks, as a network pilot: the normal tail at the catalogue's level is 28 times too small
    from scipy.stats import t

    estimate = Estimate(4.58, 1.0, 24, 23)
    assert z_test(estimate, 0.0)[1] == pytest.approx(2 * t.sf(4.58, 23), rel=1e-9)
    assert z_test(estimate, 0.0)[1] > 25 * math.erfc(4.58 / math.sqrt(2))
    assert z_test(Estimate(4.58, 1.0, 10**9, 10**9 - 1), 0.0)[1] == pytest.approx(math.erfc(4.58 / math.sqrt(2)),
                                                                                     rel=1e-5)
    assert estimate.interval(0.05) == pytest.approx((4.58 - t.isf(0.025, 23), 4.58 + t.isf(0.025, 23)))
    assert detectable_error(1.0, 1.0, 0.05, 0.99, dof=23) > detectable_error(1.0, 1.0, 0.05, 0.99)


def test_the_test_holds_its_level_with_few_draws():
    # 40,000 tests of 24 normal draws each at alpha = 0.01: t keeps 400 +- 20 rejections, where the
    # normal reference gave P(|t_23| > 2.576) = 0.0169, 675 expected
    rng = np.random.default_rng(11)
    x = rng.normal(1.0, 2.0, (40_000, 24))
    rejections = 0
    for row in x:
        rejections += z_test(Estimate(row.mean(), row.std(ddof=1) / math.sqrt(24), 24, 23), 1.0)[1] < 0.01
    assert 400 - 5 * 20 < rejections < 400 + 5 * 20


def test_z_test_is_calibrated_under_the_null():
    rng = np.random.default_rng(7)
    rejections = 0
    for _ in range(2000):
        moments = StreamingMoments()
        moments.update(rng.normal(1.0, 1.0, 200))
        rejections += z_test(moments.mean_estimate(), 1.0)[1] < 0.05
    # binomial(2000, 0.05): mean 100, sd 9.7; the bound is 5 sd wide
    assert 50 < rejections < 150


def test_non_finite_draws_are_refused():
    with pytest.raises(FloatingPointError):
        StreamingMoments().update(np.array([1.0, np.nan]))


def _one_shot(x):
    moments = StreamingMoments()
    moments.update(x)
    return moments


def test_chunks_longer_than_a_block_agree_with_one_shot_and_with_numpy_to_round_off():
    # a mean far from 0 against a unit spread: only shifted sums keep the variance to round-off
    x = np.random.default_rng(3).normal(1e6, 1.0, 3 * BLOCK + 17)
    whole = _one_shot(x)
    pieces = StreamingMoments()
    for part in np.array_split(x, [5, BLOCK - 1, 2 * BLOCK + 3]):
        pieces.update(part)
    for moments in (whole, pieces):
        assert moments.count == x.size
        assert math.isclose(moments.mean, x.mean(), rel_tol=1e-14)
        assert math.isclose(moments.variance_estimate().value, x.var(ddof=1), rel_tol=1e-9)
    _assert_same_estimates(pieces, whole)


def _assert_same_estimates(a, b):
    """Equal to round-off (the shifts, fixed by each first chunk, may differ)."""
    assert a.count == b.count
    for statistic in ("mean", "variance"):
        x, y = a.estimate(statistic), b.estimate(statistic)
        assert math.isclose(x.value, y.value, rel_tol=1e-12), statistic
        assert math.isclose(x.std_error, y.std_error, rel_tol=1e-9), statistic


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_non_finite_draw_in_a_later_block_is_refused_and_leaves_the_sums_alone(bad):
    moments = _one_shot(np.arange(10.0))
    before = (moments.count, moments.shift, moments.sums.copy())
    x = np.ones(2 * BLOCK + 5)
    x[BLOCK + 3] = bad
    with pytest.raises(FloatingPointError):
        moments.update(x)
    assert (moments.count, moments.shift) == before[:2] and np.array_equal(moments.sums, before[2])
    with pytest.raises(FloatingPointError):
        StreamingMoments().update(x)


def test_finite_draws_whose_fourth_power_overflows_are_not_called_non_finite():
    moments = _one_shot(np.array([0.0, 1e100, -1e100]))
    assert moments.count == 3 and math.isinf(moments.sums[3])


def test_a_pickled_accumulator_carries_its_sums_not_its_scratch_array():
    import pickle

    moments = _one_shot(np.random.default_rng(4).normal(size=1000))
    copy = pickle.loads(pickle.dumps(moments))
    assert copy._work is None and copy.count == 1000 and np.array_equal(copy.sums, moments.sums)
    copy.update(np.ones(3))
    assert copy.count == 1003


GENERATOR_CALLS = {  # the Generator methods the Monte-Carlo draws use
    "standard_normal": lambda rng, n: rng.standard_normal(n), "normal": lambda rng, n: rng.normal(1.0, 2.0, n),
    "uniform": lambda rng, n: rng.uniform(-1.0, 2.0, n), "laplace": lambda rng, n: rng.laplace(0.0, 1.0, n),
    "exponential": lambda rng, n: rng.exponential(1.0, n), "standard_t": lambda rng, n: rng.standard_t(5, n),
    "random": lambda rng, n: rng.random(n), "beta": lambda rng, n: rng.beta(0.5, 0.5, n),
    "gamma": lambda rng, n: rng.gamma(0.7, 1.0, n), "integers": lambda rng, n: rng.integers(0, 10, n),
    "dirichlet": lambda rng, n: rng.dirichlet([0.5, 1.0, 2.0], n).ravel(),
}


@pytest.mark.parametrize("method", list(GENERATOR_CALLS))
def test_a_generator_stream_does_not_depend_on_how_it_is_cut_into_calls(method):
    # what makes a one-call draw independent of CHUNK_NUMBERS
    call = GENERATOR_CALLS[method]
    whole = call(np.random.default_rng(3), 1001)
    rng = np.random.default_rng(3)
    assert np.array_equal(whole, np.concatenate([call(rng, 333), call(rng, 1), call(rng, 667)]))


def test_draws_of_a_one_call_case_do_not_depend_on_the_chunk_size(monkeypatch):
    from montecarlo.checks import base

    case = base.Case("one call", {}, lambda rng, size, value: rng.normal(value, 1.0, size), cost=1)
    runs = []
    for chunk in (1 << 22, 1 << 16, 1000):
        monkeypatch.setattr(base, "CHUNK_NUMBERS", chunk)
        moments = StreamingMoments()
        base._draws(case, np.random.default_rng(9), 200_000, 2.0, moments)
        runs.append(moments)
    for moments in runs[1:]:
        _assert_same_estimates(moments, runs[0])


def _two_pass(x):
    """The float64 two-pass reference: mean, variance (ddof 1) and fourth central moment."""
    mean = np.mean(x)
    return mean, np.var(x, ddof=1), np.mean((x - mean) ** 4)


def _streamed(order, parts):
    moments = StreamingMoments(order)
    for part in parts:
        if isinstance(part, tuple):
            moments.update(*part)
        else:
            moments.update(part)
    return moments


def _assert_two_pass(moments, x, rel=1e-12):
    mean, variance, m4 = _two_pass(x)
    n = x.size
    assert moments.count == n
    assert math.isclose(moments.mean, mean, rel_tol=rel)
    # the mean's standard error is sqrt(var/n): it carries Σd² whatever the order
    assert math.isclose(moments.mean_estimate().std_error ** 2 * n, variance, rel_tol=rel)
    if moments.order == 4:
        assert math.isclose(moments.variance_estimate().value, variance, rel_tol=rel)
        m2 = variance * (n - 1) / n
        assert math.isclose(moments.variance_estimate().std_error ** 2 * n, m4 - m2 * m2, rel_tol=1e-10)


STREAM_DATA = {  # draws whose mean is near their spread (raw sums), far from it (shifted sums), and two-valued
    "normal(3, 2)": lambda rng, n: rng.normal(3.0, 2.0, n),
    "relu(a)^2": lambda rng, n: np.maximum(rng.normal(0.0, 1.5, n), 0) ** 2,
    "normal(1e6, 1)": lambda rng, n: rng.normal(1e6, 1.0, n),
    "uniform(-1, 1)": lambda rng, n: rng.uniform(-1.0, 1.0, n),
    "mask h/p": lambda rng, n: (rng.random(n) < 0.8) * (1.7 / 0.8),
}
SPLITS = {  # where a stream is cut into update calls: one call, small pieces, pieces across BLOCK boundaries
    "whole": lambda n: [],
    "thirds": lambda n: [n // 3, 2 * n // 3],
    "blocks": lambda n: [5, BLOCK - 1, 2 * BLOCK + 3],
    "ragged": lambda n: [1, 2, 1000, BLOCK, BLOCK + 1],
}


@pytest.mark.parametrize("order", [2, 4])
@pytest.mark.parametrize("split", list(SPLITS))
@pytest.mark.parametrize("data", list(STREAM_DATA))
def test_streamed_sums_agree_with_a_two_pass_reference_to_round_off(data, split, order):
    x = STREAM_DATA[data](np.random.default_rng(11), 3 * BLOCK + 17)
    _assert_two_pass(_streamed(order, np.split(x, SPLITS[split](x.size))), x)


@pytest.mark.parametrize("order", [2, 4])
def test_second_order_sums_from_raw_sums_and_from_shifted_draws_agree(order, monkeypatch):
    from montecarlo import stats

    x = STREAM_DATA["relu(a)^2"](np.random.default_rng(12), BLOCK + 9)
    raw = _streamed(order, [x[:100], x[100:]])
    monkeypatch.setattr(stats, "_CANCELLATION", 0)  # never trust the raw sums: always write d = x - c
    shifted = _streamed(order, [x[:100], x[100:]])
    if order == 4:
        _assert_same_estimates(raw, shifted)
    assert math.isclose(raw.mean, shifted.mean, rel_tol=1e-14)
    assert math.isclose(raw.sums[1], shifted.sums[1], rel_tol=1e-13)


def test_the_raw_sums_are_not_used_where_they_would_cancel():
    # mean 1e6, spread 1: Σx² − 2cΣx + nc² would keep no digit of Σd²; the variance still matches
    x = np.random.default_rng(13).normal(1e6, 1.0, 50_000)
    moments = _streamed(2, [x[:7], x[7:]])
    assert math.isclose(moments.mean_estimate().std_error ** 2 * x.size, x.var(ddof=1), rel_tol=1e-12)


@pytest.mark.parametrize("order", [2, 4])
@pytest.mark.parametrize("split", list(SPLITS))
def test_tallied_draws_give_the_sums_of_the_draws_they_stand_for(split, order):
    rng = np.random.default_rng(14)
    values = np.array([0.0, 1.7 / 0.8, -0.25])
    x = values[rng.choice(3, size=3 * BLOCK + 17, p=[0.2, 0.7, 0.1])]
    parts = [(values, np.array([np.count_nonzero(part == v) for v in values])) for part in
             np.split(x, SPLITS[split](x.size))]
    tallied = _streamed(order, parts)
    _assert_two_pass(tallied, x)
    mixed = _streamed(order, [parts[0], x[len(np.split(x, SPLITS[split](x.size))[0]):]])  # tallies, then an array
    _assert_two_pass(mixed, x)


@pytest.mark.parametrize("values, counts", [
    ([1.0, 2.0], [3, -1]), ([1.0, 2.0], [1.5, 2.0]), ([1.0, 2.0], [3]), ([1.0], [[1]]), ([1.0, 2.0], [True, False]),
])
def test_bad_counts_are_refused_naming_the_argument(values, counts):
    with pytest.raises(ValueError, match="counts"):
        StreamingMoments().update(np.array(values), np.array(counts))


def test_tallies_refuse_non_finite_values_and_take_no_draws_as_nothing():
    moments = StreamingMoments()
    with pytest.raises(FloatingPointError):
        moments.update([0.0, np.inf], [2, 1])
    moments.update([0.0, 5.0], [0, 0])
    assert moments.count == 0 and moments.shift is None
    moments.update([0.0, 5.0], [1, 3])
    assert moments.count == 4 and moments.mean == 3.75
