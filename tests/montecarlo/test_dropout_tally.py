"""The dropout Monte-Carlo draws' tally: the same draws, from the same random numbers, as counts."""
import math

import numpy as np
import pytest

import montecarlo.checks  # noqa: F401  (declares every case)
from montecarlo.checks import base
from montecarlo.stats import StreamingMoments

CASES = base.checks_of("dropout.inverted_scaling")["M"].cases
SCALE = 1 / 0.8  # a value under test for the E[s M h] cases (the right one at p = 0.8)


def _old_draw(case):
    """The draw as written before the tally: (M · h) · s, and (M · h) / p at the point."""
    p, h = case.point["p"], case.point["h"]
    if case.statistic == "mean":
        return lambda rng, size, scale: (rng.random(size) < p) * h * scale
    return lambda rng, size, value: (rng.random(size) < p) * h / p


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.label)
def test_the_draws_are_the_old_draws_bit_for_bit(case):
    new = case.draw(np.random.default_rng(5), 10_001, SCALE)
    old = _old_draw(case)(np.random.default_rng(5), 10_001, SCALE)
    assert np.array_equal(new, old)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.label)
def test_the_tally_counts_the_draws_it_stands_for_and_uses_the_same_random_numbers(case):
    rng_draw, rng_tally = np.random.default_rng(6), np.random.default_rng(6)
    draws = case.draw(rng_draw, 10_001, SCALE)
    values, counts = case.draw.tally(rng_tally, 10_001, SCALE)
    assert sum(counts) == draws.size
    for value, count in zip(values, counts):
        assert np.count_nonzero(draws == value) == count
    assert rng_draw.random() == rng_tally.random()  # both consumed the same random numbers


@pytest.mark.parametrize("chunk", [1 << 16, 1000])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.label)
def test_streaming_a_case_through_its_tally_gives_the_estimates_of_its_draws(case, chunk, monkeypatch):
    monkeypatch.setattr(base, "CHUNK_NUMBERS", chunk)
    order = 2 if case.statistic == "mean" else 4
    tallied, drawn = StreamingMoments(order), StreamingMoments(order)
    base._draws(case, np.random.default_rng(7), 200_003, SCALE, tallied)
    untallied = base.Case(case.label, case.point, lambda rng, size, value: case.draw(rng, size, value),
                          statistic=case.statistic)  # the same draw without its tally attribute
    base._draws(untallied, np.random.default_rng(7), 200_003, SCALE, drawn)
    assert tallied.count == drawn.count == 200_003
    a, b = tallied.estimate(case.statistic), drawn.estimate(case.statistic)
    assert math.isclose(a.value, b.value, rel_tol=1e-12)
    assert math.isclose(a.std_error, b.std_error, rel_tol=1e-10)
