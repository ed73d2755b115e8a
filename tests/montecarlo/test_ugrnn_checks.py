"""The UGRNN checks catch a planted wrong backward."""
import numpy as np

import nets
from montecarlo.finite_diff import check_module


class _DropsTheDirectPath(nets.UGRNNCell):
    """A planted slip: h^t.grad without the direct addition h^{t+1}.grad * f^t."""

    def backward(self, grad_output):
        f = getattr(self._pending[-1].cache, "gate")
        grad_x, grad_h = super().backward(grad_output)
        return grad_x, grad_h - grad_output * f


def test_finite_differences_reject_an_unrolled_ugrnn_without_the_direct_hidden_path():
    rng = np.random.default_rng(0)
    rnn = nets.Unrolled(_DropsTheDirectPath(3, 4, generator=rng))
    errors = check_module(rnn, rng.standard_normal((3, 2, 3)), rng=rng, full=True)
    assert not all(e.passed for e in errors)


def test_finite_differences_accept_the_unrolled_ugrnn():
    rng = np.random.default_rng(0)
    rnn = nets.Unrolled(nets.UGRNNCell(3, 4, generator=rng))
    assert all(e.passed for e in check_module(rnn, rng.standard_normal((3, 2, 3)), rng=rng, full=True))
