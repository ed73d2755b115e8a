import sympy as sp

from derivations.equality import Comparison, ExpressionTooLarge, compare, check_size

x, y = sp.symbols("x y", positive=True)
n = sp.Symbol("n", positive=True, integer=True)
u = sp.Symbol("u", real=True)


def test_an_identity_is_proved_equal():
    outcome = compare((x + y) ** 2, x**2 + 2 * x * y + y**2)
    assert outcome.equal and bool(outcome) and not outcome.witness


def test_a_difference_carries_its_witness_point_and_both_exact_values():
    outcome = compare((x + y) ** 2, x**2 + y**2)
    assert outcome.different and not outcome
    point = {x: sp.Rational(outcome.witness["x"]), y: sp.Rational(outcome.witness["y"])}
    assert outcome.digits is None
    assert outcome.left == ((x + y) ** 2).subs(point) and outcome.right == (x**2 + y**2).subs(point)
    assert outcome.left != outcome.right and "different" in outcome.describe()


def test_a_transcendental_difference_is_witnessed_to_a_stated_precision():
    outcome = compare(sp.exp(x), 1 + x + x**2 / 2)
    assert outcome.different and outcome.digits is not None
    assert abs(float(outcome.left) - float(sp.exp(sp.Rational(outcome.witness["x"])))) < 1e-12


def test_an_unknown_density_gives_undecided_not_different():
    p = sp.Function("p")
    whole = sp.Integral(p(u), (u, 0, 2))
    split = sp.Integral(p(u), (u, 0, 1)) + sp.Integral(p(u), (u, 1, 2))
    outcome = compare(split, whole)
    assert not outcome.different


def test_a_statement_for_every_function_is_refuted_by_one_function():
    p = sp.Function("p")
    outcome = compare(u**2 * p(u), u**2 * (p(u) + p(-u)) / 2)
    assert outcome.different and "p" in outcome.witness


def test_matrices_must_have_the_same_shape():
    outcome = compare(sp.Matrix([[1, 2], [3, 4]]), sp.Integer(1))
    assert outcome.different and "shape" in outcome.reason
    outcome = compare(sp.Matrix([x, 1]), sp.Matrix([x, 2]))
    assert outcome.different and outcome.entry == (1, 0)
    assert compare(sp.Matrix([x * (x + 1)]), sp.Matrix([x**2 + x])).equal


def test_a_power_tower_is_refused_before_any_work():
    tower = n ** (n ** (n ** (n ** n)))
    try:
        check_size(tower)
    except ExpressionTooLarge as error:
        assert "tower" in str(error)
    else:
        raise AssertionError("a tower of 4 was accepted")


def test_a_tower_within_bounds_gets_a_witness_at_a_point_of_bounded_cost():
    outcome = compare(n ** (n ** (n**n)), n)
    assert not outcome.equal


def test_undecided_is_falsy_and_states_its_reason():
    outcome = Comparison("undecided", "why")
    assert not outcome and outcome.undecided and outcome.describe() == "undecided: why"
    assert compare(x, x + 1, seconds=0).undecided


def test_piecewise_forms_are_compared_branch_by_branch():
    a = sp.Piecewise((1, u > 0), (sp.exp(u), True))
    assert compare(a, sp.Piecewise((1, u > 0), (sp.exp(u), True))).equal
    assert compare(a, sp.Piecewise((1, u > 0), (2 * sp.exp(u), True))).different


def test_the_witness_of_every_fact_claimed_false_renders_as_latex():
    import derivations
    from derivations.equality import fact_witnesses

    shown = 0
    for claim_id in ("init.preact_var", "init.relu_second_moment", "init.zero_init_symmetry"):
        for fact, outcome in fact_witnesses(derivations.get(claim_id).facts):
            assert outcome.different, (claim_id, fact.statement)
            assert r"\neq" in outcome.latex() and outcome.to_dict()["witness"] is not None
            shown += 1
    assert shown >= 3


def test_a_witness_never_shows_two_equal_values():
    """An exact side met a 20-digit side: the exact one was converted at 15 digits and the two
    'differed' at 1e-16 (found by the mutation sweep: 1/sqrt(n_in n_out) against 2/(n_in + n_out)
    at n_in = n_out = 7, both 1/7)."""
    import mpmath

    from derivations.equality import _differs

    with mpmath.workdps(80):
        seventh = mpmath.mpf(1) / 7
    assert not _differs(sp.Rational(1, 7), seventh, 20)
    n_in, n_out = sp.symbols("n_in n_out", positive=True)
    for seed in range(40):
        outcome = compare(2 / (n_in + n_out), 1 / sp.sqrt(n_in * n_out), seed=seed)
        assert outcome.different and outcome.witness["n_in"] != outcome.witness["n_out"]


def test_an_alarm_swallowed_by_the_block_fires_again_and_the_timer_is_left_off():
    # a signal handler's exception is lost when it lands in a gc callback (hypothesis registers one
    # in the test run); the budget must still end the block
    import signal
    import time

    import pytest

    from derivations.equality import _Budget, _interrupt_after

    before = signal.getsignal(signal.SIGALRM)
    caught = 0
    started = time.monotonic()
    with pytest.raises(_Budget):
        with _interrupt_after(0.05):
            try:
                time.sleep(5)
            except _Budget:
                caught += 1  # swallowed, as a gc callback would
            time.sleep(5)
    assert caught == 1 and time.monotonic() - started < 1
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0) and signal.getsignal(signal.SIGALRM) is before


def test_an_unused_budget_leaves_no_alarm_behind():
    import signal
    import time

    from derivations.equality import _interrupt_after

    before = signal.getsignal(signal.SIGALRM)
    with _interrupt_after(5):
        pass
    time.sleep(0.1)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0) and signal.getsignal(signal.SIGALRM) is before
