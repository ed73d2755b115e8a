import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from montecarlo.stats import StreamingMoments, required_samples, z_critical, z_test


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
    # sd 1, effect 0.1, alpha 0.05, power 0.99: ((1.96 + 2.326) / 0.1)^2 = 1837
    assert required_samples(1.0, 0.1, 0.05, 0.99) == 1838
    assert z_critical(0.05) == pytest.approx(1.959964, rel=1e-6)


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
