"""SGD with L2: the regulariser's gradient, and momentum on the data gradient only (seeds 001, 000 A3).

Normalisations. Seed 001 regularises with α‖w‖², whose gradient is 2αw; seed 000 with
(λ/2)‖θ‖², whose gradient is g_r = λθ (PyTorch's ``weight_decay`` is this λ).

Seed 000 A3's algorithm ("data-only" momentum), with ``lr`` = η, ``momentum`` = ρ, ``lam`` = λ:

    v_t = ρ v_{t−1} + d g_t,   θ_{t+1} = θ_t − η_t (v_t + λ θ_t),

with d = 1 (PyTorch's convention) or d = 1 − ρ (the exponential average). The plain
algorithm (PyTorch's SGD with ``weight_decay`` λ′, ``momentum`` μ′, ``lr`` η′, and
``dampening`` = μ′ in the averaging convention) puts λ′θ inside the buffer:

    u_t = μ′ u_{t−1} + d′ (g_t + λ′ θ_t),   θ_{t+1} = θ_t − η′_t u_t.

Eliminating the buffers (each update solved for the buffer at t − 1) turns both into
second-order recurrences θ_{t+1} = a θ_t + b θ_{t−1} + c g_t; matching a, b, c for a symbolic
gradient g_t gives the settings under which the two follow the same trajectory for every
gradient sequence, and matching the first step gives the plain buffer's start.
"""
from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from .core import Derivation, Fact, Step, claim

__all__ = [
    "CONVENTIONS", "data_only_step", "plain_step", "recurrence_coefficients", "equivalent_settings",
    "matched_buffer_start", "pytorch_default_gap", "characteristic_polynomial",
]

CONVENTIONS = ("pytorch", "average")

lr, momentum, lam = sp.symbols("lr momentum lam", positive=True)
lr_previous = sp.Symbol("lr_previous", positive=True)          # η_{t−1} under a schedule
mapped_lr_previous = sp.Symbol("mapped_lr_previous", positive=True)  # η′_{t−1}
alpha = sp.Symbol("alpha", positive=True)
w, theta = sp.symbols("w theta", real=True)
theta_0, v_start, g_0 = sp.symbols("theta_0 v_start g_0", real=True)
t = sp.Symbol("t", integer=True, nonnegative=True)
h = sp.Symbol("h", nonnegative=True)  # curvature of a quadratic loss: g = h θ + noise
# the state of one step: θ_{t−1}, θ_t, θ_{t+1}, the data gradient g_t, the buffers v_{t-1}, v_t
theta_prev, theta_t, theta_next, g_t = sp.symbols("theta_prev theta_t theta_next g_t", real=True)
v_prev, v_t = sp.symbols("v_prev v_t", real=True)
# the plain algorithm's settings, unknown until matched
lr2, momentum2, weight_decay2 = sp.symbols("lr' momentum' weight_decay'", real=True)


def _damping(convention: str, rho: sp.Expr) -> sp.Expr:
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, not {convention!r}")
    return sp.Integer(1) if convention == "pytorch" else 1 - rho


def data_only_step(convention: str, eta: sp.Expr = lr, eta_previous: sp.Expr = lr) -> sp.Expr:
    """θ_{t+1} of seed 000 A3's algorithm with v_{t−1} eliminated: the update at t − 1,
    θ_t = θ_{t−1} − η_{t−1}(v_{t−1} + λθ_{t−1}), solved for v_{t−1}."""
    buffer_before = (theta_prev - theta_t) / eta_previous - lam * theta_prev
    buffer = momentum * buffer_before + _damping(convention, momentum) * g_t
    return sp.expand(theta_t - eta * (buffer + lam * theta_t))


def regulariser_in_buffer_step(convention: str, eta: sp.Expr = lr, eta_previous: sp.Expr = lr) -> sp.Expr:
    """θ_{t+1} of the plain algorithm with the same λ, momentum and lr (the regulariser inside the buffer)."""
    return plain_step(convention, eta, eta_previous, momentum, lam)


def plain_step(convention: str, eta: sp.Expr = lr2, eta_previous: sp.Expr = lr2, mu: sp.Expr = momentum2,
               weight_decay: sp.Expr = weight_decay2) -> sp.Expr:
    """θ_{t+1} of PyTorch's SGD (weight decay inside the buffer) with u_{t−1} = (θ_{t−1} − θ_t)/η′_{t−1}."""
    buffer_before = (theta_prev - theta_t) / eta_previous
    buffer = mu * buffer_before + _damping(convention, mu) * (g_t + weight_decay * theta_t)
    return sp.expand(theta_t - eta * buffer)


def recurrence_coefficients(step: sp.Expr) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """(a, b, c) of θ_{t+1} = a θ_t + b θ_{t−1} + c g_t; ValueError if ``step`` is not of that form."""
    coefficients = tuple(sp.simplify(step.coeff(x)) for x in (theta_t, theta_prev, g_t))
    rest = sp.simplify(step - sum(c * x for c, x in zip(coefficients, (theta_t, theta_prev, g_t))))
    if rest != 0 or any(c.has(theta_t, theta_prev, g_t) for c in coefficients):
        raise ValueError(f"step is not linear in theta_t, theta_prev, g_t: {step}")
    return coefficients


def equivalent_settings(convention: str, *, schedule: bool = False,
                        algorithm: Callable[..., sp.Expr] = data_only_step) -> dict[str, sp.Expr]:
    """The plain SGD's lr, momentum and weight_decay whose recurrence is ``algorithm``'s, by
    matching the coefficients of θ_t, θ_{t−1} and g_t (``sympy.solve``).

    With ``schedule`` the learning rate varies (η_t, η_{t−1} = ``lr_previous``) and so may the
    plain settings; the previous mapped lr is ``mapped_lr_previous`` (it is η_{t−1} itself in
    PyTorch's convention, where the match gives η′ = η at every step).
    """
    eta_previous = lr_previous if schedule else lr
    target = recurrence_coefficients(algorithm(convention, lr, eta_previous))
    mapped_previous = mapped_lr_previous if schedule else lr2
    plain = recurrence_coefficients(plain_step(convention, lr2, mapped_previous, momentum2, weight_decay2))
    solutions = sp.solve([sp.Eq(p, a) for p, a in zip(plain, target)], [lr2, momentum2, weight_decay2], dict=True)
    if len(solutions) != 1:
        raise ValueError(f"{convention}: matching the recurrences gives {len(solutions)} solutions, not one")
    solution = {k: sp.factor(v) for k, v in solutions[0].items()}
    if schedule and convention == "pytorch":
        solution = {k: sp.factor(v.subs(mapped_lr_previous, lr_previous)) for k, v in solution.items()}
    return {"lr": solution[lr2], "momentum": solution[momentum2], "weight_decay": solution[weight_decay2]}


def _first_step(convention: str, buffer_before: sp.Expr, settings: dict | None) -> sp.Expr:
    """θ_1 from θ_0 with buffer v_{−1} = ``buffer_before``: data-only (settings None) or plain."""
    if settings is None:
        buffer = momentum * buffer_before + _damping(convention, momentum) * g_0
        return theta_0 - lr * (buffer + lam * theta_0)
    mu = settings["momentum"]
    buffer = mu * buffer_before + _damping(convention, mu) * (g_0 + settings["weight_decay"] * theta_0)
    return theta_0 - settings["lr"] * buffer


def matched_buffer_start(convention: str, start: sp.Expr = v_start) -> sp.Expr:
    """u_{−1}, the plain buffer before the first step, that makes θ_1 equal (the data-only buffer starts at ``start``)."""
    settings = equivalent_settings(convention)
    u = sp.Symbol("u")
    solved = sp.solve(sp.Eq(_first_step(convention, u, settings), _first_step(convention, start, None)), u)
    return sp.factor(solved[0])


def characteristic_polynomial(convention: str, z: sp.Symbol, curvature: sp.Expr = 0) -> sp.Expr:
    """z² − a z − b of the homogeneous recurrence (data-only algorithm, g = curvature·θ + noise):
    the difference of two trajectories fed the same noise obeys it."""
    a, b, c = recurrence_coefficients(data_only_step(convention))
    return sp.expand(z**2 - (a + c * curvature) * z - b)


def pytorch_default_gap(convention: str) -> tuple[sp.Expr, sp.Expr]:
    """(e_1, e_t): θ_t of the plain SGD with PyTorch's buffer (its first buffer is the first
    d = g_0 + λ′θ_0, undamped) minus θ_t of the data-only algorithm started at v_{−1} = 0, for
    gradients that do not depend on θ. e_0 = 0 and e obeys the homogeneous recurrence
    (``sympy.rsolve``)."""
    settings = equivalent_settings(convention)
    first_d = g_0 + settings["weight_decay"] * theta_0
    pytorch_first = theta_0 - settings["lr"] * first_d
    e_1 = sp.factor(sp.expand(pytorch_first - _first_step(convention, 0, None)))
    a, b, _ = recurrence_coefficients(data_only_step(convention))
    e = sp.Function("e")
    gap = sp.rsolve(e(t + 2) - a * e(t + 1) - b * e(t), e(t), {e(0): 0, e(1): e_1})
    return e_1, sp.factor(gap)


@claim("optim.l2_gradient")
def _l2_gradient() -> Derivation:
    w1, w2, w3 = sp.symbols("w_1 w_2 w_3", real=True)
    loss = sp.Function("loss")(w1, w2, w3)
    norm2 = w1**2 + w2**2 + w3**2
    d = sp.Derivative
    seed_001 = d(loss, w1).doit() + sp.diff(alpha * norm2, w1)
    seed_000 = sp.diff(lam / 2 * norm2, w1)
    component = sp.Symbol(r"\partial (loss + \alpha \|w\|^2)/\partial w_1")
    return Derivation(
        id="optim.l2_gradient", symbols=(alpha, w, lam, theta),
        assumptions=(r"seed 001: objective $\text{loss}(w) + \alpha\|w\|^2$ ($\alpha$ multiplies the squared norm)",
                     r"seed 000: objective $L(\theta) + \frac{\lambda}{2}\|\theta\|^2$ "
                     r"(PyTorch's \texttt{weight\_decay} is $\lambda$)",
                     r"$w = (w_1, w_2, w_3)$; the derivative in $w_1$ stands for every coordinate"),
        steps=[Step(d(loss + alpha * norm2, w1), ""),
               Step(d(loss, w1) + alpha * d(norm2, w1), "linearity of the derivative"),
               Step(d(loss, w1) + 2 * alpha * w1, "d(w_1^2 + w_2^2 + w_3^2)/dw_1 = 2 w_1"),
               Step(2 * alpha * w, "the regulariser's part (the data part is backpropagated; this one is added at "
                                   "the update step), for the coordinate w", rule=lambda e: _regulariser_part(e, w1))],
        evaluate=lambda e: sp.expand(e.doit()),
        result=sp.Eq(component, seed_001),
        values={"target": 2 * alpha * w, "seed_001": 2 * alpha * w, "seed_000": seed_000.subs(w1, theta)},
        parts={"seed_001": "seed_001", "seed_000": "seed_000"}, target_parts=("seed_001",),
        facts=[Fact("seed 000's (lambda/2)||theta||^2 has gradient lambda theta", seed_000, lam * w1),
               Fact("seed 001's alpha||w||^2 is seed 000's form with lambda = 2 alpha",
                    seed_000.subs(lam, 2 * alpha), sp.diff(alpha * norm2, w1)),
               Fact("forgetting the factor 2 of d(w^2)/dw", sp.diff(alpha * norm2, w1), alpha * w1, holds=False)],
        answer=("Seed 001: $\\nabla(\\text{loss} + \\alpha\\|w\\|^2) = \\nabla\\text{loss} + 2\\alpha w$; seed 000: "
                "$\\nabla(L + \\tfrac{\\lambda}{2}\\|\\theta\\|^2) = \\nabla L + \\lambda\\theta$ (so $\\lambda = 2\\alpha$, "
                "PyTorch's weight\\_decay). Backpropagation carries only the data part; the regulariser's part is "
                "known in closed form and added at the update step."),
    )


def _regulariser_part(expr: sp.Expr, w1: sp.Symbol) -> sp.Expr:
    """The part of a gradient expression that does not come from the loss, at the coordinate w."""
    expr = sp.expand(sp.sympify(expr).doit())
    return expr.subs({e: 0 for e in expr.atoms(sp.Derivative)}).subs(w1, w)


@claim("optim.momentum_data_only")
def _momentum_data_only() -> Derivation:
    rho, steps_unrolled = momentum, 3
    gs = sp.symbols(f"g_0:{steps_unrolled}", real=True)
    buffer = v_start
    for g in gs:
        buffer = rho * buffer + g
    unrolled = sum(rho ** (steps_unrolled - 1 - k) * g for k, g in enumerate(gs)) + rho**steps_unrolled * v_start
    average = v_start
    for g in gs:
        average = rho * average + (1 - rho) * g
    weights = sum((1 - rho) * rho ** (steps_unrolled - 1 - k) for k in range(steps_unrolled))
    v, g = sp.symbols("v g", real=True)
    update = {c: theta - lr * (rho * v + _damping(c, rho) * g + lam * theta) for c in CONVENTIONS}
    return Derivation(
        id="optim.momentum_data_only", symbols=(lr, momentum, lam, theta, v, g),
        assumptions=(r"objective $L(\theta) + \frac{\lambda}{2}\|\theta\|^2$; $g$ is a stochastic estimate of "
                     r"$\nabla L(\theta_t)$",
                     r"$g_r = \lambda\theta$ is exact, so only $g$ is averaged; $v$ is the buffer before the step",
                     r"PyTorch's convention $v \leftarrow \rho v + g$; the exponential average "
                     r"$v \leftarrow \rho v + (1 - \rho) g$ ($\rho$ = \texttt{momentum}, $\eta$ = \texttt{lr})"),
        steps=[Step(theta - lr * (sp.Symbol("v_t") + lam * theta), ""),
               Step(theta - lr * (rho * v + g + lam * theta), "v_t = momentum v_{t-1} + g_t (g alone)",
                    rule=lambda e: sp.expand(e.subs(sp.Symbol("v_t"), rho * v + g)))],
        result=sp.Eq(sp.Symbol(r"\theta_{t+1}"), update["pytorch"]),
        values={"target": update["pytorch"], "pytorch": update["pytorch"], "average": update["average"],
                "buffer_after_3_steps": unrolled},
        parts={"pytorch": "pytorch", "average": "average"}, target_parts=("pytorch",),
        evaluate=sp.expand,
        facts=[Fact("after 3 steps the buffer is sum_k momentum^(2-k) g_k + momentum^3 v_start: data gradients only",
                    buffer, unrolled),
                Fact("the averaged buffer's weights sum to 1 - momentum^3 (it is biased towards v_start at first)",
                     weights, 1 - rho**steps_unrolled),
                Fact("the averaged buffer is (1 - momentum) times the undamped one (same start scaled)",
                     average.subs(v_start, 0), ((1 - rho) * unrolled).subs(v_start, 0))],
        answer=("Keep a buffer of the data gradient only and add the exact $\\lambda\\theta_t$ at each step: "
                "$v_t = \\rho v_{t-1} + g_t$ (or $\\rho v_{t-1} + (1-\\rho) g_t$, the exponential average), "
                "$\\theta_{t+1} = \\theta_t - \\eta (v_t + \\lambda\\theta_t)$. nets.optim.DataMomentumSGD runs it."),
    )


@claim("optim.momentum_equivalence")
def _momentum_equivalence() -> Derivation:
    settings = {c: equivalent_settings(c) for c in CONVENTIONS}
    schedule = {c: equivalent_settings(c, schedule=True) for c in CONVENTIONS}
    starts = {c: matched_buffer_start(c) for c in CONVENTIONS}
    gaps = {c: pytorch_default_gap(c) for c in CONVENTIONS}
    a_step = data_only_step("pytorch")
    a, b, c = (sp.Symbol(n) for n in ("a", "b", "c"))  # the data-only recurrence's coefficients
    read_off = sp.Matrix([-c, -b, (1 - b - a) / -c])   # plain: a = 1 + momentum' - lr' wd', b = -momentum', c = -lr'
    derived = dict(zip((a, b, c), recurrence_coefficients(a_step)))
    mapping = sp.Matrix([settings["pytorch"][k] for k in ("lr", "momentum", "weight_decay")])
    values = {"target": mapping}
    for convention in CONVENTIONS:
        prefix = "" if convention == "pytorch" else "average_"
        for key in ("lr", "momentum", "weight_decay"):
            values[prefix + key] = settings[convention][key]
        values[prefix + "buffer_start"] = starts[convention].subs(v_start, 0)
        values[prefix + "schedule_momentum"] = schedule[convention]["momentum"]
        values[prefix + "gap"] = gaps[convention][1]
    values["average_schedule_lr"] = schedule["average"]["lr"]
    values["gap_first_step"] = gaps["pytorch"][0]
    z = sp.Symbol("z")
    roots = sp.roots(characteristic_polynomial("pytorch", z), z)
    facts = [
        Fact(f"{conv}: with the mapping the plain recurrence is the data-only one, for every theta_(t-1), theta_t, g_t",
             plain_step(conv).subs({lr2: settings[conv]["lr"], momentum2: settings[conv]["momentum"],
                                    weight_decay2: settings[conv]["weight_decay"]}), data_only_step(conv))
        for conv in CONVENTIONS]
    facts += [
        Fact("the naive mapping (same lr, momentum, lam) gives another recurrence",
             regulariser_in_buffer_step("pytorch"), a_step, holds=False),
        Fact("the un-corrected weight decay (lam, with momentum(1 - lr lam)) gives another recurrence",
             plain_step("pytorch").subs({lr2: lr, momentum2: settings["pytorch"]["momentum"], weight_decay2: lam}),
             a_step, holds=False),
        Fact("matched start (pytorch): the plain buffer starts at (v_start + lam theta_0)/(1 - lr lam)",
             starts["pytorch"], (v_start + lam * theta_0) / (1 - lr * lam)),
        Fact("schedule (pytorch): lr' = lr_t, weight_decay' = (1 - momentum) lam, momentum'_t = momentum (1 - lr_(t-1) lam)",
             sp.Matrix([schedule["pytorch"][k] for k in ("lr", "momentum", "weight_decay")]),
             sp.Matrix([lr, momentum * (1 - lr_previous * lam), (1 - momentum) * lam])),
        Fact("schedule (pytorch): the plain recurrence with momentum'_t = momentum (1 - lr_(t-1) lam) is the data-only one",
             plain_step("pytorch", lr, lr_previous, schedule["pytorch"]["momentum"], schedule["pytorch"]["weight_decay"]),
             data_only_step("pytorch", lr, lr_previous)),
        Fact("PyTorch's default buffer (first d) differs at the first step by e_1 = lr momentum lam theta_0",
             gaps["pytorch"][0], lr * momentum * lam * theta_0),
        Fact("the gap's modes are the roots momentum and 1 - lr lam of z^2 - a z - b",
             sp.Matrix(sorted(roots, key=sp.default_sort_key)),
             sp.Matrix(sorted([momentum, 1 - lr * lam], key=sp.default_sort_key))),
        Fact("the gap vanishes at t = 0 and is e_1 at t = 1",
             sp.Matrix([gaps["pytorch"][1].subs(t, 0), gaps["pytorch"][1].subs(t, 1)]),
             sp.Matrix([0, gaps["pytorch"][0]])),
    ]
    return Derivation(
        id="optim.momentum_equivalence", symbols=(lr, momentum, lam, theta_0, t, lr_previous, mapped_lr_previous, g_0),
        assumptions=(
            r"data-only algorithm: $v_t = \rho v_{t-1} + d\, g_t$, $\theta_{t+1} = \theta_t - \eta(v_t + \lambda\theta_t)$ "
            r"($\eta$ = \texttt{lr}, $\rho$ = \texttt{momentum}, $\lambda$ = \texttt{lam})",
            r"plain algorithm (PyTorch's SGD): $u_t = \mu' u_{t-1} + d'(g_t + \lambda'\theta_t)$, "
            r"$\theta_{t+1} = \theta_t - \eta' u_t$; $d = d' = 1$ (PyTorch), or $d = 1 - \rho$, $d' = 1 - \mu'$ "
            r"(exponential average: \texttt{dampening} = \texttt{momentum})",
            r"the gradient sequence $g_t$ is arbitrary (symbolic); $0 < \eta\lambda < 1$",
        ),
        steps=[Step(read_off, ""),
               Step(read_off.subs(derived), "match the coefficients of theta_t, theta_(t-1), g_t in the "
                                             "recurrences with the buffers eliminated",
                    rule=lambda e: sp.simplify(e.subs(derived))),
               Step(mapping, "algebra")],
        result=sp.Eq(sp.Matrix([lr2, momentum2, weight_decay2]), mapping),
        values=values,
        parts={k: k for k in values if k != "target"}, target_parts=("lr", "momentum", "weight_decay"),
        facts=facts,
        answer=(
            r"Yes, exactly, for every gradient sequence. PyTorch's convention: $\eta' = \eta$, "
            r"$\mu' = \rho(1 - \eta\lambda)$, $\lambda' = (1 - \rho)\lambda$. Exponential average "
            r"(\texttt{dampening} = $\mu'$): $\lambda' = \lambda$, $\mu' = \rho(1 - \eta\lambda)$, "
            r"$\eta' = \eta(1 - \rho)/(1 - \mu')$. Conditions: $0 < \eta\lambda < 1$ (so $\mu' \ge 0$), and the "
            r"first step must match: the plain buffer starts at $\lambda\theta_0/(1 - \eta\lambda)$ (PyTorch's "
            r"convention, data-only buffer at 0), not at PyTorch's first gradient. With PyTorch's default the "
            r"trajectories differ by $e_t = \eta\rho\lambda\theta_0((1 - \eta\lambda)^t - \rho^t)/(1 - \eta\lambda - \rho)$ "
            r"for $\theta$-independent gradients: it starts at $\eta\rho\lambda\theta_0$ and decays like "
            r"$\max(\rho, 1 - \eta\lambda)^t$, slowly when $\eta\lambda$ is small. Under a learning-rate schedule the "
            r"mapping stays exact with $\eta'_t = \eta_t$ and a time-varying $\mu'_t = \rho(1 - \eta_{t-1}\lambda)$."),
    )
