"""The samplers' normal draws are rng.normal's numbers, bit for bit (they take a faster path to them)."""
import numpy as np
import pytest

from montecarlo import samplers


@pytest.mark.parametrize("variance", [1.0, 2.25, 1 / 12, 0.3])
def test_symmetric_normal_is_generator_normal_bit_for_bit(variance):
    shape = (1000, 8)
    expected = np.random.default_rng(1).normal(0.0, np.sqrt(variance), shape)
    assert np.array_equal(samplers.symmetric(np.random.default_rng(1), "normal", variance, shape), expected)


@pytest.mark.parametrize("mean, second_moment", [(1.0, 1.5), (-0.5, 2.0), (0.0, 1.0)])
def test_normal_inputs_are_generator_normal_bit_for_bit(mean, second_moment):
    shape = (500, 24)
    expected = np.random.default_rng(2).normal(mean, np.sqrt(second_moment - mean**2), shape)
    assert np.array_equal(samplers.inputs(np.random.default_rng(2), "normal", mean, second_moment, shape), expected)
