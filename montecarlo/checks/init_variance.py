"""Monte-Carlo checks of the initialisation claims (seeds 000, 002, 003, 004).

Parameter points are chosen so that the plausible wrong formulas differ there by far more
than 2%: μ ≠ 0 and χ ≠ 1 for init.preact_var (nvχ against nvχ/2, nv(χ − μ²), nv), unequal
fans for the Glorot compromise, finite width d = 4 for the shifted ReLU unit. Claims that
hold for any distribution are sampled under at least two families.
"""
from __future__ import annotations

import numpy as np

import nets
from .. import samplers
from .base import Case, declare

POINT_A = {"n": 8, "v": 0.5, "mu": 1.0, "chi": 1.5}
POINT_B = {"n": 24, "v": 1 / 12, "mu": -0.5, "chi": 2.0}


def _preactivation(weights: str, x_family: str, point):
    n, mu, chi = point["n"], point["mu"], point["chi"]

    def draw(rng, size, v):
        w = samplers.symmetric(rng, weights, v, (size, n))
        x = samplers.inputs(rng, x_family, mu, chi, (size, n))
        return np.einsum("ij,ij->i", w, x)
    return draw


def _mapped(base, transform):
    def draw(rng, size, value):
        return transform(base(rng, size, value))
    return draw


def _at_point(base_draw, point, key="v"):
    """A draw that ignores the claim's value and simulates with ``point[key]``: for claims whose target is
    the simulated moment itself rather than a parameter of the simulation."""
    return lambda rng, size, value: base_draw(rng, size, point[key])


declare("init.preact_mean", "M", cases=[
    Case("normal w, normal x", POINT_A, _at_point(_preactivation("normal", "normal", POINT_A), POINT_A),
         cost=16),
    Case("uniform w, skewed x", POINT_B,
         _at_point(_preactivation("uniform", "exponential", POINT_B), POINT_B), cost=48),
])

declare("init.preact_var", "M", cases=[
    Case("normal w, normal x", POINT_A, _at_point(_preactivation("normal", "normal", POINT_A), POINT_A),
         statistic="variance", cost=16),
    Case("uniform w, skewed x", POINT_B,
         _at_point(_preactivation("uniform", "exponential", POINT_B), POINT_B),
         statistic="variance", cost=48),
    Case("Laplace w, correlated x", POINT_A,
         _at_point(_preactivation("laplace", "correlated", POINT_A), POINT_A),
         statistic="variance", cost=17),
])

POINT_S = {"n": 4, "v": 1.0, "mu": 1.0, "chi": 2.0}
_sign_balance = (lambda a: (a > 1.0).astype(float) - (a < -1.0))
declare("init.preact_symmetric", "M", cases=[
    Case("E[a^3], normal w, skewed x", POINT_S,
         _at_point(_mapped(_preactivation("normal", "exponential", POINT_S), lambda a: a**3), POINT_S),
         cost=8),
    Case("E[a^3], uniform w, skewed x", POINT_A,
         _at_point(_mapped(_preactivation("uniform", "exponential", POINT_A), lambda a: a**3), POINT_A),
         cost=16),
    Case("P(a > 1) - P(a < -1), normal w, skewed x", POINT_S,
         _at_point(_mapped(_preactivation("normal", "exponential", POINT_S), _sign_balance), POINT_S),
         cost=8),
])


def _relu_square_of(family: str, variance: float):
    def draw(rng, size, value):
        a = samplers.symmetric(rng, family, variance, size)
        np.maximum(a, 0.0, out=a)  # relu(a)², in place: the draws' own array, no temporaries
        return np.square(a, out=a)  # a·a, bit for bit; one operand read, so cheaper than multiply(a, a)
    return draw


def _relu_square_of_centred_exponential(rng, size, value):
    """relu(E − 1)² for E ~ Exponential(1), in place (the numbers of maximum(E − 1, 0) ** 2)."""
    a = rng.exponential(1.0, size)
    a -= 1.0
    np.maximum(a, 0.0, out=a)
    return np.square(a, out=a)


declare("init.relu_second_moment", "M", cases=[
    Case(f"{family}, V[a] = {variance}", {"V[a]": variance}, _relu_square_of(family, variance),
         claimed=(lambda value, variance=variance: value * variance))
    for family, variance in (("normal", 2.25), ("laplace", 1.28), ("uniform", 4 / 3), ("student5", 5 / 3))
] + [Case("centred Exponential(1): the true value 2/e, not V/2", {}, _relu_square_of_centred_exponential,
          value_key="exponential")])


def _next_layer(a_family: str, w_family: str, point):
    n, alpha = point["n"], point["alpha"]

    def draw(rng, size, v):
        previous = samplers.symmetric(rng, a_family, alpha, (size, n))
        w = samplers.symmetric(rng, w_family, v, (size, n))
        return np.einsum("ij,ij->i", w, np.maximum(previous, 0))
    return draw


POINT_R1 = {"n": 8, "v": 0.3, "alpha": 2.0}
POINT_R2 = {"n": 20, "v": 0.05, "alpha": 4.0}
declare("init.variance_recursion", "M", cases=[
    Case("normal a, normal w", POINT_R1, _at_point(_next_layer("normal", "normal", POINT_R1), POINT_R1),
         statistic="variance", cost=16),
    Case("Laplace a, uniform w", POINT_R2,
         _at_point(_next_layer("laplace", "uniform", POINT_R2), POINT_R2), statistic="variance", cost=40),
])


def _initialised_weights(initialiser, shape):
    """Entries of weights of ``shape`` filled by a nets.init function, as iid draws."""
    per_matrix = int(np.prod(shape))

    def draw(rng, size, value):
        matrices = -(-size // per_matrix)
        weights = np.empty((matrices,) + tuple(shape))
        for k in range(matrices):
            initialiser(weights[k], rng)
        return weights.reshape(-1)[:size]
    return draw


POINT_H1 = {"n": 16, "alpha": 1.7}
POINT_H2 = {"n": 50, "alpha": 0.6}
declare("init.he_variance", "M", cases=[
    Case("normal a, normal w with variance v(n)", POINT_H1, _next_layer("normal", "normal", POINT_H1),
         statistic="variance", claimed=lambda value: POINT_H1["alpha"], cost=32),
    Case("Laplace a, uniform w with variance v(n)", POINT_H2, _next_layer("laplace", "uniform", POINT_H2),
         statistic="variance", claimed=lambda value: POINT_H2["alpha"], cost=100),
    Case("nets.init.kaiming_normal_ on a (64, 16) weight", POINT_H1,
         _initialised_weights(lambda w, g: nets.init.kaiming_normal_(w, nonlinearity="relu", generator=g), (64, 16)),
         statistic="variance"),
    Case("nets.init.kaiming_uniform_ on a (8, 50) weight", POINT_H2,
         _initialised_weights(lambda w, g: nets.init.kaiming_uniform_(w, nonlinearity="relu", generator=g), (8, 50)),
         statistic="variance"),
])


def _linear_layer(x_family: str, w_family: str, width: int, x_variance: float):
    def draw(rng, size, v):
        x = samplers.symmetric(rng, x_family, x_variance, (size, width))
        w = samplers.symmetric(rng, w_family, v, (size, width))
        return np.einsum("ij,ij->i", w, x)
    return draw


def _product(rng, size, value):
    return rng.normal(0.5, np.sqrt(0.3), size) * rng.normal(-1.0, np.sqrt(2.0), size)


declare("init.lecun_variance", "M", cases=[
    Case("normal a (variance 2), normal W, D_a = 10", {"D_a": 10}, _linear_layer("normal", "normal", 10, 2.0),
         statistic="variance", claimed=lambda value: 2.0, cost=20),
    Case("uniform a (variance 0.7), uniform W, D_a = 40", {"D_a": 40}, _linear_layer("uniform", "uniform", 40, 0.7),
         statistic="variance", claimed=lambda value: 0.7, cost=80),
    Case("V[WA], E[W] = 0.5, V[W] = 0.3, E[A] = -1, V[A] = 2",
         {"E_W": 0.5, "V_W": 0.3, "E_A": -1.0, "V_A": 2.0}, _product, statistic="variance",
         value_key="product_variance", cost=2),
    Case("nets.init.lecun_normal_ on a (30, 10) weight", {"D_a": 10},
         _initialised_weights(lambda w, g: nets.init.lecun_normal_(w, generator=g), (30, 10)), statistic="variance"),
])


POINT_G1 = {"n": 12, "omega": 0.2, "chi": 1.5, "nabla": 1.5}
POINT_G2 = {"n": 30, "omega": 0.05, "chi": 0.8, "nabla": 0.8}
for claim_id, key in (("init.glorot_forward", "chi"), ("init.glorot_backward", "nabla")):
    declare(claim_id, "M", cases=[
        Case("normal signal, normal w", POINT_G1,
             _at_point(_linear_layer("normal", "normal", POINT_G1["n"], POINT_G1[key]), POINT_G1, "omega"),
             statistic="variance", cost=24),
        Case("uniform signal, Laplace w", POINT_G2,
             _at_point(_linear_layer("uniform", "laplace", POINT_G2["n"], POINT_G2[key]), POINT_G2, "omega"),
             statistic="variance", cost=60),
    ])


def _forward_backward_gain(n_in: int, n_out: int):
    """Per draw: (y²/V[x] + ∇²/V[∇^{k+1}]) / 2 for one forward unit and one backward unit of a
    layer with weight variance ω; its mean is (n_in ω + n_out ω)/2, which the compromise sets to 1."""
    def draw(rng, size, omega):
        forward = np.einsum("ij,ij->i", rng.normal(0, np.sqrt(omega), (size, n_in)), rng.normal(0, 1, (size, n_in)))
        backward = np.einsum("ij,ij->i", rng.normal(0, np.sqrt(omega), (size, n_out)),
                             rng.uniform(-np.sqrt(3), np.sqrt(3), (size, n_out)))
        return (forward**2 + backward**2) / 2
    return draw


declare("init.glorot_compromise", "M", cases=[
    Case("average of forward and backward gains, 20 -> 60", {"n_in": 20, "n_out": 60}, _forward_backward_gain(20, 60),
         claimed=lambda value: 1.0, cost=160),
    Case("average of forward and backward gains, 100 -> 25", {"n_in": 100, "n_out": 25},
         _forward_backward_gain(100, 25), claimed=lambda value: 1.0, cost=250),
    Case("nets.init.xavier_normal_ on a (60, 20) weight", {"n_in": 20, "n_out": 60},
         _initialised_weights(lambda w, g: nets.init.xavier_normal_(w, generator=g), (60, 20)), statistic="variance"),
    Case("nets.init.xavier_uniform_ on a (25, 100) weight", {"n_in": 100, "n_out": 25},
         _initialised_weights(lambda w, g: nets.init.xavier_uniform_(w, generator=g), (25, 100)),
         statistic="variance"),
])


def _unit(x_family: str, d: int, relu: bool = False):
    def draw(rng, size, sigma):
        if x_family == "rademacher":
            x = rng.choice(np.array([-1.0, 1.0]), (size, d))
        else:
            x = samplers.symmetric(rng, x_family, 1.0, (size, d))
        u = np.einsum("ij,ij->i", rng.normal(0, np.sqrt(sigma), (size, d)), x)
        return np.maximum(u, 0) if relu else u
    return draw


declare("init.linear_unit_variance", "M", cases=[
    Case("normal x, d = 10", {"d": 10}, _unit("normal", 10), statistic="variance", claimed=lambda value: 1.0, cost=20),
    Case("uniform x, d = 40", {"d": 40}, _unit("uniform", 40), statistic="variance", claimed=lambda value: 1.0,
         cost=80),
    Case("E[u] = 0, Laplace x, d = 10", {"d": 10}, _unit("laplace", 10), value_key="target",
         claimed=lambda value: 0.0, cost=20),
])

declare("init.shifted_relu_variance", "M", cases=[
    Case("x = ±1, d = 64 (s exactly Gaussian given x)", {"d": 64}, _unit("rademacher", 64, relu=True),
         statistic="variance", claimed=lambda value: 1.0, cost=128),
    Case("x = ±1, d = 16", {"d": 16}, _unit("rademacher", 16, relu=True), statistic="variance",
         claimed=lambda value: 1.0, cost=32),
    Case("Gaussian x, d = 4, finite-width sigma_d", {"d": 4}, _unit("normal", 4, relu=True), statistic="variance",
         value_key="finite_width", claimed=lambda value: 1.0, cost=8),
    Case("Gaussian x, d = 4, large-width sigma: V[relu] != 1", {"d": 4}, _unit("normal", 4, relu=True),
         statistic="variance", claimed_key="variance_of_large_width_answer_at_finite_d", cost=8),
])
