"""The init.relu_second_moment draws, computed in place, are the numbers of their plain formulas."""
import numpy as np
import pytest

from montecarlo import samplers
from montecarlo.checks.init_variance import _relu_square_of, _relu_square_of_centred_exponential


@pytest.mark.parametrize("family, variance", [("normal", 2.25), ("laplace", 1.28), ("uniform", 4 / 3),
                                              ("student5", 5 / 3)])
def test_the_in_place_relu_square_is_the_plain_formula_bit_for_bit(family, variance):
    drawn = _relu_square_of(family, variance)(np.random.default_rng(3), 10_001, None)
    plain = np.maximum(samplers.symmetric(np.random.default_rng(3), family, variance, 10_001), 0) ** 2
    assert np.array_equal(drawn, plain)


def test_the_centred_exponential_draw_is_the_plain_formula_bit_for_bit():
    drawn = _relu_square_of_centred_exponential(np.random.default_rng(4), 10_001, None)
    plain = np.maximum(np.random.default_rng(4).exponential(1.0, 10_001) - 1.0, 0) ** 2
    assert np.array_equal(drawn, plain)
